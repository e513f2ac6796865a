"""Learning-rate schedules: their exact rates and their decisions on a plateau."""

import numpy as np
import pytest

from skl1net._optim._schedules import (
    SCHEDULES,
    Adaptive,
    Anneal,
    Constant,
    InvScaling,
    LinearDecay,
    Plateau,
    make_schedule,
)


def test_constant_schedule_keeps_its_rate_and_stops_on_a_plateau():
    schedule = Constant(0.3)
    for k in range(3):
        schedule.epoch_ends(100 * (k + 1), progress=(k + 1) / 3)
    assert schedule.rate == 0.3 and not schedule.finished
    assert schedule.on_plateau(epochs=3) == Plateau(True, "Stopping.")


def test_invscaling_schedule():
    schedule = InvScaling(0.5, power_t=0.5)
    schedule.epoch_ends(99)
    assert schedule.rate == pytest.approx(0.05)
    schedule.power_t = 1.0
    schedule.epoch_ends(999)
    assert schedule.rate == pytest.approx(5e-4)


def test_anneal_schedule_holds_then_decreases_linearly():
    n, eta = 10, 0.5
    schedule = Anneal(eta)
    rates = []
    for k in range(n):
        rates.append(schedule.rate)
        schedule.epoch_ends(100 * (k + 1), progress=(k + 1) / n)
    np.testing.assert_allclose(rates, [eta * min(1, 2 * (n - k) / n) for k in range(n)])
    assert rates[-1] == pytest.approx(2 * eta / n)
    # After the plan, and without one (partial_fit), the rate stays where it is.
    schedule.epoch_ends(2000, progress=None)
    assert schedule.rate == pytest.approx(2 * eta / n)


def test_anneal_plateau_at_the_full_rate_starts_the_decay_once():
    schedule = Anneal(0.2)
    assert schedule.on_plateau(epochs=None).stop  # partial_fit: no plan, stop
    decision = schedule.on_plateau(epochs=5)
    assert decision == Plateau(False, "Annealing the learning rate to 0 over 5 epochs.")
    rates = []
    while not schedule.finished:
        rates.append(schedule.rate)
        schedule.epoch_ends(0, progress=0.5)
    np.testing.assert_allclose(rates, [0.2, 0.16, 0.12, 0.08, 0.04])
    assert schedule.on_plateau(epochs=10).stop  # in the decay, a plateau stops


def test_adaptive_schedule_divides_by_five():
    schedule = Adaptive(0.5)
    decision = schedule.on_plateau()
    assert not decision.stop and decision.message == "Setting learning rate to 0.100000"
    assert schedule.rate == pytest.approx(0.1)
    schedule.rate = 1e-7
    assert schedule.on_plateau() == Plateau(True, "Learning rate too small. Stopping.")


def test_linear_decay_is_the_debiasing_rate():
    eta, n = 0.04, 3
    schedule = LinearDecay(eta, n)
    rates = []
    while not schedule.finished:
        rates.append(schedule.rate)
        schedule.epoch_ends(0)
    assert rates == [eta * (1 - k / n) for k in range(n)]  # exactly
    assert schedule.on_plateau().stop


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_schedule_continues_only_the_same_schedule_at_the_same_eta(name):
    old = make_schedule(name, 0.1)
    old.rate = 0.02
    same = make_schedule(name, 0.1)
    same.continue_from(old)
    assert same.rate == 0.02
    for other in (make_schedule(name, 0.2), make_schedule("constant" if name != "constant"
                                                          else "adaptive", 0.1)):
        other.continue_from(old)
        assert other.rate == other.eta


def test_anneal_continues_its_decay_and_copies_it():
    old = Anneal(0.1)
    old.on_plateau(epochs=4)
    new = Anneal(0.1)
    new.continue_from(old)
    assert new.decay == [4, 0] and new.decay is not old.decay


@pytest.mark.parametrize(
    "n_samples, epochs", [(1, 200), (6_000, 200), (6_001, 200), (7_000, 172), (60_000, 20), (10**7, 10)]
)
def test_max_iter_auto_plans_for_about_1_2_million_samples(n_samples, epochs):
    from skl1net._training._batches import resolve_max_iter

    assert resolve_max_iter("auto", n_samples) == epochs
    assert resolve_max_iter(7, n_samples) == 7


def test_a_default_fit_on_many_rows_runs_the_auto_epochs_with_the_anneal_schedule():
    # 150,000 rows: max_iter='auto' is 10 epochs
    from skl1net import L1MLPClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(150_000, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=len(X)) > 0).astype(int)
    clf = L1MLPClassifier((2,), n_iter_no_change=100, random_state=0).fit(X, y)
    assert clf.n_iter_ == 10
    assert clf.score(X, y) > 0.8
