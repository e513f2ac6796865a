"""Working-set training in the estimators: same weights as full training, optimal left-out rows."""

# SPDX-License-Identifier: BSD-3-Clause

import copy
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net._network._mlp import Workspace
from skl1net._training._working_set import WorkingSet, zero_row_violations
from skl1net.penalties import make_penalty


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _data(regression=False, n=240, n_features=10, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, n_features)
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.randn(n) if regression else (X[:, 0] > X[:, 1]).astype(int)
    return X, y


def _idle(est, X, y, sample_weight):
    """``est`` fitted for an epoch, then given hidden units that are off: zero in and out, bias < 0."""
    est.fit(X, y, sample_weight=sample_weight)
    for layer, unit in ((0, 1), (0, 5), (1, 3)):
        est.coefs_[layer][:, unit] = 0.0
        est.coefs_[layer + 1][unit] = 0.0
        est.intercepts_[layer][unit] = -0.2
    # an optimizer kept by partial_fit starts with no velocity on them either
    for kind, params in enumerate((est.coefs_, est.intercepts_)):
        for i in range(len(params)):
            for S in est._optimizer.slots(kind, i):
                S[...] = 0.0
    return est


@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
@pytest.mark.parametrize("how", ["fit", "partial_fit", "debias"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_switch_on_and_off_give_the_same_weights(Est, how, sparse, weighted):
    X, y = _data(regression=Est is L1MLPRegressor)
    sw = np.random.RandomState(1).uniform(0.5, 2, len(y)) if weighted else None
    if sparse:
        X = sp.csr_matrix(X)
    # lmbda too small to zero a whole input row: only hidden units are left out
    est = _idle(Est(hidden_layer_sizes=(12, 8), lmbda=1e-6, max_iter=1, batch_size=32,
                    random_state=0), X, y, sw)
    results = []
    for on in (True, False):
        e = copy.deepcopy(est).set_params(working_set=on, warm_start=True, max_iter=4,
                                          debias=how == "debias")
        if how == "partial_fit":
            for _ in range(3):
                e.partial_fit(X, y, sample_weight=sw)
        else:
            e.fit(X, y, sample_weight=sw)
        results.append(e)
    on, off = results
    assert on.n_iter_ == off.n_iter_
    assert not on.coefs_[0][:, [1, 5]].any() and not on.coefs_[1][:, 3].any()
    for A, B in zip(on.coefs_ + on.intercepts_, off.coefs_ + off.intercepts_):
        np.testing.assert_allclose(A, B, rtol=1e-9, atol=1e-12)


def _gradients(est, X, y, sample_weight=None):
    """The loss gradient of every weight matrix over the whole training set."""
    units = [X.shape[1]] + [W.shape[1] for W in est.coefs_]
    ws = Workspace(units, X.shape[0], X.dtype, est.activation, est.out_activation_)
    if isinstance(est, L1MLPClassifier):
        Y = est._label_binarizer.transform(y)
    else:
        Y = y.reshape(len(y), -1)
    assert Y.shape[1] == est.n_outputs_
    sw = None if sample_weight is None else sample_weight / sample_weight.sum()
    ws.loss_and_gradients(X, ws.encode_targets(Y.astype(X.dtype)), est.coefs_, est.intercepts_,
                          sw)
    return ws.coef_grads


@pytest.fixture
def left_out(monkeypatch):
    """The units of each layer left out of each epoch, recorded as the epochs start."""
    epochs = []
    enter = WorkingSet.enter

    def recording_enter(self, state):
        entered = enter(self, state)
        epochs.append([m.copy() for m in self.left_out])
        return entered

    monkeypatch.setattr(WorkingSet, "enter", recording_enter)
    return epochs


def _assert_zero_rows_optimal(est, X, y, left_out, sample_weight=None, some=True):
    """The rows left out of the last epoch are zero and optimal at the end of the fit.

    The rows of input features (layer 0) and the outgoing rows of hidden
    units (deeper layers); ``some``: at least one input feature was left out.
    """
    grads = _gradients(est, X, y, sample_weight)
    # a relative margin for the float rounding of a different summation order
    penalty = make_penalty(est.penalty, est.lmbda * (1 + 1e-6))
    for k, (W, G, out) in enumerate(zip(est.coefs_, grads, left_out[-1])):
        assert not W[out].any()  # left out means untouched
        violators = zero_row_violations(penalty, G[out], layer=k)
        assert not violators.any(), (k, np.abs(G[out]).max(axis=1)[violators])
    assert left_out[-1][0].any() or not some


@pytest.mark.parametrize("penalty", ["l1_prox", "group_l1_prox"])
def test_left_out_rows_are_optimal_at_the_end_of_a_fit_on_digits(penalty, left_out):
    X, y = load_digits(return_X_y=True)
    X = X / 16
    clf = L1MLPClassifier(hidden_layer_sizes=(32,), working_set=True, penalty=penalty, lmbda=3e-3, max_iter=15,
                          random_state=0).fit(X, y)
    _assert_zero_rows_optimal(clf, X, y, left_out)


def test_readmits_a_zeroed_row_that_the_data_wants(left_out):
    # informative features whose rows are zeroed by hand: the check must bring them back
    X, y = make_classification(n_samples=300, n_features=12, n_informative=3, n_redundant=0,
                               shuffle=False, random_state=0)
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), working_set=True, lmbda=1e-3, max_iter=5, random_state=0)
    clf.fit(X, y)
    clf.coefs_[0][:3] = 0.0
    clf.set_params(warm_start=True, max_iter=1).fit(X, y)
    assert np.any(clf.coefs_[0][:3] != 0)
    _assert_zero_rows_optimal(clf, X, y, left_out, some=False)


@pytest.mark.parametrize("rounds", [0, 2])
def test_final_check_readmits_violators_then_the_whole_network(rounds, left_out, monkeypatch):
    from skl1net._training import _loop

    monkeypatch.setattr(_loop, "FINAL_ROUNDS", rounds)
    X, y = make_classification(n_samples=300, n_features=12, n_informative=3, n_redundant=0,
                               shuffle=False, random_state=0)
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), working_set=True, lmbda=1e-3, max_iter=3,
                          debias=False, random_state=0).fit(X, y)
    clf.coefs_[0][:3] = 0.0  # informative rows, left out of the next epoch (no check before it)
    n_epochs = len(left_out)
    clf.set_params(warm_start=True, max_iter=1).fit(X, y)
    assert left_out[n_epochs][0][:3].all()
    # the violators come back in the next epoch (with the whole network without rounds)
    assert not left_out[n_epochs + 1][0][:3].any()
    if not rounds:
        assert not any(m.any() for m in left_out[n_epochs + 1])
    _assert_zero_rows_optimal(clf, X, y, left_out, some=False)


@pytest.mark.parametrize("sparse", [False, True])
def test_left_out_rows_are_optimal_with_sample_weight_and_sparse_input(sparse, left_out):
    X, y = make_classification(n_samples=300, n_features=30, n_informative=4, random_state=1)
    sw = np.random.RandomState(0).uniform(0.2, 3, len(y))
    Xf = sp.csr_matrix(X) if sparse else X
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), working_set=True, lmbda=2e-2, max_iter=30, random_state=0)
    clf.fit(Xf, y, sample_weight=sw)
    _assert_zero_rows_optimal(clf, X, y, left_out, sw, some=False)


def test_adam_trains_with_the_working_set_as_without(left_out):
    X, y = _data()
    est = _idle(L1MLPClassifier(hidden_layer_sizes=(12, 8), lmbda=1e-6, max_iter=1,
                                batch_size=32, solver="adam", random_state=0), X, y, None)
    on, off = (copy.deepcopy(est).set_params(working_set=ws, warm_start=True, max_iter=3)
               .fit(X, y) for ws in (True, False))
    assert left_out and left_out[-1][1][[1, 5]].all()
    for A, B in zip(on.coefs_ + on.intercepts_, off.coefs_ + off.intercepts_):
        np.testing.assert_allclose(A, B, rtol=1e-9, atol=1e-12)


def test_left_out_rows_are_optimal_for_the_regressor(left_out):
    rng = np.random.RandomState(0)
    X = rng.rand(300, 20)
    y = X[:, 0] - X[:, 1] + 0.1 * rng.randn(300)
    reg = L1MLPRegressor(hidden_layer_sizes=(16,), working_set=True, lmbda=1e-2, max_iter=5, random_state=0)
    reg.fit(X, y)
    reg.coefs_[0][1:] = 0.0  # left out from the start, the informative row 1 among them
    reg.set_params(warm_start=True).fit(X, y)
    assert np.any(reg.coefs_[0][1] != 0)
    _assert_zero_rows_optimal(reg, X, y, left_out, some=False)


@pytest.mark.parametrize("params, on", [
    ({}, True),
    ({"penalty": "l1"}, True),
    ({"reweight": 1}, False),
    ({"penalty": "weighted"}, False),
    ({"working_set": False}, False),
    ({"batch_size": 40}, False),  # 6 batches an epoch: slicing would cost more than it saves
])
def test_auto_trains_on_the_live_part_unless_the_penalty_covers_the_whole_network(
        params, on, left_out):
    from skl1net.penalties import WeightedL1Prox

    if params.get("penalty") == "weighted":
        params = {"penalty": WeightedL1Prox(None)}
    X, y = _data()
    params = {"batch_size": 16, **params}  # 15 batches an epoch
    L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0, **params).fit(X, y)
    assert bool(left_out) == on
