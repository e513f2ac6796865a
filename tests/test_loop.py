"""The training loop (skl1net._training._loop): what a run does to a TrainingState."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skl1net import L1MLPClassifier
from skl1net._training._loop import (
    ANNEALED,
    CONVERGED,
    INTERRUPTED,
    ALL_EPOCHS_RUN,
    STOPPED_BY_HOOK,
    Stopping,
    Trainer,
    TrainingState,
)
from skl1net._training._solvers import make_optimizer
from skl1net._optim._schedules import Plateau
from skl1net.penalties import L2

SGD_SETTINGS = dict(learning_rate="constant", power_t=0.5, momentum=0.0, nesterov=False)
NEVER = Stopping(tol=0.0, n_iter_no_change=10**6)


def linear_problem(n=12, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    Y = (X @ rng.randn(d, 1) + 0.5).astype(np.float64)
    return X, Y


def linear_state(d=3, eta=0.1, lmbda=0.0, seed=0):
    """A network without hidden layer (a linear model) at zero, with plain SGD."""
    coefs, intercepts = [np.zeros((d, 1), order="F")], [np.zeros(1)]
    return TrainingState(
        coefs=coefs,
        intercepts=intercepts,
        optimizer=make_optimizer(L2(lmbda), eta, coefs, intercepts, **SGD_SETTINGS),
        rng=np.random.RandomState(seed),
    )


def linear_trainer(X, Y, batch_size=None, shuffle=False, **kwargs):
    return Trainer(X, Y, None, activation="relu", out_activation="identity",
                   batch_size=batch_size or len(X), shuffle=shuffle, **kwargs)


def test_an_epoch_is_a_gradient_step_and_its_bookkeeping():
    X, Y = linear_problem()
    state = linear_state(lmbda=0.2)
    ended = linear_trainer(X, Y).run_epochs(state, 1, planned=False, stopping=NEVER)
    # one full-batch step of W <- W - eta * (X^T (XW + b - Y) / n + lmbda * W) from 0
    residual = -Y  # the prediction at zero weights
    np.testing.assert_allclose(state.coefs[0], -0.1 * X.T @ residual / len(X))
    np.testing.assert_allclose(state.intercepts[0], -0.1 * residual.mean(axis=0))
    assert ended == ALL_EPOCHS_RUN
    assert (state.n_iter, state.t) == (1, len(X))
    # the epoch's objective: its batches' loss (before their steps) plus the penalty at its end
    loss = 0.5 * np.mean(np.sum(Y**2, axis=1))
    penalty = 0.2 * 0.5 * np.sum(state.coefs[0] ** 2)
    assert state.loss_curve == [pytest.approx(loss + penalty)]


def test_only_a_planned_run_that_does_not_converge_warns():
    X, Y = linear_problem()
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        linear_trainer(X, Y).run_epochs(linear_state(), 3, planned=True, stopping=NEVER)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        linear_trainer(X, Y).run_epochs(linear_state(), 3, planned=False, stopping=NEVER)


def test_the_hook_sees_every_completed_epoch_and_can_end_the_run():
    X, Y = linear_problem()
    seen = []

    def hook(state):
        seen.append((state.n_iter, state.coefs[0].copy()))
        return state.n_iter == 4

    state = linear_state()
    ended = linear_trainer(X, Y, batch_size=5).run_epochs(
        state, 10, planned=True, stopping=NEVER, on_epoch_end=hook
    )
    assert ended == STOPPED_BY_HOOK
    assert [n for n, _ in seen] == [1, 2, 3, 4] and state.n_iter == 4
    np.testing.assert_array_equal(seen[-1][1], state.coefs[0])


def test_a_plateau_ends_the_run_as_converged():
    X, Y = linear_problem()
    state = linear_state(eta=1e-12)  # the objective does not move
    ended = linear_trainer(X, Y).run_epochs(
        state, 50, planned=True, stopping=Stopping(tol=1e-3, n_iter_no_change=2)
    )
    # the first epoch sets the best loss, the next three do not improve on it
    assert ended == CONVERGED and state.n_iter == 4


def test_validation_restores_the_best_scoring_epoch():
    X, Y = linear_problem()
    scores = iter([0.1, 0.5, 0.9, 0.7, 0.6, 0.2])
    params = {}

    def score(state):
        params[state.n_iter] = [p.copy() for p in state.params]
        return next(scores)

    state = linear_state()
    state.validation_scores, state.best_validation_score, state.best_loss = [], -np.inf, None
    ended = linear_trainer(X, Y).run_epochs(
        state, 6, planned=True, stopping=Stopping(tol=0.0, n_iter_no_change=2),
        validation=score,
    )
    # epochs 4, 5 and 6 do not beat epoch 3: the run stops and keeps epoch 3's weights
    assert ended == CONVERGED and state.n_iter == 6
    assert state.validation_scores == [0.1, 0.5, 0.9, 0.7, 0.6, 0.2]
    assert state.best_validation_score == 0.9
    for kept, best in zip(state.params, params[3]):
        np.testing.assert_array_equal(kept, best)


def test_an_interrupt_keeps_the_last_completed_epoch():
    X, Y = linear_problem()
    state = linear_state()
    trainer = linear_trainer(X, Y, batch_size=4)
    after_two = []

    def interrupt_in_epoch_3(state):
        if state.n_iter == 2:
            after_two.extend(p.copy() for p in state.params)
            state.optimizer.step_layer = interrupting_step
        return False

    step = state.optimizer.step_layer
    calls = []

    def interrupting_step(*args):
        calls.append(None)
        if len(calls) == 2:  # the second batch of epoch 3, after its first step
            raise KeyboardInterrupt
        return step(*args)

    with pytest.warns(UserWarning, match=r"interrupted.*last completed epoch \(2\)"):
        ended = trainer.run_epochs(state, 10, planned=True, stopping=NEVER,
                                   on_epoch_end=interrupt_in_epoch_3)
    assert ended == INTERRUPTED and state.n_iter == 2 and len(state.loss_curve) == 2
    for kept, saved in zip(state.params, after_two):
        np.testing.assert_array_equal(kept, saved)


def test_a_fit_that_ends_above_its_starting_objective_warns():
    X, y = load_digits(return_X_y=True)
    model = L1MLPClassifier((32,), eta=5.0, random_state=0, max_iter=20)
    with pytest.warns(ConvergenceWarning, match=r"objective worse: it rose from .* eta=5\.0"):
        model.fit(X / 16, y)
    assert model.loss_curve_[-1] > np.log(10)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "Training made the objective worse")
        L1MLPClassifier((32,), random_state=0, max_iter=20).fit(X / 16, y)


def test_divergence_names_the_learning_rate():
    X, Y = linear_problem()
    trainer = linear_trainer(100 * X, Y, eta_label="eta=5.0")
    with pytest.raises(ValueError, match=r"diverged after \d+ complete epoch.*eta=5.0 is too large"):
        trainer.run_epochs(linear_state(eta=5.0), 50, planned=False, stopping=NEVER)


class HalvingGradientDescent:
    """An optimizer written outside the package: plain steps, the rate halved each epoch."""

    def __init__(self, eta):
        self.eta_t, self.epochs = eta, 0

    def step_layer(self, i, W, b, gradient):
        gradient.add_to_weights(W, -self.eta_t, 1.0)
        gradient.add_to_bias(b, -self.eta_t, 1.0)

    def penalty_value(self, coefs):
        return 0.0

    def iteration_ends(self, time_step, progress=None):
        self.eta_t /= 2
        self.epochs += 1

    def on_plateau(self, epochs=None):
        return Plateau(True, "Stopping.")

    @property
    def finished(self):
        return self.epochs >= 3


def test_another_optimizer_with_the_same_interface_trains():
    X, Y = linear_problem()
    state = linear_state()
    state.optimizer = HalvingGradientDescent(0.1)
    ended = linear_trainer(X, Y).run_epochs(state, 10, planned=True, stopping=NEVER)
    assert ended == ANNEALED and state.n_iter == 3
    assert state.loss_curve[-1] < state.loss_curve[0]


def test_shuffling_draws_from_the_state_rng_and_gathers_the_rows():
    X, Y = linear_problem(n=10)
    runs = []
    for _ in range(2):
        state = linear_state(seed=3)
        linear_trainer(X, Y, batch_size=3, shuffle=True).run_epochs(
            state, 2, planned=False, stopping=NEVER
        )
        runs.append(state)
    np.testing.assert_array_equal(runs[0].coefs[0], runs[1].coefs[0])
    unshuffled = linear_state(seed=3)
    linear_trainer(X, Y, batch_size=3).run_epochs(unshuffled, 2, planned=False, stopping=NEVER)
    assert not np.array_equal(unshuffled.coefs[0], runs[0].coefs[0])


def test_a_trainer_on_some_rows_counts_and_weighs_only_those():
    X, Y = linear_problem(n=10)
    rows = np.array([0, 2, 3, 7])
    sw = np.zeros(10)
    sw[rows] = 1.0
    sub = linear_state()
    Trainer(X, Y, sw, activation="relu", out_activation="identity", batch_size=2,
            shuffle=False, rows=rows).run_epochs(sub, 1, planned=False, stopping=NEVER)
    alone = linear_state()
    linear_trainer(X[rows], Y[rows], batch_size=2).run_epochs(
        alone, 1, planned=False, stopping=NEVER
    )
    assert sub.t == 4
    np.testing.assert_allclose(sub.coefs[0], alone.coefs[0])
    assert sub.loss_curve == pytest.approx(alone.loss_curve)
    with pytest.raises(ValueError, match="sample_weight is zero for every training sample"):
        Trainer(X, Y, np.zeros(10), activation="relu", out_activation="identity",
                batch_size=2, shuffle=False)


def test_a_fit_trains_its_state_through_the_trainer(monkeypatch):
    """fit runs one planned run of max_iter epochs, partial_fit one unplanned epoch."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    calls = []
    run_epochs = Trainer.run_epochs

    def recording(self, state, n_epochs, **kwargs):
        calls.append((n_epochs, kwargs["planned"], kwargs["validation"] is not None))
        return run_epochs(self, state, n_epochs, **kwargs)

    monkeypatch.setattr(Trainer, "run_epochs", recording)
    clf = L1MLPClassifier((4,), max_iter=3, early_stopping=True, random_state=0, solver="sgd", debias=False)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X / 8, y)
    clf.partial_fit(X / 8, y)
    assert calls == [(3, True, True), (1, False, False)]
