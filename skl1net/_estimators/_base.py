"""The base class of the skl1net estimators: validation, the fit glue and prediction.

:class:`BaseL1MLP` checks the hyperparameters and the data, creates or
continues a network, hands its training to :mod:`skl1net._training._loop`,
and guarantees that a failed call leaves an already fitted model exactly as
it was. Subclasses turn ``y`` into the matrix of targets the network is
trained on and score the validation set.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.exceptions import DataConversionWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import row_norms
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from .._network._compact import forward_pruned
from .._training._loop import INTERRUPTED
from ..exceptions import ConstantOutputWarning
from .._optim._adam import AUTO_ETA as ADAM_AUTO_ETA
from .._training._solvers import SOLVERS
from ..penalties import PENALTIES, L1Prox, Penalty
from ._fitting import TrainingMixin
from ._persistence import VersionedStateMixin
from ._publishing import publish, working_copy
from ._sparsity import SparsityMixin
from ._validation import naming, warn_if_unscaled
from ._checks import (
    check_feature_scale,
    check_finite_weights,
    check_model,
    check_sparse_structure,
    relative_weights,
)


class TrainingData(NamedTuple):
    """The data and network shape an estimator trains on (see :func:`training_data`)."""

    X: object
    Y: np.ndarray
    sample_weight: object
    layer_units: list


def training_data(estimator, X, y, sample_weight=None, *, fitted=False):
    """``X``, the float target matrix, the sample weights and the layer sizes ``estimator`` trains on.

    Validated as ``fit`` validates them (same errors): for a new network on a
    throwaway clone of ``estimator``, or with ``fitted=True`` for the fitted
    ``estimator`` itself (which is left unchanged). ``X`` is a float array
    (float32 kept, cast to a fitted model's dtype) or a CSR matrix; the
    weights include the estimator's ``class_weight`` (None: equal).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net._estimators._base import training_data
    >>> data = training_data(L1MLPClassifier((5,)), np.ones((4, 3)), ["a", "b", "c", "a"])
    >>> data.Y.shape, data.layer_units
    ((4, 3), [3, 5, 3])
    """
    est = estimator if fitted else clone(estimator)
    X, y, sample_weight = est._validate_training_data(X, y, sample_weight, first=not fitted)
    Y, sample_weight, _ = est._targets(
        y, sample_weight, first=not fitted, incremental=False, classes=None
    )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    hidden = [W.shape[1] for W in est.coefs_[:-1]] if fitted else est._hidden_sizes()
    return TrainingData(X, Y, sample_weight, [X.shape[1], *hidden, Y.shape[1]])


def refit_support(estimator, X, y, n_epochs, sample_weight=None):
    """Run the debiasing phase of ``debias=True`` on the fitted ``estimator``, in place.

    The non-zero weights are retrained without the penalty for
    :func:`~skl1net._training._debias.n_debias_epochs` ``(n_epochs)`` epochs,
    as after a ``fit`` of ``n_epochs`` penalized epochs; also after other
    changes of the support (weights pruned by hand). Returns ``estimator``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net import L1MLPRegressor
    >>> from skl1net._estimators._base import refit_support
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 4)
    >>> y = X[:, 0] + 0.1 * rng.randn(60)
    >>> reg = L1MLPRegressor((), lmbda=0.05, max_iter=20, random_state=0).fit(X, y)
    >>> refit_support(reg, X, y, n_epochs=20).n_iter_
    30
    """
    check_is_fitted(estimator)
    return estimator._fit(X, y, sample_weight, incremental=True, refit_support=n_epochs)


class BaseL1MLP(
    TrainingMixin, SparsityMixin, VersionedStateMixin, BaseEstimator, metaclass=ABCMeta
):
    """Base class of the L1-regularized multilayer perceptrons.

    Do not use it directly; use :class:`skl1net.L1MLPClassifier`.
    """

    #: ``eta='auto'`` under Adam (scikit-learn's ``learning_rate_init``; the
    #: classifier's is chosen by measurement).
    _adam_auto_eta = ADAM_AUTO_ETA

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "penalty": [StrOptions(set(PENALTIES)), Penalty],
        "lmbda": [Interval(Real, 0, None, closed="left")],
        "eta": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "anneal"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "solver": [StrOptions(set(SOLVERS))],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "debias": ["boolean"],
        "reweight": [Interval(Integral, 0, None, closed="left")],
        "working_set": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        penalty,
        lmbda,
        eta,
        batch_size,
        max_iter,
        learning_rate,
        power_t,
        momentum,
        nesterovs_momentum,
        shuffle,
        tol,
        n_iter_no_change,
        early_stopping,
        validation_fraction,
        warm_start,
        random_state,
        verbose,
        debias=False,
        reweight=0,
        working_set="auto",
        solver="sgd",
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.penalty = penalty
        self.lmbda = lmbda
        self.eta = eta
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.solver = solver
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.debias = debias
        self.reweight = reweight
        self.working_set = working_set
        self.random_state = random_state
        self.verbose = verbose

    # -- hooks for the subclasses ----------------------------------------------
    @abstractmethod
    def _targets(self, y, sample_weight, *, first, incremental, classes):
        """Return ``(Y, sample_weight, stratify)`` and set target attributes.

        ``Y`` is the float matrix the network fits, ``sample_weight`` the
        weights to train with (``None`` when all equal) and ``stratify`` the
        labels to stratify the validation split by (or ``None``).
        """

    def _init_output_bias(self, bias, Y, sample_weight):
        """Set a new network's output ``bias`` in place from its targets; default: keep it."""

    @abstractmethod
    def _validation_score(self, X, y, sample_weight):
        """Score of the current model on the validation set."""

    @property
    @abstractmethod
    def _out_activation(self):
        """Name of the output activation for the current targets."""

    # -- validation ------------------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        for size in sizes:
            if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
                raise ValueError(
                    "hidden_layer_sizes must contain positive integers only, got "
                    f"{self.hidden_layer_sizes!r}."
                )
        return [int(s) for s in sizes]

    def _check_params(self, first=True):
        """Rules that span several parameters (single ranges are in the constraints).

        Returns the hidden layer sizes of the network to train: those of
        ``hidden_layer_sizes`` for a new network, or, when training goes on
        (``partial_fit``, ``warm_start``), those of the fitted one, which
        ``hidden_layer_sizes`` must still describe.
        """
        if self.early_stopping and self.validation_fraction <= 0:
            raise ValueError("early_stopping=True needs validation_fraction > 0.")
        if self.reweight:
            self._check_reweight()
        if first:
            return self._hidden_sizes()
        check_model(self)  # training goes on from these weights: they must be a network
        fitted = [int(W.shape[1]) for W in self.coefs_[:-1]]
        sizes = self.hidden_layer_sizes
        if list(np.atleast_1d(sizes)) != fitted:
            raise ValueError(
                f"hidden_layer_sizes={sizes!r} does not match the fitted network's "
                f"hidden layers {tuple(fitted)!r}: partial_fit and warm_start train "
                "the fitted network further. Fit with warm_start=False to train a "
                "network of other sizes."
            )
        if 0 in fitted:
            raise ValueError(
                f"The fitted network has no hidden units left (hidden layers "
                f"{tuple(fitted)!r}): it cannot be trained further. Fit a new network: "
                "set_params(hidden_layer_sizes=...) with positive sizes, then fit "
                "with warm_start=False."
            )
        return fitted

    def _check_reweight(self):
        """Errors for ``reweight > 0`` with what it cannot train."""
        penalty = self.penalty
        if not (penalty == "l1_prox" or type(penalty) is L1Prox):
            raise ValueError(
                f"reweight={self.reweight} reweights the element-wise L1 penalty: it needs "
                f"penalty='l1_prox', got penalty={penalty!r}."
            )
        if self.working_set is True:
            raise ValueError(
                "reweight > 0 and working_set=True cannot be combined: the per-weight "
                "strengths of the reweighted rounds cover the whole network. Set "
                "working_set='auto' or False."
            )

    def _validate_X(self, X, *, reset, dtype=(np.float64, np.float32)):
        check_sparse_structure(X)  # before any compiled code follows its indices
        with naming("X"):
            return validate_data(
                self, X, accept_sparse="csr", dtype=dtype, order="C", reset=reset
            )

    def _validate_training_data(self, X, y, sample_weight, *, first):
        """Validated ``X``, ``y`` and ``sample_weight``; errors name the argument.

        A model that goes on training (``partial_fit``, ``warm_start``) keeps
        its dtype: floating ``X`` of another dtype is cast to it with a
        :class:`~sklearn.exceptions.DataConversionWarning`.
        """
        if first:
            dtype = (np.float64, np.float32)
        else:
            dtype = self.coefs_[0].dtype
            x_dtype = getattr(X, "dtype", None)
            if isinstance(x_dtype, np.dtype) and x_dtype.kind == "f" and x_dtype != dtype:
                warnings.warn(
                    f"X has dtype {x_dtype} but the model was fitted in {dtype}; X is "
                    f"cast to {dtype} and the model keeps its dtype. Refit from "
                    f"scratch (fit with warm_start=False) to train in {x_dtype}.",
                    DataConversionWarning,
                )
        X = self._validate_X(X, reset=first, dtype=dtype)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        check_sparse_structure(y, "y")
        with naming("y"):
            y = check_array(
                y, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y"
            )
        if sp.issparse(y) and not is_classifier(self):
            y = y.toarray()  # regression targets train and score (r2_score) dense
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y has {y.shape[0]} samples but X has {X.shape[0]}: they must have "
                "one row per sample."
            )
        if sample_weight is not None:
            with naming("sample_weight"):
                sample_weight = _check_sample_weight(
                    sample_weight, X, dtype=np.float64, ensure_non_negative=True
                )
            sample_weight = relative_weights(sample_weight)  # sums cannot overflow
        return X, y, sample_weight

    # -- fitting ---------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None, refit_support=None):
        """Fit, or update with one pass when ``incremental``; all-or-nothing, published in one step.

        With ``refit_support`` (a number of penalized epochs) the call runs
        only the debiasing phase that follows them. The call trains a working
        copy of the estimator (:mod:`._publishing`; the parameters and the
        optimizer state copied, the loss curve of the call apart) and
        publishes it in one step when it ends; until then the estimator is
        exactly as it was, and any exception leaves it so. A model that goes
        on training keeps its loss curve, extended in place as the new model
        is published. An interrupt (``KeyboardInterrupt``) publishes the
        model of the last completed epoch of the call (nothing if it
        completed none), without the debiasing phase, and is raised again.
        """
        work = working_copy(self)
        ended, losses = work._fit_unsafe(X, y, sample_weight, incremental, classes, refit_support)
        if ended == INTERRUPTED and not losses:
            raise KeyboardInterrupt  # no epoch completed: the model before the call stays
        work.__dict__.pop("_check_before_use", None)  # see __setstate__
        curve = work.loss_curve_  # the published one, when training goes on
        n_losses = len(curve)
        try:
            curve.extend(losses)
            publish(self, work)
        except BaseException:  # an interrupt between the two: nothing published
            if getattr(self, "coefs_", None) is not work.coefs_:
                del curve[n_losses:]
            raise
        if ended == INTERRUPTED:
            # The model of the last completed epoch is published (the loop
            # warned); what the user started ends: paths, CV and searches stop too.
            raise KeyboardInterrupt
        if not incremental:
            self._warn_if_constant()
        return self

    def _warn_if_constant(self):
        """Issue :class:`~skl1net.exceptions.ConstantOutputWarning` if a layer's weights are all zero."""
        empty = [i for i, W in enumerate(self.coefs_) if not W.any()]  # (dense after a fit)
        if empty and self.lmbda:
            warnings.warn(ConstantOutputWarning(empty[0], self.lmbda), stacklevel=5)

    def _fit_unsafe(self, X, y, sample_weight, incremental, classes, refit_support):
        """Train this (working) estimator; ``(what ended the epochs, the call's objectives)``."""
        if incremental and hasattr(self, "coefs_"):
            # _fit_context checks the parameters of partial_fit on the first
            # call only; set_params may have put them out of range since.
            self._validate_params()
        first = not hasattr(self, "coefs_") or not (incremental or self.warm_start)
        hidden = self._check_params(first)
        X, y, sample_weight = self._validate_training_data(
            X, y, sample_weight, first=first
        )
        Y, sample_weight, stratify = self._targets(
            y, sample_weight, first=first, incremental=incremental, classes=classes
        )
        Y = np.ascontiguousarray(Y, dtype=X.dtype)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=X.dtype)
        if first:
            self._init_network(X, Y, hidden)
            self._init_output_bias(self.intercepts_[-1], Y, sample_weight)
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs, the fitted model has {self.n_outputs_}."
            )
        state = self._training_state(X, Y, sample_weight, incremental)
        if refit_support is None:
            ended = self._train(state, X, Y, sample_weight, y, stratify, incremental)
        else:
            ended = self._debias(state, X, Y, sample_weight, refit_support)
        self._commit(state)
        return ended, state.loss_curve

    def _optimizer_params(self):
        """The hyperparameters of ``solver``'s optimizer, by its constructor's names."""
        if self.solver == "adam":
            return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
        return {"momentum": self.momentum, "nesterov": self.nesterovs_momentum}

    def _initial_eta(self, X, Y, sample_weight):
        """Learning rate to start from on the (validated) training data ``X``, targets ``Y`` and weights.

        Sets ``eta_``: ``eta`` itself, or for ``eta='auto'`` the subclass's
        data-dependent step :meth:`_auto_eta`, after a warning if the features
        are far from unit scale (:class:`~skl1net.exceptions.InputScaleWarning`)
        and a ``ValueError`` if they overflow or vanish. Under Adam,
        ``eta='auto'`` is the class's ``_adam_auto_eta``, after the same checks.
        """
        if self.eta != "auto":
            self.eta_ = float(self.eta)
            return self.eta_
        # Adam's steps do not scale with the features, but its forward pass
        # does: overflowing or vanishing features are refused under either solver.
        sq_norms = row_norms(X, squared=True) if X.shape[0] else np.zeros(1)
        check_feature_scale(sq_norms, X)
        warn_if_unscaled(sq_norms, X.shape[1], stacklevel=8)  # at the caller of fit
        if self.solver == "adam":
            self.eta_ = self._adam_auto_eta
            return self.eta_
        weights = None if sample_weight is None or not np.any(sample_weight) else sample_weight
        self.eta_ = float(self._auto_eta(sq_norms, Y, weights))
        return self.eta_

    @abstractmethod
    def _auto_eta(self, sq_norms, Y, sample_weight):
        """The initial learning rate that ``eta='auto'`` stands for.

        Given the rows' squared norms, the targets and the sample weights (or
        None), which weight the statistics the rule takes: a sample of weight
        2 counts as that sample twice, as in the objective.
        """

    # -- prediction and sparsity -------------------------------------------------
    def _forward(self, X):
        """Network output for new data (validated, cast to the model's dtype).

        Reads several fitted attributes: call it on a
        :func:`~skl1net._estimators._publishing.published` view.
        """
        check_is_fitted(self)
        if self.__dict__.get("_check_before_use"):  # see __setstate__
            check_model(self, finite=False)
        X = self._validate_X(X, reset=False, dtype=self.coefs_[0].dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            out = forward_pruned(
                X, self.coefs_, self.intercepts_, self.activation, self.out_activation_
            )
        if not np.isfinite(out).all():
            check_finite_weights(self)  # a damaged model is not the features' fault
            raise ValueError(
                "Invalid X: the network overflowed the range of "
                f"{self.coefs_[0].dtype} on it (largest |X| is "
                f"{abs(X).max():.3g}). Standardize the features, for example with "
                "sklearn.preprocessing.StandardScaler."
            )
        return out

    @property
    def loss_(self):
        """The training objective after the last epoch: ``loss_curve_[-1]`` (float).

        As scikit-learn's MLPs' ``loss_``: mean loss plus the penalty (the
        loss alone after the epochs of ``debias=True``).
        """
        check_is_fitted(self)
        curve = self.loss_curve_
        return curve[-1] if curve else math.nan

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
