"""The penalty classes: values, (sub)gradients, proxes, and penalties written by a user."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

from skl1net import L1MLPClassifier
from skl1net.penalties import (
    L1,
    L2,
    PENALTIES,
    GroupL1Prox,
    L1Prox,
    Penalty,
    make_penalty,
    soft_threshold,
    total_value,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


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


@pytest.mark.parametrize("penalty", [L1Prox(0.7), GroupL1Prox(0.7)], ids=repr)
@pytest.mark.parametrize("layer", [0, 1])
def test_prox_three_point_inequality(penalty, layer):
    # 2 (P(p) - P(u)) <= |u - z|^2 - |u - p|^2 - |p - z|^2 with p = prox_P(z)
    rng = np.random.default_rng(1)
    step = 0.3
    for _ in range(50):
        z, u = rng.normal(size=(2, 5, 3))
        p = z.copy()
        penalty.prox(p, step, layer)
        lhs = 2 * step * (penalty.value(p, layer) - penalty.value(u, layer))
        rhs = np.sum((u - z) ** 2) - np.sum((u - p) ** 2) - np.sum((p - z) ** 2)
        assert lhs <= rhs + 1e-12


def test_values():
    W = [np.array([[1.0, -2.0]]), np.array([[0.5], [0.0]])]
    assert total_value(L1(0.1), W) == pytest.approx(0.1 * 3.5)
    assert total_value(L1Prox(0.1), W) == pytest.approx(0.1 * 3.5)
    assert total_value(L2(0.1), W) == pytest.approx(0.1 * 0.5 * (1 + 4 + 0.25))
    assert L1(0.1).value(W[1], layer=1) == pytest.approx(0.05)
    assert total_value(None, W) == 0.0


def test_gradient_penalties_give_their_gradient_and_leave_prox_alone():
    W = np.array([[2.0, -0.5, 0.0]])
    out = np.empty_like(W)
    assert L2(0.1).gradient(W, 0, out) is out
    np.testing.assert_allclose(out, 0.1 * W)
    np.testing.assert_allclose(L1(0.1).gradient(W, 1, out), [[0.1, -0.1, 0.0]])
    before = W.copy()
    L1(0.1).prox(W, 1.0, 0)
    L2(0.1).prox(W, 1.0, 0)
    np.testing.assert_array_equal(W, before)


def test_prox_penalties_have_no_gradient():
    assert L1Prox(0.1).gradient is None and GroupL1Prox(0.1).gradient is None


def test_zero_lmbda_changes_nothing():
    W = np.array([[0.3, -0.1]])
    for name in PENALTIES:
        pen = make_penalty(name, 0.0)
        if pen.gradient is not None:
            assert np.all(pen.gradient(W, 0, np.empty_like(W)) == 0)
        pen.prox(W, 1.0, 0)
        np.testing.assert_array_equal(W, [[0.3, -0.1]])
        assert pen.value(W, 0) == 0


def test_float32_stays_float32():
    W = np.array([[0.3, -0.1]], dtype=np.float32)
    for name in PENALTIES:
        pen = make_penalty(name, 0.01)
        if pen.gradient is not None:
            assert pen.gradient(W, 0, np.empty_like(W)).dtype == np.float32
        pen.prox(W, 0.5, 0)
    assert W.dtype == np.float32


def test_the_base_class_asks_for_value():
    class Nothing(Penalty):
        pass

    with pytest.raises(NotImplementedError, match="Nothing must define value"):
        Nothing(0.1).value(np.ones((2, 2)), 0)


def test_make_penalty_copies_an_instance_and_sets_lmbda():
    user = L1Prox(None)
    made = make_penalty(user, 0.01)
    assert made is not user and made.lmbda == 0.01 and user.lmbda is None
    assert make_penalty(L1Prox(0.01), 0.01).lmbda == 0.01  # the same strength twice: fine
    with pytest.raises(ValueError, match="lmbda=0.5 but the estimator's lmbda is 0.01"):
        make_penalty(L1Prox(0.5), 0.01)


# -- penalties written outside the package ---------------------------------------------
class ScratchL1Prox(Penalty):
    """The L1 norm by its prox, from its definition: no kernel, no fused step."""

    def value(self, W, layer):
        return self.lmbda * float(np.abs(W).sum())

    def prox(self, W, step, layer):
        W[...] = np.sign(W) * np.maximum(np.abs(W) - step * self.lmbda, 0)


class ElasticNet(Penalty):
    """``lmbda * (l1_ratio * sum |W| + (1 - l1_ratio) / 2 * sum W ** 2)``: gradient and prox."""

    def __init__(self, lmbda=None, l1_ratio=0.5):
        super().__init__(lmbda)
        self.l1_ratio = l1_ratio

    def value(self, W, layer):
        l1, l2 = np.abs(W).sum(), 0.5 * (W**2).sum()
        return self.lmbda * float(self.l1_ratio * l1 + (1 - self.l1_ratio) * l2)

    def gradient(self, W, layer, out):
        return np.multiply(W, self.lmbda * (1 - self.l1_ratio), out=out)

    def prox(self, W, step, layer):
        if self.l1_ratio:
            W[...] = soft_threshold(W, step * self.lmbda * self.l1_ratio)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def fit(X, y, penalty, **params):
    params = dict(hidden_layer_sizes=(16,), lmbda=1e-2, max_iter=5, random_state=0, **params)
    return L1MLPClassifier(penalty=penalty, **params).fit(X, y)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)])
@pytest.mark.parametrize(
    "user, builtin",
    [(ScratchL1Prox(), "l1_prox"), (ElasticNet(l1_ratio=1.0), "l1_prox"),
     (ElasticNet(l1_ratio=0.0), "l2")],
    ids=["scratch-l1-prox", "elastic-net-as-l1", "elastic-net-as-l2"],
)
def test_a_penalty_written_by_a_user_trains_as_the_builtin_one(digits, user, builtin,
                                                                momentum, nesterov):
    # the generic path (the penalty's gradient and prox) gives the weights of
    # the built-in penalty's fused kernels, up to float rounding
    X, y = digits
    params = dict(momentum=momentum, nesterovs_momentum=nesterov)
    mine, reference = fit(X, y, user, **params), fit(X, y, builtin, **params)
    for a, b in zip(mine.coefs_ + mine.intercepts_, reference.coefs_ + reference.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=1e-9)
    if "prox" in builtin:
        assert mine.zero_fraction_ == reference.zero_fraction_ > 0.02


def test_a_user_penalty_takes_the_estimators_lmbda_and_stays_untouched(digits):
    X, y = digits
    user = ElasticNet(l1_ratio=0.7)
    clf = L1MLPClassifier((8,), penalty=user, lmbda=0.01, max_iter=2, random_state=0)
    clf.fit(X, y)
    assert user.lmbda is None and clf.get_params()["penalty"] is user
    assert clf._optimizer.penalty.lmbda == 0.01 and clf._optimizer.penalty.l1_ratio == 0.7
    cloned = clone(clf)
    assert isinstance(cloned.penalty, ElasticNet) and cloned.penalty.l1_ratio == 0.7
    assert pickle.loads(pickle.dumps(clf)).score(X, y) == clf.score(X, y)
    with pytest.raises(ValueError, match="has lmbda=0.5 but the estimator's lmbda is 0.01"):
        L1MLPClassifier((8,), penalty=ElasticNet(0.5), lmbda=0.01, max_iter=1).fit(X, y)


def test_penalty_must_be_a_name_or_a_penalty(digits):
    X, y = digits
    with pytest.raises(InvalidParameterError, match="'penalty' parameter"):
        L1MLPClassifier(penalty=object()).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'penalty' parameter"):
        L1MLPClassifier(penalty="l3").fit(X, y)
