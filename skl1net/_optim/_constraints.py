"""Constraints on the weights, applied by the optimizer after each step.

A constraint restricts the weights to a set and :meth:`FixedSupport.project`
puts a weight matrix back into it, in place. The optimizer projects the
weight matrices (never the biases) after the penalty's proximal step.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


class FixedSupport:
    """The weights outside a fixed support stay exactly zero.

    The constraint of the debiasing epochs: the support (the non-zero
    weights after the penalized epochs) is frozen and the weights in it are
    retrained. The projection multiplies a weight matrix by its 0/1 mask,
    which undoes whatever a step (gradient or momentum) moved outside the
    support.

    Parameters
    ----------
    masks : list of ndarray of bool
        One mask per weight matrix, True where the weight may move.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._optim._constraints import FixedSupport
    >>> W = np.array([[0.5, 0.2]])
    >>> FixedSupport([np.array([[True, False]])]).project(W, layer=0); W
    array([[0.5, 0. ]])
    """

    def __init__(self, masks):
        self.masks = masks

    def project(self, W, layer):
        """Set the weights of ``layer`` outside the support to zero, in place."""
        np.multiply(W, self.masks[layer], out=W)

    def restrict(self, index):
        """The same constraint on slices of the weights: ``index(i)`` indexes layer ``i``'s matrix."""
        return FixedSupport([M[index(i)] for i, M in enumerate(self.masks)])

    def __repr__(self):
        return f"FixedSupport(<{len(self.masks)} masks>)"
