"""The fused training step: BLAS updates in place, same rule as the stored-gradient step.

``Workspace.train_step`` adds each layer's gradient straight into the weights
(or velocities) with one GEMM; ``SGD.step`` applies gradients held in arrays.
Both must take exactly the step of the module docstring of ``skl1net._optim._sgd``.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net._compute import _blas
from skl1net._network._mlp import Workspace, init_params
from skl1net.penalties import PENALTIES, make_penalty, soft_threshold
from skl1net._optim._constraints import FixedSupport
from skl1net._optim._schedules import Constant
from skl1net._optim._sgd import SGD

# every test twice: with the compiled kernels and with their numpy versions
pytestmark = pytest.mark.usefixtures("kernel_impl")

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=1e-7), np.float64: dict(rtol=1e-12, atol=1e-15)}


def problem(dtype, n=12, units=(7, 5, 4, 3), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, units[0])).astype(dtype)
    y = rng.integers(0, units[-1], n)
    Y = np.eye(units[-1], dtype=dtype)[y]
    coefs, intercepts = init_params(list(units), "relu", dtype, rng)
    return X, y, Y, coefs, intercepts


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("dtype", DTYPES)
def test_blas_calls_write_into_their_target_without_copies(dtype, monkeypatch):
    # Every GEMM and GEMV of a fit must return the very array it was given
    # to update: no copy was made.
    in_place = []
    for table, target in ((_blas._GEMM, 4), (_blas._GEMV, 4)):
        blas = table[np.dtype(dtype)]

        def spy(*args, blas=blas, target=target):
            out = blas(*args)
            in_place.append(out is args[target])
            return out

        monkeypatch.setitem(table, np.dtype(dtype), spy)
    X, y, _, _, _ = problem(dtype, n=40)
    L1MLPClassifier(
        (5, 4), penalty="l1", batch_size=8, max_iter=2, momentum=0.9, random_state=0
    ).fit(X, y)
    assert len(in_place) > 100 and all(in_place)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_helpers_match_numpy(dtype):
    rng = np.random.default_rng(1)
    A, B = rng.standard_normal((6, 4)).astype(dtype), rng.standard_normal((6, 3)).astype(dtype)
    C0 = rng.standard_normal((4, 3)).astype(dtype)
    C = C0.copy()
    _blas.add_matmul(C, -0.5, A, B, beta=0.25)
    np.testing.assert_allclose(C, 0.25 * C0 - 0.5 * A.T @ B, **TOL[dtype])
    out = np.empty((6, 6), dtype)
    assert _blas.gemm(out, A, A, trans_b=True) is out
    np.testing.assert_allclose(out, A @ A.T, **TOL[dtype])
    c = np.ones(3, dtype)
    _blas.add_column_sums(c, 2.0, B, beta=0.5)
    np.testing.assert_allclose(c, 0.5 + 2 * B.sum(0), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layouts", ["CCC", "CCF", "CFC", "CFF", "FCC", "FCF", "FFC", "FFF"])
@pytest.mark.parametrize("trans_a, trans_b", [(False, False), (True, False), (False, True)])
def test_gemm_takes_any_mix_of_layouts_in_place(dtype, layouts, trans_a, trans_b):
    # Training multiplies C-ordered batches by Fortran-ordered weights into
    # Fortran-ordered activations, and so on: every mix must be exact and in place.
    rng = np.random.default_rng(2)
    order = dict(C=np.ascontiguousarray, F=np.asfortranarray)
    shape_a, shape_b = ((4, 5) if trans_a else (5, 4)), ((3, 4) if trans_b else (4, 3))
    A = order[layouts[1]](rng.standard_normal(shape_a).astype(dtype))
    B = order[layouts[2]](rng.standard_normal(shape_b).astype(dtype))
    C0 = rng.standard_normal((5, 3)).astype(dtype)
    C = order[layouts[0]](C0.copy())
    before = C.__array_interface__["data"][0]
    assert _blas.gemm(C, A, B, 0.5, 2.0, trans_a, trans_b) is C
    assert C.__array_interface__["data"][0] == before
    opA, opB = (A.T if trans_a else A), (B.T if trans_b else B)
    np.testing.assert_allclose(C, 2.0 * C0 + 0.5 * opA @ opB, **TOL[dtype])


@pytest.mark.parametrize("order", ["C", "F"])
def test_column_sums_of_either_layout(order):
    B = np.asarray(np.arange(12.0).reshape(4, 3), order=order)
    c = np.ones(3)
    _blas.add_column_sums(c, 2.0, B, beta=0.5)
    np.testing.assert_allclose(c, 0.5 + 2 * B.sum(0))


def stored_gradient_steps(X, T, coefs, intercepts, optimizer, batches):
    """Reference: gradients into arrays, then ``SGD.step`` on the arrays."""
    ws = Workspace([X.shape[1]] + [W.shape[1] for W in coefs], len(X), X.dtype, "relu", "softmax")
    for rows in batches:
        ws.loss_and_gradients(X[rows], T[rows], coefs, intercepts)
        optimizer.step(coefs, intercepts, ws.coef_grads, ws.intercept_grads)


def fused_steps(X, T, coefs, intercepts, optimizer, batches):
    ws = Workspace([X.shape[1]] + [W.shape[1] for W in coefs], len(X), X.dtype, "relu", "softmax")
    for rows in batches:
        ws.train_step(X[rows], T[rows], coefs, intercepts, None, optimizer)


def sgd(penalty, coefs, intercepts, eta=0.3, momentum=0.0, nesterov=False, **kwargs):
    """An SGD optimizer with a constant rate, its state allocated for the parameters."""
    opt = SGD(penalty, Constant(eta), momentum=momentum, nesterov=nesterov, **kwargs)
    return opt.init(coefs, intercepts)


RULES = {"sgd": (0.0, False), "momentum": (0.9, False), "nesterov": (0.9, True)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox", "group_l1_prox", "fixed_support"])
def test_fused_step_is_the_stored_gradient_step(penalty, rule, dtype):
    X, y, Y, coefs, intercepts = problem(dtype)
    batches = [slice(0, 5), slice(5, 12), slice(2, 9)]
    if penalty == "fixed_support":
        masks = [np.abs(W) > 0.2 for W in coefs]
        pen, extra = None, dict(constraint=FixedSupport(masks))
    else:
        pen, extra = make_penalty(penalty, 0.05), {}
    momentum, nesterov = RULES[rule]
    params = dict(eta=0.3, momentum=momentum, nesterov=nesterov, **extra)
    ref = [p.copy() for p in coefs], [p.copy() for p in intercepts]
    stored_gradient_steps(X, Y, *ref, sgd(pen, *ref, **params), batches)
    fused = [p.copy() for p in coefs], [p.copy() for p in intercepts]
    fused_steps(X, y.astype(np.intp), *fused, sgd(pen, *fused, **params), batches)
    for a, b in zip(fused[0] + fused[1], ref[0] + ref[1]):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, **TOL[dtype])
    if "prox" in penalty or penalty == "fixed_support":  # the same exact zeros
        for a, b in zip(fused[0], ref[0]):
            np.testing.assert_array_equal(a == 0, b == 0)
    if penalty == "fixed_support":  # the constraint kept every zero of the support
        for W, mask in zip(fused[0], masks):
            assert np.all(W[~mask] == 0) and np.all(W[mask] != 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("penalty", sorted(PENALTIES))
def test_generic_stages_give_the_fused_kernels_steps(penalty, rule, dtype):
    # the penalty's own gradient and prox (what a user-written penalty gets)
    # against the fused kernels chosen for the built-in penalty
    X, y, Y, coefs, intercepts = problem(dtype)
    batches = [slice(0, 5), slice(5, 12), slice(2, 9), slice(0, 12)]
    momentum, nesterov = RULES[rule]
    results = []
    for fused in (True, False):
        params = [p.copy() for p in coefs], [p.copy() for p in intercepts]
        opt = sgd(make_penalty(penalty, 0.05), *params, momentum=momentum, nesterov=nesterov,
                  fused=fused)
        fused_steps(X, y.astype(np.intp), *params, opt, batches)
        results.append(params[0] + params[1])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, **TOL[dtype])
    if "prox" in penalty and dtype == np.float64:
        assert sum(int(np.sum(W == 0)) for W in results[0][:3]) > 0
        for a, b in zip(*results):
            np.testing.assert_array_equal(a == 0, b == 0)


@pytest.mark.parametrize("rule", RULES)
def test_the_support_constraint_keeps_its_zeros_under_momentum(rule):
    # the velocity keeps pushing a weight that the projection set to zero:
    # it must stay exactly zero, and only the masked weights (not the biases)
    W = np.array([[0.5, -0.3], [0.2, 0.1]])
    b = np.array([0.1, -0.1])
    mask = np.array([[True, False], [False, True]])
    momentum, nesterov = RULES[rule]
    opt = sgd(None, [W], [b], eta=0.1, momentum=momentum, nesterov=nesterov,
              constraint=FixedSupport([mask]))
    G, g = np.ones_like(W), np.ones_like(b)
    for _ in range(5):
        before = W.copy()
        opt.step([W], [b], [G], [g])
        assert np.all(W[~mask] == 0) and np.all(W[mask] < before[mask])
    assert np.all(b < -0.1)  # the biases step freely
    assert opt.penalty_value([W]) == 0.0


def test_an_optimizer_without_state_says_so():
    W = np.ones((2, 2))
    with pytest.raises(RuntimeError, match="call init"):
        SGD(None, Constant(0.1)).step([W], [], [W], [])


def test_an_incomplete_penalty_fails_early():
    class NoValue:
        gradient = None

        def prox(self, W, step, layer):
            pass

    with pytest.raises(TypeError, match="NoValue cannot be trained: it does not define value"):
        SGD(NoValue(), Constant(0.1))


@pytest.mark.parametrize("weighted", [False, True])
def test_class_index_targets_give_the_indicator_matrix_loss_and_gradients(weighted):
    X, y, Y, coefs, intercepts = problem(np.float64)
    sw = np.random.default_rng(3).random(len(X)) if weighted else None
    sw = None if sw is None else sw / sw.sum()
    units = [X.shape[1]] + [W.shape[1] for W in coefs]
    dense, labels = (Workspace(units, len(X), X.dtype, "relu", "softmax") for _ in range(2))
    assert np.array_equal(labels.encode_targets(Y), y)
    loss_dense = dense.loss_and_gradients(X, Y, coefs, intercepts, sw)
    loss_labels = labels.loss_and_gradients(X, labels.encode_targets(Y), coefs, intercepts, sw)
    assert loss_labels == pytest.approx(loss_dense, rel=1e-12)
    for a, b in zip(
        labels.coef_grads + labels.intercept_grads, dense.coef_grads + dense.intercept_grads
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_only_one_hot_softmax_targets_become_class_indices():
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    soft = np.array([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]])
    ws = Workspace([2, 3, 3], 4, np.float64, "relu", "softmax")
    assert ws.encode_targets(Y).tolist() == [1, 0]
    assert ws.encode_targets(soft) is soft
    logistic = Workspace([2, 3, 3], 4, np.float64, "relu", "logistic")
    assert logistic.encode_targets(Y) is Y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", ["l2", "l1", "l1_prox"])
def test_penalty_step_on_the_weights_themselves(name, rule, dtype):
    # With a zero loss gradient and no velocity yet, a step is the penalty's
    # part alone, with the derivative taken at the weights before it
    # (sign(0) = 0, and subnormal weights have a sign too): -eta * lmbda * dR(W)
    # into the weights, or through the velocity (Nesterov: (1 + mu) times it).
    tiny = np.finfo(dtype).smallest_subnormal
    W0 = np.array([[0.3, -0.02, 0.0, 5 * tiny, -tiny, 1e-3]], dtype)
    eta, lmbda = 0.5, 0.1
    momentum, nesterov = RULES[rule]
    W = W0.copy()
    opt = sgd(make_penalty(name, lmbda), [W], [], eta=eta, momentum=momentum, nesterov=nesterov)
    opt.step([W], [], [np.zeros_like(W0)], [])
    if name == "l1_prox":
        threshold = eta * lmbda / (1 - momentum)
        np.testing.assert_allclose(W, soft_threshold(W0, threshold), **TOL[dtype])
        return
    dR = {"l2": W0, "l1": np.sign(W0)}[name]
    factor = 1 + momentum if nesterov else 1
    np.testing.assert_allclose(W, W0 - factor * eta * lmbda * dR, **TOL[dtype])


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("name", ["l2", "l1"])
def test_momentum_with_a_gradient_penalty_follows_the_formula(name, nesterov):
    # The velocity carries g + lmbda * dR(W), the derivative taken at the
    # weights before each step; checked against the docstring's rule.
    eta, mu, lmbda = 0.1, 0.9, 0.2
    W0 = np.array([[0.5, -0.3, 0.01, 0.0]])
    grads = [np.array([[0.4, -0.2, 0.05, 0.1]]), np.array([[0.1, 0.3, -0.2, -0.02]])]
    dR = {"l2": lambda W: W, "l1": np.sign}[name]
    W, V, Wk = W0.copy(), np.zeros_like(W0), W0.copy()
    opt = sgd(make_penalty(name, lmbda), [Wk], [], eta=eta, momentum=mu, nesterov=nesterov)
    for g in grads * 2:
        G = g + lmbda * dR(W)
        V = mu * V - eta * G
        W = W + (mu * V - eta * G if nesterov else V)
        opt.step([Wk], [], [g], [])
        np.testing.assert_allclose(Wk, W, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("shape", [(4, 3), (200, 60)])
def test_column_sums_small_by_blas_and_large_by_numpy(shape):
    B = np.random.default_rng(4).standard_normal(shape)
    c = np.ones(shape[1])
    _blas.add_column_sums(c, -0.5, B, beta=2.0)
    np.testing.assert_allclose(c, 2.0 - 0.5 * B.sum(0), rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_fit_uses_scipys_blas_only(dtype, monkeypatch):
    # numpy ships an OpenBLAS of its own: a call into it between the fit's
    # GEMMs wakes threads that then spin against scipy's.
    def fail(*args, **kwargs):
        raise AssertionError("numpy's BLAS was called during a fit")

    for name in ("dot", "vdot", "inner", "matmul"):
        monkeypatch.setattr(np, name, fail)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 6)).astype(dtype)
    y = rng.integers(0, 3, 80)
    sw = rng.random(80)
    for penalty in ("l2", "l1", "l1_prox"):
        clf = L1MLPClassifier((7, 5), penalty=penalty, early_stopping=True, n_iter_no_change=50,
                              batch_size=16, max_iter=3, random_state=0)
        clf.fit(X, y, sample_weight=sw).predict_proba(X)
    reg = L1MLPRegressor((7,), penalty="l2", early_stopping=True, batch_size=16, max_iter=3)
    reg.fit(X, rng.normal(size=(80, 2)), sample_weight=sw).predict(X)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta", [0.0, 1.0, 0.25])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_gradient_reaches_only_the_rows_of_present_features(dtype, beta, order, fmt):
    # A batch of sparse rows touches few features: add_matmul forms A.T @ B
    # for those rows of C only; every other row is just scaled by beta.
    rng = np.random.default_rng(3)
    dense = np.zeros((7, 30), dtype)
    dense[rng.integers(0, 7, 12), rng.integers(0, 30, 12)] = rng.standard_normal(12)
    dense[:, 4] = 0  # a feature absent from the batch
    dense[2, 5] = 1.5  # a feature present in one row only
    A = sp.csr_matrix(dense).asformat(fmt)
    B = rng.standard_normal((7, 3)).astype(dtype)
    C0 = np.asarray(rng.standard_normal((30, 3)), dtype, order=order)
    C = C0.copy(order="A")
    _blas.add_matmul(C, -0.5, A, B, beta=beta)
    np.testing.assert_allclose(C, beta * C0 - 0.5 * dense.T @ B, **TOL[dtype])
    assert C.dtype == dtype and C.flags[f"{order}_CONTIGUOUS"]
    assert np.all(C[4] == beta * C0[4])
    # duplicate entries of a non-canonical CSR matrix add up, as in A.T @ B
    duplicated = sp.csr_matrix(
        (np.array([1.0, 2.0], dtype), np.array([3, 3]), np.array([0, 2, 2, 2, 2, 2, 2, 2])),
        shape=(7, 30),
    )
    C = C0.copy(order="A")
    _blas.add_matmul(C, 1.0, duplicated, B, beta=beta)
    expected = beta * C0
    expected[3] += 3.0 * B[0]
    np.testing.assert_allclose(C, expected, **TOL[dtype])
    # an empty batch (no stored entry) leaves beta * C
    C = C0.copy(order="A")
    _blas.add_matmul(C, 1.0, sp.csr_matrix((7, 30), dtype=dtype), B, beta=beta)
    np.testing.assert_allclose(C, beta * C0, **TOL[dtype])
