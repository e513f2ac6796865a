"""Compact networks: the function of a sparse network without its dead units.

A hidden unit is *dead* when all its incoming weights are zero (its output is
the constant ``act(bias)``) or all its outgoing weights are zero (nothing
reads its output). :func:`pruned_network` computes the same function (up to
float rounding) with the live units only: it cuts the network down to the
slices training runs on (:func:`skl1net._network._slices.live_units`), folds
each constant unit's contribution ``act(b_j) * W_next[j]`` into the next
layer's bias and removes the units nothing reads, until none is left.
Removing a unit can kill others: its incoming column may have been the last
non-zero output of a unit in the previous layer; hence the loop to a fixed
point. Input features and output units are never removed, and a hidden layer
whose units are all dead keeps one of them (unchanged, so the function is the
same): the model's ``hidden_layer_sizes`` then stays a valid parameter, and
the model can be refitted or trained further.

The pruned network serves twice: :func:`compact_network` (``compact()``)
returns it, with the mostly-zero weight matrices stored as ``scipy.sparse``
CSR matrices if asked (:func:`skl1net._network._mlp.forward` multiplies them
directly), and an uncompacted model predicts through it
(:func:`forward_pruned`). The helpers below (``count_nonzero``,
``abs_row_sums``...) accept dense and sparse weights alike, so the sparsity
attributes of a compacted model work.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from ._mlp import ACTIVATIONS, forward
from ._slices import live_units, take_network

#: :func:`forward_pruned` prunes the network when the rows of ``X`` times the
#: share of the weights it removes reach this, where pruning pays clearly:
#: finding the dead units and cutting them out cost about as much as a pass of
#: 100 rows through the whole network (``benchmarks/bench_compact_predict.py``:
#: 1,000 rows take 1.1 ms pruned, 0.8 ms compacted, 3.2 ms whole).
PRUNE_ROWS = 256

#: With ``sparse='auto'``, a weight matrix is stored as CSR when at most this
#: fraction of its entries is non-zero: about where a CSR product breaks even
#: with the dense BLAS one on two BLAS threads (on one, CSR is faster up to
#: about 5 %; ``benchmarks/bench_compact_predict.py``).
SPARSE_DENSITY = 0.01


def count_nonzero(W):
    """Number of non-zero entries of a dense or sparse matrix."""
    return int(W.count_nonzero() if sp.issparse(W) else np.count_nonzero(W))


def n_entries(W):
    """Number of entries (zero or not) of a dense or sparse matrix."""
    return W.shape[0] * W.shape[1]


def abs_row_sums(W):
    """``sum_j |W[i, j]|`` for each row ``i``, as a float64 1-D array."""
    return np.asarray(abs(W).sum(axis=1, dtype=np.float64)).ravel()


def abs_col_sums(W):
    """``sum_i |W[i, j]|`` for each column ``j``, as a float64 1-D array."""
    return np.asarray(abs(W).sum(axis=0, dtype=np.float64)).ravel()


def dead_units(coefs):
    """Masks of the dead units of each hidden layer.

    Parameters
    ----------
    coefs : list of (dense or sparse) matrices
        The weight matrices of a network.

    Returns
    -------
    dead : list of ndarray of bool
        ``dead[k][j]`` is True when unit ``j`` of hidden layer ``k + 1`` has
        no non-zero incoming or no non-zero outgoing weight.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._compact import dead_units
    >>> W0 = np.array([[1.0, 0.0, 2.0]])
    >>> W1 = np.array([[1.0], [1.0], [0.0]])
    >>> dead_units([W0, W1])
    [array([False,  True,  True])]
    """
    return [_dead(W_in, W_out) for W_in, W_out in zip(coefs[:-1], coefs[1:])]


def _dead(W_in, W_out):
    if sp.issparse(W_in) or sp.issparse(W_out):
        return (abs_col_sums(W_in) == 0) | (abs_row_sums(W_out) == 0)
    if W_in[0].all() and W_out[:, 0].all():
        # a non-zero input and output for every unit: a dense layer, at once
        return np.zeros(W_in.shape[1], dtype=bool)
    return ~np.any(W_in != 0, axis=0) | ~np.any(W_out != 0, axis=1)


def fold_constant_units(coefs, intercepts, activation):
    """Fold every hidden unit without a non-zero incoming weight into the next layer's bias, in place.

    Such a unit outputs the constant ``act(b_j)``: adding ``act(b_j)`` times
    its outgoing weights to the next layer's bias and setting those weights
    to zero computes the same function (up to float rounding) with fewer
    non-zero weights. Layers are taken in order, so a unit left without
    inputs by the folding of the layer before is folded too. ``coefs`` are
    dense arrays.

    Returns the number of units folded.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._compact import fold_constant_units
    >>> coefs = [np.array([[1.0, 0.0]]), np.array([[2.0], [3.0]])]
    >>> intercepts = [np.array([0.0, 0.5]), np.array([1.0])]
    >>> fold_constant_units(coefs, intercepts, "relu"), coefs[1].ravel().tolist(), intercepts[1].tolist()
    (1, [2.0, 0.0], [2.5])
    """
    act = ACTIVATIONS[activation]
    n = 0
    for k in range(len(coefs) - 1):
        W_out = coefs[k + 1]
        constant = ~np.any(coefs[k] != 0, axis=0) & np.any(W_out != 0, axis=1)
        if constant.any():
            values = act(intercepts[k][constant].copy())
            # a column sum, not a product: a fit keeps to scipy's BLAS
            intercepts[k + 1] += (values[:, None] * W_out[constant]).sum(axis=0)
            W_out[constant] = 0
            n += int(constant.sum())
    return n


def _remove_dead_units(coefs, intercepts, activation):
    """Remove dead units in place from dense ``coefs``/``intercepts`` lists."""
    fold_constant_units(coefs, intercepts, activation)  # then no unit without inputs has outputs
    changed = True
    while changed:
        changed = False
        for k in range(len(coefs) - 1):
            W_in, b, W_out = coefs[k], intercepts[k], coefs[k + 1]
            keep = np.any(W_in != 0, axis=0) & np.any(W_out != 0, axis=1)
            if not keep.any():
                keep[0] = True  # a layer keeps a unit: the sizes stay valid to refit
            if keep.all():
                continue
            coefs[k] = np.ascontiguousarray(W_in[:, keep])
            intercepts[k] = b[keep]
            coefs[k + 1] = np.ascontiguousarray(W_out[keep])
            changed = True


def _store(W, sparse):
    density = count_nonzero(W) / max(n_entries(W), 1)
    if sparse is True or (sparse == "auto" and density <= SPARSE_DENSITY):
        return sp.csr_matrix(W)
    return W


def pruned_network(coefs, intercepts, activation):
    """The network without its dead units, in new dense arrays.

    The network is first cut down to the slices training runs on
    (:func:`~skl1net._network._slices.live_units`: the hidden units with a
    non-zero incoming or outgoing weight), then its constant units are folded
    into the next biases and the units nothing reads are removed, to a fixed
    point (see the module's docstring). Every input feature is kept: the
    first weight matrix has a row per feature, zero or not.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network's dense weight matrices and bias vectors; they are not
        modified.
    activation : str
        The hidden layers' activation, which gives a constant unit's output.

    Returns
    -------
    coefs, intercepts : list of ndarray
        A network with the same inputs and outputs that computes the same
        function up to float rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._compact import pruned_network
    >>> W0 = np.array([[1.0, 0.0], [0.0, 0.0]])
    >>> W1 = np.array([[3.0], [4.0]])
    >>> coefs, intercepts = pruned_network([W0, W1], [np.array([0.0, 0.5]), np.zeros(1)], "relu")
    >>> [W.shape for W in coefs], intercepts[1].tolist()
    ([(2, 1), (1, 1)], [2.0])
    """
    units = live_units(coefs, intercepts, activation)
    units[0] = np.arange(coefs[0].shape[0])
    coefs, intercepts = take_network(coefs, intercepts, units)
    _remove_dead_units(coefs, intercepts, activation)
    return coefs, intercepts


def forward_pruned(X, coefs, intercepts, activation, out_activation):
    """The network's output on ``X``, through :func:`pruned_network`'s network when that pays.

    Equal to :func:`~skl1net._network._mlp.forward` up to float rounding.
    The network is pruned when its weights are dense and the rows of ``X``
    times the share of the weights in dead units reach :data:`PRUNE_ROWS`;
    otherwise the products run on the network as it is (a compacted model is
    already pruned). The columns of ``X`` are read as they are: gathering
    the live features costs more than the zero rows of the first weight
    matrix.
    """
    if X.shape[0] >= PRUNE_ROWS and not any(sp.issparse(W) for W in coefs):
        live = [np.ones(coefs[0].shape[0], dtype=bool)] + [~dead for dead in dead_units(coefs)]
        live.append(np.ones(coefs[-1].shape[1], dtype=bool))
        kept = sum(int(a.sum()) * int(b.sum()) for a, b in zip(live[:-1], live[1:]))
        removed = 1 - kept / sum(W.size for W in coefs)
        if X.shape[0] * removed >= PRUNE_ROWS:
            coefs, intercepts = pruned_network(coefs, intercepts, activation)
    return forward(X, coefs, intercepts, activation, out_activation)


def compact_network(coefs, intercepts, activation, sparse="auto"):
    """Weights and biases of the same network without dead hidden units, in new arrays.

    Parameters
    ----------
    coefs, intercepts : list of arrays
        The network's weight matrices (dense or sparse) and bias vectors;
        they are not modified.
    activation : str
        The hidden layers' activation, which gives a constant unit's output.
    sparse : 'auto' or bool, default='auto'
        Store each weight matrix as a ``scipy.sparse.csr_matrix``: always
        (True), never (False), or when at most :data:`SPARSE_DENSITY` of its
        entries are non-zero ('auto').

    Returns
    -------
    coefs, intercepts : list of arrays
        A network that computes the same function up to float rounding, with
        the same inputs and outputs and only the live hidden units.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._network._compact import compact_network
    >>> W0, W1 = np.array([[1.0, 0.0], [2.0, 0.0]]), np.array([[3.0], [4.0]])
    >>> coefs, intercepts = compact_network([W0, W1], [np.zeros(2), np.zeros(1)], "relu", sparse=False)
    >>> [W.shape for W in coefs], intercepts[1].tolist()
    ([(2, 1), (1, 1)], [0.0])
    """
    coefs = [W.toarray() if sp.issparse(W) else W for W in coefs]
    coefs, intercepts = pruned_network(coefs, intercepts, activation)
    return [_store(W, sparse) for W in coefs], intercepts
