"""Shared machinery of the skl1net estimators: validation and the training loop.

:class:`BaseL1MLP` owns everything that does not depend on the kind of
target: hyperparameter checks, initialisation, the epoch/mini-batch loop,
convergence and early stopping, and the guarantee that a failed call leaves an
already fitted model exactly as it was. Subclasses turn ``y`` into the matrix
of targets the network is trained on and score the validation set.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
import math
import warnings
from abc import ABCMeta, abstractmethod
from contextlib import nullcontext
from numbers import Integral, Real
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import row_norms
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from .._network._compact import abs_row_sums, compact_model, count_nonzero, dead_units, n_entries
from .._training._debias import refit_support
from .._training._working_set import WorkingSet
from ..exceptions import ConstantOutputWarning, InconsistentVersionWarning, InputScaleWarning
from .._network._mlp import Workspace, forward, init_params, weight_layout
from ..penalties import PENALTIES, Penalty, make_penalty
from .._optim._schedules import make_schedule
from .._optim._sgd import SGD
from ._validation import naming


#: Training stops as diverged when an epoch's objective is not finite or exceeds
#: this many times ``1 + `` the objective measured on the first batch of the call.
_DIVERGENCE_FACTOR = 100.0

#: ``batch_size='auto'`` is ``min(AUTO_BATCH_SIZE, n_samples)``. Smaller than
#: scikit-learn's 200: at a fixed number of epochs, twice the steps. On 28x28
#: digit images at MNIST's scale (784-300-100-10, 20 epochs) it gave the dense
#: network 0.3 to 0.4 points and the debiased 'l1_prox' ones about 1 to 2 points
#: more test accuracy at 90 % zeros than 200 did (docs/sparse_networks.rst,
#: "Batch size").
AUTO_BATCH_SIZE = 100

#: ``eta='auto'`` warns when the root mean square of the features exceeds this
#: (raw 8-bit pixels: about 85; scaled to [0, 1] or standardized: 1 or less).
#: On MNIST's raw pixels the defaults reach 71 % test accuracy, 94 % on the
#: same pixels divided by 255 (docs/user_guide.rst, "Scale the features").
_LARGE_FEATURES = 10.0


def warn_if_unscaled(sq_norms, n_features, stacklevel):
    """Issue :class:`~skl1net.exceptions.InputScaleWarning` if the features' RMS exceeds 10.

    ``sq_norms`` are the squared norms of the rows; ``stacklevel`` as for
    :func:`warnings.warn`, counted from this function's caller.
    """
    rms = math.sqrt(float(np.mean(sq_norms)) / max(n_features, 1))
    if rms > _LARGE_FEATURES:
        warnings.warn(InputScaleWarning(rms), stacklevel=stacklevel + 1)


def validation_split(n_samples, fraction, stratify, random_state, stacklevel):
    """Training and held-out row indices, ``fraction`` of the ``n_samples`` rows held out.

    Stratified by the labels ``stratify`` (None: not stratified) when that is
    possible: every class needs 2 samples and each part a sample of every
    class. Otherwise the split is a plain random one, with a warning
    (scikit-learn's MLPs do not stratify multiclass targets at all);
    ``stacklevel`` as for :func:`warnings.warn`, counted from this function's caller.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._estimators._base import validation_split
    >>> train, test = validation_split(10, 0.2, np.arange(10) % 2, 0, stacklevel=1)
    >>> len(train), np.bincount(np.arange(10)[test] % 2).tolist()
    (8, [1, 1])
    """
    if stratify is not None:
        classes, counts = np.unique(stratify, return_counts=True)
        n_test = math.ceil(fraction * n_samples)
        reason = None
        if counts.min() < 2:
            reason = f"class {classes.tolist()[counts.argmin()]!r} has a single sample"
        elif min(n_test, n_samples - n_test) < len(classes):
            reason = f"{n_test} held-out samples cannot cover {len(classes)} classes"
        if reason:
            warnings.warn(
                f"The held-out part cannot be stratified ({reason}); the split is "
                "a plain random one, which may miss some classes.",
                stacklevel=stacklevel + 1,
            )
            stratify = None
    return train_test_split(
        np.arange(n_samples), test_size=fraction, random_state=random_state, stratify=stratify
    )


class _MiniBatches:
    """Mini-batches of ``(X, Y, sample_weight)`` in a given row order.

    ``Y`` holds the targets: a matrix, or a vector of class indices.

    Rows are gathered into buffers allocated once; with ``gather=False`` the
    order is taken to be ``0..n-1`` and each batch is a view (a slice) of the
    data. Sample weights come normalised to sum 1 over the batch, with the
    batch's total weight beside them; batches of zero total weight are skipped.
    """

    def __init__(self, X, Y, sample_weight, batch_size, gather):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size, self.gather = batch_size, gather
        dtype = X.dtype
        if gather and not sp.issparse(X):
            self.x_buf = np.empty((batch_size, X.shape[1]), dtype)
        self.y_buf = np.empty((batch_size, *Y.shape[1:]), Y.dtype)
        self.sw_buf = np.empty(batch_size, dtype)

    def __call__(self, order):
        X, Y, sample_weight = self.X, self.Y, self.sample_weight
        for start in range(0, len(order), self.batch_size):
            stop = min(start + self.batch_size, len(order))
            m = stop - start
            # mode="clip" (the rows are valid anyway) lets take() write
            # straight into the buffer; "raise" would buffer it again.
            if self.gather:
                rows = order[start:stop]
                if isinstance(X, np.ndarray):
                    Xb = X.take(rows, axis=0, out=self.x_buf[:m], mode="clip")
                else:  # sparse
                    Xb = X[rows]
                Yb = Y.take(rows, axis=0, out=self.y_buf[:m], mode="clip")
            else:
                rows = slice(start, stop)
                Xb, Yb = X[rows], Y[rows]
            if sample_weight is None:
                yield Xb, Yb, None, m
                continue
            if self.gather:
                sw = np.take(sample_weight, rows, out=self.sw_buf[:m], mode="clip")
            else:
                sw = sample_weight[rows]
            batch_weight = float(sw.sum())
            if batch_weight == 0:
                continue
            yield Xb, Yb, np.divide(sw, batch_weight, out=self.sw_buf[:m]), batch_weight


class BaseL1MLP(BaseEstimator, metaclass=ABCMeta):
    """Base class of the L1-regularized multilayer perceptrons.

    Do not use it directly; use :class:`skl1net.L1MLPClassifier`.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "penalty": [StrOptions(set(PENALTIES)), Penalty],
        "lmbda": [Interval(Real, 0, None, closed="left")],
        "eta": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "anneal"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "debias": ["boolean"],
        "working_set": ["boolean"],
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
        working_set=True,
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
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.debias = debias
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
        if first:
            return self._hidden_sizes()
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
                f"{tuple(fitted)!r}, compacted from a network whose weights were all "
                "zero): it cannot be trained further. Fit a new network with "
                "warm_start=False."
            )
        return fitted

    def _validate_X(self, X, *, reset, dtype=(np.float64, np.float32)):
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
                    sample_weight, X, dtype=X.dtype, ensure_non_negative=True
                )
        return X, y, sample_weight

    # -- fitting ---------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        """Fit, or update with one pass when ``incremental``; all-or-nothing.

        Any exception leaves the estimator exactly as it was before the call:
        training works on copies of the parameters and optimizer state, and
        the attribute dictionary is restored on failure.
        """
        saved = dict(self.__dict__)
        try:
            self._fit_unsafe(X, y, sample_weight, incremental, classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        if not incremental:
            self._warn_if_constant()
        return self

    def _warn_if_constant(self):
        """Issue :class:`~skl1net.exceptions.ConstantOutputWarning` if a layer's weights are all zero."""
        empty = [i for i, W in enumerate(self.coefs_) if not W.any()]  # (dense after a fit)
        if empty and self.lmbda:
            warnings.warn(ConstantOutputWarning(empty[0], self.lmbda), stacklevel=5)

    def _fit_unsafe(self, X, y, sample_weight, incremental, classes):
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
            self._random_state = check_random_state(self.random_state)
            layer_units = [X.shape[1], *hidden, Y.shape[1]]
            coefs, self.intercepts_ = init_params(
                layer_units, self.activation, X.dtype, self._random_state
            )
            self.coefs_ = [
                np.asarray(W, order=weight_layout(i, sp.issparse(X))) for i, W in enumerate(coefs)
            ]
            self.n_outputs_ = Y.shape[1]
            self.n_layers_ = len(layer_units)
            self.out_activation_ = self._out_activation
            self.n_iter_ = 0
            self.t_ = 0
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self._optimizer = None
            if self.early_stopping and not incremental:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.validation_scores_ = None
                self.best_validation_score_ = None
                self.best_loss_ = np.inf
        else:
            if Y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[1]} outputs, the fitted model has {self.n_outputs_}."
                )
            # Work on copies: the committed model stays intact if this call fails.
            # In the layout training is fastest with; the sparse weights of a
            # compacted model train as dense arrays.
            orders = [weight_layout(i, sp.issparse(X)) for i in range(len(self.coefs_))]
            self.coefs_ = [
                W.toarray(order=o) if sp.issparse(W) else np.array(W, order=o)
                for W, o in zip(self.coefs_, orders)
            ]
            self.intercepts_ = [b.copy() for b in self.intercepts_]
            self._random_state = copy.deepcopy(self._random_state)
            self.loss_curve_ = list(self.loss_curve_)
            if self.early_stopping and not incremental:
                # warm start: early stopping may be switched on between fits
                self.validation_scores_ = list(self.validation_scores_ or [])
            elif self.validation_scores_ is not None:
                self.validation_scores_ = list(self.validation_scores_)
            if not incremental:
                # A warm-started fit stops on its own progress, not on a best
                # loss or score reached with other hyperparameters (lmbda paths).
                self._no_improvement_count = 0
                self.best_loss_ = None if self.early_stopping else np.inf
                self.best_validation_score_ = -np.inf if self.early_stopping else None
            elif self.best_loss_ is None:
                self.best_loss_ = np.inf
        penalty = make_penalty(self.penalty, self.lmbda)
        if self._optimizer is None or not incremental:
            self._optimizer = self._make_optimizer(penalty, X, Y, sample_weight)
        else:
            # Keep the velocities; hyperparameters changed by set_params apply
            # (a data-dependent eta such as 'auto' keeps its first value).
            self._optimizer = copy.deepcopy(self._optimizer)
            eta = self.eta if isinstance(self.eta, Real) else self._optimizer.eta
            self._optimizer.reconfigure(
                penalty=penalty,
                schedule=make_schedule(self.learning_rate, eta, self.power_t),
                momentum=self.momentum,
                nesterov=self.nesterovs_momentum,
            )
            self._optimizer.resume(self.coefs_, self.intercepts_)
        n_iter = self.n_iter_
        self._train(X, Y, sample_weight, stratify, y, incremental)
        if self.debias and not incremental:
            refit_support(self, X, Y, sample_weight, y, self.n_iter_ - n_iter)
        return self

    def _make_optimizer(self, penalty, X, Y, sample_weight):
        """A new :class:`~skl1net._optim._sgd.SGD` for ``penalty`` and the parameters, starting at :meth:`_initial_eta`."""
        return SGD(
            penalty,
            make_schedule(self.learning_rate, self._initial_eta(X, Y, sample_weight), self.power_t),
            momentum=self.momentum,
            nesterov=self.nesterovs_momentum,
        ).init(self.coefs_, self.intercepts_)

    def _initial_eta(self, X, Y, sample_weight):
        """Learning rate to start from on the (validated) training data ``X``, targets ``Y`` and weights.

        Sets ``eta_``: ``eta`` itself, or for ``eta='auto'`` the subclass's
        data-dependent step :meth:`_auto_eta`, after a warning if the features
        are far from unit scale (:class:`~skl1net.exceptions.InputScaleWarning`).
        """
        if self.eta != "auto":
            self.eta_ = float(self.eta)
            return self.eta_
        sq_norms = row_norms(X, squared=True) if X.shape[0] else np.zeros(1)
        warn_if_unscaled(sq_norms, X.shape[1], stacklevel=7)  # at the caller of fit
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

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "training samples; it is clipped to the number of samples."
            )
        return min(self.batch_size, n_samples)

    def _train(self, X, Y, sample_weight, stratify, y, incremental):
        n_samples = X.shape[0]
        early_stopping = self.early_stopping and not incremental
        rng = self._random_state
        validation = None
        if early_stopping:
            train_idx, val_idx = validation_split(
                n_samples, self.validation_fraction, stratify, rng, stacklevel=6
            )
            if len(val_idx) < 2:
                raise ValueError(
                    f"validation_fraction={self.validation_fraction} leaves "
                    f"{len(val_idx)} validation sample(s) out of {n_samples}; "
                    "early_stopping needs at least 2."
                )
            if sample_weight is not None and not sample_weight[val_idx].any():
                raise ValueError(
                    f"sample_weight is zero for every one of the {len(val_idx)} held-out "
                    "samples early_stopping scores: give more samples a positive weight, "
                    "raise validation_fraction or fit with early_stopping=False."
                )
            train_idx = np.sort(train_idx)
            validation = (
                X[val_idx],
                y[val_idx],
                None if sample_weight is None else sample_weight[val_idx],
            )
            self._best_params = None
        else:
            train_idx = np.arange(n_samples)

        n_train = len(train_idx)
        batch_size = self._batch_size(n_train)
        dtype = X.dtype
        layer_units = [X.shape[1]] + [W.shape[1] for W in self.coefs_]
        ws = Workspace(layer_units, batch_size, dtype, self.activation, self.out_activation_)
        # Rows are gathered into reused buffers; without shuffling or a
        # validation split, batches are plain views of X.
        gather = self.shuffle or early_stopping
        batches = _MiniBatches(X, ws.encode_targets(Y), sample_weight, batch_size, gather)
        total_weight = n_train if sample_weight is None else float(sample_weight[train_idx].sum())
        if total_weight <= 0:
            raise ValueError("sample_weight is zero for every training sample.")
        last_good = [p.copy(order="K") for p in self.coefs_ + self.intercepts_]
        optimizer = self._optimizer

        start_objective = None  # objective on the first batch, before any step
        start_penalty = optimizer.penalty_value(self.coefs_)
        working_set = WorkingSet(self.activation) if self.working_set else None
        state = SimpleNamespace(coefs=self.coefs_, intercepts=self.intercepts_, optimizer=optimizer)

        def make_batches(Xc):
            return _MiniBatches(Xc, batches.Y, sample_weight, batch_size, gather)

        def check(final=False):
            return working_set.check(
                state, batches, train_idx, total_weight, self.out_activation_, final=final
            )

        n_epochs = 1 if incremental else self.max_iter
        final_checked = False
        ended_early = False
        try:
            epoch = 0
            while epoch < n_epochs:
                order = train_idx
                if self.shuffle:
                    order = train_idx.copy()
                    rng.shuffle(order)
                accumulated = 0.0
                if working_set is not None and self.n_iter_ and (
                    self.n_iter_ % working_set.check_every == 0
                ):
                    check()
                with (
                    nullcontext((ws, batches)) if working_set is None
                    else working_set.epoch(state, ws, batches, make_batches)
                ) as (epoch_ws, epoch_batches):
                    for Xb, Tb, sw, batch_weight in epoch_batches(order):
                        # the loss is that of the batch before its step
                        loss = epoch_ws.train_step(
                            Xb, Tb, state.coefs, state.intercepts, sw, optimizer
                        )
                        if not math.isfinite(loss):
                            self._diverged(loss)
                        if start_objective is None:
                            start_objective = loss + start_penalty
                        accumulated += loss * batch_weight

                params = self.coefs_ + self.intercepts_
                if not all(np.isfinite(p).all() for p in params):
                    self._diverged(np.nan)
                for saved, p in zip(last_good, params):
                    np.copyto(saved, p)
                self.n_iter_ += 1
                self.t_ += n_train
                objective = accumulated / total_weight + optimizer.penalty_value(self.coefs_)
                if not objective <= _DIVERGENCE_FACTOR * (1 + start_objective):
                    self._diverged(objective, start_objective)
                self.loss_curve_.append(objective)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_curve_[-1]:.8f}")
                self._update_no_improvement_count(validation)
                optimizer.iteration_ends(
                    self.t_, None if incremental else min(1.0, (epoch + 1) / self.max_iter)
                )
                if self._no_improvement_count > self.n_iter_no_change:
                    what = "Validation score" if early_stopping else "Training loss"
                    msg = (
                        f"{what} did not improve more than tol={self.tol:f} for "
                        f"{self.n_iter_no_change} consecutive epochs."
                    )
                    epochs = None if incremental else epoch + 1
                    decision = optimizer.on_plateau(epochs)
                    if self.verbose:
                        print(f"{msg} {decision.message}")
                    if decision.stop:
                        ended_early = True
                    else:
                        self._no_improvement_count = 0
                epoch += 1
                if ended_early or incremental or optimizer.finished:
                    ended_early = True
                    n_epochs = epoch
                if epoch == n_epochs and not incremental and working_set is not None:
                    # the final check: one more epoch, on the whole network, if a
                    # weight left out of the last one violates the optimality condition
                    if not final_checked and check(final=True):
                        n_epochs += 1
                    final_checked = True
            if not ended_early:
                if not incremental:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn(
                "Training interrupted by the user; the model keeps the weights "
                f"of the last completed epoch ({self.n_iter_})."
            )
            n_coefs = len(self.coefs_)
            self.coefs_, self.intercepts_ = last_good[:n_coefs], last_good[n_coefs:]

        if early_stopping and self._best_params is not None:
            n_coefs = len(self.coefs_)
            self.coefs_ = self._best_params[:n_coefs]
            self.intercepts_ = self._best_params[n_coefs:]
        self.__dict__.pop("_best_params", None)

    def _diverged(self, objective, start=None):
        grew = "" if start is None else f" (from {start:.4g} on the first batch)"
        value = f" ({self.eta_:.4g})" if self.eta == "auto" else ""
        raise ValueError(
            f"Training diverged after {self.n_iter_} complete epoch(s): the "
            f"objective became {objective:.4g}{grew}. The learning rate "
            f"eta={self.eta!r}{value} is too large for this data: lower `eta`, or "
            "standardize the features (for example with "
            "sklearn.preprocessing.StandardScaler)."
        )

    def _update_no_improvement_count(self, validation):
        if validation is not None:
            score = self._validation_score(*validation)
            self.validation_scores_.append(score)
            if self.verbose:  # as scikit-learn's MLPs print it
                print(f"Validation score: {score:f}")
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_params = [p.copy(order="K") for p in self.coefs_ + self.intercepts_]
        else:
            loss = self.loss_curve_[-1]
            if loss > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if loss < self.best_loss_:
                self.best_loss_ = loss

    # -- prediction and sparsity -------------------------------------------------
    def _forward(self, X):
        """Network output for new data (validated, cast to the model's dtype)."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False, dtype=self.coefs_[0].dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            out = forward(
                X, self.coefs_, self.intercepts_, self.activation, self.out_activation_
            )
        if not np.isfinite(out).all():
            raise ValueError(
                "Invalid X: the network overflowed the range of "
                f"{self.coefs_[0].dtype} on it (largest |X| is "
                f"{abs(X).max():.3g}). Standardize the features, for example with "
                "sklearn.preprocessing.StandardScaler."
            )
        return out

    @property
    def layer_zero_fractions_(self):
        """Fraction of exactly-zero weights in each weight matrix (ndarray)."""
        check_is_fitted(self)
        return np.array(
            [(n_entries(W) - count_nonzero(W)) / max(n_entries(W), 1) for W in self.coefs_]
        )

    @property
    def zero_fraction_(self):
        """Fraction of exactly-zero weights over all weight matrices (float)."""
        check_is_fitted(self)
        total = sum(n_entries(W) for W in self.coefs_)
        return (total - sum(count_nonzero(W) for W in self.coefs_)) / max(total, 1)

    @property
    def support_(self):
        """Mask of the input features with at least one non-zero outgoing weight."""
        check_is_fitted(self)
        return abs_row_sums(self.coefs_[0]) > 0

    @property
    def n_features_selected_(self):
        """Number of input features with at least one non-zero outgoing weight."""
        return int(self.support_.sum())

    @property
    def feature_importances_(self):
        """L1 norm of each input feature's outgoing weights, normalised to sum 1.

        Lets :class:`sklearn.feature_selection.SelectFromModel` select features.
        """
        check_is_fitted(self)
        norms = abs_row_sums(self.coefs_[0])
        total = norms.sum()
        return norms / total if total > 0 else norms

    @property
    def n_dead_units_(self):
        """Dead units of each hidden layer (all incoming or all outgoing weights zero)."""
        check_is_fitted(self)
        return np.array([int(dead.sum()) for dead in dead_units(self.coefs_)], dtype=int)

    def compact(self, sparse="auto"):
        """Return an equivalent fitted model without dead hidden units.

        See :func:`skl1net._network._compact.compact_model`, which this calls.

        Parameters
        ----------
        sparse : 'auto', bool, default='auto'
            Store weight matrices as ``scipy.sparse`` CSR matrices: always
            (True), never (False), or when they are sparse enough for that to
            save memory and prediction time ('auto').

        Returns
        -------
        model : estimator
            A new fitted estimator of the same class whose predictions equal
            this one's up to float rounding.

        Examples
        --------
        >>> import numpy as np
        >>> from skl1net import L1MLPRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(100, 5)
        >>> y = X[:, 0] - 2 * X[:, 1]
        >>> reg = L1MLPRegressor(hidden_layer_sizes=(20,), lmbda=0.05, batch_size=10,
        ...                      max_iter=50, random_state=0).fit(X, y)
        >>> small = reg.compact()
        >>> sum(small.hidden_layer_sizes) < 20, bool(np.allclose(small.predict(X), reg.predict(X)))
        (True, True)
        """
        check_is_fitted(self)
        return compact_model(self, sparse=sparse)

    # -- persistence -------------------------------------------------------------
    # scikit-learn records its own version only for classes of its modules, so
    # the pickled state carries skl1net's, and loading it under another warns.
    def __getstate__(self):
        from .. import __version__

        return dict(super().__getstate__(), _skl1net_version=__version__)

    def __setstate__(self, state):
        from .. import __version__

        state = dict(state)
        saved_by = state.pop("_skl1net_version", "unknown")
        if saved_by != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=saved_by,
                )
            )
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
