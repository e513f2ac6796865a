"""The proximal steps of the penalties: L1, L2, the group L1 penalty and the support constraint."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skl1net import L1MLPClassifier
from skl1net.penalties import (
    L1,
    L2,
    PENALTIES,
    GroupL1Prox,
    L1Prox,
    group_soft_threshold,
    soft_threshold,
    total_value,
)
from skl1net._optim._constraints import FixedSupport


@pytest.mark.parametrize("cls", [L2, L1, L1Prox])
def test_prox_is_the_same_for_every_layer_of_layerwise_penalties(cls):
    rng = np.random.RandomState(0)
    W = rng.randn(5, 4)
    a, b = W.copy(), W.copy()
    cls(0.3).prox(a, 0.5, 0)
    for layer in (0, 1, 2):
        c = W.copy()
        cls(0.3).prox(c, 0.5, layer)
        np.testing.assert_array_equal(c, a)
    assert b is not a


def test_group_prox_is_the_proximal_operator():
    """Row-wise closed form, and the three-point inequality of a prox."""
    rng = np.random.RandomState(0)
    Z = rng.randn(6, 4)
    t = 1.5
    P = Z.copy()
    group_soft_threshold(P, t)
    norms = np.linalg.norm(Z, axis=1)
    expected = Z * np.maximum(0, 1 - t / norms)[:, None]
    np.testing.assert_allclose(P, expected)
    assert np.all((np.linalg.norm(P, axis=1) == 0) == (norms <= t))

    def R(W):
        return t * np.linalg.norm(W, axis=1).sum()

    for _ in range(20):
        U = rng.randn(6, 4)
        lhs = 2 * (R(P) - R(U))
        rhs = ((U - Z) ** 2).sum() - ((U - P) ** 2).sum() - ((P - Z) ** 2).sum()
        assert lhs <= rhs + 1e-10


def test_group_penalty_layers_and_value():
    rng = np.random.RandomState(1)
    W0, W1 = rng.randn(3, 4), rng.randn(4, 2)
    pen = GroupL1Prox(0.2)
    expected = 0.2 * (2 * np.linalg.norm(W0, axis=1).sum() + np.abs(W1).sum())
    assert np.isclose(total_value(pen, [W0, W1]), expected)
    deep = W1.copy()
    pen.prox(deep, 0.5, layer=1)
    np.testing.assert_array_equal(deep, soft_threshold(W1, 0.1))
    assert PENALTIES["group_l1_prox"] is GroupL1Prox


def test_group_penalty_removes_whole_features():
    X, y = make_classification(
        n_samples=400, n_features=30, n_informative=5, n_redundant=0, random_state=0
    )
    params = dict(hidden_layer_sizes=(20,), lmbda=0.01, max_iter=100, random_state=0)
    group = L1MLPClassifier(penalty="group_l1_prox", **params).fit(X, y)
    elementwise = L1MLPClassifier(penalty="l1_prox", **params).fit(X, y)
    rows_zero = np.count_nonzero(group.coefs_[0], axis=1) == 0
    rows_full = np.count_nonzero(group.coefs_[0], axis=1) == group.coefs_[0].shape[1]
    assert np.all(rows_zero | rows_full)  # all or nothing per feature
    assert 0 < group.n_features_selected_ < 30
    assert group.n_features_selected_ < elementwise.n_features_selected_
    assert group.score(X, y) > 0.8


def test_fixed_support_keeps_the_mask():
    W = np.arange(1.0, 7.0).reshape(2, 3)
    mask = np.array([[True, False, True], [False, True, False]])
    FixedSupport([None, mask]).project(W, layer=1)
    np.testing.assert_array_equal(W, [[1, 0, 3], [0, 5, 0]])
