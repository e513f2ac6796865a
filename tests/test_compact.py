"""compact(): the same predictions without the dead hidden units."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net._network import _compact
from skl1net._network._compact import dead_units, pruned_network
from skl1net._network._mlp import forward

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def sparse_net(digits_split):
    X_train, _, y_train, _ = digits_split
    return L1MLPClassifier(
        hidden_layer_sizes=(64, 32), lmbda=1e-2, max_iter=40, random_state=0
    ).fit(X_train, y_train)


@pytest.mark.parametrize("sparse", ["auto", True, False])
def test_compact_is_equivalent_and_smaller(sparse_net, digits_split, sparse):
    X_test = digits_split[1]
    assert sparse_net.n_dead_units_.sum() > 0
    small = sparse_net.compact(sparse=sparse)
    assert small is not sparse_net and not small.n_dead_units_.any()
    assert small.hidden_layer_sizes == tuple(
        n - d for n, d in zip((64, 32), sparse_net.n_dead_units_)
    ) or sum(small.hidden_layer_sizes) < 96
    np.testing.assert_allclose(
        small.predict_proba(X_test), sparse_net.predict_proba(X_test), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_array_equal(small.predict(X_test), sparse_net.predict(X_test))
    # a feature loses its support only when all its weights fed units compact()
    # removes (the equal predictions above show that they did not matter)
    assert not np.any(small.support_ & ~sparse_net.support_)
    assert len(pickle.dumps(small)) < len(pickle.dumps(sparse_net))
    assert all(sp.issparse(W) == (sparse is True) for W in small.coefs_) or sparse == "auto"
    # the original is untouched
    assert sparse_net.coefs_[0].shape[1] == 64


def test_compact_folds_constant_units():
    """A unit with no inputs outputs act(bias); its effect moves into the next bias."""
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    reg = L1MLPRegressor(hidden_layer_sizes=(4, 3), max_iter=2, random_state=0)
    reg.fit(X, rng.randn(30, 2))
    reg.coefs_[0][:, 1] = 0  # unit 1 of layer 1: constant relu(b) feeds layer 2
    reg.intercepts_[0][1] = 0.7
    reg.coefs_[1][2, :] = 0  # unit 2 of layer 1: output unused
    reg.coefs_[1][:, 0] = 0  # unit 0 of layer 2: becomes constant
    before = reg.predict(X)
    small = reg.compact(sparse=False)
    assert small.hidden_layer_sizes == (2, 2)
    np.testing.assert_allclose(small.predict(X), before, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_compact_model_trains_further(sparse_net, digits_split, sparse):
    X_train, _, y_train, _ = digits_split
    small = sparse_net.compact(sparse=sparse)
    small.partial_fit(X_train, y_train)
    assert small.n_iter_ == sparse_net.n_iter_ + 1
    # sparse weights train as dense arrays; the removed units stay removed
    assert not any(sp.issparse(W) for W in small.coefs_)
    assert small.coefs_[0].shape == (X_train.shape[1], small.hidden_layer_sizes[0])


def test_compact_of_an_unfitted_model_raises_not_fitted():
    with pytest.raises(NotFittedError):
        L1MLPClassifier().compact()


# -- prediction through the pruned network --------------------------------------
def _recorded_shapes(monkeypatch):
    """Record the hidden widths of every network forward_pruned multiplies with."""
    seen = []

    def recording(X, coefs, *args):
        seen.append(tuple(W.shape[1] for W in coefs[:-1]))
        return forward(X, coefs, *args)

    monkeypatch.setattr(_compact, "forward", recording)
    return seen


def test_predict_runs_the_compacted_network(sparse_net, digits_split, monkeypatch):
    """An uncompacted model predicts through the network compact() returns."""
    X_test = digits_split[1]
    monkeypatch.setattr(_compact, "PRUNE_ROWS", len(X_test) // 2)  # digits' test set is small
    small = sparse_net.compact(sparse=False)
    seen = _recorded_shapes(monkeypatch)
    proba = sparse_net.predict_proba(X_test)
    assert seen == [small.hidden_layer_sizes]
    full = forward(X_test, sparse_net.coefs_, sparse_net.intercepts_, "relu", "softmax")
    np.testing.assert_allclose(proba, full, rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(proba, small.predict_proba(X_test))


def test_few_rows_and_dense_networks_are_not_pruned(sparse_net, digits_split, monkeypatch):
    X_test = digits_split[1]
    seen = _recorded_shapes(monkeypatch)
    sparse_net.predict(X_test[:3])  # pruning would cost more than it saves
    dense = copy.deepcopy(sparse_net)
    rng = np.random.RandomState(0)
    dense.coefs_ = [rng.randn(*W.shape) for W in dense.coefs_]
    dense.coefs_[0][0] = 0  # a dead feature: no dead unit, nothing to prune
    dense.predict(X_test)
    assert seen == [(64, 32), (64, 32)]
    assert not any(d.any() for d in dead_units(dense.coefs_))


def test_pruning_folds_constant_units_and_keeps_regressor_predictions():
    rng = np.random.RandomState(0)
    X = rng.randn(600, 3)
    reg = L1MLPRegressor(hidden_layer_sizes=(4, 3), max_iter=2, random_state=0)
    reg.fit(X, rng.randn(600, 2))
    full_net = copy.deepcopy(reg)
    reg.coefs_[0][:, 1] = 0  # constant unit relu(0.7), folded into the next bias
    reg.intercepts_[0][1] = 0.7
    reg.coefs_[1][2, :] = 0  # output unused
    expected = forward(X, reg.coefs_, reg.intercepts_, "relu", "identity")
    np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-12, atol=1e-12)
    coefs, _ = pruned_network(reg.coefs_, reg.intercepts_, "relu")
    assert [W.shape for W in coefs] == [(3, 2), (2, 3), (3, 2)]
    assert full_net.coefs_[0][0, 1] != 0  # the fitted model was copied, not changed


@pytest.mark.parametrize("seed", range(20))
def test_dead_units_matches_its_definition(seed):
    """The dense shortcut (first row and column all non-zero) agrees with the full test."""
    rng = np.random.RandomState(seed)
    density = rng.choice([0.05, 0.3, 0.9, 1.0])
    coefs = [rng.randn(5, 4) * (rng.rand(5, 4) < density), rng.randn(4, 3) * (rng.rand(4, 3) < density)]
    coefs.append(rng.randn(3, 2))
    expected = [
        ~np.any(W_in != 0, axis=0) | ~np.any(W_out != 0, axis=1)
        for W_in, W_out in zip(coefs[:-1], coefs[1:])
    ]
    for got, want in zip(dead_units(coefs), expected):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(dead_units([sp.csr_matrix(W) for W in coefs]), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pruned_prediction_of_sparse_input_and_float32(sparse_net, digits_split, dtype, monkeypatch):
    X_test = digits_split[1].astype(dtype)
    model = copy.deepcopy(sparse_net)
    model.coefs_ = [W.astype(dtype) for W in model.coefs_]
    model.intercepts_ = [b.astype(dtype) for b in model.intercepts_]
    seen = _recorded_shapes(monkeypatch)
    monkeypatch.setattr(_compact, "PRUNE_ROWS", 1)
    dense_in = model.predict_proba(X_test)
    sparse_in = model.predict_proba(sp.csr_matrix(X_test))
    assert seen[0] == seen[1] == model.compact().hidden_layer_sizes
    assert dense_in.dtype == sparse_in.dtype == dtype
    full = forward(X_test, model.coefs_, model.intercepts_, "relu", "softmax")
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(dense_in, full, rtol=tol, atol=tol)
    np.testing.assert_allclose(sparse_in, full, rtol=tol, atol=tol)
