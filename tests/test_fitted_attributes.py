"""What a fit leaves: ``loss_``, the regressor's output biases, compacted empty networks."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_friedman1
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net.exceptions import ConstantOutputWarning


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


# -- loss_ -------------------------------------------------------------------------
@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
def test_loss_is_the_last_objective_after_fit_and_partial_fit(iris, Est):
    X, y = iris
    target = y if Est is L1MLPClassifier else X[:, 0] - X[:, 1]
    est = Est(hidden_layer_sizes=(5,), max_iter=4, random_state=0)
    assert not hasattr(est, "loss_")
    with pytest.raises(NotFittedError):
        est.loss_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, target)
    assert isinstance(est.loss_, float)
    assert est.loss_ == est.loss_curve_[-1]
    n_epochs = len(est.loss_curve_)  # 4, and the debiasing epochs when on (the default)
    est.partial_fit(X, target)
    assert len(est.loss_curve_) == n_epochs + 1 and est.loss_ == est.loss_curve_[-1]


def test_loss_matches_mlpclassifier_semantics_on_a_fresh_partial_fit(iris):
    X, y = iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    # one pass of softmax cross-entropy from a random start: about ln 3, plus the penalty
    assert 0.3 < clf.loss_ < 3.0


# -- output biases of the regressor ---------------------------------------------------
@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=600, random_state=0)
    return train_test_split(X, y, random_state=0)


def friedman_r2(friedman, offset):
    X_train, X_test, y_train, y_test = friedman
    reg = L1MLPRegressor(max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X_train, y_train + offset)
    return reg.score(X_test, y_test + offset)


@pytest.mark.parametrize("offset", [1e2, 1e3, 1e4])
def test_a_target_offset_is_harmless(friedman, offset):
    base = friedman_r2(friedman, 0.0)
    assert base > 0.9
    assert friedman_r2(friedman, offset) == pytest.approx(base, abs=0.05)


def test_output_bias_starts_at_the_weighted_target_mean_only_on_a_new_network():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 3), rng.randn(40, 2) + [500.0, -20.0]
    sw = rng.uniform(0.5, 2.0, 40)
    # a step too small to move anything: the biases stay where they started
    reg = L1MLPRegressor(hidden_layer_sizes=(4,), eta=1e-12, learning_rate="constant",
                         random_state=0)
    reg.partial_fit(X, y, sample_weight=sw)
    mean = np.average(y, axis=0, weights=sw)
    np.testing.assert_allclose(reg.intercepts_[-1], mean, rtol=1e-9)
    start = reg.intercepts_[-1].copy()
    reg.partial_fit(X, y + 1000.0)  # training goes on: no new start
    np.testing.assert_allclose(reg.intercepts_[-1], start, rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.set_params(warm_start=True, max_iter=1).fit(X, y + 1000.0)
    np.testing.assert_allclose(reg.intercepts_[-1], start, rtol=1e-9)
    reg.set_params(warm_start=False).fit(X, y + 1000.0)  # a new network starts anew
    np.testing.assert_allclose(reg.intercepts_[-1], y.mean(axis=0) + 1000.0, rtol=1e-9)


# -- compact() of an empty network ------------------------------------------------
@pytest.fixture(scope="module")
def empty_clf():
    X, y = load_digits(return_X_y=True)
    clf = L1MLPClassifier(hidden_layer_sizes=(8, 4), lmbda=10.0, max_iter=5, random_state=0)
    with pytest.warns(ConstantOutputWarning):
        clf.fit(X[:300] / 16, y[:300])
    return clf, X[:300] / 16, y[:300]


def test_compact_of_an_all_zero_network_keeps_a_unit_per_layer(empty_clf):
    clf, X, y = empty_clf
    assert not any(W.any() for W in clf.coefs_)
    small = clf.compact()
    assert small.hidden_layer_sizes == (1, 1)
    assert [W.shape for W in small.coefs_] == [(64, 1), (1, 1), (1, 10)]
    np.testing.assert_allclose(small.predict_proba(X), clf.predict_proba(X), atol=1e-12)


def test_compacted_empty_network_trains_and_refits(empty_clf):
    clf, X, y = empty_clf
    small = clf.compact().set_params(lmbda=0.0, max_iter=2)
    small.partial_fit(X, y)
    assert small.n_iter_ == clf.n_iter_ + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small.set_params(warm_start=True).fit(X, y)
        small.set_params(warm_start=False).fit(X, y)  # the sizes are a valid parameter
    assert small.coefs_[0].shape == (64, 1)


def test_a_network_without_hidden_units_advises_a_refit_that_works(empty_clf):
    clf, X, y = empty_clf
    old = clf.compact()
    # a network whose hidden layers have no unit at all (as compact() once made)
    old.coefs_ = [np.zeros((64, 0)), np.zeros((0, 0)), np.zeros((0, 10))]
    old.intercepts_ = [np.zeros(0), np.zeros(0), old.intercepts_[-1]]
    old.hidden_layer_sizes = (0, 0)
    advice = r"no hidden units left.*set_params\(hidden_layer_sizes=\.\.\.\)"
    with pytest.raises(ValueError, match=advice):
        old.partial_fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old.set_params(hidden_layer_sizes=(4,), warm_start=False, lmbda=0.0, max_iter=2)
        old.fit(X, y)
    assert old.coefs_[0].shape == (64, 4)
