"""Back-propagation checked against finite differences of the loss."""

import numpy as np
import pytest

from skl1net._network._mlp import Workspace, init_params


def _objective(ws, X, Y, coefs, intercepts, sw):
    return ws.loss_and_gradients(X, Y, coefs, intercepts, sw)


def _numerical_gradient(ws, X, Y, coefs, intercepts, sw, eps=1e-6):
    grads = []
    for P in coefs + intercepts:
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + eps
            plus = _objective(ws, X, Y, coefs, intercepts, sw)
            P[idx] = old - eps
            minus = _objective(ws, X, Y, coefs, intercepts, sw)
            P[idx] = old
            G[idx] = (plus - minus) / (2 * eps)
        grads.append(G)
    return grads


def _targets(kind, n, rng):
    if kind == "softmax":
        return np.eye(3)[rng.integers(0, 3, n)]
    if kind == "binary":
        return rng.integers(0, 2, (n, 1)).astype(float)
    if kind == "multilabel":
        return rng.integers(0, 2, (n, 3)).astype(float)
    return rng.normal(size=(n, 2))  # regression


OUT = {"softmax": "softmax", "binary": "logistic", "multilabel": "logistic", "identity": "identity"}


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("output", ["softmax", "binary", "multilabel", "identity"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("hidden", [(), (5,), (4, 3)])
def test_backprop_matches_finite_differences(activation, output, weighted, hidden):
    rng = np.random.default_rng(42)
    n, d = 7, 4
    X = rng.normal(size=(n, d))
    Y = _targets(output, n, rng)
    sw = None
    if weighted:
        sw = rng.uniform(0.1, 3.0, n)
        sw /= sw.sum()
    units = [d, *hidden, Y.shape[1]]
    coefs, intercepts = init_params(units, activation, np.float64, np.random.RandomState(0))
    ws = Workspace(units, n, np.float64, activation, OUT[output])
    _objective(ws, X, Y, coefs, intercepts, sw)
    analytic = [G.copy() for G in ws.coef_grads + ws.intercept_grads]
    numeric = _numerical_gradient(ws, X, Y, coefs, intercepts, sw)
    for a, num in zip(analytic, numeric):
        np.testing.assert_allclose(a, num, rtol=1e-5, atol=1e-7)


def test_weighted_loss_is_the_weighted_mean():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    Y = np.eye(2)[[0, 1, 1, 0, 1, 0]]
    units = [3, 4, 2]
    coefs, intercepts = init_params(units, "tanh", np.float64, np.random.RandomState(0))
    ws = Workspace(units, 6, np.float64, "tanh", "softmax")
    per_sample = []
    for i in range(6):
        ws1 = Workspace(units, 1, np.float64, "tanh", "softmax")
        per_sample.append(ws1.loss_and_gradients(X[i : i + 1], Y[i : i + 1], coefs, intercepts))
    w = np.array([1.0, 2, 0, 1, 3, 1])
    loss = ws.loss_and_gradients(X, Y, coefs, intercepts, w / w.sum())
    assert loss == pytest.approx(np.dot(per_sample, w) / w.sum())
    assert ws.loss_and_gradients(X, Y, coefs, intercepts) == pytest.approx(np.mean(per_sample))


def test_gradient_with_sparse_input_equals_dense():
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 5)) * (rng.random((8, 5)) < 0.4)
    Y = np.eye(3)[rng.integers(0, 3, 8)]
    units = [5, 4, 3]
    coefs, intercepts = init_params(units, "relu", np.float64, np.random.RandomState(0))
    ws = Workspace(units, 8, np.float64, "relu", "softmax")
    dense_loss = ws.loss_and_gradients(X, Y, coefs, intercepts)
    dense = [G.copy() for G in ws.coef_grads + ws.intercept_grads]
    sparse_loss = ws.loss_and_gradients(sp.csr_matrix(X), Y, coefs, intercepts)
    assert sparse_loss == pytest.approx(dense_loss)
    for a, b in zip(dense, ws.coef_grads + ws.intercept_grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
