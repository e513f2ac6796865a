"""solver='adam': the rules of skl1net._optim._adam checked by hand, the kernel, the estimators.

The expected steps are written out in float64 from the formulas of the
module docstring, independently of the kernel.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net._compute import _npkernels
from skl1net._optim._adam import Adam
from skl1net._optim._constraints import FixedSupport
from skl1net._optim._schedules import Constant
from skl1net.penalties import PENALTIES, Penalty, make_penalty, soft_threshold

from conftest import COMPILED_VARIANTS
from test_update_rules import W1, W2, X, b1, b2, manual_gradient, y

B1, B2, EPS = 0.9, 0.999, 1e-8
DTYPES = [np.float32, np.float64]


def textbook_adam(penalty, lmbda, eta, params, grads, eps=EPS):
    """The rules of the module docstring, literally; 2-D arrays are weights, 1-D biases."""
    params = [p.astype(np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, step_grads in enumerate(grads, start=1):
        layer = 0
        for k, (P, g) in enumerate(zip(params, step_grads)):
            weights = P.ndim == 2
            g = g.astype(np.float64)
            if weights and penalty == "l2":
                g = g + lmbda * P
            elif weights and penalty == "l1":
                g = g + lmbda * np.sign(P)
            m[k] = B1 * m[k] + (1 - B1) * g
            v[k] = B2 * v[k] + (1 - B2) * g**2
            D = np.sqrt(v[k] / (1 - B2**t)) + eps
            P = P - eta * (m[k] / (1 - B1**t)) / D
            if weights and (penalty == "l1_prox" or (penalty == "group_l1_prox" and layer)):
                P = np.sign(P) * np.maximum(np.abs(P) - eta * lmbda / D, 0)
            elif weights and penalty == "group_l1_prox":
                d = D.max(axis=1, keepdims=True)
                norm = np.linalg.norm(P, axis=1, keepdims=True)
                tau = eta * lmbda * np.sqrt(P.shape[1]) / d
                P = P * np.maximum(1 - tau / np.maximum(norm, 1e-300), 0)
            layer += weights
            params[k] = P
    return params


def random_problem(dtype, n_steps=2, seed=0, shapes=((4, 3), (3,), (3, 2), (2,))):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) * 0.3 for s in shapes]
    params[0][1] = 0.01  # a row the group prox zeroes
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(n_steps)]
    return params, grads


def adam_steps(penalty, lmbda, eta, params, grads, **kwargs):
    params = [p.copy() for p in params]
    coefs, intercepts = params[0::2], params[1::2]
    opt = Adam(penalty and make_penalty(penalty, lmbda), Constant(eta), **kwargs)
    opt.init(coefs, intercepts)
    for g in grads:
        opt.step(coefs, intercepts, g[0::2], g[1::2])
    return [p for pair in zip(coefs, intercepts) for p in pair], opt


@pytest.mark.usefixtures("kernel_impl")
@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("penalty", sorted(PENALTIES))
def test_two_steps_are_the_formulas(penalty, fused):
    eta, lmbda = 0.05, 1.0
    params, grads = random_problem(np.float64)
    got, opt = adam_steps(penalty, lmbda, eta, params, grads, fused=fused)
    want = textbook_adam(penalty, lmbda, eta, params, grads)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)
    assert opt.t == 2
    # biases take the plain step whatever the penalty
    plain = textbook_adam(None, lmbda, eta, params, grads)
    for g, w in zip(got[1::2], plain[1::2]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)
    if penalty in ("l1_prox", "group_l1_prox"):
        assert np.any(got[0] == 0) and not np.any(got[1] == 0)
    if penalty == "group_l1_prox":
        assert np.all(got[0][1] == 0)


def test_bias_correction_makes_the_first_step_eta_times_the_sign():
    # t = 1: m_hat = g and sqrt(v_hat) = |g|, so each coordinate moves by eta
    W = np.array([[0.5, -0.5, 0.2]])
    opt = Adam(None, Constant(0.01), epsilon=0.0).init([W], [])
    opt.step([W], [], [np.array([[3.0, 1e-3, -20.0]])], [])
    np.testing.assert_allclose(W, [[0.49, -0.51, 0.21]], rtol=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_estimator_step_matches_the_formula_on_a_tiny_network(dtype):
    eta, lmbda = 0.1, 0.08
    clf = L1MLPClassifier(hidden_layer_sizes=(3,), activation="tanh", lmbda=lmbda, eta=eta,
                          solver="adam", batch_size=len(X), shuffle=False, random_state=0)
    clf.partial_fit(X.astype(dtype), y, classes=[0, 1, 2])
    clf.coefs_ = [W1.astype(dtype), W2.astype(dtype)]
    clf.intercepts_ = [b1.astype(dtype), b2.astype(dtype)]
    clf._optimizer.init(clf.coefs_, clf.intercepts_)
    clf.partial_fit(X.astype(dtype), y)
    (gW1, gW2), (gb1, gb2) = manual_gradient()
    want = textbook_adam("l1_prox", lmbda, eta, [W1, b1, W2, b2], [[gW1, gb1, gW2, gb2]])
    got = [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1]]
    tol = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-15)}[dtype]
    for g, w in zip(got, want):
        assert g.dtype == dtype
        np.testing.assert_allclose(g, w, **tol)


# -- the kernel --------------------------------------------------------------------
def kernel_inputs(dtype, order, seed=0):
    rng = np.random.default_rng(seed)
    W, G, M = (np.asarray(rng.standard_normal((9, 7)), dtype, order=order) for _ in range(3))
    V = np.asarray(np.abs(rng.standard_normal((9, 7))) * 0.01, dtype, order=order)
    W.flat[:4] = 0
    return W, G, M, V


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("term", [{}, {"decay": 0.1}, {"sign_step": 0.1},
                                  {"threshold": 0.5}, {"store_step": True}])
def test_compiled_kernel_is_exactly_the_numpy_twin(dtype, order, term):
    if not COMPILED_VARIANTS:
        pytest.skip("the compiled kernels are not built")
    args = (0.9, 0.999, 1 / (1 - 0.9**3), 1 / (1 - 0.999**3), 0.01, 1e-8)
    arrays = kernel_inputs(dtype, order)
    want = [A.copy(order="K") for A in arrays]
    _npkernels.adam_step(*want, *args, **term)
    for module in COMPILED_VARIANTS.values():
        got = [A.copy(order="K") for A in arrays]
        module.adam_step(*got, *args, **term)
        compared = range(4) if term.get("store_step") else (0, 2, 3)  # G: scratch
        for k in compared:
            np.testing.assert_array_equal(got[k], want[k])
            assert got[k].dtype == dtype and got[k].flags.f_contiguous == (order == "F")


@pytest.mark.usefixtures("kernel_impl")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("penalty", sorted(PENALTIES))
def test_fused_rule_is_the_generic_rule(penalty, dtype, order):
    params, grads = random_problem(dtype, n_steps=3)
    params = [np.asarray(p, order=order) for p in params]
    fused, _ = adam_steps(penalty, 0.3, 0.05, params, grads)
    generic, _ = adam_steps(penalty, 0.3, 0.05, params, grads, fused=False)
    for f, g in zip(fused, generic):
        assert f.dtype == dtype
        np.testing.assert_allclose(f, g, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-7)
        np.testing.assert_array_equal(f == 0, g == 0)


@pytest.mark.usefixtures("kernel_impl")
@pytest.mark.parametrize("dtype", DTYPES)
def test_moments_below_the_smallest_normal_are_flushed_to_zero(dtype):
    tiny = np.finfo(dtype).tiny
    W = np.ones((2, 3), dtype)
    opt = Adam(None, Constant(1e-3)).init([W], [])
    M, V = opt.coef_moments[0]
    M[...] = [[tiny * 1.05, -tiny * 1.05, 1.0], [tiny * 4, 0.0, np.nan]]
    V[...] = [[tiny * 1.0005, tiny * 1.0005, 1.0], [tiny * 4, 0.0, 1.0]]
    opt.step([W], [], [np.zeros_like(W)], [])
    # 0.9 * 1.05 * tiny and 0.999 * 1.0005 * tiny are below tiny (subnormal): exactly 0
    assert M[0, 0] == M[0, 1] == V[0, 0] == V[0, 1] == 0
    assert M[1, 0] == dtype(0.9) * dtype(tiny * 4) and V[1, 0] > 0  # normal: kept
    assert np.isnan(M[1, 2])  # NaN is not flushed: divergence stays visible


# -- the proximal step ----------------------------------------------------------------
@pytest.mark.usefixtures("kernel_impl")
@pytest.mark.parametrize("dtype", DTYPES)
def test_prox_never_crosses_zero_and_gives_exact_zeros(dtype):
    rng = np.random.default_rng(1)
    W = (rng.standard_normal((20, 10)) * 0.05).astype(dtype)
    U = W.copy()  # the same Adam step without the prox
    G = rng.standard_normal(W.shape).astype(dtype)
    Adam(make_penalty("l1_prox", 0.5), Constant(0.01)).init([W], []).step([W], [], [G], [])
    Adam(None, Constant(0.01)).init([U], []).step([U], [], [G], [])
    assert np.all(np.sign(W) * np.sign(U) >= 0) and np.all(np.abs(W) <= np.abs(U))
    assert 0 < np.sum(W == 0) < W.size and W.dtype == dtype


@pytest.mark.usefixtures("kernel_impl")
@pytest.mark.parametrize("fused", [True, False])
def test_zero_weight_stays_zero_iff_the_gradient_is_below_lmbda(fused):
    # constant gradients: m_hat = g, so the fixed point is |g| <= lmbda
    lmbda = 0.5
    W = np.zeros((1, 4))
    g = np.array([[0.3, -0.49, 0.51, -0.8]])
    opt = Adam(make_penalty("l1_prox", lmbda), Constant(0.01), fused=fused).init([W], [])
    for _ in range(50):
        opt.step([W], [], [g], [])
        assert W[0, 0] == W[0, 1] == 0
    assert W[0, 2] < 0 and W[0, 3] > 0


def test_builtin_proxes_take_per_entry_steps():
    W = np.array([[0.5, -0.3], [0.05, 0.02]])
    step = np.array([[0.1, 1.0], [0.2, 0.2]])
    got = W.copy()
    make_penalty("l1_prox", 0.4).prox(got, step, 0)
    np.testing.assert_allclose(got, soft_threshold(W, 0.4 * step))
    np.testing.assert_allclose(got, [[0.46, 0.0], [0.0, 0.0]])
    got = W.copy()
    make_penalty("group_l1_prox", 0.4).prox(got, step, 0)  # each row's smallest step
    want = W.copy()
    row = np.linalg.norm(W[0])
    want[0] *= 1 - 0.1 * 0.4 * np.sqrt(2) / row
    want[1] = 0
    np.testing.assert_allclose(got, want)


class ElasticNet(Penalty):
    """A user-written penalty with a gradient and a prox; records the prox's steps."""

    def value(self, W, layer):
        return self.lmbda * float(np.abs(W).sum() + 0.5 * (W**2).sum())

    def gradient(self, W, layer, out):
        return np.multiply(W, self.lmbda, out=out)

    def prox(self, W, step, layer):
        self.steps = getattr(self, "steps", []) + [np.shape(step)]
        soft_threshold(W, step * self.lmbda, out=W)


def test_a_user_written_penalty_trains_under_adam():
    Xd, yd = load_digits(return_X_y=True)
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), penalty=ElasticNet(), lmbda=1e-3,
                          solver="adam", eta=0.01, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xd[:600] / 16, yd[:600])
    assert clf.score(Xd[600:900] / 16, yd[600:900]) > 0.8
    assert any(np.any(W == 0) for W in clf.coefs_)
    steps = clf._optimizer.penalty.steps
    assert steps and all(shape == W.shape for shape, W in zip(steps, clf.coefs_[::-1]))


# -- the estimators ---------------------------------------------------------------------
@parametrize_with_checks(
    [L1MLPClassifier(solver="adam", penalty=p) for p in sorted(PENALTIES)]
    + [L1MLPRegressor(solver="adam")],
    expected_failed_checks=lambda est: {},
)
def test_sklearn_compatible_estimator_with_adam(estimator, check):
    check(estimator)


def small_digits():
    Xd, yd = load_digits(return_X_y=True)
    return Xd[:400] / 16, yd[:400]


def quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def test_eta_auto_under_adam_is_the_measured_default():
    # the classifier's was chosen on MNIST and digits; the regressor keeps
    # scikit-learn's learning_rate_init
    clf = quiet_fit(L1MLPClassifier(solver="adam", max_iter=2, random_state=0), *small_digits())
    assert clf.eta_ == 4e-3 and clf._optimizer.eta == 4e-3 and type(clf._optimizer) is Adam
    Xd, yd = small_digits()
    reg = quiet_fit(L1MLPRegressor(solver="adam", max_iter=2, random_state=0), Xd, yd / 10.0)
    assert reg.eta_ == 1e-3 and type(reg._optimizer) is Adam


def test_the_classifier_defaults_are_the_measured_ones():
    params = L1MLPClassifier().get_params()
    assert params["solver"] == "adam" and params["debias"] is True
    assert params["max_iter"] == "auto" and params["lmbda"] == 3e-4


def test_partial_fit_keeps_the_moments_and_set_params_reconfigures():
    Xd, yd = small_digits()
    clf = L1MLPClassifier(solver="adam", batch_size=100, random_state=0)
    clf.partial_fit(Xd, yd, classes=np.unique(yd))
    assert clf._optimizer.t == 4
    m = clf._optimizer.coef_moments[0][0].copy()
    clf.set_params(beta_1=0.5, epsilon=1e-6)
    clf.partial_fit(Xd, yd)
    opt = clf._optimizer
    assert opt.t == 8 and (opt.beta_1, opt.epsilon) == (0.5, 1e-6)
    assert np.any(opt.coef_moments[0][0] != m) and np.any(m != 0)
    # another solver starts from fresh state
    clf.set_params(solver="sgd")
    clf.partial_fit(Xd, yd)
    assert type(clf._optimizer).__name__ == "SGD"


def test_pickles_keep_the_state_but_not_the_scratch():
    Xd, yd = small_digits()
    clf = L1MLPClassifier(solver="adam", batch_size=100, random_state=0)
    clf.partial_fit(Xd, yd, classes=np.unique(yd))
    blob = pickle.dumps(clf)
    assert pickle.loads(pickle.dumps(clf._optimizer))._work is None
    copy = pickle.loads(blob)
    copy.partial_fit(Xd, yd)
    clf.partial_fit(Xd, yd)
    for a, b in zip(copy.coefs_ + copy.intercepts_, clf.coefs_ + clf.intercepts_):
        np.testing.assert_array_equal(a, b)
    # the parameters and two moments, not the two scratch arrays per parameter
    n_bytes = sum(W.nbytes + b.nbytes for W, b in zip(clf.coefs_, clf.intercepts_))
    assert len(blob) < 3.5 * n_bytes


def snapshot(est):
    opt = est._optimizer
    arrays = est.coefs_ + est.intercepts_ + [A for pair in opt.coef_moments for A in pair]
    return [A.copy() for A in arrays], opt.t, est.n_iter_


def test_a_diverging_partial_fit_names_eta_and_leaves_the_model_as_it_was():
    rng = np.random.default_rng(0)
    Xr = rng.standard_normal((60, 3))
    yr = Xr @ [1.0, -2.0, 0.5] * 100
    reg = L1MLPRegressor(solver="adam", eta=1e-3, batch_size=20, random_state=0)
    reg.partial_fit(Xr, yr)
    before = snapshot(reg)
    reg.set_params(eta=1e6)
    with pytest.raises(ValueError, match=r"eta=1000000\.0 with solver='adam' is too large"):
        for _ in range(20):
            reg.partial_fit(Xr, yr)
            before = snapshot(reg)
    after = snapshot(reg)
    assert after[1:] == before[1:]
    for a, b in zip(after[0], before[0]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("penalty", ["l1_prox", "group_l1_prox"])
def test_float32_stays_float32(penalty):
    Xd, yd = small_digits()
    clf = quiet_fit(L1MLPClassifier(solver="adam", penalty=penalty, eta=0.01, max_iter=3,
                                    random_state=0), Xd.astype(np.float32), yd)
    opt = clf._optimizer
    assert all(A.dtype == np.float32 for A in clf.coefs_ + clf.intercepts_)
    assert all(A.dtype == np.float32 for pair in opt.coef_moments + opt.intercept_moments
               for A in pair)
    assert clf.predict_proba(Xd[:5].astype(np.float32)).dtype == np.float32


def test_sparse_input_gives_the_dense_fit():
    Xd, yd = small_digits()
    params = dict(solver="adam", eta=0.01, max_iter=3, shuffle=False, random_state=0)
    dense = quiet_fit(L1MLPClassifier(**params), Xd, yd)
    sparse = quiet_fit(L1MLPClassifier(**params), sp.csr_matrix(Xd), yd)
    for a, b in zip(dense.coefs_ + dense.intercepts_, sparse.coefs_ + sparse.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(dense.coefs_[0] == 0, sparse.coefs_[0] == 0)


def test_debiasing_under_adam_keeps_the_zeros():
    Xd, yd = small_digits()
    params = dict(solver="adam", eta=0.01, lmbda=1e-3, max_iter=10, random_state=0)
    plain = quiet_fit(L1MLPClassifier(debias=False, **params), Xd, yd)
    debiased = quiet_fit(L1MLPClassifier(debias=True, **params), Xd, yd)
    for a, b in zip(plain.coefs_, debiased.coefs_):
        assert np.all(b[a == 0] == 0) and np.any(b[a != 0] != a[a != 0])
    assert type(debiased._optimizer) is Adam and debiased._optimizer.penalty is not None


def split(loader, scale):
    Xs, ys = loader(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(Xs, ys, stratify=ys, random_state=0)
    if scale:
        scaler = StandardScaler().fit(Xtr)
        return scaler.transform(Xtr), scaler.transform(Xte), ytr, yte
    return Xtr / 16, Xte / 16, ytr, yte


@pytest.mark.parametrize("loader, scale, floor", [
    (load_digits, False, 0.95), (load_breast_cancer, True, 0.94),
])
def test_accuracy_floors(loader, scale, floor):
    Xtr, Xte, ytr, yte = split(loader, scale)
    clf = quiet_fit(L1MLPClassifier(solver="adam", eta=0.01, max_iter=30, random_state=0),
                    Xtr, ytr)
    assert clf.score(Xte, yte) >= floor
    assert sum(int((W == 0).sum()) for W in clf.coefs_) > 0
