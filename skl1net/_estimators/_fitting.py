"""How an estimator trains: its fitted attributes as a training state, and the loop's calls.

:class:`TrainingMixin` turns the fitted attributes into a
:class:`~skl1net._training._loop.TrainingState` (copies, so that a failed call
changes nothing; the state's loss curve holds the objectives of the call
only), builds or continues the optimizer, runs the epochs of a ``fit`` or
``partial_fit`` and the debiasing phase through
:class:`~skl1net._training._loop.Trainer`, and writes the state back to the
working copy of the estimator that :meth:`BaseL1MLP._fit
<skl1net._estimators._base.BaseL1MLP._fit>` publishes.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state

from .._network._mlp import init_params, weight_layout
from .._training._batches import resolve_batch_size, resolve_max_iter
from .._training._debias import debias
from .._training._loop import INTERRUPTED, Stopping, Trainer, TrainingState
from .._training._solvers import (
    initial_rate,
    make_optimizer,
    reconfigure_optimizer,
    solver_of,
)
from .._training._reweight import strengths as reweighted_strengths
from .._training._split import early_stopping_split
from .._training._working_set import WorkingSet
from ..penalties import L1, L2, GroupL1Prox, L1Prox, WeightedL1Prox, make_penalty
from ._checks import check_features_not_overflowing

#: The fitted attribute that holds each field of a :class:`TrainingState`.
#: Penalties whose value and steps on a slice of a weight matrix are those of
#: its entries: ``working_set='auto'`` trains on the live part under them.
SLICEABLE = (L1, L2, L1Prox, GroupL1Prox)
#: Fewest mini-batches an epoch for ``working_set='auto'`` to train on the live
#: part: digits' 14 batches of 100 fit faster with it, breast cancer's 5 slower
#: (see docs/sparse_networks.rst, "Working-set training").
AUTO_WORKING_SET_BATCHES = 10

_STATE_ATTRIBUTES = {
    "coefs": "coefs_",
    "intercepts": "intercepts_",
    "optimizer": "_optimizer",
    "rng": "_random_state",
    "n_iter": "n_iter_",
    "t": "t_",
    "best_loss": "best_loss_",
    "validation_scores": "validation_scores_",
    "best_validation_score": "best_validation_score_",
    "no_improvement_count": "_no_improvement_count",
}


class TrainingMixin:
    """Training glue of :class:`~skl1net._estimators._base.BaseL1MLP`."""

    def _init_network(self, X, Y, hidden):
        """Fitted attributes of a new, untrained network for ``X`` and ``Y``."""
        self._random_state = check_random_state(self.random_state)
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        self.coefs_, self.intercepts_ = init_params(
            layer_units, self.activation, X.dtype, self._random_state
        )
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._out_activation
        self.n_iter_ = self.t_ = self._no_improvement_count = 0
        self.loss_curve_ = []
        self._optimizer = None
        self.validation_scores_ = self.best_validation_score_ = None
        self.best_loss_ = np.inf

    def _training_state(self, X, Y, sample_weight, incremental):
        """A :class:`TrainingState` with copies of the fitted attributes that training changes.

        The committed model stays intact if the call fails. The weights are
        in the layout training is fastest with; those of a compacted model
        are dense again.
        """
        state = TrainingState(
            **{name: getattr(self, attribute) for name, attribute in _STATE_ATTRIBUTES.items()},
            loss_curve=[],  # the objectives of this call, added to loss_curve_ on publishing
        )
        orders = [weight_layout(i, sp.issparse(X)) for i in range(len(state.coefs))]
        state.coefs = [
            W.toarray(order=o) if sp.issparse(W) else np.array(W, order=o)
            for W, o in zip(state.coefs, orders)
        ]
        state.intercepts = [b.copy() for b in state.intercepts]
        state.rng = copy.deepcopy(state.rng)
        early_stopping = self.early_stopping and not incremental
        if state.validation_scores is not None or early_stopping:
            state.validation_scores = list(state.validation_scores or [])
        if not incremental:
            # A fit stops on its own progress, not on a best loss or score
            # reached with other hyperparameters (warm starts along lmbda paths).
            state.no_improvement_count = 0
            state.best_loss = None if early_stopping else np.inf
            state.best_validation_score = -np.inf if early_stopping else None
        elif state.best_loss is None:
            state.best_loss = np.inf
        state.optimizer = self._optimizer_for(state, X, Y, sample_weight, incremental)
        return state

    def _commit(self, state):
        """Make the trained ``state`` the fitted attributes (all but the loss curve)."""
        for name, attribute in _STATE_ATTRIBUTES.items():
            setattr(self, attribute, getattr(state, name))

    def _optimizer_for(self, state, X, Y, sample_weight, incremental):
        """A new optimizer, or for ``partial_fit`` the fitted one (copied) with the current hyperparameters."""
        check_features_not_overflowing(X)  # Adam would train on them
        penalty = make_penalty(self.penalty, self.lmbda)
        settings = dict(
            learning_rate=self.learning_rate, power_t=self.power_t, **self._optimizer_params()
        )
        if (state.optimizer is None or not incremental
                or solver_of(state.optimizer) != self.solver):
            # a new solver between partial_fit calls starts with fresh state
            eta = self._initial_eta(X, Y, sample_weight)
            return make_optimizer(
                penalty, eta, state.coefs, state.intercepts, solver=self.solver, **settings
            )
        # a data-dependent eta such as 'auto' keeps its first value
        return self._continued_optimizer(state, copy.deepcopy(state.optimizer))

    def _continued_optimizer(self, state, optimizer):
        """``optimizer`` (its state kept) with the current hyperparameters and the estimator's penalty."""
        return reconfigure_optimizer(
            optimizer,
            state.coefs,
            state.intercepts,
            penalty=make_penalty(self.penalty, self.lmbda),
            eta=self.eta if isinstance(self.eta, Real) else None,
            learning_rate=self.learning_rate, power_t=self.power_t, **self._optimizer_params(),
        )

    def _train(self, state, X, Y, sample_weight, y, stratify, incremental):
        """Run the epochs of this call on ``state``, then the debiasing phase if asked.

        Returns what ended the epochs (the debiasing phase does not run after
        an interrupt: :data:`~skl1net._training._loop.INTERRUPTED`).
        """
        early_stopping = self.early_stopping and not incremental
        rows = validation = None
        if early_stopping:
            rows, held_out = early_stopping_split(
                X.shape[0], self.validation_fraction, stratify, sample_weight, state.rng,
                stacklevel=6,  # at the caller of fit
            )
            sw_held_out = None if sample_weight is None else sample_weight[held_out]
            validation = self._held_out_score(X[held_out], y[held_out], sw_held_out)
        trainer = self._trainer(X, Y, sample_weight, rows)
        stopping = Stopping(self.tol, self.n_iter_no_change)
        n_iter = state.n_iter
        max_iter = resolve_max_iter(self.max_iter, X.shape[0] if rows is None else len(rows))
        ended = trainer.run_epochs(
            state, 1 if incremental else max_iter, planned=not incremental,
            stopping=stopping, validation=validation,
        )
        if self.reweight and not incremental:
            for _ in range(self.reweight):
                if ended == INTERRUPTED:
                    break
                n_iter = state.n_iter
                ended = self._reweighted_round(state, trainer, max_iter, stopping, validation)
            # the fitted optimizer keeps the plain penalty, for partial_fit
            state.optimizer = self._continued_optimizer(state, state.optimizer)
        if self.debias and not incremental and ended != INTERRUPTED:
            # the debiasing epochs train on all the rows
            return self._debias(state, X, Y, sample_weight, state.n_iter - n_iter,
                                trainer if rows is None else None)
        return ended

    def _reweighted_round(self, state, trainer, max_iter, stopping, validation):
        """One round of reweighted L1 (:mod:`skl1net._training._reweight`) on ``state``; what ended it.

        A fresh optimizer of the same solver and initial rate trains
        ``max_iter`` epochs (the fit's, resolved) under :class:`~skl1net.penalties.WeightedL1Prox`
        with the strengths of the current weights; the stopping rule starts
        afresh, as the objective changed.
        """
        penalty = WeightedL1Prox(self.lmbda, reweighted_strengths(state.coefs))
        state.optimizer = make_optimizer(
            penalty, initial_rate(state.optimizer), state.coefs, state.intercepts,
            solver=self.solver, learning_rate=self.learning_rate, power_t=self.power_t,
            **self._optimizer_params(),
        )
        state.no_improvement_count = 0
        if validation is None:
            state.best_loss = np.inf
        else:
            state.best_validation_score = -np.inf
        return trainer.run_epochs(
            state, max_iter, planned=True, stopping=stopping, validation=validation
        )

    def _debias(self, state, X, Y, sample_weight, n_epochs, trainer=None):
        """The debiasing phase after ``n_epochs`` penalized epochs, on all the rows; INTERRUPTED or None."""
        trainer = trainer or self._trainer(X, Y, sample_weight, None)
        return debias(trainer, state, n_epochs, Stopping(self.tol, self.n_iter_no_change))

    def _trainer(self, X, Y, sample_weight, rows):
        """A :class:`Trainer` on the rows ``rows`` (None: all) of the validated data."""
        eta = f"eta={self.eta!r}" + (f" ({self.eta_:.4g})" if self.eta == "auto" else "")
        eta += f" with solver={self.solver!r}"
        n_rows = X.shape[0] if rows is None else len(rows)
        batch_size = resolve_batch_size(self.batch_size, n_rows)
        return Trainer(
            X, Y, sample_weight, rows=rows,
            activation=self.activation, out_activation=self.out_activation_,
            batch_size=batch_size, shuffle=self.shuffle, verbose=self.verbose, eta_label=eta,
            working_set=(
                WorkingSet(self.activation) if self._uses_working_set(n_rows / batch_size)
                else None
            ),
        )

    def _uses_working_set(self, n_batches):
        """Whether a fit of ``n_batches`` mini-batches an epoch trains on the live part of the network.

        ``working_set``, where 'auto' is on for the penalties named by a
        string and their classes, unless ``reweight`` asks for per-weight
        strengths over the whole network, and when an epoch has at least
        :data:`AUTO_WORKING_SET_BATCHES` batches (the slicing at its start
        and end costs about as much as a few steps).
        """
        if self.working_set == "auto":
            penalty = self.penalty
            return (
                not self.reweight and n_batches >= AUTO_WORKING_SET_BATCHES
                and (isinstance(penalty, str) or type(penalty) in SLICEABLE)
            )
        return bool(self.working_set)

    def _held_out_score(self, X, y, sample_weight):
        """``score(state)``: :meth:`_validation_score` on the held-out data, of the state's parameters."""

        def score(state):
            self.coefs_, self.intercepts_ = state.coefs, state.intercepts
            return self._validation_score(X, y, sample_weight)

        return score
