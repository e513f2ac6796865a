# The Adam step of skl1net._compute._ckernels: included by _ckernels_body.pxi, which
# provides _sign_times, _shrink, _flush, _matrices and _npkernels. Not a module of its own.

# SPDX-License-Identifier: BSD-3-Clause

from libc.math cimport sqrt, sqrtf


def _adam_step(floating[:, ::1] W, floating[:, ::1] G, floating[:, ::1] M, floating[:, ::1] V,
               double beta_1, double beta_2, double m_scale, double v_scale, double eta,
               double epsilon, double decay, double sign_step, double threshold):
    # see skl1net._compute._npkernels.adam_step: the same operations in the same order.
    # One loop without branches, so that it vectorizes (the square root too, built
    # with -fno-math-errno): a zero decay, sign_step or threshold changes nothing
    # (x + 0 * p == x, the soft-threshold by 0 is the identity), and G always
    # receives the steps s
    cdef Py_ssize_t i, n = _size(W)
    cdef floating b1 = <floating>beta_1, b2 = <floating>beta_2
    cdef floating c1 = <floating>(1.0 - beta_1), c2 = <floating>(1.0 - beta_2)
    cdef floating ms = <floating>m_scale, vs = <floating>v_scale
    cdef floating lr = <floating>eta, eps = <floating>epsilon
    cdef floating d = <floating>decay, l1 = <floating>sign_step, lam = <floating>threshold
    cdef floating tiny = FLT_MIN if floating is float else DBL_MIN
    cdef floating p, x, m, v, s, r
    cdef floating *w
    cdef floating *g
    cdef floating *mp
    cdef floating *vp
    if not (_same_shape(W, G) and _same_shape(W, M) and _same_shape(W, V)):
        raise ValueError("W, G, M and V must have the same shape")
    if n == 0:
        return
    w, g, mp, vp = &W[0, 0], &G[0, 0], &M[0, 0], &V[0, 0]
    for i in range(n):
        p = w[i]
        x = g[i] + d * p + _sign_times(p, l1)
        m = _flush(b1 * mp[i] + c1 * x, tiny)
        v = _flush(b2 * vp[i] + c2 * (x * x), tiny)
        mp[i] = m
        vp[i] = v
        if floating is float:
            r = sqrtf(v * vs)
        else:
            r = sqrt(v * vs)
        s = lr / (r + eps)
        w[i] = _shrink(p - (m * ms) * s, s * lam)
        g[i] = s


def adam_step(W, G, M, V, double beta_1, double beta_2, double m_scale, double v_scale,
              double eta, double epsilon, double decay=0.0, double sign_step=0.0,
              double threshold=0.0, bint store_step=False, work=None):
    """One Adam step of ``W`` from the gradient in ``G``, in one pass; see :func:`skl1net._compute._npkernels.adam_step`."""
    if store_step and threshold:
        raise ValueError("store_step and a threshold exclude each other")
    try:
        _adam_step(*_matrices(W, G, M, V), beta_1, beta_2, m_scale, v_scale, eta, epsilon,
                   decay, sign_step, threshold)
    except (ValueError, TypeError):
        _npkernels.adam_step(W, G, M, V, beta_1, beta_2, m_scale, v_scale, eta, epsilon,
                             decay, sign_step, threshold, store_step, work)
