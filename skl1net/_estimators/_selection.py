"""L1FeatureSelector: select k input features along a sparse network's lmbda path.

The selector fits a network at a small ``lmbda`` (the dense end of the path),
then raises ``lmbda`` step by step, each fit warm-started from the last for a
few epochs, until at most ``n_features_to_select`` input features keep a
non-zero row in the first weight matrix. Features leave the model one group
soft-threshold at a time: what remains is a real sparse solution, not a
ranking of a dense network.

**Reweighting.** Between steps the group penalty of each feature is reweighted
by the inverse of a power of the norm of its row (the adaptive group lasso of
Wang and Leng, 2008, reweighted at every path step): weak features are pushed
out faster, strong ones are barely shrunk. A network has no per-feature
penalty weight in its public parameters, but the same effect comes from
rescaling the inputs: feature ``j`` enters as ``c_j * x_j`` and its row as
``W_j / c_j``, so the network computes the same function while the penalty on
that row, ``lmbda * ||W_j / c_j||``, is weighted by ``1 / c_j``. With
``c_j = (||W_j|| / max_i ||W_i||) ** reweight`` (the norms in the original
units) the strongest feature keeps weight 1 and no input is ever scaled up.

**Landing on k.** When a step removes more features than are left to remove,
the features it removed are ranked by their row norm before the step and the
strongest are kept, so that exactly ``n_features_to_select`` are selected.
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.extmath import row_norms
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..exceptions import ConstantOutputWarning, InputScaleWarning
from ..penalties import GroupL1Prox, L1Prox, Penalty
from ._classifier import L1MLPClassifier, auto_eta
from ._publishing import publish, published, working_copy
from ._regressor import L1MLPRegressor

#: Penalties whose prox leaves whole rows of the first layer exactly zero.
_SPARSE_PENALTIES = ("group_l1_prox", "l1_prox")

#: The default classifier's learning rate is this many times that of
#: ``eta='auto'`` on the data it is fitted on; it picked better features on
#: MNIST (see the feature selection page of the user guide).
_ETA_FACTOR = 2.0


def _row_norms(W):
    W = W.toarray() if sp.issparse(W) else np.asarray(W)
    return np.sqrt(np.einsum("ij,ij->i", W, W, dtype=np.float64))


class L1FeatureSelector(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    """Select input features along the warm-started ``lmbda`` path of a sparse network.

    Fits ``estimator`` at its own ``lmbda`` (the dense end of the path), then
    multiplies ``lmbda`` by ``growth`` at each step and trains the same network
    further for ``step_max_iter`` epochs, until at most
    ``n_features_to_select`` input features keep a non-zero outgoing weight.
    With ``penalty='group_l1_prox'`` (the default estimator's) a feature
    leaves the model when the group soft-threshold zeroes its whole row of
    the first weight matrix. Between steps the group penalty of each feature
    is divided by the norm of its row relative to the largest, to the power
    ``reweight`` (adaptive group lasso, done by rescaling the inputs: see
    :mod:`skl1net._estimators._selection`). When a step removes more
    features than needed, those it removed are ranked by their norm before
    the step and the strongest are kept: exactly ``n_features_to_select``
    features are selected.

    Parameters
    ----------
    estimator : L1MLPClassifier or L1MLPRegressor, default=None
        The network whose path is followed (cloned), with penalty
        'group_l1_prox' or 'l1_prox' (or an instance of their classes, whose
        own ``lmbda`` is None); its ``lmbda`` (``> 0``) starts the
        path and its ``max_iter`` is the first fit's epoch budget. None:
        ``L1MLPClassifier(penalty='group_l1_prox', max_iter=30)`` for class
        targets, at twice the learning rate ``eta='auto'`` would take on the
        data it is fitted on (0.2 for rows of mean squared norm up to 100),
        which picks better features;
        ``L1MLPRegressor(penalty='group_l1_prox', max_iter=30)`` otherwise.
    n_features_to_select : int or float, default=None
        Number of features to select; a float in (0, 1) is a fraction of the
        features (rounded, at least 1); None: half of them.
    growth : float, default=1.3
        Factor, ``> 1``, between the ``lmbda`` of consecutive path steps.
    step_max_iter : int, default=5
        Epochs of each warm-started path step.
    reweight : float, default=0.25
        Power of the relative row norm that divides each feature's group
        penalty between steps (adaptive group lasso); 0: no reweighting.
    max_steps : int, default=100
        Most path steps; if the path still has more than
        ``n_features_to_select`` features after them, the strongest rows
        are selected, with a :class:`~sklearn.exceptions.ConvergenceWarning`.
    refit : bool, default=True
        Fit a clone of ``estimator`` on the selected features only, as
        ``estimator_``.
    random_state : int, RandomState instance or None, default=None
        When not None, the ``random_state`` of the networks (the path's and
        the refitted one), in place of the estimator's own: their initial
        weights and shuffling.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen during fit, when ``X`` has string column names.
    support_ : ndarray of bool of shape (``n_features_in_``,)
        The selected features.
    n_features_ : int
        Number of selected features.
    ranking_ : ndarray of int of shape (``n_features_in_``,)
        1 for the selected features; for the others, 1 plus the number of
        path steps they survived fewer than the selected ones (features that
        left at the same step share a rank).
    lmbdas_ : ndarray
        ``lmbda`` of each fit of the path, the first fit included.
    n_features_path_ : ndarray of int
        Features with a non-zero row after each fit of the path.
    path_estimator_ : estimator
        The network at the last path step, on all features, trained on the
        inputs as rescaled by the reweighting.
    estimator_ : estimator
        With ``refit=True``: the network fitted on the selected features.

    See Also
    --------
    sklearn.feature_selection.SelectFromModel : Selection by a fitted
        model's ``feature_importances_``; with ``L1MLPClassifier``, pass
        ``max_features=k, threshold=-np.inf`` to rank one network's rows.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skl1net import L1FeatureSelector, L1MLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> net = L1MLPClassifier(penalty="group_l1_prox", max_iter=20, random_state=0)
    >>> selector = L1FeatureSelector(net, n_features_to_select=5).fit(X, y)
    >>> selector.transform(X).shape, selector.estimator_.n_features_in_
    ((569, 5), 5)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "n_features_to_select": [
            None,
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
        ],
        "growth": [Interval(Real, 1, None, closed="neither")],
        "step_max_iter": [Interval(Integral, 1, None, closed="left")],
        "reweight": [Interval(Real, 0, None, closed="left")],
        "max_steps": [Interval(Integral, 0, None, closed="left")],
        "refit": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        n_features_to_select=None,
        *,
        growth=1.3,
        step_max_iter=5,
        reweight=0.25,
        max_steps=100,
        refit=True,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.growth = growth
        self.step_max_iter = step_max_iter
        self.reweight = reweight
        self.max_steps = max_steps
        self.refit = refit
        self.random_state = random_state

    def _network(self, X, y, sample_weight):
        """The network to fit on ``X``: a clone of ``estimator``, or the default for ``y``."""
        if self.estimator is None:
            kind = type_of_target(y)
            classes = ("binary", "multiclass", "multilabel-indicator")
            if kind in classes:
                rate = _ETA_FACTOR * auto_eta(row_norms(X, squared=True), sample_weight)
                net = L1MLPClassifier(penalty="group_l1_prox", max_iter=30, eta=rate)
            else:
                net = L1MLPRegressor(penalty="group_l1_prox", max_iter=30)
        else:
            net = clone(self.estimator)
        if self.random_state is not None:
            net.set_params(random_state=self.random_state)
        return net

    def _check_estimator(self):
        """Errors for an ``estimator`` whose path cannot select features."""
        if self.estimator is None:
            return
        if not isinstance(self.estimator, (L1MLPClassifier, L1MLPRegressor)):
            raise TypeError(
                "estimator must be an L1MLPClassifier or an L1MLPRegressor, got "
                f"{type(self.estimator).__name__}."
            )
        penalty, lmbda = self.estimator.penalty, self.estimator.lmbda
        if isinstance(penalty, (GroupL1Prox, L1Prox)):
            if penalty.lmbda is not None and penalty.lmbda != lmbda:
                raise ValueError(
                    f"estimator has penalty={penalty!r} with its own lmbda: the path "
                    "sets the estimator's lmbda at every step, which the penalty's "
                    "must follow. Leave the instance's lmbda at None."
                )
        elif isinstance(penalty, Penalty) or penalty not in _SPARSE_PENALTIES:
            raise ValueError(
                f"estimator has penalty={penalty!r}, which leaves no exact zeros: "
                "the path needs penalty='group_l1_prox' (or 'l1_prox')."
            )
        if not lmbda > 0:
            raise ValueError(
                f"estimator has lmbda={lmbda!r}: the path starts at the estimator's "
                "lmbda and multiplies it by growth, so it must be > 0."
            )

    def _n_to_select(self, n_features):
        k = self.n_features_to_select
        if k is None:
            return max(1, n_features // 2)
        if isinstance(k, Real) and not isinstance(k, Integral):
            return max(1, int(round(k * n_features)))
        if k > n_features:
            raise ValueError(
                f"n_features_to_select={k} exceeds the {n_features} features of X."
            )
        return int(k)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Follow the path until at most ``n_features_to_select`` features remain.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels, or values for regression.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples, in every fit of the path.

        Returns
        -------
        self : L1FeatureSelector
            The fitted selector.
        """
        # trained aside and published in one step: a failed fit leaves a
        # fitted selector as it was, and readers see one selection
        work = working_copy(self)
        work._fit(X, y, sample_weight)
        publish(self, work)
        return self

    def _fit(self, X, y, sample_weight):
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=(np.float64, np.float32), multi_output=True
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        self._check_estimator()
        k = self._n_to_select(X.shape[1])
        net = self._network(X, y, sample_weight).set_params(warm_start=True)
        support, ranking, path = self._follow_path(net, X, y, sample_weight, k)
        estimator = None
        if self.refit:
            X_selected = X[:, np.flatnonzero(support)]
            estimator = self._network(X_selected, y, sample_weight).set_params(warm_start=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InputScaleWarning)  # (said by the path)
                estimator.fit(X_selected, y, sample_weight=sample_weight)
        # set the fitted attributes only once everything has succeeded
        self.support_, self.ranking_ = support, ranking
        self.n_features_ = int(support.sum())
        self.lmbdas_, self.n_features_path_ = path
        self.path_estimator_ = net
        if estimator is not None:
            self.estimator_ = estimator
        else:
            self.__dict__.pop("estimator_", None)
        return self

    def _follow_path(self, net, X, y, sample_weight, k):
        """Fit the path on ``net`` in place; return ``(support, ranking, (lmbdas, counts))``."""
        n_features = X.shape[1]
        scale = np.ones(n_features)  # the inputs the network sees: X * scale
        lmbda = float(net.lmbda)
        lmbdas, counts = [], []
        left_at = np.full(n_features, -1)  # path step at which each feature left
        X_seen = X
        with warnings.catch_warnings():
            # short warm fits end on their budget by design; the last steps
            # may empty the network
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", ConstantOutputWarning)
            with warnings.catch_warnings(record=True) as caught:
                net.fit(X_seen, y, sample_weight=sample_weight)
            for warning in caught:  # at the caller of fit, as the estimators' own
                warnings.warn(warning.message, stacklevel=5)
            # the first fit has said it once
            warnings.simplefilter("ignore", InputScaleWarning)
            norms = _row_norms(net.coefs_[0]) * scale  # in the units of X
            lmbdas.append(lmbda)
            counts.append(int((norms > 0).sum()))
            left_at[(norms == 0) & (left_at < 0)] = 0
            before = norms
            step = 0
            while counts[-1] > k and step < self.max_steps:
                step += 1
                before = norms
                if self.reweight:
                    scale, X_seen = self._reweight(net, X, scale, norms, self.reweight)
                lmbda *= self.growth
                net.set_params(lmbda=lmbda, max_iter=self.step_max_iter)
                net.fit(X_seen, y, sample_weight=sample_weight)
                norms = _row_norms(net.coefs_[0]) * scale
                lmbdas.append(lmbda)
                counts.append(int((norms > 0).sum()))
                left_at[(norms == 0) & (left_at < 0)] = step
        if counts[-1] > k:
            warnings.warn(
                f"The path still had {counts[-1]} features after max_steps="
                f"{self.max_steps} steps (lmbda {lmbdas[-1]:.3g}); the {k} with the "
                "largest rows are selected. Raise max_steps or growth.",
                ConvergenceWarning,
            )
            score = norms
        elif step == 0 and counts[0] < k:
            warnings.warn(
                f"The first fit, at the estimator's lmbda={lmbdas[0]:.3g}, kept only "
                f"{counts[0]} features, fewer than the {k} to select; the others are "
                "taken in column order. Lower the estimator's lmbda."
            )
            score = np.where(norms > 0, np.inf, 0.0)
        else:
            # the survivors, then the features the last step removed, strongest first
            score = np.where(norms > 0, np.inf, np.where(left_at == step, before, -1.0))
        support = np.zeros(n_features, dtype=bool)
        support[np.argsort(-score, kind="stable")[:k]] = True
        left_at[left_at < 0] = step  # survivors left out by max_steps rank next
        ranking = np.where(support, 1, 2 + step - left_at)
        return support, ranking, (np.array(lmbdas), np.array(counts))

    @staticmethod
    def _reweight(net, X, scale, norms, power):
        """Rescale the inputs to ``c = (norms / max(norms)) ** power`` and the rows to match; return ``(c, X * c)``."""
        top = norms.max()
        new = (norms / top) ** power if top > 0 else np.ones_like(norms)
        new[norms == 0] = 0.0  # (0 ** 0 is 1)
        ratio = np.divide(scale, new, out=np.zeros_like(new), where=new > 0)
        W = net.coefs_[0]
        net.coefs_[0] = (W * ratio[:, None].astype(W.dtype)).astype(W.dtype, order="K")
        c = new.astype(X.dtype)
        X_seen = X @ sp.diags(c, format="csr") if sp.issparse(X) else X * c
        return new, X_seen

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    # The readers of several fitted attributes (the features seen in fit and
    # the selection) read them from one published selector.
    def transform(self, X):
        """Keep the selected features of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data, with the features seen in :meth:`fit`.

        Returns
        -------
        X_selected : {ndarray, sparse matrix} of shape (n_samples, n_selected)
            The selected columns of ``X``.
        """
        return super(L1FeatureSelector, published(self)).transform(X)

    def inverse_transform(self, X):
        """Put the selected features back in place, zeros in the others.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_selected)
            Selected features.

        Returns
        -------
        X_original : {ndarray, sparse matrix} of shape (n_samples, ``n_features_in_``)
            ``X`` in the columns of the selected features, zeros elsewhere.
        """
        return super(L1FeatureSelector, published(self)).inverse_transform(X)

    def get_feature_names_out(self, input_features=None):
        """Names of the selected features.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Names of the input features; None: ``feature_names_in_``, or
            ``x0, x1, ...`` when ``fit`` saw no names.

        Returns
        -------
        feature_names_out : ndarray of str
            The names of the selected features.
        """
        view = published(self)
        return super(L1FeatureSelector, view).get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
