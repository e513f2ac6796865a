"""The kernels of the training step in numpy: the fallback of :mod:`skl1net._compute._kernels`.

Same names and signatures as the compiled module ``skl1net._compute._ckernels``; each
function works in place, in a few numpy passes over the data, and allocates
nothing when given its ``work`` buffers. Do not call these directly from the
training code: :mod:`skl1net._compute._kernels` selects them or their compiled twins.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

_EPS = {np.dtype(t): np.finfo(t).eps for t in (np.float32, np.float64)}


def scaled_sign(x, scale, out=None):
    """``scale * sign(x)``, exactly, in three fast passes.

    ``np.sign`` is several times slower than ``np.clip`` and ``np.multiply``.
    Clipping to the smallest subnormal number ``d`` maps every non-zero ``x``
    to ``+-d`` (zeros and NaNs stay as they are); two exact power-of-two
    multiplications then turn ``+-d`` into ``+-scale``, without overflow for any
    ``1e-30 < |scale| < 2 ** 100``. The result equals ``scale * np.sign(x)``
    for finite and infinite ``x`` alike (a zero keeps its sign bit, which
    ``np.sign`` drops; the two zeros compare equal).

    Parameters
    ----------
    x : ndarray of floating dtype
        Values whose sign is taken.
    scale : float
        Factor of the sign.
    out : ndarray, default=None
        Where to write the result (may be ``x``).

    Returns
    -------
    out : ndarray
        ``scale * sign(x)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import scaled_sign
    >>> scaled_sign(np.array([-3.0, 0.0, 1e-320, 2.0]), 0.5)
    array([-0.5,  0. ,  0.5,  0.5])
    """
    info = np.finfo(x.dtype)
    tiny = info.smallest_subnormal
    out = np.clip(x, -tiny, tiny, out=out)
    # 1 / tiny = 2 ** (nmant - minexp) overflows: split it into two powers of
    # two, as Python floats so that the products stay in x's precision.
    out *= 2.0 ** (info.maxexp - 1)
    out *= scale * 2.0 ** (info.nmant - info.minexp + 1 - info.maxexp)
    return out


def softmax(Z):
    """Row-wise softmax of ``Z``, in place.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import softmax
    >>> softmax(np.log(np.array([[1.0, 3.0]])))
    array([[0.25, 0.75]])
    """
    # ufunc reductions: Z.max() and Z.sum() add a Python layer that costs as
    # much as the work on a mini-batch (and no BLAS call here: training keeps
    # to scipy's BLAS, see skl1net._compute._blas)
    Z -= np.maximum.reduce(Z, axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= np.add.reduce(Z, axis=1, keepdims=True)
    return Z


def bias_softmax(Z, b):
    """``Z <- softmax(Z + b)`` row by row, in place, ``b`` added to every row.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import bias_softmax
    >>> Z = np.zeros((1, 2)); bias_softmax(Z, np.log(np.array([1.0, 3.0]))); Z
    array([[0.25, 0.75]])
    """
    Z += b
    softmax(Z)


def add_scaled_sign(W, scale, G, work=None):
    """``G += scale * sign(W)`` in place, the sign (``sign(0) = 0``) taken at ``W`` on entry.

    ``G`` may be ``W`` itself. ``work``, shaped like ``W``, holds the term if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import add_scaled_sign
    >>> W = np.array([[2.0, 0.0, -1.0]]); G = np.zeros_like(W)
    >>> add_scaled_sign(W, -0.5, G); G
    array([[-0.5,  0. ,  0.5]])
    >>> add_scaled_sign(W, -0.5, W); W
    array([[ 1.5,  0. , -0.5]])
    """
    G += scaled_sign(W, scale, out=work)


def soft_threshold_inplace(W, threshold, work=None):
    """``W <- sign(W) * max(|W| - threshold, 0)`` in place, as ``W -= clip(W, -t, t)``.

    ``threshold`` is a float, or an array of per-entry thresholds shaped like ``W``.

    ``x - clip(x, -t, t)`` equals the soft-threshold for every ``x``: two
    passes with one temporary (``work`` if given), without sign, abs or
    maximum arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import soft_threshold_inplace
    >>> W = np.array([[-2.0, -0.5, 0.0, 0.3, 1.5]])
    >>> soft_threshold_inplace(W, 1.0); W
    array([[-1. ,  0. ,  0. ,  0. ,  0.5]])
    """
    W -= np.clip(W, -threshold, threshold, out=work)


def soft_threshold_scaled(W, S, scale, work=None):
    """``W <- soft_threshold(W, scale * S)`` in place: the per-entry thresholds ``scale * S``.

    ``S`` is an array shaped like ``W`` (non-negative), ``scale`` a float;
    ``work``, if given, holds the thresholds.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import soft_threshold_scaled
    >>> W = np.array([[-2.0, -0.5, 0.3, 1.5]])
    >>> soft_threshold_scaled(W, np.array([[1.0, 1.0, 0.0, 2.0]]), 0.5); W
    array([[-1.5,  0. ,  0.3,  0.5]])
    """
    t = np.multiply(S, W.dtype.type(scale), out=work)
    W -= np.clip(W, -t, t)


def axpy(y, alpha, x, work=None):
    """``y += alpha * x`` in place: two passes through ``work`` if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import axpy
    >>> y = np.ones(2); axpy(y, 0.5, np.array([2.0, 4.0])); y
    array([2., 3.])
    """
    if work is None:
        y += alpha * x
    else:
        y += np.multiply(x, alpha, out=work)


def axpy_soft_threshold(W, alpha, V, threshold, work=None):
    """``W <- soft_threshold(W + alpha * V, threshold)`` in place: :func:`axpy`, then the soft-threshold.

    ``work``, shaped like ``W``, holds the temporaries if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import axpy_soft_threshold
    >>> W = np.array([[1.0, 0.2, -1.0]])
    >>> axpy_soft_threshold(W, 2.0, np.array([[0.5, 0.0, -0.25]]), 0.5); W
    array([[ 1.5,  0. , -1. ]])
    """
    axpy(W, alpha, V, work)
    soft_threshold_inplace(W, threshold, work)


def momentum_lookahead(W, V, mu, work=None):
    """``V <- mu * V`` and ``W <- W - V``, in place: the start of a Nesterov step.

    The entries of ``V`` below the dtype's smallest normal are flushed to 0
    (:func:`flush_subnormals`): the velocity of a weight that the prox holds
    at 0 only decays, and subnormal floats make arithmetic many times slower.
    ``work``, shaped like ``W``, holds the mask if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import momentum_lookahead
    >>> W, V = np.array([1.0, 1.0]), np.array([2.0, -4.0])
    >>> momentum_lookahead(W, V, 0.5); W, V
    (array([0., 3.]), array([ 1., -2.]))
    """
    V *= mu
    flush_subnormals(V, work)
    W -= V


def momentum_lookahead_decay(W, V, mu, decay, work=None):
    """``g = decay * W``; ``V <- mu * V + g``; ``W <- W + g - V``, in place, ``g`` taken at ``W`` on entry.

    :func:`momentum_lookahead` with a term proportional to the weights added
    to the velocity and to the weights; the velocity is flushed as there.
    ``work`` is shaped like ``W``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import momentum_lookahead_decay
    >>> W, V = np.array([1.0, -1.0]), np.zeros(2)
    >>> momentum_lookahead_decay(W, V, 0.5, -0.5); W, V
    (array([ 1., -1.]), array([-0.5,  0.5]))
    """
    V *= mu
    axpy(V, decay, W, work)
    flush_subnormals(V, work)
    W *= 1.0 + decay
    W -= V


def momentum_lookahead_sign(W, V, mu, sign_step, work=None):
    """``g = sign_step * sign(W)``; ``V <- mu * V + g``; ``W <- W + g - V``, in place, ``g`` taken at ``W`` on entry.

    :func:`momentum_lookahead` with a term proportional to the sign of the
    weights (``sign(0) = 0``); the velocity is flushed as there. ``work``,
    shaped like ``W``, holds the term if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import momentum_lookahead_sign
    >>> W, V = np.array([1.0, 0.0]), np.array([2.0, 2.0])
    >>> momentum_lookahead_sign(W, V, 0.5, -0.25); W, V
    (array([ 0., -1.]), array([0.75, 1.  ]))
    """
    V *= mu
    term = scaled_sign(W, sign_step, out=work)
    V += term
    flush_subnormals(V)
    W += term
    W -= V


def flush_subnormals(A, work=None):
    """Set the entries of ``A`` smaller in magnitude than the dtype's smallest normal to 0, in place.

    Subnormal floats make arithmetic many times slower on x86. A
    multiplication by the 0/1 mask, without a branch: NaN stays NaN.
    ``work``, shaped like ``A``, holds the mask if given.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import flush_subnormals
    >>> A = np.array([1e-310, -1e-300, 0.5, np.nan]); flush_subnormals(A); A
    array([ 0.e+000, -1.e-300,  5.e-001,      nan])
    """
    keep = np.abs(A, out=work)
    np.greater_equal(keep, np.finfo(A.dtype).tiny, out=keep)
    A *= keep


def adam_step(W, G, M, V, beta_1, beta_2, m_scale, v_scale, eta, epsilon, decay=0.0,
              sign_step=0.0, threshold=0.0, store_step=False, work=None):
    """One Adam step of ``W`` in place, from the loss gradient in ``G`` (overwritten).

    With ``g = G + decay * W + sign_step * sign(W)`` (``W`` on entry): the
    moments ``M <- beta_1 * M + (1 - beta_1) * g`` and
    ``V <- beta_2 * V + (1 - beta_2) * g ** 2``, their entries below the
    dtype's smallest normal flushed to 0 (:func:`flush_subnormals`), the
    step size ``s = eta / (sqrt(V * v_scale) + epsilon)`` of each coordinate,
    then ``W <- W - (M * m_scale) * s`` and, if ``threshold``, the
    soft-threshold of ``W`` by ``s * threshold``. ``m_scale`` and ``v_scale``
    are the bias corrections ``1 / (1 - beta ** t)``. ``G`` holds ``s`` on
    return if ``store_step`` (which excludes a threshold), scratch otherwise.
    ``work`` is a scratch array shaped like ``W``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import adam_step
    >>> W, M, V = np.array([[1.0, 0.0]]), np.zeros((1, 2)), np.zeros((1, 2))
    >>> adam_step(W, np.array([[2.0, 0.5]]), M, V, 0.9, 0.999, 10.0, 1000.0, 0.1, 0.0,
    ...           threshold=1.0); W
    array([[0.85, 0.  ]])
    """
    if store_step and threshold:
        raise ValueError("store_step and a threshold exclude each other")
    if work is None:
        work = np.empty_like(W)
    if decay:
        G += np.multiply(W, decay, out=work)
    if sign_step:
        add_scaled_sign(W, sign_step, G, work)
    M *= beta_1
    M += np.multiply(G, 1.0 - beta_1, out=work)
    np.multiply(G, G, out=G)
    G *= 1.0 - beta_2
    V *= beta_2
    V += G
    flush_subnormals(M, work)
    flush_subnormals(V, work)
    s = np.multiply(V, v_scale, out=work)
    np.sqrt(s, out=s)
    s += epsilon
    np.divide(eta, s, out=s)
    np.multiply(M, m_scale, out=G)
    G *= s
    W -= G
    if threshold:
        t = np.multiply(s, threshold, out=s)
        W -= np.clip(W, np.negative(t, out=G), t, out=G)
    elif store_step:
        G[...] = s


def bias_relu(Z, b):
    """``Z <- max(Z + b, 0)`` in place, ``b`` added to every row.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import bias_relu
    >>> Z = np.array([[1.0, -2.0]]); bias_relu(Z, np.array([0.5, 1.0])); Z
    array([[1.5, 0. ]])
    """
    Z += b
    np.maximum(Z, 0, out=Z)


def relu_backward(A, delta):
    """``delta *= (A > 0)`` in place: the ReLU's derivative, given its output ``A``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import relu_backward
    >>> D = np.array([[3.0, 4.0]]); relu_backward(np.array([[0.0, 2.0]]), D); D
    array([[0., 4.]])
    """
    np.multiply(delta, A > 0, out=delta)


def softmax_work(n, n_classes, dtype):
    """Buffers for :func:`softmax_cross_entropy` on ``n`` rows.

    A tuple of arrays ``(row_starts, flat_index, picked, minus_one)`` whose
    first ``m`` entries (``tuple(a[:m] for a in work)``) serve a batch of ``m``
    rows.
    """
    return (
        np.arange(n, dtype=np.intp) * n_classes,
        np.empty(n, np.intp),
        np.empty(n, dtype),
        np.empty(n, dtype),
    )


def softmax_cross_entropy(Z, b, labels, sample_weight=None, work=None):
    """Softmax output, cross-entropy and output delta of a batch, in place.

    ``Z`` holds the output layer's pre-activation without its bias ``b``, and
    ``labels`` the class index of each row. ``Z`` becomes the delta
    ``(P - Y) * w`` with ``P = softmax(Z + b)``, ``Y`` the one-hot labels and
    ``w`` the row's sample weight (1 without weights).

    Parameters
    ----------
    Z : ndarray of shape (n, n_classes)
    b : ndarray of shape (n_classes,)
    labels : ndarray of shape (n,) and dtype intp
    sample_weight : ndarray of shape (n,), default=None
    work : tuple of ndarray, default=None
        :func:`softmax_work` for ``n`` rows; allocated when omitted.

    Returns
    -------
    loss : float
        ``sum_i w_i * -log(max(P[i, labels[i]], eps))``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import softmax_cross_entropy
    >>> Z = np.zeros((1, 2))
    >>> loss = softmax_cross_entropy(Z, np.zeros(2), np.array([1]))
    >>> round(loss, 4), Z
    (0.6931, array([[ 0.5, -0.5]]))
    """
    if work is None:
        work = softmax_work(*Z.shape, Z.dtype)
    row_starts, flat_index, picked, minus_one = work
    Z += b
    P = softmax(Z)
    flat = np.add(labels, row_starts, out=flat_index)
    P_flat = P.reshape(-1)
    picked = P_flat.take(flat, out=picked, mode="clip")
    P_flat.put(flat, np.subtract(picked, 1, out=minus_one), mode="clip")  # P - Y
    # log P[i, y_i], as the loss of LOSSES['softmax'] (up to its 1 - eps clip)
    losses = np.log(np.maximum(picked, _EPS[Z.dtype], out=picked), out=picked)
    return -weighted_total(losses, P, sample_weight)


def weighted_total(losses, delta, sample_weight=None):
    """``sum_i w_i * losses[i]``, and ``delta`` (one row per sample) scaled by ``w`` in place.

    Without ``sample_weight`` every ``w_i`` is 1 and ``delta`` is left alone.
    ``losses`` is scratch: it is overwritten (by ``w * losses``; not
    ``np.dot``, which would call numpy's BLAS in the training step, see
    :mod:`skl1net._compute._blas`).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._compute._npkernels import weighted_total
    >>> D = np.ones((2, 1)); weighted_total(np.array([1.0, 3.0]), D, np.array([2.0, 0.5])), D
    (3.5, array([[2. ],
           [0.5]]))
    """
    if sample_weight is None:
        return float(np.add.reduce(losses))
    delta *= sample_weight[:, None]
    return float(np.add.reduce(np.multiply(losses, sample_weight, out=losses)))


def add_csr_t_product(C, alpha, A, B):
    """``C += alpha * A.T @ B`` in place, for a CSR matrix ``A``, through the rows ``A`` reaches.

    Row ``j`` of ``A.T @ B`` is zero unless column ``j`` of ``A`` holds an
    entry: the product is formed for those columns only, renumbered
    ``0..r-1``, and added into their rows of ``C``. (The compiled kernel adds
    each entry's ``alpha * A[i, j] * B[i]`` straight into row ``j``.)

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skl1net._compute._npkernels import add_csr_t_product
    >>> C = np.zeros((3, 2))
    >>> add_csr_t_product(C, 2.0, sp.csr_matrix([[0.0, 1.0, 0.0]]), np.array([[1.0, 3.0]])); C
    array([[0., 0.],
           [2., 6.],
           [0., 0.]])
    """
    nnz = A.indptr[-1]
    rows, columns = np.unique(A.indices[:nnz], return_inverse=True)
    if not len(rows):
        return
    compact = type(A)(
        (A.data[:nnz], columns.astype(A.indices.dtype, copy=False), A.indptr),
        shape=(A.shape[0], len(rows)),
    )
    product = np.asarray(compact.T @ B)
    product *= alpha
    C[rows] += product
