"""Structured slices of a network: the sub-network on chosen input features and hidden units.

A network's live part is described by one sorted index array per layer of
units (:func:`live_units`): the input features whose first-layer row is not
all zero, the hidden units that can change the output, and every output.
:func:`take` cuts a parameter down to those rows and columns (dense copies, so
BLAS multiplies them at full speed) and :func:`put` writes a cut-down
parameter back into the full one. Training on the slices computes the same
steps as training the full network exactly when the units left out output
zero and get zero gradients (see :func:`live_units`).
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._mlp import ACTIVATIONS


def act_at(activation, b):
    """The activation's value at the biases ``b`` (a unit without inputs outputs it)."""
    return ACTIVATIONS[activation](np.array(b, dtype=np.float64))


def live_units(coefs, intercepts, activation, *, all_hidden=(), constant_units=True):
    """The units of each layer that training must keep: sorted index arrays.

    Input feature ``f`` is live when row ``f`` of the first weight matrix
    has a non-zero entry. Hidden unit ``j`` is left out when its incoming
    weights and its outgoing weights are all zero: it outputs the constant
    ``act(b_j)``, which reaches no other unit, and the gradients of its
    incoming weights and of its bias are exactly zero. When the activation
    is zero at its bias (a ReLU with bias ``<= 0``) so is the gradient of its
    outgoing weights, and leaving it out changes no step; otherwise that
    gradient is ``act(b_j)`` times the next layer's bias gradient, which can
    move the outgoing weights away from zero (the working set checks it).
    Output units are always live.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network's (dense) weight matrices and bias vectors.
    activation : str
        The hidden activation.
    all_hidden : container of int, default=()
        Hidden layers (1 for the first) whose units are all kept, e.g. for a
        penalty whose value depends on the width of the matrix before them.
    constant_units : bool, default=True
        Whether to leave out units whose activation is not zero at their
        bias (False: only those whose leaving out is exact).

    Returns
    -------
    units : list of ndarray of intp
        ``units[0]`` the live input features, ``units[k]`` the live units
        of hidden layer ``k``, ``units[-1]`` all the outputs. A layer with no
        live unit keeps its first one.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._slices import live_units
    >>> W0 = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> W1 = np.array([[1.0], [0.0], [0.0]])
    >>> b0 = np.array([0.0, -1.0, 1.0])
    >>> live_units([W0, W1], [b0, np.zeros(1)], "relu")
    [array([0]), array([0]), array([0])]
    >>> live_units([W0, W1], [b0, np.zeros(1)], "relu", constant_units=False)
    [array([0]), array([0, 2]), array([0])]
    """
    units = [np.flatnonzero(np.any(coefs[0] != 0, axis=1))]
    for k in range(1, len(coefs)):
        W_in, b, W_out = coefs[k - 1], intercepts[k - 1], coefs[k]
        if k in all_hidden:
            units.append(np.arange(W_in.shape[1]))
            continue
        idle = ~np.any(W_in != 0, axis=0) & ~np.any(W_out != 0, axis=1)
        if not constant_units:
            idle &= act_at(activation, b) == 0
        units.append(np.flatnonzero(~idle))
    units.append(np.arange(coefs[-1].shape[1]))
    # a layer keeps at least one unit (training it is exact): no empty products
    return [u if len(u) else np.arange(1) for u in units]


def is_full(units, coefs):
    """Whether ``units`` keeps every unit of the network of ``coefs``."""
    sizes = [coefs[0].shape[0]] + [W.shape[1] for W in coefs]
    return all(len(u) == n for u, n in zip(units, sizes))


def index(kind, i, units):
    """The index of parameter ``(kind, i)`` (0: weights, 1: biases of layer ``i``) in ``units``."""
    if kind == 0:
        return np.ix_(units[i], units[i + 1])
    return units[i + 1]


def take(P, kind, i, units):
    """The slice of parameter ``P`` (``kind`` 0: weights, 1: biases of layer ``i``): a new array.

    A weight matrix keeps its memory order ('F' or 'C').

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._slices import take
    >>> take(np.arange(6.0).reshape(2, 3), 0, 0, [np.array([1]), np.array([0, 2])])
    array([[3., 5.]])
    """
    if kind == 1:
        return P[units[i + 1]]
    rows, cols = units[i], units[i + 1]
    if P.flags.f_contiguous:
        return np.asarray(_gather(P.T, cols, rows).T, order="F")
    return np.ascontiguousarray(_gather(P, rows, cols))


def _gather(A, rows, cols):
    """``A[rows][:, cols]``, new, for a C-ordered ``A``: whole rows first (the fast gather)."""
    part = A[rows] if len(rows) < A.shape[0] else A.copy()
    return part[:, cols] if len(cols) < A.shape[1] else part


def put(P, part, kind, i, units):
    """Write the slice ``part`` (from :func:`take`) back into ``P`` in place."""
    P[index(kind, i, units)] = part


def take_network(coefs, intercepts, units):
    """The sub-network of ``units``: new weight and bias lists (see :func:`take`)."""
    return (
        [take(W, 0, i, units) for i, W in enumerate(coefs)],
        [take(b, 1, i, units) for i, b in enumerate(intercepts)],
    )


def put_network(coefs, intercepts, parts_coefs, parts_intercepts, units):
    """Write a sub-network from :func:`take_network` back into ``coefs`` and ``intercepts``."""
    for i, (W, part) in enumerate(zip(coefs, parts_coefs)):
        put(W, part, 0, i, units)
    for i, (b, part) in enumerate(zip(intercepts, parts_intercepts)):
        put(b, part, 1, i, units)
