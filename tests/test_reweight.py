"""Reweighted L1 (``reweight=k``): the strengths, the weighted prox, the rounds of a fit."""

import copy

import numpy as np
import pytest

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net.penalties import L1Prox, WeightedL1Prox
from skl1net._network._compact import fold_constant_units
from skl1net._training._reweight import strengths

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_strengths_by_hand():
    W0 = np.array([[1.0, -0.5], [0.0, 0.25]])
    W1 = np.array([[-1.25], [0.0]])
    # non-zero magnitudes 1, 0.5, 0.25, 1.25: mean 0.75, floor 0.1 * 0.75
    floor = 0.075
    inv0 = 1 / (np.abs(W0) + floor)
    inv1 = 1 / (np.abs(W1) + floor)
    c = 3.0 / ((inv0 * np.abs(W0)).sum() + (inv1 * np.abs(W1)).sum())  # L1 norm 3
    S0, S1 = strengths([W0, W1])
    np.testing.assert_allclose(S0, c * inv0)
    np.testing.assert_allclose(S1, c * inv1)
    # the weighted penalty of the current weights is their L1 penalty
    assert np.isclose((S0 * np.abs(W0)).sum() + (S1 * np.abs(W1)).sum(), 3.0)
    # smaller weights are penalised more; zeros most
    assert S0[0, 1] > S0[0, 0] and S0[1, 0] == S1[1, 0] == S0.max()


def test_strengths_keep_dtype_and_layout_and_an_empty_network():
    W = np.asfortranarray(np.array([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32))
    (S,) = strengths([W])
    assert S.dtype == np.float32 and S.flags.f_contiguous
    (S,) = strengths([np.zeros((2, 3))])
    np.testing.assert_array_equal(S, 1.0)


def test_weighted_prox_is_the_per_entry_soft_threshold():
    rng = np.random.RandomState(0)
    W = rng.randn(5, 4)
    S = rng.uniform(0, 3, size=W.shape)
    penalty = WeightedL1Prox(0.2, [S])
    expected = np.sign(W) * np.maximum(np.abs(W) - 0.5 * 0.2 * S, 0)
    assert np.isclose(penalty.value(W, 0), 0.2 * (S * np.abs(W)).sum())
    U = W.copy()
    penalty.prox(U, 0.5, layer=0)
    np.testing.assert_allclose(U, expected)
    # per-entry steps (Adam's eta_t / D) multiply the strengths
    steps = rng.uniform(0.1, 1.0, size=W.shape)
    U = W.copy()
    penalty.prox(U, steps, layer=0)
    np.testing.assert_allclose(U, np.sign(W) * np.maximum(np.abs(W) - steps * 0.2 * S, 0))
    # strengths all 1 (or None) are L1Prox
    for weighted in (WeightedL1Prox(0.2, [np.ones_like(W)]), WeightedL1Prox(0.2)):
        U, V = W.copy(), W.copy()
        weighted.prox(U, 0.5, 0)
        L1Prox(0.2).prox(V, 0.5, 0)
        np.testing.assert_allclose(U, V)
        assert np.isclose(weighted.value(W, 0), L1Prox(0.2).value(W, 0))
    with pytest.raises(ValueError, match="strengths of shape"):
        penalty.prox(W[:2], 0.5, layer=0)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_round_is_a_warm_start_under_the_weighted_penalty(digits_split, solver):
    """reweight=1 is fit, then strengths from its weights, then a warm-started fit."""
    X_train, X_test, y_train, _ = digits_split
    # debiasing pinned off: the epochs counted are those of the rounds; the
    # working set too (reweighting turns it off): the same steps to the bit
    params = dict(hidden_layer_sizes=(16,), lmbda=3e-3, eta=0.05, max_iter=6,
                  solver=solver, random_state=0, debias=False, working_set=False)
    if solver == "adam":
        params.update(eta=0.003, lmbda=1e-3)
    by_hand = L1MLPClassifier(**params).fit(X_train, y_train)
    S = strengths(by_hand.coefs_)
    by_hand.set_params(penalty=WeightedL1Prox(None, S), warm_start=True)
    by_hand.fit(X_train, y_train)
    rounds = L1MLPClassifier(reweight=1, **params).fit(X_train, y_train)
    assert rounds.n_iter_ == by_hand.n_iter_ == 12
    for A, B in zip(rounds.coefs_ + rounds.intercepts_, by_hand.coefs_ + by_hand.intercepts_):
        np.testing.assert_array_equal(A, B)
    assert rounds.loss_curve_ == by_hand.loss_curve_
    # the fitted optimizer keeps the plain penalty, for partial_fit
    assert type(rounds._optimizer.penalty) is L1Prox
    assert rounds._optimizer.penalty.lmbda == params["lmbda"]


def test_reweighting_prunes_more_and_debias_follows_the_last_round(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    params = dict(hidden_layer_sizes=(50,), lmbda=1e-3, max_iter=30, random_state=0,
                  solver="sgd")
    plain = L1MLPClassifier(debias=True, **params).fit(X_train, y_train)
    rounds = L1MLPClassifier(debias=True, reweight=2, **params).fit(X_train, y_train)
    assert rounds.zero_fraction_ > plain.zero_fraction_ + 0.1
    assert rounds.score(X_test, y_test) > 0.9
    # three planned runs, then 10 debiasing epochs (after the last round's 30)
    no_debias = L1MLPClassifier(reweight=2, debias=False, **params).fit(X_train, y_train)
    assert rounds.n_iter_ == no_debias.n_iter_ + 10
    # the support of the last round, but for the units without inputs (folded)
    support = [W.copy() for W in no_debias.coefs_]
    fold_constant_units(support, [b.copy() for b in no_debias.intercepts_], "relu")
    for W, V in zip(rounds.coefs_, support):
        np.testing.assert_array_equal(W == 0, V == 0)


def test_partial_fit_never_reweights(digits_split):
    X_train, _, y_train, _ = digits_split
    # SGD's step size, without debiasing: the epochs counted are those of the rounds
    # (and without the working set, which reweighting turns off: the same steps to the bit)
    params = dict(hidden_layer_sizes=(16,), lmbda=3e-3, eta=0.05, max_iter=5, random_state=0,
                  solver="sgd", debias=False, working_set=False)
    a = L1MLPClassifier(reweight=2, **params).fit(X_train, y_train)
    b = copy.deepcopy(a)
    b.set_params(reweight=0)
    a.partial_fit(X_train, y_train)
    b.partial_fit(X_train, y_train)
    assert a.n_iter_ == b.n_iter_ == 16
    for W, V in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(W, V)
    # the first partial_fit of a new model is one plain epoch
    c = L1MLPClassifier(reweight=2, **params).partial_fit(X_train, y_train, classes=np.arange(10))
    d = L1MLPClassifier(**params).partial_fit(X_train, y_train, classes=np.arange(10))
    assert c.n_iter_ == 1
    np.testing.assert_array_equal(c.coefs_[0], d.coefs_[0])


def test_reweight_on_the_regressor(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    params = dict(hidden_layer_sizes=(20,), lmbda=1e-3, eta=0.01, max_iter=20, random_state=0)
    plain = L1MLPRegressor(**params).fit(X_train, y_train / 9)
    rounds = L1MLPRegressor(reweight=1, **params).fit(X_train, y_train / 9)
    assert rounds.n_iter_ > plain.n_iter_
    assert rounds.zero_fraction_ > plain.zero_fraction_


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(penalty="l2"), "needs penalty='l1_prox'"),
        (dict(penalty="group_l1_prox"), "needs penalty='l1_prox'"),
        (dict(penalty=WeightedL1Prox()), "needs penalty='l1_prox'"),
        (dict(working_set=True), "cannot be combined"),
    ],
)
def test_reweight_errors(digits_split, params, match):
    X_train, _, y_train, _ = digits_split
    with pytest.raises(ValueError, match=match):
        L1MLPClassifier(reweight=1, max_iter=2, **params).fit(X_train, y_train)


def test_reweight_parameter_range(digits_split):
    X_train, _, y_train, _ = digits_split
    with pytest.raises(ValueError, match="reweight"):
        L1MLPClassifier(reweight=-1).fit(X_train, y_train)


def test_rounds_take_the_resolved_max_iter(digits_split):
    X_train, _, y_train, _ = digits_split
    params = dict(hidden_layer_sizes=(8,), lmbda=3e-3, tol=0.0, n_iter_no_change=1000,
                  random_state=0, debias=False)  # the epochs counted are the rounds'

    auto = L1MLPClassifier(max_iter="auto", reweight=1, **params).fit(X_train, y_train)
    assert auto.n_iter_ == 2 * 200  # 'auto' is 200 epochs on 1,257 rows, in each round
