"""The training loop: epochs of mini-batch steps, stopping rules and the divergence guard.

A :class:`Trainer` runs epochs on one data set; everything the epochs change
(the parameters, the optimizer, the counters and the loss curve) is a
:class:`TrainingState` passed to :meth:`Trainer.run_epochs`. The estimators'
``fit`` and ``partial_fit`` and the debiasing phase
(:mod:`skl1net._training._debias`) train through these two objects only.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
import math
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._network._mlp import Workspace
from ._batches import MiniBatches
from ._solvers import (
    copy_optimizer_state,
    end_epoch,
    on_plateau,
    penalty_value,
    schedule_done,
)

#: Training stops as diverged when an epoch's objective is not finite or exceeds
#: this many times ``1 + `` the objective measured on the first batch of the run.
DIVERGENCE_FACTOR = 100.0

#: With a working set, the epochs after a planned run that re-admit only the
#: violators of the final check, before one on the whole network.
FINAL_ROUNDS = 2

#: What ended a :meth:`Trainer.run_epochs`.
ALL_EPOCHS_RUN, CONVERGED, ANNEALED, STOPPED_BY_HOOK, INTERRUPTED = (
    "all epochs run", "converged", "annealed", "stopped by hook", "interrupted",
)


# -- state and stopping ----------------------------------------------------------
@dataclass
class TrainingState:
    """Everything training changes, in place: parameters, optimizer and counters.

    Attributes
    ----------
    coefs, intercepts : list of ndarray
        Weight matrices and bias vectors, stepped in place.
    optimizer : object
        Steps the parameters (``step_layer``; see the optimizer section above).
    rng : numpy.random.RandomState
        Draws the shuffling of each epoch.
    n_iter : int
        Completed epochs.
    t : int
        Training samples seen.
    loss_curve : list of float
        Objective of each epoch: its mean batch loss plus the penalty at its end.
    best_loss : float or None
        Smallest objective of the stopping rule (None when a validation score decides).
    validation_scores : list of float or None
        Held-out score of each epoch, when a validation score decides.
    best_validation_score : float or None
        Best held-out score.
    no_improvement_count : int
        Consecutive epochs without an improvement larger than ``tol``.
    """

    coefs: list
    intercepts: list
    optimizer: object
    rng: np.random.RandomState
    n_iter: int = 0
    t: int = 0
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    validation_scores: list | None = None
    best_validation_score: float | None = None
    no_improvement_count: int = 0

    @property
    def params(self):
        """The weight matrices, then the bias vectors."""
        return self.coefs + self.intercepts

    def load_params(self, params):
        """Replace the parameters by ``params`` (weights then biases, as :attr:`params`)."""
        n = len(self.coefs)
        self.coefs, self.intercepts = list(params[:n]), list(params[n:])


class EpochSnapshot:
    """A :class:`TrainingState` as it was at the end of an epoch, in reused buffers.

    :meth:`take` records the parameters, the optimizer's state, the random
    state and the counters; :meth:`restore` puts them back, so that an
    interrupted run leaves the state of its last completed epoch.
    """

    def __init__(self, state):
        self.params = [p.copy(order="K") for p in state.params]
        self.optimizer = copy.deepcopy(state.optimizer)
        self.take(state, params=False)

    def take(self, state, params=True):
        """Record ``state`` (its parameters too when ``params``)."""
        if params:
            for saved, p in zip(self.params, state.params):
                np.copyto(saved, p)
            copy_optimizer_state(state.optimizer, self.optimizer)
        self.rng = state.rng.get_state()
        scores = state.validation_scores
        self.counters = (
            state.n_iter, state.t, len(state.loss_curve), None if scores is None else len(scores),
            state.best_loss, state.best_validation_score, state.no_improvement_count,
        )

    def restore(self, state):
        """Put ``state`` back as it was recorded."""
        state.load_params(self.params)
        copy_optimizer_state(self.optimizer, state.optimizer)
        state.rng.set_state(self.rng)
        (state.n_iter, state.t, n_losses, n_scores, state.best_loss,
         state.best_validation_score, state.no_improvement_count) = self.counters
        del state.loss_curve[n_losses:]
        if n_scores is not None:
            del state.validation_scores[n_scores:]


@dataclass
class Stopping:
    """The rule that ends training: no improvement larger than ``tol`` for ``n_iter_no_change`` epochs."""

    tol: float
    n_iter_no_change: int

    def update(self, state, score=None):
        """Count the epoch that just ended as progress or not.

        On the held-out ``score`` (higher is better) when given, else on the
        epoch's objective, the last of ``state.loss_curve``.
        """
        if score is not None:
            if score < state.best_validation_score + self.tol:
                state.no_improvement_count += 1
            else:
                state.no_improvement_count = 0
            state.best_validation_score = max(state.best_validation_score, score)
            return
        loss = state.loss_curve[-1]
        if loss > state.best_loss - self.tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        state.best_loss = min(state.best_loss, loss)

    def plateau(self, state):
        """Whether the last epochs are a plateau."""
        return state.no_improvement_count > self.n_iter_no_change


# -- the loop ---------------------------------------------------------------------
class Trainer:
    """Epochs of mini-batch training on the rows ``rows`` of ``(X, Y, sample_weight)``.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Training data, in the dtype of the parameters.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, as the network's output layer fits them.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows (None: equal).
    activation, out_activation : str
        The network's hidden and output activations.
    batch_size : int
        Rows per mini-batch.
    shuffle : bool
        Draw a new row order each epoch (from ``state.rng``).
    rows : ndarray of int or None, default=None
        Sorted rows to train on (None: all).
    verbose : bool, default=False
        Print the objective (and held-out score) of each epoch.
    eta_label : str, default='eta'
        How the divergence error names the learning rate, e.g. ``"eta='auto' (0.1)"``.
    working_set : skl1net._training._working_set.WorkingSet or None, default=None
        Trains each epoch on the live part of the network and checks the
        weights it leaves out (every ``working_set.check_every`` epochs, and
        after a planned run); None trains the whole network.
    """

    def __init__(self, X, Y, sample_weight, *, activation, out_activation, batch_size,
                 shuffle, rows=None, verbose=False, eta_label="eta", working_set=None):
        self.rows = np.arange(X.shape[0]) if rows is None else rows
        self.activation, self.out_activation = activation, out_activation
        self.batch_size, self.shuffle, self.verbose = batch_size, shuffle, verbose
        self.eta_label = eta_label
        self.working_set = working_set
        self.total_weight = (
            len(self.rows) if sample_weight is None else float(sample_weight[self.rows].sum())
        )
        if self.total_weight <= 0:
            raise ValueError("sample_weight is zero for every training sample.")
        self._workspace = None
        self._X, self._Y, self._sample_weight = X, Y, sample_weight
        self._batches = None

    def _prepare(self, state):
        """The workspace and batches for the network of ``state`` (made again if its shape changed)."""
        units = [self._X.shape[1]] + [W.shape[1] for W in state.coefs]
        if self._workspace is None or self._workspace.layer_units != units:
            self._workspace = Workspace(
                units, self.batch_size, self._X.dtype, self.activation, self.out_activation
            )
            # Rows are gathered into reused buffers; in the data's order and
            # all of them, batches are plain views of X.
            gather = self.shuffle or len(self.rows) != self._X.shape[0]
            T = self._workspace.encode_targets(self._Y)
            self._batches = MiniBatches(self._X, T, self._sample_weight, self.batch_size, gather)
        return self._workspace, self._batches

    def run_epochs(self, state, n_epochs, *, planned, stopping, validation=None,
                   on_epoch_end=None):
        """Train ``state`` for up to ``n_epochs`` epochs; return what ended the run.

        Parameters
        ----------
        state : TrainingState
            Trained in place. On an interrupt (``KeyboardInterrupt``) it is
            put back as it was at the end of its last completed epoch
            (parameters, optimizer, random state, counters; see
            :class:`EpochSnapshot`); with ``validation``,
            it ends with the parameters of the best-scoring epoch.
        n_epochs : int
            Most epochs to run.
        planned : bool
            Whether ``n_epochs`` is the plan of a ``fit`` (the schedule follows
            it; running them all without converging, or ending with the
            objective above that of the first batch, warns) or just a
            count (``partial_fit``, debiasing).
        stopping : Stopping
            Ends the run on a plateau.
        validation : callable or None, default=None
            ``validation(state)``: the held-out score of the current parameters;
            when given, it decides progress and the best epoch is restored.
        on_epoch_end : callable or None, default=None
            ``on_epoch_end(state)``, after each completed epoch's bookkeeping;
            a true return value ends the run.

        Returns
        -------
        reason : str
            One of :data:`ALL_EPOCHS_RUN`, :data:`CONVERGED`,
            :data:`ANNEALED`, :data:`STOPPED_BY_HOOK`, :data:`INTERRUPTED`.
        """
        ws, batches = self._prepare(state)
        last_good = EpochSnapshot(state)
        best = None
        start = None  # objective on the first batch, before any step
        start_penalty = penalty_value(state.optimizer, state.coefs)
        reason = ALL_EPOCHS_RUN
        try:
            for epoch in range(n_epochs):
                order = self.rows
                if self.shuffle:
                    order = self.rows.copy()
                    state.rng.shuffle(order)
                accumulated = 0.0
                if self.working_set is not None and state.n_iter and (
                    state.n_iter % self.working_set.check_every == 0
                ):
                    self._check(state)
                with self._epoch(state, ws, batches) as (epoch_ws, epoch_batches):
                    for Xb, Tb, sw, batch_weight in epoch_batches(order):
                        # the loss is that of the batch before its step
                        loss = epoch_ws.train_step(
                            Xb, Tb, state.coefs, state.intercepts, sw, state.optimizer
                        )
                        if not math.isfinite(loss):
                            self._diverged(state, loss)
                        if start is None:
                            start = loss + start_penalty
                        accumulated += loss * batch_weight

                if not all(np.isfinite(p).all() for p in state.params):
                    self._diverged(state, np.nan)
                state.n_iter += 1
                state.t += len(self.rows)
                objective = accumulated / self.total_weight
                objective += penalty_value(state.optimizer, state.coefs)
                if not objective <= DIVERGENCE_FACTOR * (1 + start):
                    self._diverged(state, objective, start)
                state.loss_curve.append(objective)
                if self.verbose:
                    print(f"Iteration {state.n_iter}, loss = {objective:.8f}")
                if validation is None:
                    stopping.update(state)
                else:
                    score = validation(state)
                    state.validation_scores.append(score)
                    if self.verbose:  # as scikit-learn's MLPs print it
                        print(f"Validation score: {score:f}")
                    if score > state.best_validation_score:
                        best = [p.copy(order="K") for p in state.params]
                    stopping.update(state, score)
                end_epoch(state.optimizer, state.t, (epoch + 1) / n_epochs if planned else None)
                last_good.take(state)
                if on_epoch_end is not None and on_epoch_end(state):
                    reason = STOPPED_BY_HOOK
                    break
                if stopping.plateau(state):
                    what = "Validation score" if validation is not None else "Training loss"
                    message = (
                        f"{what} did not improve more than tol={stopping.tol:f} for "
                        f"{stopping.n_iter_no_change} consecutive epochs."
                    )
                    decision = on_plateau(state.optimizer, epoch + 1 if planned else None)
                    if self.verbose:
                        print(f"{message} {decision.message}")
                    if decision.stop:
                        reason = CONVERGED
                        break
                    state.no_improvement_count = 0
                if schedule_done(state.optimizer):
                    reason = ANNEALED
                    break
            else:
                if planned:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({n_epochs}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn(
                "Training interrupted by the user; the model keeps the weights "
                f"of the last completed epoch ({state.n_iter})."
            )
            last_good.restore(state)
            reason = INTERRUPTED
        if best is not None:
            state.load_params(best)
        if planned and reason != INTERRUPTED and self.working_set is not None:
            self._final_check(state, stopping, validation)
        if planned and reason != INTERRUPTED and start is not None and state.loss_curve:
            self._warn_if_rose(start, state.loss_curve[-1])
        return reason

    def _warn_if_rose(self, start, end):
        """Warn when a planned run ends with its objective above where it began."""
        if end > start:
            warnings.warn(
                f"Training made the objective worse: it rose from {start:.4g} on the "
                f"first batch to {end:.4g} in the last epoch. The learning rate "
                f"{self.eta_label} is likely too large for this data: lower `eta`.",
                ConvergenceWarning,
            )

    # -- working-set training ----------------------------------------------------------
    def _epoch(self, state, ws, batches):
        """The workspace and batches of an epoch: on the live network with a working set."""
        if self.working_set is None:
            return nullcontext((ws, batches))
        return self.working_set.epoch(
            state, ws, batches,
            lambda X: MiniBatches(X, batches.Y, self._sample_weight, self.batch_size,
                                  batches.gather),
        )

    def _check(self, state, final=False):
        """Re-admit the left-out units whose zero weights violate the optimality condition."""
        return self.working_set.check(state, self._batches, self.rows, self.total_weight,
                                      self.out_activation, final=final)

    def _final_check(self, state, stopping, validation):
        """After a planned run: more epochs, with the violators re-admitted, while the check finds any.

        Only the weights left out of the last epoch count (see
        :meth:`~skl1net._training._working_set.WorkingSet.check`). After
        :data:`FINAL_ROUNDS` such epochs, one more trains the whole network:
        at the end nothing left out violates the optimality condition.
        """
        for _ in range(FINAL_ROUNDS):
            if not self._check(state, final=True):
                return
            self.run_epochs(state, 1, planned=False, stopping=stopping, validation=validation)
        if self._check(state, final=True):
            self.working_set.admit_all(state)
            self.run_epochs(state, 1, planned=False, stopping=stopping, validation=validation)

    def _diverged(self, state, objective, start=None):
        grew = "" if start is None else f" (from {start:.4g} on the first batch)"
        raise ValueError(
            f"Training diverged after {state.n_iter} complete epoch(s): the "
            f"objective became {objective:.4g}{grew}. The learning rate "
            f"{self.eta_label} is too large for this data: lower `eta`, or "
            "standardize the features (for example with "
            "sklearn.preprocessing.StandardScaler)."
        )
