"""In-place BLAS updates, and the two forms in which a layer's gradient reaches the optimizer.

The training step makes all its dense matrix products through scipy's BLAS
(:func:`gemm`), and predictions go through :func:`matmul`: numpy and scipy
each ship their own OpenBLAS with its own pool of threads, and calls into
both leave one pool's threads spinning while the other's need the cores.
Nothing in a fit calls numpy's BLAS (``np.dot``, ``np.vdot``, ``@``).

A mini-batch's loss gradient for the weights of one layer is the product
``scale * A.T @ delta`` (``A`` the layer's input, ``delta`` the derivative of
the loss with respect to its pre-activation). The optimizer never needs that
matrix on its own, only added into the weights or the velocity, so a
:class:`ProductGradient` hands it over as one GEMM that writes straight into
the target: ``C <- beta * C + alpha * A.T @ delta``. :func:`gemm` takes C- and
Fortran-ordered arrays alike through BLAS's transpose flags (a C-ordered
matrix is the Fortran-ordered transpose) and updates ``C`` in place, so no
gradient matrix is ever formed or copied. A fit keeps its weights and hidden
activations Fortran-ordered, the layout in which the forward product of a
C-ordered batch is fastest (see :class:`skl1net._network._mlp.Workspace`).
:class:`ArrayGradient` is the same interface over gradients already stored in
arrays (for the optimizer's own tests and for callers holding gradients).

The optimizer scales ``C`` by a weight decay or a momentum factor with numpy
and calls the GEMM with ``beta = 1``: OpenBLAS applies another ``beta`` in a
separate, slower pass. Level-1 work (``y += alpha * x``, column sums of large
matrices) stays out of BLAS, which would run it on several threads at a cost
larger than the work at these sizes: ``y += alpha * x`` is a kernel of
:mod:`skl1net._compute._kernels`.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.linalg import blas

from . import _kernels

_GEMM = {np.dtype(np.float32): blas.sgemm, np.dtype(np.float64): blas.dgemm}
_GEMV = {np.dtype(np.float32): blas.sgemv, np.dtype(np.float64): blas.dgemv}
_ONES = {}
#: OpenBLAS runs a GEMV of at least 2304 * 4 entries on several threads.
_GEMV_SINGLE_THREAD = 9215


def _ones(n, dtype):
    """A read-only vector of ``n`` ones of ``dtype``, shared between calls."""
    ones = _ONES.get((n, dtype))
    if ones is None:
        ones = _ONES[n, dtype] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


def axpy(y, alpha, x, work=None):
    """``y += alpha * x`` in place: one compiled pass, or two numpy passes through ``work``.

    Not BLAS's ``axpy``: OpenBLAS runs level-1 calls of more than 10,000
    entries on several threads, and on a busy machine such a call waits for a
    descheduled thread. The kernel of :mod:`skl1net._compute._kernels` runs in
    the calling thread.
    ``work`` is shaped like ``y`` (it may be ``x`` itself); without it the
    numpy version allocates a temporary.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import axpy
    >>> y = np.ones((2, 2))
    >>> axpy(y, 0.5, np.eye(2)); y
    array([[1.5, 1. ],
           [1. , 1.5]])
    """
    _kernels.axpy(y, alpha, x, work)


def _combine(C, alpha, G, beta, work=None):
    """``C <- beta * C + alpha * G`` in place (``work``: as for :func:`axpy`)."""
    if beta == 0:
        np.multiply(G, alpha, out=C)
        return
    if beta != 1:
        C *= beta
    axpy(C, alpha, G, work)


def _fortran(A, trans=False):
    """``(a, t)``: ``A`` as a Fortran-ordered matrix ``a`` for BLAS, and BLAS's flag for ``op(A)``.

    ``op(A)`` is ``A.T`` when ``trans``, else ``A``. A C-ordered ``A`` is the
    Fortran-ordered ``A.T``, which flips the flag; any other layout is copied
    (never for the arrays of a fit).
    """
    if A.flags.f_contiguous:
        return A, trans
    if A.flags.c_contiguous:
        return A.T, not trans
    return np.asfortranarray(A), trans


def gemm(C, A, B, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """``C <- beta * C + alpha * op(A) @ op(B)`` in place; ``op`` transposes when asked.

    All three are C- or Fortran-contiguous arrays of one floating dtype, in
    any mix of layouts. BLAS works on Fortran-ordered matrices: a C-ordered
    array is the Fortran-ordered transpose, so the layouts are taken through
    BLAS's transpose flags, without copies; a C-ordered ``C`` is written as
    the Fortran-ordered ``C.T = op(B).T @ op(A).T``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import gemm
    >>> A, C = np.array([[1.0, 2.0], [3.0, 4.0]]), np.empty((2, 2))
    >>> gemm(C, A, A, trans_b=True)
    array([[ 5., 11.],
           [11., 25.]])
    >>> gemm(np.asfortranarray(C), A, np.asfortranarray(A), trans_a=True)
    array([[10., 14.],
           [14., 20.]])
    """
    # (the common Fortran-ordered case without a call: this runs five times a step)
    a, ta = (A, trans_a) if A.flags.f_contiguous else _fortran(A, trans_a)
    b, tb = (B, trans_b) if B.flags.f_contiguous else _fortran(B, trans_b)
    gemm_ = _GEMM[C.dtype]
    # positional arguments: f2py parses keywords slowly
    if C.flags.f_contiguous:
        out = gemm_(alpha, a, b, beta, C, ta, tb, 1)
        target = C
    else:  # C.T = op(B).T @ op(A).T
        target = C.T
        out = gemm_(alpha, b, a, beta, target, not tb, not ta, 1)
    if out is not target:  # BLAS had to copy: never for the arrays of a fit
        target[...] = out
    return C


def matmul(A, B):
    """``A @ B`` in a new C-ordered array, through scipy's BLAS (what a fit uses).

    Arrays of mixed or non-floating dtypes go to ``np.dot``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import matmul
    >>> matmul(np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[1., 2.],
           [3., 4.]])
    """
    if A.dtype != B.dtype or B.dtype not in _GEMM:
        return np.dot(A, B)
    return gemm(np.empty((A.shape[0], B.shape[1]), B.dtype), A, B)


def add_matmul(C, alpha, A, B, beta=1.0):
    """``C <- beta * C + alpha * A.T @ B`` in place, without forming ``A.T @ B``.

    ``C`` (shape ``(k, n)``), ``B`` (shape ``(m, n)``) and a dense ``A``
    (shape ``(m, k)``) are C- or Fortran-contiguous arrays of one floating
    dtype (see :func:`gemm`). ``A`` may also be a scipy sparse matrix: the
    product is then formed for the rows of ``C`` that it reaches, the columns
    of ``A`` with a stored entry (:func:`_add_sparse_matmul`).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import add_matmul
    >>> C = np.ones((2, 2))
    >>> add_matmul(C, -1.0, np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]])); C
    array([[ 0., -1.],
           [-2., -3.]])
    """
    if isinstance(A, np.ndarray):
        gemm(C, A, B, alpha, beta, True)
        return
    _add_sparse_matmul(C, alpha, A, B, beta)


def _add_sparse_matmul(C, alpha, A, B, beta):
    """:func:`add_matmul` for a scipy sparse ``A``: only the rows of ``C`` that ``A.T @ B`` reaches.

    Row ``j`` of ``A.T @ B`` is zero unless column ``j`` of ``A`` holds an
    entry. A mini-batch of sparse data (a bag of words, one-hot columns)
    touches a small share of the features, so each entry of ``A`` is added
    into its row of ``C`` (:func:`skl1net._compute._kernels.add_csr_t_product`)
    instead of writing, then reading again, the full ``(k, n)`` product for
    every batch.
    """
    A = A.tocsr()
    if beta == 0:
        C.fill(0)
    elif beta != 1:
        C *= beta
    _kernels.add_csr_t_product(C, alpha, A, B)


def add_column_sums(c, alpha, B, beta=1.0):
    """``c <- beta * c + alpha * B.sum(axis=0)`` in place.

    One GEMV with a ones vector for a small ``B``; a numpy reduction for a
    large one, which OpenBLAS would run on several threads (see :func:`axpy`).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import add_column_sums
    >>> c = np.zeros(2)
    >>> add_column_sums(c, 2.0, np.array([[1.0, 2.0], [3.0, 4.0]])); c
    array([ 8., 12.])
    """
    if B.size > _GEMV_SINGLE_THREAD:
        sums = np.add.reduce(B, axis=0)
        _combine(c, alpha, sums, beta, work=sums)
        return
    b, transposed = _fortran(B)  # c <- beta * c + alpha * B.T @ ones
    # positional arguments (offx, incx, offy, incy, trans, overwrite_y)
    ones = _ones(B.shape[0], c.dtype)
    out = _GEMV[c.dtype](alpha, b, ones, beta, c, 0, 1, 0, 1, int(not transposed), 1)
    if out is not c:  # BLAS had to copy: never for the arrays of a fit
        c[...] = out


class ProductGradient:
    """Gradient of one layer from a batch: ``scale * A.T @ delta`` and ``scale * delta.sum(0)``.

    Neither is formed: :meth:`add_to_weights` and :meth:`add_to_bias` add them,
    scaled, into a target array in one BLAS call each.

    Parameters
    ----------
    A : ndarray or sparse matrix of shape (m, n_in)
        The layer's input for the batch.
    delta : ndarray of shape (m, n_out)
        Derivative of the batch's loss with respect to the layer's
        pre-activation, up to the factor ``scale``.
    scale : float
        Factor of both gradients (``1 / m`` for an unweighted mean).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import ProductGradient
    >>> grad = ProductGradient(np.ones((2, 1)), np.array([[1.0], [3.0]]), 0.5)
    >>> W, b = np.zeros((1, 1)), np.ones(1)
    >>> grad.add_to_weights(W, -1.0, 1.0); grad.add_to_bias(b, -1.0, 1.0); W, b
    (array([[-2.]]), array([-1.]))
    """

    __slots__ = ("A", "delta", "scale")

    def __init__(self, A, delta, scale):
        self.A, self.delta, self.scale = A, delta, scale

    def add_to_weights(self, C, alpha, beta):
        """``C <- beta * C + alpha * (weight gradient)``, in place."""
        add_matmul(C, alpha * self.scale, self.A, self.delta, beta)

    def add_to_bias(self, c, alpha, beta):
        """``c <- beta * c + alpha * (bias gradient)``, in place."""
        add_column_sums(c, alpha * self.scale, self.delta, beta)


class ArrayGradient:
    """Gradient of one layer held in arrays ``G`` (weights) and ``g`` (bias).

    The same interface as :class:`ProductGradient`.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._blas import ArrayGradient
    >>> W = np.ones((1, 2))
    >>> ArrayGradient(np.array([[1.0, 2.0]]), None).add_to_weights(W, -0.5, 1.0); W
    array([[0.5, 0. ]])
    """

    __slots__ = ("G", "g")

    def __init__(self, G, g):
        self.G, self.g = G, g

    def add_to_weights(self, C, alpha, beta):
        """``C <- beta * C + alpha * G``, in place."""
        _combine(C, alpha, self.G, beta)

    def add_to_bias(self, c, alpha, beta):
        """``c <- beta * c + alpha * g``, in place."""
        _combine(c, alpha, self.g, beta)
