"""The penalty classes: values, (sub)gradients and the soft-threshold."""

import numpy as np
import pytest

from skl1net.penalties import L1, L2, PENALTIES, L1Prox, make_penalty, soft_threshold


def test_soft_threshold_matches_definition_and_never_crosses_zero():
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    x[:10] = 0.0
    t = 0.3
    out = soft_threshold(x, t)
    expected = np.sign(x) * np.maximum(np.abs(x) - t, 0)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    # never crosses zero: same sign or exactly zero
    assert np.all(out * x >= 0)
    # shrinks |x| by exactly t, or lands on zero when |x| <= t
    big = np.abs(x) > t
    np.testing.assert_allclose(np.abs(x[big]) - np.abs(out[big]), t, atol=1e-15)
    assert np.all(out[~big] == 0)
    # not the classic mistake max(|x - t|, 0), which moves negative weights away from 0
    wrong = np.maximum(np.abs(x - t), 0)
    assert not np.allclose(out, wrong)


def test_soft_threshold_in_place_and_out():
    x = np.array([1.0, -1.0, 0.2])
    out = np.empty_like(x)
    soft_threshold(x, 0.5, out=out)
    np.testing.assert_array_equal(out, [0.5, -0.5, 0.0])
    np.testing.assert_array_equal(x, [1.0, -1.0, 0.2])  # input untouched
    soft_threshold(x, 0.5, out=x)
    np.testing.assert_array_equal(x, [0.5, -0.5, 0.0])


def test_soft_threshold_is_the_prox_of_the_l1_norm():
    # prox_{t|.|}(z) minimises 0.5 (x - z)^2 + t |x|: compare with a fine grid.
    grid = np.linspace(-3, 3, 600001)
    for z in (-2.0, -0.2, 0.0, 0.4, 1.7):
        objective = 0.5 * (grid - z) ** 2 + 0.5 * np.abs(grid)
        assert soft_threshold(np.array([z]), 0.5)[0] == pytest.approx(
            grid[np.argmin(objective)], abs=2e-5
        )


def test_prox_three_point_inequality():
    # 2 (P(p) - P(u)) <= |u - z|^2 - |u - p|^2 - |p - z|^2 with p = prox_P(z)
    rng = np.random.default_rng(1)
    pen = L1Prox(0.7)
    step = 0.3
    for _ in range(50):
        z, u = rng.normal(size=(2, 5, 3))
        p = z.copy()
        pen.prox(p, step)
        lhs = 2 * step * (pen.value([p]) - pen.value([u]))
        rhs = np.sum((u - z) ** 2) - np.sum((u - p) ** 2) - np.sum((p - z) ** 2)
        assert lhs <= rhs + 1e-12


def test_values():
    W = [np.array([[1.0, -2.0]]), np.array([[0.5], [0.0]])]
    assert L1(0.1).value(W) == pytest.approx(0.1 * 3.5)
    assert L1Prox(0.1).value(W) == pytest.approx(0.1 * 3.5)
    assert L2(0.1).value(W) == pytest.approx(0.1 * 0.5 * (1 + 4 + 0.25))


def test_gradient_penalties_add_their_gradient_and_leave_prox_alone():
    W = np.array([[2.0, -0.5, 0.0]])
    G = np.ones_like(W)
    L2(0.1).add_gradient(W, G)
    np.testing.assert_allclose(G, 1 + 0.1 * W)
    G = np.ones_like(W)
    L1(0.1).add_gradient(W, G)
    np.testing.assert_allclose(G, [[1.1, 0.9, 1.0]])
    before = W.copy()
    L1(0.1).prox(W, 1.0)
    L2(0.1).prox(W, 1.0)
    np.testing.assert_array_equal(W, before)


def test_prox_penalty_adds_no_gradient():
    W = np.array([[2.0, -0.5]])
    G = np.ones_like(W)
    L1Prox(0.1).add_gradient(W, G)
    np.testing.assert_array_equal(G, 1.0)


def test_zero_lmbda_changes_nothing():
    W = np.array([[0.3, -0.1]])
    for name in PENALTIES:
        pen = make_penalty(name, 0.0)
        G = np.zeros_like(W)
        pen.add_gradient(W, G)
        pen.prox(W, 1.0)
        assert np.all(G == 0)
        np.testing.assert_array_equal(W, [[0.3, -0.1]])
        assert pen.value([W]) == 0


def test_float32_stays_float32():
    W = np.array([[0.3, -0.1]], dtype=np.float32)
    G = np.zeros_like(W)
    for name in PENALTIES:
        pen = make_penalty(name, 0.01)
        pen.add_gradient(W, G)
        pen.prox(W, 0.5)
    assert W.dtype == np.float32 and G.dtype == np.float32
