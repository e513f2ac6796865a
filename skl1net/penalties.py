"""Penalties on the weight matrices of a network: their mathematics, one class each.

The objective of a fit is ``mean loss + lmbda * R(W)``, with ``R`` a sum of
terms over the weight matrices ``W_0, W_1, ...`` (biases are never
penalized). A penalty stores its hyperparameters (the strength ``lmbda`` and
any of its own) and knows, for the weight matrix of one layer:

``value(W, layer)``
    Its term of the objective, ``lmbda * R_layer(W)``.
``gradient(W, layer, out)``
    The (sub)gradient ``lmbda * dR_layer(W)``, written into ``out`` (an array
    shaped like ``W``) and returned. Penalties minimised through their
    proximal operator have none: their ``gradient`` is ``None``.
``prox(W, step, layer)``
    Replace ``W`` in place by the proximal operator of
    ``step * lmbda * R_layer``. The identity for penalties minimised through
    their gradient.

The optimizers of :mod:`skl1net._optim` take any :class:`Penalty` written this
way; for the built-in penalties they may run a fused kernel that computes the
same step in fewer passes over memory. :func:`total_value` sums ``value``
over the layers. The three rules of the user guide, for an SGD step with
learning rate ``eta`` and loss gradient ``G``, are then:

* ``L2``: ``W <- W - eta * (G + lmbda * W)``
* ``L1``: ``W <- W - eta * (G + lmbda * sign(W))``
* ``L1Prox``: ``W <- sign(V) * max(|V| - eta * lmbda, 0)``, ``V = W - eta * G``

Examples
--------
>>> import numpy as np
>>> from skl1net.penalties import L1Prox
>>> W = np.array([[0.5, -0.25]])
>>> L1Prox(0.5).value(W, layer=0)
0.375
>>> L1Prox(0.5).prox(W, step=0.5, layer=0); W
array([[0.25, 0.  ]])
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy

import numpy as np

from ._compute import _kernels

__all__ = [
    "Penalty",
    "L2",
    "L1",
    "L1Prox",
    "GroupL1Prox",
    "WeightedL1Prox",
    "PENALTIES",
    "make_penalty",
    "total_value",
    "soft_threshold",
    "group_soft_threshold",
]


def soft_threshold(x, threshold, out=None, work=None):
    """Soft-thresholding operator ``sign(x) * max(|x| - threshold, 0)``.

    Every entry moves toward zero by exactly ``threshold``, or lands on zero
    if it is closer than that; it never crosses zero. It is the proximal
    operator of ``threshold * sum |x|``.

    Parameters
    ----------
    x : ndarray
        Values to shrink.
    threshold : float or ndarray
        Non-negative amount of shrinkage: one for all, or one per entry
        (an array shaped like ``x``).
    out : ndarray, default=None
        Where to write the result (may be ``x`` itself for an in-place update).
    work : ndarray, default=None
        Scratch array shaped like ``x`` (not ``out``); allocated when needed
        and omitted.

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
    _kernels.soft_threshold_inplace(out, threshold, work)
    return out


def group_soft_threshold(W, threshold):
    """Shrink each row of ``W`` in place toward zero by ``threshold`` in Euclidean norm.

    The proximal operator of ``threshold * sum_j ||W[j]||_2``: a row whose
    norm is at most ``threshold`` becomes exactly zero, any other row keeps
    its direction and loses ``threshold`` of its length.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_columns)
        The matrix whose rows are shrunk, in place.
    threshold : float or ndarray of shape (n_rows,)
        Non-negative amount of shrinkage of each row's norm: one for all
        rows, or one per row.

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


def _abs_sum(W):
    return float(np.abs(W).sum())


class Penalty:
    """Base class of the penalties ``lmbda * R(W)`` on the weight matrices.

    A subclass defines :meth:`value` and either :meth:`gradient` (a penalty
    minimised through its (sub)gradient) or :meth:`prox` (one minimised
    through its proximal operator), all per weight matrix. It keeps its
    strength in the attribute ``lmbda``: an estimator given a penalty
    instance trains a copy of it whose ``lmbda`` is the estimator's.

    Parameters
    ----------
    lmbda : float or None, default=None
        Strength of the penalty, on the per-sample scale (the objective is
        ``mean loss + lmbda * R(W)``). None for an instance handed to an
        estimator, which sets it.

    Examples
    --------
    An elastic net, ``R(W) = sum |W| + 0.5 * sum W ** 2``, minimised by the
    proximal operator of its L1 part and the gradient of its L2 part:

    >>> import numpy as np
    >>> from skl1net.penalties import Penalty, soft_threshold
    >>> class ElasticNet(Penalty):
    ...     def value(self, W, layer):
    ...         return self.lmbda * float(np.abs(W).sum() + 0.5 * (W ** 2).sum())
    ...     def gradient(self, W, layer, out):
    ...         return np.multiply(W, self.lmbda, out=out)
    ...     def prox(self, W, step, layer):
    ...         soft_threshold(W, step * self.lmbda, out=W)
    >>> W = np.array([[1.0, -0.2]])
    >>> ElasticNet(0.5).value(W, layer=0)
    0.86
    >>> ElasticNet(0.5).gradient(W, 0, np.empty_like(W))
    array([[ 0.5, -0.1]])
    """

    #: Name accepted by ``L1MLPClassifier(penalty=...)``, for the built-in penalties.
    name = None

    #: ``gradient(W, layer, out)`` in the subclasses that have a gradient term;
    #: ``None`` for a penalty minimised through its proximal operator only.
    gradient = None

    def __init__(self, lmbda=None):
        self.lmbda = lmbda

    def value(self, W, layer):
        """Return ``lmbda * R_layer(W)``, the penalty of the weight matrix of ``layer``.

        Parameters
        ----------
        W : ndarray of shape (n_in, n_out)
            The weights of layer ``layer``.
        layer : int
            Index of the weight matrix, from 0 for the input layer's.

        Returns
        -------
        value : float
        """
        raise NotImplementedError(f"{type(self).__name__} must define value(W, layer)")

    def prox(self, W, step, layer):
        """Replace ``W`` in place by the proximal operator of ``step * lmbda * R_layer``.

        Parameters
        ----------
        W : ndarray of shape (n_in, n_out)
            The weights of layer ``layer``, overwritten.
        step : float or ndarray of shape (n_in, n_out)
            Step size: a float under SGD; under Adam the per-entry steps
            ``eta_t / D``, the prox in the metric ``diag(D) / eta_t`` (a
            non-separable prox may take each group's smallest step).
        layer : int
            Index of the weight matrix.

        Notes
        -----
        The identity here: a penalty minimised through its gradient does
        not override it.
        """

    def __repr__(self):
        return f"{type(self).__name__}(lmbda={self.lmbda!r})"


class L2(Penalty):
    """Squared L2 penalty (weight decay), ``R(W) = 0.5 * sum(W ** 2)``.

    Minimised through its gradient ``lmbda * W``: the step is
    ``W <- W - eta * (G + lmbda * W)``, each weight shrinks by the factor
    ``1 - eta * lmbda``, geometrically.

    Parameters
    ----------
    lmbda : float
        Strength of the penalty, on the per-sample scale.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L2
    >>> W = np.array([[1.0, -2.0]])
    >>> L2(0.5).value(W, layer=0)
    1.25
    >>> L2(0.5).gradient(W, 0, out=np.empty_like(W))
    array([[ 0.5, -1. ]])
    """

    name = "l2"

    def __init__(self, lmbda):
        super().__init__(lmbda)

    def value(self, W, layer):
        # einsum, not np.vdot: a fit keeps to scipy's BLAS (see skl1net._compute._blas)
        return 0.5 * self.lmbda * float(np.einsum("ij,ij->", W, W))

    def gradient(self, W, layer, out):
        """Write ``lmbda * W`` into ``out`` and return it."""
        return np.multiply(W, self.lmbda, out=out)


class L1(Penalty):
    """L1 penalty by the subgradient rule, ``R(W) = sum |W|``.

    The step is ``W <- W - eta * (G + lmbda * sign(W))``, the rule of
    Nielsen's book: each weight moves toward zero by the constant
    ``eta * lmbda``, but may jump across zero, so weights hover around zero
    and are almost never exactly zero. Use :class:`L1Prox` for exact zeros.

    Parameters
    ----------
    lmbda : float
        Strength of the penalty, on the per-sample scale.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1
    >>> W = np.array([[3.0, -0.01, 0.0]])
    >>> L1(0.1).gradient(W, 0, out=np.empty_like(W))
    array([[ 0.1, -0.1,  0. ]])
    """

    name = "l1"

    def __init__(self, lmbda):
        super().__init__(lmbda)

    def value(self, W, layer):
        return self.lmbda * _abs_sum(W)

    def gradient(self, W, layer, out):
        """Write ``lmbda * sign(W)`` (``sign(0) = 0``) into ``out`` and return it."""
        return _kernels.scaled_sign(W, self.lmbda, out=out)


class L1Prox(Penalty):
    """L1 penalty by its proximal operator (soft-thresholding).

    Same objective as :class:`L1`, ``R(W) = sum |W|``, minimised by
    proximal SGD: after the gradient step ``V = W - eta * G``, every weight is
    soft-thresholded, ``W <- sign(V) * max(|V| - eta * lmbda, 0)``. A weight
    moves toward zero by ``eta * lmbda``, never crosses it, and lands exactly
    on zero when it would.

    Parameters
    ----------
    lmbda : float
        Strength of the penalty, on the per-sample scale.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> W = np.array([[0.5, -0.05, -1.0]])
    >>> L1Prox(0.1).prox(W, step=1.0, layer=0); W
    array([[ 0.4,  0. , -0.9]])
    """

    name = "l1_prox"

    def __init__(self, lmbda):
        super().__init__(lmbda)

    def value(self, W, layer):
        return self.lmbda * _abs_sum(W)

    def prox(self, W, step, layer):
        """Soft-threshold ``W`` in place by ``step * lmbda`` (``step`` a float or per entry)."""
        if self.lmbda:
            _kernels.soft_threshold_inplace(W, step * self.lmbda)


class GroupL1Prox(Penalty):
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

    Parameters
    ----------
    lmbda : float
        Strength of the penalty, on the per-sample scale.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import GroupL1Prox
    >>> W = np.array([[0.6, 0.8], [0.05, 0.05]])
    >>> GroupL1Prox(0.5 / np.sqrt(2)).prox(W, step=1.0, layer=0); W
    array([[0.3, 0.4],
           [0. , 0. ]])
    """

    name = "group_l1_prox"

    def __init__(self, lmbda):
        super().__init__(lmbda)

    def value(self, W, layer):
        if layer:
            return self.lmbda * _abs_sum(W)
        groups = float(np.sqrt(np.einsum("ij,ij->i", W, W)).sum())
        return self.lmbda * np.sqrt(W.shape[1]) * groups

    def prox(self, W, step, layer):
        """Group soft-threshold of the rows of layer 0, soft-threshold of the others, in place.

        Per-entry steps: each row of layer 0 takes its smallest step.
        """
        if not self.lmbda:
            return
        if layer == 0:
            if np.ndim(step):
                step = np.min(step, axis=1) if W.shape[1] else np.zeros(W.shape[0], W.dtype)
            group_soft_threshold(W, step * self.lmbda * np.sqrt(W.shape[1]))
        else:
            _kernels.soft_threshold_inplace(W, step * self.lmbda)


class WeightedL1Prox(Penalty):
    """L1 penalty with a strength per weight, by its proximal operator.

    ``R(W_l) = sum_ij S_l[i, j] * |W_l[i, j]|``, with ``S_l`` non-negative
    relative strengths shaped like the weight matrix of layer ``l``: the
    objective's term is ``lmbda * R``, and the prox soft-thresholds each
    weight by its own ``step * lmbda * S_l[i, j]``. All strengths 1 is
    :class:`L1Prox`. The estimators' ``reweight`` builds it (the adaptive
    lasso: see :mod:`skl1net._training._reweight`); it trains through the
    optimizers' generic path (no fused kernel).

    Parameters
    ----------
    lmbda : float or None, default=None
        Strength of the penalty, on the per-sample scale.
    strengths : list of ndarray or None, default=None
        ``S_l`` for each weight matrix, in layer order; None: all 1.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import WeightedL1Prox
    >>> W = np.array([[0.5, -0.5, 0.05]])
    >>> penalty = WeightedL1Prox(0.1, [np.array([[0.5, 2.0, 1.0]])])
    >>> round(penalty.value(W, layer=0), 4)
    0.13
    >>> penalty.prox(W, step=1.0, layer=0); W
    array([[ 0.45, -0.3 ,  0.  ]])
    """

    def __init__(self, lmbda=None, strengths=None):
        super().__init__(lmbda)
        self.strengths = strengths

    def _strength(self, W, layer):
        if self.strengths is None:
            return 1.0
        S = self.strengths[layer]
        if S.shape != W.shape:
            raise ValueError(
                f"WeightedL1Prox has strengths of shape {S.shape} for layer {layer}, "
                f"whose weights have shape {W.shape}."
            )
        return S

    def value(self, W, layer):
        S = self._strength(W, layer)
        if np.ndim(S):
            return self.lmbda * float(np.einsum("ij,ij->", S, np.abs(W), dtype=np.float64))
        return self.lmbda * _abs_sum(W)

    def prox(self, W, step, layer):
        """Soft-threshold ``W`` in place by ``step * lmbda * strengths[layer]``, entry by entry."""
        if not self.lmbda:
            return
        S = self._strength(W, layer)
        if np.ndim(S) and not np.ndim(step):
            _kernels.soft_threshold_scaled(W, S, step * self.lmbda)
        else:
            _kernels.soft_threshold_inplace(W, S * (step * self.lmbda))

    def __repr__(self):
        given = "None" if self.strengths is None else f"<{len(self.strengths)} arrays>"
        return f"{type(self).__name__}(lmbda={self.lmbda!r}, strengths={given})"


#: The built-in penalties by the name ``L1MLPClassifier(penalty=...)`` accepts.
PENALTIES = {cls.name: cls for cls in (L2, L1, L1Prox, GroupL1Prox)}


def make_penalty(penalty, lmbda):
    """The penalty an estimator trains with: ``penalty`` at strength ``lmbda``.

    Parameters
    ----------
    penalty : str or Penalty
        A name of :data:`PENALTIES`, or a penalty instance. An instance is
        copied, never modified: the copy gets ``lmbda``.
    lmbda : float
        Strength of the penalty.

    Returns
    -------
    penalty : Penalty
        A new penalty object.

    Raises
    ------
    ValueError
        If ``penalty`` is an instance whose own ``lmbda`` is set and differs
        from ``lmbda``.

    Examples
    --------
    >>> from skl1net.penalties import L1Prox, make_penalty
    >>> make_penalty("l1_prox", 1e-3)
    L1Prox(lmbda=0.001)
    >>> make_penalty(L1Prox(None), 1e-3)
    L1Prox(lmbda=0.001)
    """
    if isinstance(penalty, str):
        return PENALTIES[penalty](lmbda)
    own = getattr(penalty, "lmbda", None)
    if own is not None and own != lmbda:
        raise ValueError(
            f"penalty={penalty!r} has lmbda={own!r} but the estimator's lmbda is {lmbda!r}: "
            "set the strength with the estimator's lmbda and leave the penalty's at None."
        )
    penalty = copy.deepcopy(penalty)
    penalty.lmbda = lmbda
    return penalty


def total_value(penalty, coefs):
    """Return ``lmbda * R(W)``: the penalty's :meth:`~Penalty.value` summed over the layers.

    Parameters
    ----------
    penalty : Penalty or None
        None stands for no penalty (the value is 0).
    coefs : list of ndarray
        The weight matrices, in layer order.

    Returns
    -------
    value : float

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1, total_value
    >>> total_value(L1(0.5), [np.array([[1.0, -2.0]]), np.array([[0.5]])])
    1.75
    """
    if penalty is None:
        return 0.0
    return sum(penalty.value(W, layer) for layer, W in enumerate(coefs))
