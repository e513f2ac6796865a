"""Penalties on the weight matrices of a network.

Each penalty is one small class that stores only its strength ``lmbda`` and
knows three things about ``lmbda * R(W)``:

``value(coefs)``
    The penalty term of the objective, summed over all weight matrices.
``add_gradient(W, G, work=None, scale=1.0)``
    Add ``scale * lmbda * dR(W)`` (a gradient or the book's subgradient) to
    ``G`` in place: the loss gradient, a velocity, or ``W`` itself (with
    ``scale = -eta`` that is the penalty's part of a plain SGD step, with the
    derivative taken at the weights before it). Proximal penalties add nothing.
``prox(W, step)``
    Replace ``W`` in place by the proximal operator of ``step * lmbda * R``.
    Penalties handled through their gradient leave ``W`` unchanged.
``prox_layer(W, step, layer)``
    What the optimizer calls: :meth:`Penalty.prox` of ``coefs[layer]``. Only
    penalties that treat layers differently (``GroupL1Prox``) or per-layer
    state (``FixedZeros``, the debiasing phase) override it.
``axpy_prox_layer(W, alpha, V, step, layer)``
    ``prox_layer`` of ``W + alpha * V``, into ``W``: the last pass of a
    momentum step. ``L1Prox`` does both in one pass over memory.
``momentum_lookahead(W, V, mu, scale)``
    The first pass of a Nesterov step: ``V <- mu * V + scale * lmbda *
    dR(W)`` and the same term added to ``W``, then ``W -= V``; one kernel
    (:func:`skl1net._compute._kernels.momentum_lookahead`) with the penalty's term.

Both ``add_gradient`` and ``prox`` take an optional ``work`` array shaped like
``W`` for their intermediate values, so that the optimizer's hot loop
allocates nothing. The element-wise work is done by the kernels of
:mod:`skl1net._compute._kernels`: one pass over ``W`` when compiled, a fixed, small
number of numpy passes otherwise.

An SGD step with learning rate ``eta`` is then always
``add_gradient(W, W, scale=-eta); W -= eta * G; prox(W, eta)`` (the same as
``add_gradient(W, G); W -= eta * G; prox(W, eta)``), which gives the three
rules of the user guide:

* ``L2``: ``W <- W - eta * (G + lmbda * W)``
* ``L1``: ``W <- W - eta * (G + lmbda * sign(W))``
* ``L1Prox``: ``W <- sign(V) * max(|V| - eta * lmbda, 0)``, ``V = W - eta * G``

Biases are never passed to a penalty.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._compute import _kernels
from ._compute import _npkernels


def soft_threshold(x, threshold, out=None, work=None):
    """Soft-thresholding operator ``sign(x) * max(|x| - threshold, 0)``.

    Every entry moves toward zero by exactly ``threshold``, or lands on zero
    if it is closer than that; it never crosses zero.

    Parameters
    ----------
    x : ndarray
        Values to shrink.
    threshold : float
        Non-negative amount of shrinkage.
    out : ndarray, default=None
        Where to write the result (may be ``x`` itself for an in-place update).
    work : ndarray, default=None
        Scratch array shaped like ``x`` (not ``out``); allocated when omitted.

    Returns
    -------
    out : ndarray
        The shrunk values.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import soft_threshold
    >>> soft_threshold(np.array([-2.0, -0.5, 0.0, 0.3, 1.5]), 1.0)
    array([-1. ,  0. ,  0. ,  0. ,  0.5])
    """
    if out is None:
        out = np.array(x, copy=True)
    elif out is not x:
        out[...] = x
    # any shape and layout: numpy's version (the training step's prox takes
    # the kernel of skl1net._compute._kernels)
    _npkernels.soft_threshold_inplace(out, threshold, work)
    return out


def _as_tuple(arrays):
    return arrays if isinstance(arrays, tuple) else (arrays,)


class Penalty:
    """Base class: no penalty at all.

    Parameters
    ----------
    lmbda : float
        Strength of the penalty, on the per-sample scale (the objective is
        ``mean loss + lmbda * R(W)``).
    """

    #: Name of the penalty, as accepted by ``L1MLPClassifier(penalty=...)``.
    name = "none"

    def __init__(self, lmbda):
        self.lmbda = lmbda

    def value(self, coefs):
        """Return ``lmbda * sum_l R(W_l)`` over the weight matrices ``coefs``."""
        return 0.0

    def add_gradient(self, W, G, work=None, scale=1.0):
        """Add ``scale * lmbda * dR(W)`` to ``G`` in place.

        ``G`` is an array or a pair of arrays that each get the term, all
        with the derivative at ``W`` as it was on entry; ``W`` itself may be
        one of them, the last. ``work``, shaped like ``W``, holds
        intermediate values if given.
        """

    def prox(self, W, step, work=None):
        """Apply the proximal operator of ``step * lmbda * R`` to ``W`` in place.

        ``work``, shaped like ``W``, holds intermediate values if given.
        """

    def prox_layer(self, W, step, layer, work=None):
        """:meth:`prox` for the weight matrix ``coefs[layer]``; the optimizer calls this.

        Penalties that treat every layer alike (all but the group penalty)
        do not override it.
        """
        self.prox(W, step, work)

    def momentum_lookahead(self, W, V, mu, scale, work=None):
        """``V <- mu * V + t`` and ``W <- W + t - V`` in place, ``t = scale * lmbda * dR(W)`` at ``W`` on entry.

        The start of a Nesterov step (see :mod:`skl1net._optim._sgd`); ``t`` is what
        :meth:`add_gradient` adds, 0 here and for the proximal penalties.
        """
        _kernels.momentum_lookahead(W, V, mu, work=work)

    def axpy_prox_layer(self, W, alpha, V, step, layer, work=None):
        """``W <- prox_layer(W + alpha * V)`` in place: the end of a momentum step.

        ``V`` is shaped like ``W``; ``work`` as for :meth:`prox`. Penalties
        that can fuse the two passes into one override it.
        """
        if alpha == 1.0:  # numpy's addition: as fast, with less overhead per call
            W += V
        else:
            _kernels.axpy(W, alpha, V, work)
        self.prox_layer(W, step, layer, work)

    def __repr__(self):
        return f"{type(self).__name__}(lmbda={self.lmbda!r})"


class L2(Penalty):
    """Squared L2 penalty (weight decay), ``R(W) = 0.5 * sum(W ** 2)``.

    The step is ``W <- W - eta * (G + lmbda * W)``: each weight shrinks by the
    factor ``1 - eta * lmbda``, geometrically.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L2
    >>> W, G = np.array([[1.0, -2.0]]), np.zeros((1, 2))
    >>> L2(0.5).add_gradient(W, G); G
    array([[ 0.5, -1. ]])
    """

    name = "l2"

    def value(self, coefs):
        # not np.vdot: numpy's BLAS would wake its own threads, which then
        # spin against the fit's (see skl1net._compute._blas); a float64 fit with two
        # threads ran 1.5 times slower
        return 0.5 * self.lmbda * sum(float(np.einsum("ij,ij->", W, W)) for W in coefs)

    def add_gradient(self, W, G, work=None, scale=1.0):
        if not self.lmbda:
            return
        for target in _as_tuple(G):
            if target is W:  # one pass: W <- (1 + scale * lmbda) * W
                W *= 1.0 + scale * self.lmbda
            else:
                _kernels.axpy(target, scale * self.lmbda, W, work)

    def momentum_lookahead(self, W, V, mu, scale, work=None):
        # t = scale * lmbda * W, in the same pass
        _kernels.momentum_lookahead(W, V, mu, decay=scale * self.lmbda, work=work)


class L1(Penalty):
    """L1 penalty by the subgradient rule, ``R(W) = sum |W|``.

    The step is ``W <- W - eta * (G + lmbda * sign(W))``, the rule of
    Nielsen's book: each weight moves toward zero by the constant
    ``eta * lmbda``, but may jump across zero, so weights hover around zero
    and are almost never exactly zero. Use :class:`L1Prox` for exact zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1
    >>> W, G = np.array([[3.0, -0.01, 0.0]]), np.zeros((1, 3))
    >>> L1(0.1).add_gradient(W, G); G
    array([[ 0.1, -0.1,  0. ]])
    """

    name = "l1"

    def value(self, coefs):
        return self.lmbda * sum(float(np.abs(W).sum()) for W in coefs)

    def add_gradient(self, W, G, work=None, scale=1.0):
        if self.lmbda:  # one pass: the sign is read before G (possibly W) changes
            _kernels.add_scaled_sign(W, scale * self.lmbda, *_as_tuple(G), work=work)

    def momentum_lookahead(self, W, V, mu, scale, work=None):
        # t = scale * lmbda * sign(W), in the same pass
        _kernels.momentum_lookahead(W, V, mu, sign_step=scale * self.lmbda, work=work)


class L1Prox(L1):
    """L1 penalty by its proximal operator (soft-thresholding).

    Same objective as :class:`L1`, ``R(W) = sum |W|``, minimised by
    proximal SGD: after the gradient step ``V = W - eta * G``, every weight is
    soft-thresholded, ``W <- sign(V) * max(|V| - eta * lmbda, 0)``. A weight
    moves toward zero by ``eta * lmbda``, never crosses it, and lands exactly
    on zero when it would.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> W = np.array([[0.5, -0.05, -1.0]])
    >>> L1Prox(0.1).prox(W, step=1.0); W
    array([[ 0.4,  0. , -0.9]])
    """

    name = "l1_prox"

    def add_gradient(self, W, G, work=None, scale=1.0):
        pass

    momentum_lookahead = Penalty.momentum_lookahead  # all of it in the prox

    def prox(self, W, step, work=None):
        if self.lmbda:
            _kernels.soft_threshold_inplace(W, step * self.lmbda, work)

    def axpy_prox_layer(self, W, alpha, V, step, layer, work=None):
        # one pass: the soft-threshold of each sum as it is formed
        _kernels.axpy_soft_threshold(W, alpha, V, step * self.lmbda, work)


def group_soft_threshold(W, threshold):
    """Shrink each row of ``W`` in place toward zero by ``threshold`` in Euclidean norm.

    The proximal operator of ``threshold * sum_j ||W[j]||_2``: a row whose
    norm is at most ``threshold`` becomes exactly zero, any other row keeps
    its direction and loses ``threshold`` of its length.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import group_soft_threshold
    >>> W = np.array([[3.0, 4.0], [0.3, 0.4]])
    >>> group_soft_threshold(W, 1.0); W
    array([[2.4, 3.2],
           [0. , 0. ]])
    """
    norms = np.sqrt(np.einsum("ij,ij->i", W, W))
    scale = np.zeros_like(norms)
    np.divide(threshold, norms, out=scale, where=norms > threshold)
    np.subtract(1, scale, out=scale, where=norms > threshold)
    W *= scale[:, None]


class GroupL1Prox(L1Prox):
    """Group lasso on the input features, L1 on the deeper layers, both by prox.

    ``R(W) = sqrt(h) * sum_j ||W_0[j]||_2 + sum_{l>0} sum |W_l|``, with ``h``
    the width of the first hidden layer (the size of each group): row ``j`` of the
    first weight matrix holds every outgoing weight of input feature ``j``,
    and its group soft-threshold (:func:`group_soft_threshold`) sets the whole
    row to zero at once, which removes the feature from the model. The deeper
    layers get the element-wise soft-threshold of :class:`L1Prox`: their rows
    are hidden units, which the element-wise penalty already prunes when all
    their weights reach zero, and the aim of the group penalty is feature
    selection, not another notion of unit. The factor ``sqrt(h)`` is the
    usual group-size weight of the group lasso (Yuan and Lin, 2006); it also
    puts ``lmbda`` on the scale of 'l1_prox', because a row whose ``h``
    weights have equal magnitude has ``sqrt(h) * ||row||_2 = sum |row|``.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import GroupL1Prox
    >>> W = np.array([[0.6, 0.8], [0.05, 0.05]])
    >>> GroupL1Prox(0.5 / np.sqrt(2)).prox_layer(W, step=1.0, layer=0); W
    array([[0.3, 0.4],
           [0. , 0. ]])
    """

    name = "group_l1_prox"

    def value(self, coefs):
        if not coefs:
            return 0.0
        W0 = coefs[0]
        groups = float(np.sqrt(np.einsum("ij,ij->i", W0, W0)).sum())
        return self.lmbda * np.sqrt(W0.shape[1]) * groups + super().value(coefs[1:])

    def prox_layer(self, W, step, layer, work=None):
        if not self.lmbda:
            return
        if layer == 0:
            group_soft_threshold(W, step * self.lmbda * np.sqrt(W.shape[1]))
        else:
            self.prox(W, step, work)

    def axpy_prox_layer(self, W, alpha, V, step, layer, work=None):
        # the group prox of layer 0 needs the whole sum: not L1Prox's fused pass
        owner = Penalty if layer == 0 else L1Prox
        owner.axpy_prox_layer(self, W, alpha, V, step, layer, work)


class FixedZeros(Penalty):
    """No penalty, but the weights outside a fixed support stay exactly zero.

    Used for ``debias=True``: after the penalized epochs the support (the
    non-zero weights) is frozen and the remaining weights are retrained on the
    unpenalized loss. The "prox" multiplies each weight matrix by its 0/1 mask
    after every step, which undoes whatever the gradient (or the momentum)
    moved outside the support. Not selectable as ``penalty=``.

    Parameters
    ----------
    masks : list of ndarray of bool
        One mask per weight matrix, True where the weight may move.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import FixedZeros
    >>> W = np.array([[0.5, 0.2]])
    >>> FixedZeros([np.array([[True, False]])]).prox_layer(W, 1.0, layer=0); W
    array([[0.5, 0. ]])
    """

    name = "fixed_zeros"

    def __init__(self, masks):
        super().__init__(0.0)
        self.masks = masks

    def prox_layer(self, W, step, layer, work=None):
        np.multiply(W, self.masks[layer], out=W)

    def __repr__(self):
        return f"FixedZeros(<{len(self.masks)} masks>)"


PENALTIES = {cls.name: cls for cls in (L2, L1, L1Prox, GroupL1Prox)}


def make_penalty(name, lmbda):
    """Build the penalty called ``name`` with strength ``lmbda``.

    Examples
    --------
    >>> from skl1net.penalties import make_penalty
    >>> make_penalty("l1_prox", 1e-3)
    L1Prox(lmbda=0.001)
    """
    return PENALTIES[name](lmbda)
