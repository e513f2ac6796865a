"""Reweighted L1 (the adaptive lasso): rounds of per-weight strengths within one fit.

The L1 penalty shrinks every weight by the same amount: to remove the many
small weights it must also shrink the large ones, which costs accuracy. The
adaptive lasso (Zou, 2006) and reweighted L1 minimisation (Candès, Wakin and
Boyd, 2008) penalise each weight in inverse proportion to its magnitude in a
previous solution,

.. math::

    \\lambda_{ij} = \\lambda \\, \\frac{c}{|W_{ij}| + \\epsilon \\bar w},

so that small weights are pushed out harder and large ones barely shrink:
a few rounds approach the L0 "penalty" (the number of non-zero weights)
while every step stays a soft-threshold. ``reweight=k`` runs ``k`` such
rounds after the penalized epochs of ``fit``, each a warm start of
``max_iter`` epochs with a fresh optimizer, and each taking its strengths
from the weights the previous round ended with (:func:`strengths`, trained
through :class:`~skl1net.penalties.WeightedL1Prox`). ``debias=True`` then
follows the last round.

The normalisation. :math:`\\bar w` is the mean magnitude of the non-zero
weights of all layers and :math:`\\epsilon` (:data:`EPS`) a fraction of it;
:math:`c` makes the weighted penalty of the current weights equal to their
L1 penalty, :math:`\\sum \\lambda_{ij} |W_{ij}| = \\lambda \\sum |W_{ij}|`,
so ``lmbda`` keeps its scale: a weight of about the mean magnitude keeps
about the strength ``lmbda``. One normalisation for the whole network, not
per layer: a layer whose weights are larger (the output layer's) is pruned
less. A weight that is zero gets the strength ``c / epsilon`` times
``lmbda / w_bar``: it may come back only if its gradient exceeds that.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

#: :math:`\epsilon`: the floor of the magnitudes, as a fraction of the mean non-zero magnitude.
EPS = 0.1


def strengths(coefs, eps=EPS):
    """Relative strengths ``c / (|W| + eps * w_bar)`` of the next reweighted round, one array per layer.

    Parameters
    ----------
    coefs : list of ndarray
        The weight matrices the previous round ended with.
    eps : float, default=EPS
        Floor of the magnitudes, ``> 0``, as a fraction of their mean over
        the non-zero weights of all layers (``w_bar``).

    Returns
    -------
    strengths : list of ndarray
        Arrays shaped and laid out like ``coefs``, in their dtype, with
        ``sum_l sum strengths[l] * |coefs[l]| == sum_l sum |coefs[l]|``
        (all 1 when every weight is zero).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._training._reweight import strengths
    >>> W = np.array([[2.0, 0.5, 0.0]])  # mean non-zero magnitude 1.25: floor 0.125
    >>> S = strengths([W])[0]
    >>> np.round(S, 3)  # c / (|W| + 0.125), c = 2.5 / (2 / 2.125 + 0.5 / 0.625)
    array([[ 0.676,  2.297, 11.486]])
    >>> round(float(np.sum(S * np.abs(W))), 12)  # the L1 norm of W
    2.5
    """
    magnitudes = [np.abs(W).astype(np.float64) for W in coefs]
    total = sum(float(M.sum()) for M in magnitudes)
    n_nonzero = sum(int(np.count_nonzero(M)) for M in magnitudes)
    if not n_nonzero:
        return [np.ones_like(W) for W in coefs]
    floor = eps * total / n_nonzero
    with np.errstate(divide="ignore"):
        inverse = [1.0 / (M + floor) for M in magnitudes]
    weighted = sum(float(np.einsum("ij,ij->", S, M)) for S, M in zip(inverse, magnitudes))
    scale = total / weighted
    return [
        np.asarray(scale * S, dtype=W.dtype, order="F" if W.flags.f_contiguous else "C")
        for S, W in zip(inverse, coefs)
    ]
