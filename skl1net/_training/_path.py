"""The regularization path: one warm-started fit per ``lmbda``.

:func:`lmbda_path` fits a sequence of penalty strengths, each fit starting
from the previous solution, and reports for each the validation score, the
objective and how sparse the network is. :func:`lmbda_max` and
:func:`lmbda_grid` choose the grid from the data, as glmnet does.

The path runs from the smallest ``lmbda`` up, dense to sparse, as LassoNet
does: a network whose weights are all zero has a zero loss gradient in every
weight, so a warm start from the sparse end would never leave it. The first
fit gets the estimator's ``max_iter`` epochs; every later one starts next to
its solution and gets a budget of ``warm_max_iter`` epochs (see
:func:`warm_budget`), within which the estimator's own stopping rule may end
it earlier.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.extmath import row_norms
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _num_samples, indexable

from .._estimators._base import training_data
from .._estimators._checks import check_sparse_structure, relative_weights
from .._estimators._validation import warn_if_unscaled
from .._network._mlp import LOSSES, Workspace, forward, init_params
from ..exceptions import ConstantOutputWarning, InputScaleWarning
from ..penalties import make_penalty, total_value
from ._batches import resolve_max_iter
from ._split import validation_split


def _default_estimator(y):
    from .._estimators._classifier import L1MLPClassifier
    from .._estimators._regressor import L1MLPRegressor

    kind = type_of_target(y)
    if kind in ("binary", "multiclass", "multilabel-indicator"):
        return L1MLPClassifier()
    return L1MLPRegressor()


class _FirstLayerGradient:
    """Sums the first layer's weight gradients of the batches :meth:`Workspace.backward` sees into ``G``."""

    def __init__(self, G):
        self.G = G

    def step_layer(self, i, W, b, gradient):
        if i == 0:
            gradient.add_to_weights(self.G, 1.0, 1.0)


#: Rows back-propagated at a time by :func:`lmbda_max`.
_CHUNK = 4096


def lmbda_max(X, y, estimator=None, sample_weight=None):
    """Smallest ``lmbda`` at which the zero first layer is stationary.

    With ``W_0 = 0`` the hidden activations are constant, the output bias
    takes the output to its best constant (the weighted target mean) and the
    deeper layers get no loss gradient; ``W_0 = 0`` then stays put exactly
    when ``lmbda >= max |dL/dW_0|``, the gradient taken at the estimator's
    initial deeper weights (same ``random_state``). For
    ``hidden_layer_sizes=()`` this is glmnet's ``lmbda_max`` of the lasso;
    above it the whole network collapses to a constant.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    estimator : L1MLPClassifier or L1MLPRegressor, default=None
        Architecture, activation and ``random_state`` of the network (its
        ``lmbda`` is ignored); by default one with default settings and
        ``random_state=0`` (the value depends a little on the initial deeper
        layers: this makes it repeatable), a classifier for class targets and
        a regressor otherwise.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples in the objective's weighted mean loss (with
        the estimator's ``class_weight``); None: equal weights.

    Returns
    -------
    lmbda_max : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Lasso
    >>> from skl1net import L1MLPRegressor
    >>> from skl1net._training._path import lmbda_max
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(50, 5), rng.randn(50)
    >>> top = lmbda_max(X, y, L1MLPRegressor(hidden_layer_sizes=()))
    >>> Lasso(alpha=top * 1.01).fit(X, y).coef_.any(), Lasso(alpha=top * 0.9).fit(X, y).coef_.any()
    (np.False_, np.True_)
    """
    if estimator is None:
        estimator = _default_estimator(y).set_params(random_state=0)
    est = clone(estimator)  # (a RandomState instance is drawn from in a copy)
    X, Y, sw, units = training_data(est, X, y, sample_weight)
    coefs, intercepts = init_params(
        units, est.activation, np.float64, check_random_state(est.random_state)
    )
    coefs[0][...] = 0
    # the output at its best constant, the (weighted) target mean: output delta
    # P - Y per sample, times the sample's share of the weighted mean loss
    if sw is None:
        delta = (Y.mean(axis=0) - Y) / len(Y)
    else:
        share = sw / sw.sum()
        delta = share[:, None] * (np.average(Y, axis=0, weights=share) - Y)
    n = X.shape[0]
    out_activation = "identity"  # (the output delta is given)
    ws = Workspace(units, min(n, _CHUNK), np.float64, est.activation, out_activation)
    grad = _FirstLayerGradient(np.zeros((units[0], units[1])))
    for start in range(0, n, _CHUNK):
        rows = slice(start, min(start + _CHUNK, n))
        ws.backward(X[rows].astype(np.float64), delta[rows], coefs, intercepts, grad)
    return float(np.abs(grad.G).max())


def lmbda_grid(X, y, estimator=None, n_lmbdas=10, ratio=1e-2, sample_weight=None):
    """Log-spaced grid from :func:`lmbda_max` down to ``ratio * lmbda_max``, decreasing.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net import L1MLPRegressor
    >>> from skl1net._training._path import lmbda_grid
    >>> rng = np.random.RandomState(0)
    >>> grid = lmbda_grid(rng.randn(50, 5), rng.randn(50), L1MLPRegressor(), n_lmbdas=3)
    >>> len(grid), bool(np.isclose(grid[-1] / grid[0], 1e-2))
    (3, True)
    """
    top = lmbda_max(X, y, estimator, sample_weight)
    if not top > 0:
        raise ValueError(
            "lmbda_max is 0 for these data and this network: the loss gradient on a "
            "zero first layer vanishes (a constant target, or no unit of the first "
            "hidden layer active at its initial bias), so no lmbda grid can be "
            "derived from it. Pass the lmbda values explicitly (lmbdas=[...])."
        )
    return np.geomspace(top, top * ratio, n_lmbdas)


@dataclass
class PathEntry:
    """One point of a regularization path.

    Attributes
    ----------
    lmbda : float
        Penalty strength.
    score : float
        Validation score (accuracy or R^2; the training score when the path
        has no validation set).
    objective : float
        Penalized training objective ``mean loss + lmbda * R(W)`` at the end.
    zero_fraction : float
        Fraction of exactly-zero weights overall.
    layer_zero_fractions : ndarray
        Fraction of exactly-zero weights of each weight matrix.
    n_features_selected : int
        Input features with a non-zero outgoing weight.
    support : ndarray of bool
        Which input features those are.
    n_dead_units : ndarray of int
        Dead units of each hidden layer.
    n_iter : int
        Epochs this fit ran.
    model : estimator or None
        A copy of the fitted model, with ``return_models=True``.
    """

    lmbda: float
    score: float
    objective: float
    zero_fraction: float
    layer_zero_fractions: np.ndarray
    n_features_selected: int
    support: np.ndarray
    n_dead_units: np.ndarray
    n_iter: int
    model: object = field(default=None, repr=False)


def warm_budget(estimator, warm_max_iter="auto", n_samples=None):
    """Epochs of each warm-started fit of a path (see the module docstring).

    ``n_samples``, the rows of the path's data, resolves ``max_iter='auto'``
    (:func:`~skl1net._training._batches.resolve_max_iter`).

    Examples
    --------
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._training._path import warm_budget
    >>> warm_budget(L1MLPClassifier(max_iter=200)), warm_budget(L1MLPClassifier(max_iter=5))
    (20, 5)
    >>> warm_budget(L1MLPClassifier(max_iter="auto"), n_samples=60_000)
    10
    """
    max_iter = resolve_max_iter(estimator.max_iter, 1 if n_samples is None else n_samples)
    if warm_max_iter is None:
        return max_iter
    if isinstance(warm_max_iter, str) and warm_max_iter == "auto":
        return min(max_iter, max(10, max_iter // 10))
    return int(warm_max_iter)


def walk(estimator, X, y, lmbdas, warm_max_iter="auto", sample_weight=None):
    """Fit ``lmbdas`` from the smallest up, each fit warm-started from the last.

    Yields ``(i, est, n_iter)``: the index into ``lmbdas``, the estimator
    fitted with ``lmbdas[i]`` (one object, refitted in place at the next
    step: copy it to keep it) and the epochs that fit ran. The first fit gets
    the estimator's ``max_iter`` epochs, the others :func:`warm_budget`'s;
    the ConvergenceWarning a warm fit raises on using up its budget, by
    design, is silenced, and so are the fits' InputScaleWarning (the callers
    issue it once, see :func:`check_scale`) and ConstantOutputWarning (the
    largest ``lmbda`` of a path empty the network by design).
    ``sample_weight`` goes to every fit.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._training._path import walk
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    >>> steps = [(i, n_iter) for i, est, n_iter in walk(clf, X, y, [1e-2, 1e-3], warm_max_iter=5)]
    >>> [i for i, _ in steps], steps[1][1] <= 5
    ([1, 0], True)
    """
    est = clone(estimator).set_params(warm_start=True)
    budget = warm_budget(estimator, warm_max_iter, _num_samples(X))
    for step, i in enumerate(np.argsort(lmbdas, kind="stable")):
        n_iter = getattr(est, "n_iter_", 0)
        est.set_params(lmbda=float(lmbdas[i]), max_iter=budget if step else estimator.max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputScaleWarning)
            warnings.simplefilter("ignore", ConstantOutputWarning)  # (empty by design)
            if step:
                warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y, sample_weight=sample_weight)
        yield int(i), est, est.n_iter_ - n_iter


def check_scale(X, estimator, stacklevel):
    """The fits' InputScaleWarning, once, for the caller of a path or a search.

    Only for ``eta='auto'``, as in the estimators' ``fit`` (see
    :meth:`skl1net._estimators._base.BaseL1MLP._initial_eta`); ``stacklevel`` counts
    from this function's caller.
    """
    if estimator.eta != "auto":
        return
    try:  # float arrays as they are (no copy of the data for a warning)
        X = X if sp.issparse(X) else np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(np.float64)
    except (TypeError, ValueError):  # not numbers: the fits say what is wrong
        return
    if X.ndim == 2 and X.shape[0]:
        warn_if_unscaled(row_norms(X, squared=True), X.shape[1], stacklevel + 1)


def snapshot(est, template):
    """A copy of the path's current model with the template's ``max_iter`` and ``warm_start``."""
    model = copy.deepcopy(est)
    return model.set_params(max_iter=template.max_iter, warm_start=template.warm_start)


def objective(est, X, y, sample_weight=None):
    """Penalized objective ``weighted mean loss + lmbda * R(W)`` of a fitted model on data.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net import L1MLPRegressor
    >>> from skl1net._training._path import objective
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(40, 3), rng.randn(40)
    >>> reg = L1MLPRegressor(hidden_layer_sizes=(), lmbda=0.1, max_iter=5).fit(X, y)
    >>> value = 0.5 * np.mean((y - reg.predict(X)) ** 2) + 0.1 * np.abs(reg.coefs_[0]).sum()
    >>> bool(np.isclose(objective(reg, X, y), value))
    True
    """
    X, Y, weights, _ = training_data(est, X, y, sample_weight, fitted=True)
    P = forward(X, est.coefs_, est.intercepts_, est.activation, est.out_activation_)
    losses = LOSSES[est.out_activation_](np.asarray(Y, dtype=P.dtype), P)
    loss = float(np.average(losses, weights=weights))
    return loss + total_value(make_penalty(est.penalty, est.lmbda), est.coefs_)


def lmbda_path(
    X,
    y,
    lmbdas=None,
    *,
    estimator=None,
    n_lmbdas=10,
    ratio=1e-2,
    validation_data=None,
    validation_fraction=0.2,
    return_models=False,
    random_state=None,
    warm_max_iter="auto",
    sample_weight=None,
):
    """Fit a warm-started sequence of ``lmbda`` values and report each solution.

    The fits run from the smallest ``lmbda`` to the largest, each starting
    from the previous weights (see the module docstring for why upward); the
    first gets ``max_iter`` epochs, the others ``warm_max_iter``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    lmbdas : array-like of float, default=None
        Penalty strengths. ``None``: ``n_lmbdas`` values from
        :func:`lmbda_max` down to ``ratio * lmbda_max``, log-spaced
        (computed on the training part).
    estimator : L1MLPClassifier or L1MLPRegressor, default=None
        Template of every fit (cloned; its ``lmbda`` and ``warm_start`` are
        overridden). Default: the default classifier for class targets, the
        default regressor otherwise.
    n_lmbdas : int, default=10
        Length of the automatic grid.
    ratio : float, default=1e-2
        Smallest over largest ``lmbda`` of the automatic grid.
    validation_data : tuple (X_val, y_val) or (X_val, y_val, sample_weight_val), default=None
        Data to score each fit on (the score weighted when weights are
        given). Without it ``validation_fraction`` of ``X`` is held out
        (stratified for classifiers when every class can be in both parts),
        with its ``sample_weight``.
    validation_fraction : float or None, default=0.2
        Share of ``X`` held out when ``validation_data`` is None; ``None``
        scores on the training data.
    return_models : bool, default=False
        Keep a copy of each fitted model in the entries.
    random_state : int, RandomState instance or None, default=None
        Seed of the validation split.
    warm_max_iter : int, 'auto' or None, default='auto'
        Epoch budget of every fit after the first (see the module
        docstring): 'auto' is ``max(10, max_iter // 10)`` capped at
        ``max_iter``; ``None`` gives them ``max_iter`` too.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples of ``X``: in every fit, in the objective and
        in the automatic grid; the held-out part's weights weight its score.

    Returns
    -------
    path : list of PathEntry
        One entry per ``lmbda``, in the order of ``lmbdas`` (decreasing for
        the automatic grid).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skl1net import L1MLPClassifier, lmbda_path
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=15, random_state=0)
    >>> path = lmbda_path(X / 16, y, [1e-2, 3e-3, 1e-3], estimator=clf, random_state=0)
    >>> len(path), path[0].zero_fraction > path[-1].zero_fraction
    (3, True)
    """
    check_sparse_structure(X)  # before its rows are taken or its norms computed
    if estimator is None:
        estimator = _default_estimator(y)
    if sp.issparse(y) and not is_classifier(estimator):
        y = y.toarray()  # the fits take it so, and r2_score takes dense targets only
    # one row per sample in each; sparse X (and y) as CSR, whose rows can be taken
    X, y = indexable(X, y if sp.issparse(y) else np.asarray(y))
    sw = relative_weights(sample_weight)  # the ratios count: sums cannot overflow
    if sw is not None and sw.shape != (y.shape[0],):
        raise ValueError(
            f"sample_weight has shape {sw.shape}; expected ({y.shape[0]},), one per sample."
        )
    if validation_data is not None:
        X_val, y_val, *rest = validation_data
        sw_val = rest[0] if rest else None
    elif validation_fraction is None:
        X_val, y_val, sw_val = X, y, sw
    else:
        stratify = y if type_of_target(y) in ("binary", "multiclass") else None
        train, test = validation_split(
            y.shape[0], validation_fraction, stratify, random_state, stacklevel=2
        )
        X, X_val = _safe_indexing(X, train), _safe_indexing(X, test)
        y, y_val = _safe_indexing(y, train), _safe_indexing(y, test)
        sw, sw_val = (None, None) if sw is None else (sw[train], sw[test])
    check_scale(X, estimator, stacklevel=2)
    if lmbdas is None:
        lmbdas = lmbda_grid(X, y, estimator, n_lmbdas, ratio, sw)
    lmbdas = np.asarray(lmbdas, dtype=np.float64).ravel()
    path = [None] * len(lmbdas)
    for i, est, n_iter in walk(estimator, X, y, lmbdas, warm_max_iter, sw):
        path[i] = PathEntry(
            lmbda=float(lmbdas[i]),
            score=float(est.score(X_val, y_val, sample_weight=sw_val)),
            objective=objective(est, X, y, sw),
            zero_fraction=est.zero_fraction_,
            layer_zero_fractions=est.layer_zero_fractions_,
            n_features_selected=est.n_features_selected_,
            support=est.support_,
            n_dead_units=est.n_dead_units_,
            n_iter=n_iter,
            model=snapshot(est, estimator) if return_models else None,
        )
    return path

