"""The compiled kernels equal their numpy versions (the facade's choice: test_kernel_facade.py).

Where the arithmetic is the same (signs, the soft-threshold, ReLU and its
derivative) the two must agree bit for bit; the softmax and the loss go
through different exp/log implementations and agree to rounding.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from skl1net import L1MLPClassifier
from skl1net._compute import _kernels, _npkernels

from conftest import COMPILED_VARIANTS, use_kernels

DTYPES = [np.float32, np.float64]
CLOSE = {np.float32: dict(rtol=1e-5, atol=1e-7), np.float64: dict(rtol=1e-12, atol=1e-15)}
#: Absolute error of one rounding more or less on values of magnitude up to 8.
ATOL = {t: 8 * float(np.finfo(t).eps) for t in (np.float32, np.float64)}

compiled_only = pytest.mark.skipif(not _kernels.COMPILED, reason="compiled kernels not built")


@pytest.fixture(autouse=True, params=["_ckernels", "_ckernels_avx2"])
def compiled_build(request, monkeypatch):
    """Run every test here with each compiled build that runs on this processor.

    The facade (``_kernels.<name>`` and ``_kernels.compiled``) serves that
    build for the test.
    """
    if not COMPILED_VARIANTS:
        if request.param != "_ckernels":
            pytest.skip("the compiled kernels are not built")
        return None
    if request.param not in COMPILED_VARIANTS:
        pytest.skip(f"skl1net.{request.param} is not built or does not run on this processor")
    module = COMPILED_VARIANTS[request.param]
    use_kernels(monkeypatch, module)
    return module


def edge_weights(dtype, t=0.25, shape=(5, 7), seed=0):
    """Random weights plus exact zeros, -0.0, subnormals and values at +-t."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=0.5, size=shape).astype(dtype)
    tiny = np.finfo(dtype).smallest_subnormal
    flat = W.reshape(-1)
    flat[:10] = [0.0, -0.0, tiny, -tiny, t, -t, np.nextafter(dtype(t), dtype(0)), 5 * tiny, 1e30, -1e30]
    return W


def both(name, *args):
    """Run kernel ``name`` compiled, then in numpy, on copies of ``args``.

    Returns ``(arrays, result)`` of each run, ``arrays`` the copies (in the
    same memory order) of the array arguments after the call.
    """
    runs = []
    for module in (_kernels.compiled, _npkernels):
        copies = [a.copy(order="K") if isinstance(a, np.ndarray) else a for a in args]
        result = getattr(module, name)(*copies)
        runs.append(([c for c in copies if isinstance(c, np.ndarray)], result))
    return runs


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("targets", ["G", "W"])
def test_add_scaled_sign_is_exactly_numpy(dtype, targets):
    W = edge_weights(dtype)
    G = np.random.default_rng(1).normal(size=W.shape).astype(dtype)
    work = np.empty_like(W)
    for module in (_kernels.compiled, _npkernels):
        Wc, Gc = W.copy(), G.copy()
        module.add_scaled_sign(Wc, -0.3, Gc if targets == "G" else Wc, work=work)
        if module is _npkernels:
            np.testing.assert_array_equal(Wc, W_compiled)
            np.testing.assert_array_equal(Gc, G_compiled)
        else:
            W_compiled, G_compiled = Wc, Gc
    # and both are the formula, sign(0) = 0 (for either zero)
    expected = (G if targets != "W" else W) + dtype(-0.3) * np.sign(W)
    np.testing.assert_array_equal(G_compiled if targets != "W" else W_compiled, expected)


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", [0.25, 0.0, 1e-3])
def test_soft_threshold_is_exactly_numpy(dtype, t):
    W = edge_weights(dtype, t=0.25)
    ([Wc], _), ([Wn], _) = both("soft_threshold_inplace", W, t)
    np.testing.assert_array_equal(Wc, Wn)
    np.testing.assert_array_equal(Wc == 0, Wn == 0)
    assert np.all(np.sign(Wc) * np.sign(W) >= 0)  # never crosses zero
    if t == 0.25:  # |W| == t lands on zero
        assert Wc.reshape(-1)[4] == 0 and Wc.reshape(-1)[5] == 0


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_soft_threshold_scaled_is_exactly_numpy(dtype, order):
    # per-entry thresholds scale * S ('reweight'): strengths 1 at the edge values
    W = np.asarray(edge_weights(dtype, t=0.25), order=order)
    S = np.random.default_rng(3).uniform(0, 3, size=W.shape).astype(dtype)
    S.reshape(-1)[:10] = 1.0
    S.reshape(-1)[-1] = 0.0
    S = np.asarray(S, order=order)
    ([Wc, _], _), ([Wn, _], _) = both("soft_threshold_scaled", W, S, 0.25)
    np.testing.assert_array_equal(Wc, Wn)
    assert Wc.flags.f_contiguous == (order == "F")
    t = dtype(0.25) * S
    np.testing.assert_array_equal(Wc, W - np.clip(W, -t, t))
    assert Wc.reshape(-1)[4] == 0 and Wc.reshape(-1)[5] == 0  # |W| == t lands on zero
    assert Wc.reshape(-1)[-1] == W.reshape(-1)[-1]  # strength 0: unchanged


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(6,), (5, 7), (0, 3)])
def test_axpy_matches_numpy(dtype, shape):
    rng = np.random.default_rng(2)
    y, x = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
    ([yc, _], _), ([yn, _], _) = both("axpy", y, 1.9, x)
    np.testing.assert_allclose(yc, yn, **CLOSE[dtype])


def soft(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0)


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F", "1-D"])
@pytest.mark.parametrize("t", [0.25, 0.0])
def test_axpy_soft_threshold_is_the_formula(dtype, order, t):
    # the last pass of a momentum step with 'l1_prox': W <- soft(W + alpha * V, t)
    W = edge_weights(dtype, t=t, shape=(6, 9))
    V = np.random.default_rng(9).normal(size=W.shape).astype(dtype)
    V.reshape(-1)[:8] = 0  # the edge values of W stay as they are before the threshold
    if order == "1-D":
        W, V = W.reshape(-1), V.reshape(-1)
    layout = "F" if order == "F" else "C"
    W, V = np.asarray(W, order=layout), np.asarray(V, order=layout)
    ([Wc, _], _), ([Wn, _], _) = both("axpy_soft_threshold", W, 1.9, V, t)
    x = W + dtype(1.9) * V
    expected = soft(x, t)
    for got in (Wc, Wn):  # (a compiler may fuse the multiply-add: one rounding less)
        assert got.dtype == dtype and got.flags.c_contiguous == W.flags.c_contiguous
        np.testing.assert_allclose(got, expected, rtol=CLOSE[dtype]["rtol"], atol=ATOL[dtype])
        assert np.all(np.sign(got) * np.sign(x) >= 0)  # never crosses zero
    if t:  # the edge values at +-t (V = 0 there) land exactly on zero
        assert Wc.reshape(-1)[4] == Wc.reshape(-1)[5] == Wn.reshape(-1)[4] == 0


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F", "1-D"])
def test_momentum_lookahead_is_the_formula(dtype, order):
    # before the GEMM of a Nesterov step: V <- mu * V, then W <- W - V
    rng = np.random.default_rng(10)
    shape = (11,) if order == "1-D" else (5, 7)
    layout = "F" if order == "F" else "C"
    W, V = (np.asarray(rng.normal(size=shape), dtype, order=layout) for _ in range(2))
    mu = 0.9
    ([Wc, Vc], _), ([Wn, Vn], _) = both("momentum_lookahead", W, V, mu)
    for got_W, got_V in ((Wc, Vc), (Wn, Vn)):
        np.testing.assert_array_equal(got_V, V * dtype(mu))  # one rounding, as numpy's
        np.testing.assert_allclose(got_W, W - dtype(mu) * V, rtol=0, atol=ATOL[dtype])
        assert got_W.flags.c_contiguous == W.flags.c_contiguous



@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("term", ["decay", "sign"])
def test_momentum_lookahead_with_a_penalty_term_is_the_formula(dtype, order, term):
    # 'l2' and 'l1' with Nesterov: t = decay * W or sign_step * sign(W) at W on
    # entry (zeros included); V <- mu * V + t; W <- W + t - V
    decay, sign_step = (-0.02, 0.0) if term == "decay" else (0.0, -0.01)
    W = np.asarray(edge_weights(dtype, t=0.25)[:, :6], order=order)
    W[np.abs(W) > 100] = 3.0  # (no overflow in the reference)
    V = np.asarray(np.random.default_rng(11).normal(size=W.shape), dtype, order=order)
    W64, V64 = W.astype(np.float64), V.astype(np.float64)
    t = decay * W64 + sign_step * np.sign(W64)
    V_want = 0.9 * V64 + t
    W_want = W64 + t - V_want
    step = decay if term == "decay" else sign_step
    ([Wc, Vc], _), ([Wn, Vn], _) = both(f"momentum_lookahead_{term}", W, V, 0.9, step)
    for got_W, got_V in ((Wc, Vc), (Wn, Vn)):
        np.testing.assert_allclose(got_V, V_want, rtol=0, atol=ATOL[dtype])
        np.testing.assert_allclose(got_W, W_want, rtol=0, atol=ATOL[dtype])
        assert got_W.flags.c_contiguous == W.flags.c_contiguous


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kernel", ["", "_decay", "_sign"])
def test_momentum_lookahead_flushes_a_decaying_velocity_to_zero(dtype, kernel):
    # the velocity of a weight that the prox holds at 0 only decays
    # (V <- mu * V): it must reach 0 without passing through the subnormals,
    # whose arithmetic is many times slower
    info = np.finfo(dtype)
    V0 = np.array([[4 * info.tiny, -4 * info.tiny, 1.0, np.nan]], dtype)
    W = np.array([[0.0, 0.0, 0.0, 0.0]], dtype)
    args = () if kernel == "" else (0.0,)
    for (Wg, Vg), _ in both(f"momentum_lookahead{kernel}", W, V0, 0.5, *args):
        assert Vg[0, 0] == 2 * info.tiny and Vg[0, 1] == -2 * info.tiny  # still normal
    V = V0.copy()
    for module in (_kernels.compiled, _npkernels):
        V = V0.copy()
        for _ in range(3):  # 2 tiny, then tiny, then tiny / 2: a subnormal
            getattr(module, f"momentum_lookahead{kernel}")(W.copy(), V, 0.5, *args)
        assert V[0, 0] == 0 and V[0, 1] == 0
        assert V[0, 2] == 0.125 and np.isnan(V[0, 3])


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 9, 0])
def test_relu_kernels_are_exactly_numpy(dtype, n):
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(n, 6)).astype(dtype)
    if n:
        Z[0, :3] = [0.0, -0.0, -0.5]
    b = rng.normal(size=6).astype(dtype)
    b[:3] = 0.0
    ([Zc, _], _), ([Zn, _], _) = both("bias_relu", Z, b)
    np.testing.assert_array_equal(Zc, Zn)
    delta = rng.normal(size=(n, 6)).astype(dtype)
    ([_, Dc], _), ([_, Dn], _) = both("relu_backward", Zn, delta)
    np.testing.assert_array_equal(Dc, Dn)
    assert np.all(Dc[Zn <= 0] == 0) and np.array_equal(Dc[Zn > 0], delta[Zn > 0])


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 13, 0])
@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_cross_entropy_matches_numpy(dtype, n, weighted):
    rng = np.random.default_rng(4)
    Z = (3 * rng.normal(size=(n, 5))).astype(dtype)
    if n > 1:
        Z[1] = [200.0, -200.0, 0.0, 0.0, 0.0]  # P of class 1 underflows: eps clips the loss
    b = rng.normal(size=5).astype(dtype)
    labels = rng.integers(0, 5, n).astype(np.intp)
    if n > 1:
        labels[1] = 1
    sw = rng.random(n).astype(dtype) if weighted else None
    ([Zc, *_], loss_c), ([Zn, *_], loss_n) = both("softmax_cross_entropy", Z, b, labels, sw)
    np.testing.assert_allclose(Zc, Zn, **CLOSE[dtype])
    assert isinstance(loss_c, float) and loss_c == pytest.approx(loss_n, rel=1e-5)
    # the delta of an unweighted row sums to 0: P sums to 1, minus the one-hot 1
    if n and not weighted:
        np.testing.assert_allclose(Zc.sum(axis=1), 0, atol=1e-5)


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 13, 0])
def test_bias_softmax_matches_numpy_and_gives_probabilities(dtype, n):
    rng = np.random.default_rng(8)
    Z = (3 * rng.normal(size=(n, 5))).astype(dtype)
    if n > 2:
        Z[1] = [200.0, -200.0, 0.0, 0.0, 0.0]  # far apart: no overflow, one class near 0
        Z[2] = [np.nan, 0.0, 1.0, 2.0, 3.0]  # NaN stays NaN, on its row only
    b = rng.normal(size=5).astype(dtype)
    ([Pc, _], _), ([Pn, _], _) = both("bias_softmax", Z, b)
    np.testing.assert_allclose(Pc, Pn, **CLOSE[dtype])
    finite = ~np.isnan(Pn).any(axis=1)
    assert Pc.dtype == dtype and np.isnan(Pc[~finite]).all()
    np.testing.assert_allclose(Pc[finite].sum(axis=1), 1, rtol=1e-6)
    assert np.all(Pc[finite] >= 0)
    if n > 2:
        assert Pc[1, 1] < 1e-30 and Pc[1, 0] == pytest.approx(1)


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
def test_fortran_ordered_arrays_take_the_typed_loops(dtype, monkeypatch):
    # The weights and hidden activations of a fit are Fortran-ordered.
    rng = np.random.default_rng(7)
    W = np.asfortranarray(edge_weights(dtype, t=0.25)[:, :6])
    G, H = (np.asfortranarray(rng.normal(size=W.shape).astype(dtype)) for _ in range(2))
    b = rng.normal(size=W.shape[1]).astype(dtype)
    expected = {}
    for name, args in [
        ("add_scaled_sign", lambda: (W.copy(order="K"), -0.3, G.copy(order="K"))),
        ("soft_threshold_inplace", lambda: (W.copy(order="K"), 0.25)),
        ("soft_threshold_scaled", lambda: (W.copy(order="K"), np.abs(H), 0.25)),
        ("axpy", lambda: (G.copy(order="K"), 1.9, H)),
        ("axpy_soft_threshold", lambda: (W.copy(order="K"), 1.9, H, 0.25)),
        ("momentum_lookahead", lambda: (G.copy(order="K"), H.copy(order="K"), 0.9)),
        ("momentum_lookahead_decay", lambda: (G.copy(order="K"), H.copy(order="K"), 0.9, -0.02)),
        ("momentum_lookahead_sign", lambda: (W.copy(order="K"), H.copy(order="K"), 0.9, -0.01)),
        ("bias_relu", lambda: (G.copy(order="K"), b)),
        ("relu_backward", lambda: (np.maximum(G, 0, order="K"), H.copy(order="K"))),
    ]:
        reference = args()
        getattr(_npkernels, name)(*reference)
        expected[name] = reference, args
    for name in _kernels.NAMES:
        monkeypatch.setattr(_npkernels, name, None)  # no fallback
    for name, (reference, args) in expected.items():
        arrays = args()
        getattr(_kernels.compiled, name)(*arrays)
        for got, want in zip(arrays, reference):
            if isinstance(got, np.ndarray):
                assert got.flags.f_contiguous
                np.testing.assert_allclose(got, want, **CLOSE[dtype])


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
def test_vectors_take_the_typed_loops(dtype, monkeypatch):
    # the biases' momentum step: 1-D arrays, as one-row matrices
    for name in _kernels.NAMES:
        monkeypatch.setattr(_npkernels, name, None)  # no fallback
    b, v = np.array([1.0, -1.0, 0.5], dtype), np.array([2.0, 0.5, -4.0], dtype)
    _kernels.compiled.momentum_lookahead(b, v, 0.5)
    np.testing.assert_array_equal(v, [1.0, 0.25, -2.0])
    np.testing.assert_array_equal(b, [0.0, -1.25, 2.5])
    _kernels.compiled.axpy_soft_threshold(b, 2.0, v, 0.5)
    np.testing.assert_array_equal(b, [1.5, -0.25, -1.0])


@compiled_only
def test_odd_layouts_and_dtypes_fall_back_to_numpy():
    # Views with strides, mixed layouts or dtypes: the compiled kernels hand
    # such arrays to numpy instead of failing or writing a copy.
    W = np.asfortranarray(edge_weights(np.float64))
    expected = W.copy()
    _npkernels.soft_threshold_inplace(expected, 0.1)
    _kernels.compiled.soft_threshold_inplace(W, 0.1)
    np.testing.assert_array_equal(W, expected)
    G = np.zeros((4, 6))
    _kernels.compiled.add_scaled_sign(np.ones((4, 6), order="F"), 0.5, G)
    assert np.all(G == 0.5)
    y = np.ones((4, 6))[:, ::2]
    _kernels.compiled.axpy(y, 2.0, np.ones((4, 3), np.float32))
    np.testing.assert_array_equal(y, 3.0)
    G = np.zeros((2, 3), np.float32)
    _kernels.compiled.add_scaled_sign(np.ones((2, 3)), 0.5, G)
    assert np.all(G == 0.5)
    # the fused momentum kernels: mixed layouts, strided views, mixed dtypes
    W, V = np.ones((4, 6)), np.full((4, 6), 2.0, order="F")
    _kernels.compiled.axpy_soft_threshold(W, 0.5, V, 0.5)
    np.testing.assert_array_equal(W, 1.5)
    W, V = np.ones((4, 6))[:, ::2], np.full((4, 3), 2.0, np.float32)
    _kernels.compiled.momentum_lookahead(W, V, 0.5)
    np.testing.assert_array_equal(W, 0.0)
    np.testing.assert_array_equal(V, 1.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_add_csr_t_product_is_the_sparse_gradient(dtype, index_dtype, monkeypatch):
    # C += alpha * A.T @ B for a CSR batch A: rows of absent features untouched,
    # duplicates summed, empty rows skipped; the compiled kernel without fallback.
    rng = np.random.default_rng(8)
    dense = np.where(rng.random((9, 40)) < 0.1, rng.normal(size=(9, 40)), 0).astype(dtype)
    dense[3] = 0  # an empty row
    A = sp.csr_matrix(dense)
    A = sp.csr_matrix(  # one duplicated entry, as a non-canonical matrix may hold
        (np.append(A.data, dtype(2.0)), np.append(A.indices, 5).astype(index_dtype),
         np.append(A.indptr[:-1], A.nnz + 1).astype(index_dtype)), shape=A.shape
    )
    dense[-1, 5] += 2.0
    B = np.asfortranarray(rng.normal(size=(9, 6)).astype(dtype))  # hidden deltas: Fortran
    C0 = rng.normal(size=(40, 6)).astype(dtype)
    expected = C0 - 0.5 * dense.T.astype(np.float64) @ B
    for module in filter(None, (_kernels.compiled, _npkernels)):
        C = C0.copy()
        if module is _kernels.compiled:
            monkeypatch.setattr(_npkernels, "add_csr_t_product", None)  # no fallback
        module.add_csr_t_product(C, -0.5, A, B)
        monkeypatch.undo()
        np.testing.assert_allclose(C, expected, **CLOSE[dtype])
        untouched = ~np.any(dense != 0, axis=0)
        assert untouched.sum() > 5
        np.testing.assert_array_equal(C[untouched], C0[untouched])


@compiled_only
def test_add_csr_t_product_falls_back_or_refuses_bad_indices():
    A = sp.csr_matrix(np.eye(3))
    B = np.arange(6.0).reshape(3, 2)
    C = np.zeros((3, 2), order="F")  # Fortran-ordered target: numpy's version
    _kernels.compiled.add_csr_t_product(C, 1.0, A, B)
    np.testing.assert_array_equal(C, B)
    C = np.zeros((3, 2), np.float32)  # mixed dtypes: numpy's version
    _kernels.compiled.add_csr_t_product(C, 1.0, A, B)
    np.testing.assert_array_equal(C, B)
    bad = sp.csr_matrix((np.ones(1), np.array([7]), np.array([0, 1, 1, 1])), shape=(3, 3))
    with pytest.raises(IndexError):  # never a write outside C
        _kernels.compiled.add_csr_t_product(np.zeros((3, 2)), 1.0, bad, B)


@compiled_only
@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox"])
def test_a_fit_is_the_same_with_either_implementation(penalty, monkeypatch):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(120, 8))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    params = dict(
        hidden_layer_sizes=(10, 6), penalty=penalty, lmbda=1e-2, batch_size=16, max_iter=4,
        momentum=0.9, random_state=0,
    )
    sw = rng.random(len(X))
    fits = [L1MLPClassifier(**params).fit(X, y, sample_weight=sw)]
    for name in _kernels.NAMES:
        monkeypatch.setattr(_kernels, name, getattr(_npkernels, name))
    fits.append(L1MLPClassifier(**params).fit(X, y, sample_weight=sw))
    for a, b in zip(fits[0].coefs_ + fits[0].intercepts_, fits[1].coefs_ + fits[1].intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert fits[0].loss_curve_ == pytest.approx(fits[1].loss_curve_, rel=1e-9)


@compiled_only
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "penalty, momentum", [("l1", 0.0), ("l1", 0.9), ("l1_prox", 0.9), ("l2", 0.9)]
)
def test_a_fit_runs_the_typed_loops_not_the_numpy_fallback(dtype, penalty, momentum, monkeypatch):
    # The compiled kernels hand odd arrays to numpy; the arrays of a fit must
    # never be odd.
    def fail(*args, **kwargs):
        raise AssertionError("the compiled kernel fell back to numpy")

    for name in _kernels.NAMES:
        monkeypatch.setattr(_npkernels, name, fail)
    rng = np.random.default_rng(6)
    X = rng.normal(size=(50, 4)).astype(dtype)
    y = rng.integers(0, 3, 50)
    clf = L1MLPClassifier(
        (5, 4), penalty=penalty, batch_size=16, max_iter=2, momentum=momentum, random_state=0
    ).fit(X, y, sample_weight=rng.random(50))
    assert all(W.flags.f_contiguous for W in clf.coefs_)
    # sparse data: the first layer's weights are C-ordered, like scipy's sparse products
    X_sparse = sp.csr_matrix(np.where(X > 0.5, X, 0))
    sparse_fit = clone(clf).fit(X_sparse, y)
    assert sparse_fit.coefs_[0].flags.c_contiguous and sparse_fit.coefs_[1].flags.f_contiguous
    sparse_fit.partial_fit(X, y)  # and back to dense data
    assert all(W.flags.f_contiguous for W in sparse_fit.coefs_)
    # weights set by hand in C order train in the fit's layout too
    clf.coefs_ = [np.ascontiguousarray(W) for W in clf.coefs_]
    clf.partial_fit(X, y)
    assert all(W.flags.f_contiguous for W in clf.coefs_)

