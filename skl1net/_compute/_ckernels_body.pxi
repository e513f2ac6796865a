# The kernels of skl1net._compute._ckernels and skl1net._compute._ckernels_avx2: one source,
# included by both modules, each compiled with its own instruction set (see
# setup.py and skl1net/_kernels.py). Not a module of its own.

# SPDX-License-Identifier: BSD-3-Clause

from cython cimport floating, integral
from libc.float cimport DBL_EPSILON, DBL_MIN, FLT_EPSILON, FLT_MIN
from libc.math cimport exp, expf, log

import numpy as np

from .._compute import _npkernels


cdef inline floating _sign_times(floating w, floating t) noexcept nogil:
    # t * sign(w), sign(0) = 0 (sign(NaN) is 0 too, where numpy's is NaN).
    # float: arithmetic on the comparisons, which the compiler vectorizes
    # (half the time of the selections below); double: the selections, as
    # SSE2 has no vector conversion from 32-bit integers to doubles.
    cdef floating s = 0
    if floating is float:
        s = t * <float>(<int>(w > 0) - <int>(w < 0))
    else:
        if w > 0:
            s = t
        if w < 0:
            s = -t
    return s


cdef inline floating _flush(floating x, floating tiny) noexcept nogil:
    # 0 for |x| < tiny (the subnormals), x otherwise; NaN stays NaN (a selection
    # the compiler turns into a blend, not a branch)
    if x < tiny and x > -tiny:
        x = 0
    return x


cdef inline Py_ssize_t _size(floating[:, ::1] A) noexcept nogil:
    return A.shape[0] * A.shape[1]


cdef inline bint _same_shape(floating[:, ::1] A, floating[:, ::1] B) noexcept nogil:
    return A.shape[0] == B.shape[0] and A.shape[1] == B.shape[1]


def _add_scaled_sign(floating[:, ::1] W, double scale, floating[:, ::1] G):
    cdef Py_ssize_t i, n = _size(W)
    cdef floating t = <floating>scale
    cdef floating *w
    cdef floating *g
    if not _same_shape(W, G):
        raise ValueError("G must have the shape of W")
    if n == 0:
        return
    # W itself as the target gets a loop of its own: the compiler's run-time
    # aliasing check would send w == g to its scalar loop
    w, g = &W[0, 0], &G[0, 0]
    if g == w:
        for i in range(n):
            w[i] += _sign_times(w[i], t)
    else:
        for i in range(n):
            g[i] += _sign_times(w[i], t)


cdef inline floating _shrink(floating x, floating t) noexcept nogil:
    # the soft-threshold as x - clip(x, -t, t), exactly numpy's two passes
    cdef floating c = x
    if c > t:
        c = t
    if c < -t:
        c = -t
    return x - c


def _soft_threshold_inplace(floating[:, ::1] W, double threshold):
    cdef Py_ssize_t i, n = _size(W)
    cdef floating t = <floating>threshold
    cdef floating *w
    if n == 0:
        return
    w = &W[0, 0]
    for i in range(n):
        w[i] = _shrink(w[i], t)


def _soft_threshold_scaled(floating[:, ::1] W, const floating[:, ::1] S, double scale):
    cdef Py_ssize_t i, n = _size(W)
    cdef floating a = <floating>scale
    cdef floating *w
    cdef const floating *s
    if S.shape[0] != W.shape[0] or S.shape[1] != W.shape[1]:
        raise ValueError("W and S must have the same shape")
    if n == 0:
        return
    w, s = &W[0, 0], &S[0, 0]
    for i in range(n):
        w[i] = _shrink(w[i], a * s[i])


def _axpy_soft_threshold(floating[:, ::1] W, double alpha, const floating[:, ::1] V,
                         double threshold):
    cdef Py_ssize_t i, n = _size(W)
    cdef floating a = <floating>alpha
    cdef floating t = <floating>threshold
    cdef floating *w
    cdef const floating *v
    if V.shape[0] != W.shape[0] or V.shape[1] != W.shape[1]:
        raise ValueError("W and V must have the same shape")
    if n == 0:
        return
    w, v = &W[0, 0], &V[0, 0]
    for i in range(n):
        w[i] = _shrink(w[i] + a * v[i], t)


def _momentum_lookahead(floating[:, ::1] W, floating[:, ::1] V, double mu):
    # v <- mu * v; w <- w - v. Each velocity entry below the dtype's smallest
    # normal is flushed to 0: a velocity that only decays (a weight held at 0
    # by the prox) would otherwise pass through the subnormals, which make
    # arithmetic many times slower on x86
    cdef Py_ssize_t i, n = _size(W)
    cdef floating m = <floating>mu
    cdef floating tiny = FLT_MIN if floating is float else DBL_MIN
    cdef floating u
    cdef floating *w
    cdef floating *v
    if not _same_shape(W, V):
        raise ValueError("W and V must have the same shape")
    if n == 0:
        return
    w, v = &W[0, 0], &V[0, 0]
    for i in range(n):
        u = _flush(m * v[i], tiny)
        v[i] = u
        w[i] -= u


def _momentum_lookahead_decay(floating[:, ::1] W, floating[:, ::1] V, double mu, double decay):
    # g = decay * w at w on entry; v <- mu * v + g (flushed); w <- w + g - v
    cdef Py_ssize_t i, n = _size(W)
    cdef floating m = <floating>mu
    cdef floating d = <floating>decay
    cdef floating tiny = FLT_MIN if floating is float else DBL_MIN
    cdef floating u, g
    cdef floating *w
    cdef floating *v
    if not _same_shape(W, V):
        raise ValueError("W and V must have the same shape")
    if n == 0:
        return
    w, v = &W[0, 0], &V[0, 0]
    for i in range(n):
        g = d * w[i]
        u = _flush(m * v[i] + g, tiny)
        v[i] = u
        w[i] = w[i] + g - u


def _momentum_lookahead_sign(floating[:, ::1] W, floating[:, ::1] V, double mu,
                             double sign_step):
    # g = sign_step * sign(w) at w on entry; v <- mu * v + g (flushed); w <- w + g - v
    cdef Py_ssize_t i, n = _size(W)
    cdef floating m = <floating>mu
    cdef floating s = <floating>sign_step
    cdef floating tiny = FLT_MIN if floating is float else DBL_MIN
    cdef floating u, g
    cdef floating *w
    cdef floating *v
    if not _same_shape(W, V):
        raise ValueError("W and V must have the same shape")
    if n == 0:
        return
    w, v = &W[0, 0], &V[0, 0]
    for i in range(n):
        g = _sign_times(w[i], s)
        u = _flush(m * v[i] + g, tiny)
        v[i] = u
        w[i] = w[i] + g - u


cdef inline void _axpy_loop(floating *y, floating a, const floating *x, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] += a * x[i]


def _axpy_1d(floating[::1] y, double alpha, const floating[::1] x):
    if x.shape[0] != y.shape[0]:
        raise ValueError("x and y must have the same size")
    if y.shape[0]:
        _axpy_loop(&y[0], <floating>alpha, &x[0], y.shape[0])


def _axpy_2d(floating[:, ::1] y, double alpha, const floating[:, ::1] x):
    if x.shape[0] != y.shape[0] or x.shape[1] != y.shape[1]:
        raise ValueError("x and y must have the same shape")
    if _size(y):
        _axpy_loop(&y[0, 0], <floating>alpha, &x[0, 0], _size(y))


def _axpy(y, double alpha, x):
    if y.ndim == 1:
        _axpy_1d(y, alpha, x)
    else:
        _axpy_2d(y, alpha, x)


def _bias_relu(floating[:, ::1] Z, const floating[::1] b):
    cdef Py_ssize_t r, j, n = Z.shape[0], k = Z.shape[1]
    cdef floating v
    cdef floating *z
    if b.shape[0] != k:
        raise ValueError("b must have one entry per column of Z")
    for r in range(n):
        z = &Z[r, 0]
        for j in range(k):
            v = z[j] + b[j]
            if v < 0:
                v = 0
            z[j] = v


def _bias_relu_rows(floating[:, ::1] Zt, const floating[::1] b):
    # the transpose of a Fortran-ordered Z: b[j] is added to row j
    cdef Py_ssize_t r, j, n = Zt.shape[1], k = Zt.shape[0]
    cdef floating v, c
    cdef floating *z
    if b.shape[0] != k:
        raise ValueError("b must have one entry per column of Z")
    for j in range(k):
        z = &Zt[j, 0]
        c = b[j]
        for r in range(n):
            v = z[r] + c
            if v < 0:
                v = 0
            z[r] = v


def _relu_backward(const floating[:, ::1] A, floating[:, ::1] delta):
    cdef Py_ssize_t i, n = _size(delta)
    cdef floating m
    cdef const floating *a
    cdef floating *d
    if A.shape[0] != delta.shape[0] or A.shape[1] != delta.shape[1]:
        raise ValueError("A and delta must have the same shape")
    if n == 0:
        return
    a, d = &A[0, 0], &delta[0, 0]
    for i in range(n):
        m = 0
        if a[i] > 0:
            m = 1
        d[i] = d[i] * m


cdef inline floating _exp_row(floating *z, const floating *b, Py_ssize_t k) noexcept nogil:
    # z <- exp(z + b - max(z + b)); returns 1 / sum: the softmax is z * the result
    cdef Py_ssize_t j
    cdef floating m, e
    cdef double s = 0
    for j in range(k):
        z[j] += b[j]
    m = z[0]
    for j in range(1, k):
        if z[j] > m:
            m = z[j]
    for j in range(k):
        if floating is float:
            e = expf(z[j] - m)
        else:
            e = exp(z[j] - m)
        z[j] = e
        s += e
    return <floating>(1.0 / s)


def _bias_softmax(floating[:, ::1] Z, const floating[::1] b):
    cdef Py_ssize_t r, j, n = Z.shape[0], k = Z.shape[1]
    cdef floating inv
    cdef floating *z
    if b.shape[0] != k:
        raise ValueError("b and Z do not match")
    if k == 0:
        return
    for r in range(n):
        z = &Z[r, 0]
        inv = _exp_row(z, &b[0], k)
        for j in range(k):
            z[j] *= inv


def _softmax_cross_entropy(floating[:, ::1] Z, const floating[::1] b,
                           const Py_ssize_t[::1] labels,
                           const floating[::1] sample_weight=None):
    # one row at a time: bias, max, exp and sum, loss, then the delta
    cdef Py_ssize_t r, j, y, n = Z.shape[0], k = Z.shape[1]
    cdef floating p, w, inv
    cdef floating eps = FLT_EPSILON if floating is float else DBL_EPSILON
    cdef double loss = 0
    cdef floating *z
    if b.shape[0] != k or labels.shape[0] != n:
        raise ValueError("b, labels and Z do not match")
    if sample_weight is not None and sample_weight.shape[0] != n:
        raise ValueError("sample_weight and Z do not match")
    if k == 0:
        return 0.0
    for r in range(n):
        y = labels[r]
        if y < 0 or y >= k:
            raise ValueError(f"label {y} out of range for {k} classes")
    for r in range(n):
        z = &Z[r, 0]
        inv = _exp_row(z, &b[0], k)
        w = 1 if sample_weight is None else sample_weight[r]
        y = labels[r]
        p = z[y] * inv
        loss -= w * log(eps if p < eps else p)  # NaN stays NaN
        for j in range(k):
            z[j] = z[j] * inv * w
        z[y] = (p - 1) * w
    return loss


def _add_csr_t_product(floating[:, ::1] C, double alpha, const floating[::1] data,
                       const integral[::1] indices, const integral[::1] indptr,
                       const floating[:, ::1] B):
    # each stored entry A[r, j] adds alpha * A[r, j] * B[r] into row j of C
    cdef Py_ssize_t r, k, j, col, m = B.shape[0], n = B.shape[1], nnz
    cdef floating a
    cdef floating *c
    cdef const floating *b
    if C.shape[1] != n or indptr.shape[0] != m + 1:
        raise ValueError("A, B and C do not match")
    if m == 0 or n == 0:
        return
    nnz = indptr[m]
    if nnz > indices.shape[0] or nnz > data.shape[0]:
        raise ValueError("indptr does not match indices and data")
    for r in range(m + 1):
        if indptr[r] < 0 or indptr[r] > nnz:
            raise ValueError("indptr out of range")
    for k in range(nnz):
        if indices[k] < 0 or indices[k] >= C.shape[0]:
            raise ValueError("column index out of range")
    with nogil:
        for r in range(m):
            b = &B[r, 0]
            for k in range(indptr[r], indptr[r + 1]):
                col = indices[k]
                a = <floating>alpha * data[k]
                c = &C[col, 0]
                for j in range(n):
                    c[j] += a * b[j]


# -- the public kernels: the typed loops above, numpy for anything else --------
def _c_ordered(A, *others):
    """``A`` and ``others`` transposed when ``A`` is a Fortran-ordered matrix, else as they are.

    An element-wise pass is the same on the transposes, which are C-ordered
    if all were Fortran-ordered (if not, the typed loop rejects them).
    """
    if A.ndim == 2 and not A.flags.c_contiguous and A.flags.f_contiguous:
        return (A.T,) + tuple(None if B is None else B.T for B in others)
    return (A,) + others


def add_scaled_sign(W, double scale, G, work=None):
    """``G += scale * sign(W)``, the sign taken at ``W`` on entry (``G`` may be ``W``)."""
    try:
        W_, G_ = _c_ordered(W, G)
        _add_scaled_sign(W_, scale, G_)
    except (ValueError, TypeError):
        _npkernels.add_scaled_sign(W, scale, G, work)


def soft_threshold_inplace(W, threshold, work=None):
    """``W <- W - clip(W, -threshold, threshold)`` in place: the soft-threshold (numpy's for per-entry thresholds)."""
    try:
        if np.ndim(threshold):
            raise TypeError("per-entry thresholds")
        _soft_threshold_inplace(_c_ordered(W)[0], threshold)
    except (ValueError, TypeError):
        _npkernels.soft_threshold_inplace(W, threshold, work)


def soft_threshold_scaled(W, S, double scale, work=None):
    """``W <- soft_threshold(W, scale * S)`` in place: per-entry thresholds ``scale * S``."""
    try:
        W_, S_ = _c_ordered(W, S)
        _soft_threshold_scaled(W_, S_, scale)
    except (ValueError, TypeError):
        _npkernels.soft_threshold_scaled(W, S, scale, work)


def _matrices(A, *others):
    """:func:`_c_ordered`, after turning vectors (biases) into one-row matrices."""
    if A.ndim == 1:
        return (A[None],) + tuple(None if B is None else B[None] for B in others)
    return _c_ordered(A, *others)


def axpy_soft_threshold(W, double alpha, V, double threshold, work=None):
    """``W <- soft_threshold(W + alpha * V, threshold)`` in place: an axpy and the soft-threshold."""
    try:
        W_, V_ = _matrices(W, V)
        _axpy_soft_threshold(W_, alpha, V_, threshold)
    except (ValueError, TypeError):
        _npkernels.axpy_soft_threshold(W, alpha, V, threshold, work)


def momentum_lookahead(W, V, double mu, work=None):
    """``V <- mu * V``; ``W <- W - V``, in one pass."""
    try:
        _momentum_lookahead(*_matrices(W, V), mu)
    except (ValueError, TypeError):
        _npkernels.momentum_lookahead(W, V, mu, work)


def momentum_lookahead_decay(W, V, double mu, double decay, work=None):
    """``g = decay * W``; ``V <- mu * V + g``; ``W <- W + g - V``, in one pass."""
    try:
        _momentum_lookahead_decay(*_matrices(W, V), mu, decay)
    except (ValueError, TypeError):
        _npkernels.momentum_lookahead_decay(W, V, mu, decay, work)


def momentum_lookahead_sign(W, V, double mu, double sign_step, work=None):
    """``g = sign_step * sign(W)``; ``V <- mu * V + g``; ``W <- W + g - V``, in one pass."""
    try:
        _momentum_lookahead_sign(*_matrices(W, V), mu, sign_step)
    except (ValueError, TypeError):
        _npkernels.momentum_lookahead_sign(W, V, mu, sign_step, work)


def axpy(y, double alpha, x, work=None):
    """``y += alpha * x`` in place."""
    try:
        y_, x_ = _c_ordered(y, x)
        _axpy(y_, alpha, x_)
    except (ValueError, TypeError):
        _npkernels.axpy(y, alpha, x, work)


def bias_relu(Z, b):
    """``Z <- max(Z + b, 0)`` in place (NaN stays NaN), ``b`` added to every row."""
    try:
        if Z.ndim == 2 and not Z.flags.c_contiguous and Z.flags.f_contiguous:
            _bias_relu_rows(Z.T, b)
        else:
            _bias_relu(Z, b)
    except (ValueError, TypeError):
        _npkernels.bias_relu(Z, b)


def relu_backward(A, delta):
    """``delta *= (A > 0)`` in place: the ReLU's derivative, given its output ``A``."""
    try:
        _relu_backward(*_c_ordered(A, delta))
    except (ValueError, TypeError):
        _npkernels.relu_backward(A, delta)


def bias_softmax(Z, b):
    """``Z <- softmax(Z + b)`` row by row, in place."""
    try:
        _bias_softmax(Z, b)
    except (ValueError, TypeError):
        _npkernels.bias_softmax(Z, b)


def softmax_cross_entropy(Z, b, labels, sample_weight=None, work=None):
    """Softmax output, cross-entropy and output delta of a batch, in place; returns the loss.

    See :func:`skl1net._compute._npkernels.softmax_cross_entropy`.
    """
    try:
        return _softmax_cross_entropy(Z, b, labels, sample_weight)
    except (ValueError, TypeError):
        return _npkernels.softmax_cross_entropy(Z, b, labels, sample_weight, work)


def add_csr_t_product(C, double alpha, A, B):
    """``C += alpha * A.T @ B`` in place, for a CSR matrix ``A``: each entry straight into its row."""
    try:
        _add_csr_t_product(C, alpha, A.data, A.indices, A.indptr, np.ascontiguousarray(B))
    except (ValueError, TypeError):
        _npkernels.add_csr_t_product(C, alpha, A, B)
include "_ckernels_adam.pxi"
