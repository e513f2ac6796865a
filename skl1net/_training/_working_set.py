"""Working-set training: each epoch computes on the live part of the network only.

At the start of an epoch :meth:`WorkingSet.enter` cuts the network down to
its live units (:func:`skl1net._network._slices.live_units`): the input
features whose first-layer row is not all zero and the hidden units that can
change the output. The weights, the biases and the optimizer's state of
those units (:meth:`skl1net._optim._optimizer.Optimizer.slots`) are taken
out as dense arrays, the epoch's batches come from a copy of the live
columns of ``X``, and the epoch trains on the small network with the same BLAS products
as the full one. :meth:`WorkingSet.leave` writes everything back at the end
of the epoch. The parameters left out do not move and their optimizer state
is kept as it is.

Leaving out a hidden unit changes no step (it outputs zero and all its
gradients are zero). Leaving out an input feature is exact only while the
weights of its zero row would stay zero: under a proximal penalty such as
``'l1_prox'``, while the row's gradient ``|X_f^T delta| / n`` stays under
``lmbda``. :meth:`WorkingSet.check` computes the full-data gradient of the
left-out rows (one forward and backward pass of the small network) and
re-admits every row that violates the optimality condition of the
objective at zero; the training loop calls it every :attr:`check_every`
epochs and at the end of training, where a violation makes it run more
epochs with the violators re-admitted (then one on the whole network, see
:meth:`skl1net._training._loop.Trainer.run_epochs`).
"""

# SPDX-License-Identifier: BSD-3-Clause

from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from .._compute._blas import ProductGradient
from .._network._mlp import Workspace
from .._network._slices import act_at, index, is_full, live_units, put, take
from ..penalties import GroupL1Prox
from ._batches import MiniBatches

#: The live copy of ``X`` is made again once the live input features have
#: fallen below ``1 - RECOPY_MARGIN`` of its columns (see
#: :meth:`WorkingSet._covering_copy`).
RECOPY_MARGIN = 0.1

#: Rows of each chunk of the optimality check's pass over the data.
CHECK_ROWS = 2048


def zero_row_violations(penalty, G, layer=0):
    """Rows of the zero weights whose gradient ``G`` breaks the objective's optimality condition.

    A zero row is optimal when one proximal step from it, with the loss
    gradient ``G`` (and the penalty's gradient term at zero), stays at
    zero: ``prox(-(G + lmbda * dR(0)), 1) == 0``. For ``'l1_prox'`` that is
    ``|G_ij| <= lmbda``; for ``'group_l1_prox'`` ``||G_i|| <= lmbda *
    sqrt(h)``; for a penalty without a proximal operator (``'l1'``,
    ``'l2'``) ``G_i == 0``.

    Parameters
    ----------
    penalty : Penalty or None
    G : ndarray of shape (n_rows, n_units)
        Loss gradient of the rows, in the full width of their weight matrix.
    layer : int, default=0
        The weight matrix the rows belong to.

    Returns
    -------
    violators : ndarray of bool of shape (n_rows,)

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> from skl1net._training._working_set import zero_row_violations
    >>> zero_row_violations(L1Prox(0.1), np.array([[0.05, -0.1], [0.0, 0.2]]))
    array([False,  True])
    """
    W = -np.asarray(G, dtype=np.float64)
    if penalty is not None:
        if penalty.gradient is not None:
            W -= penalty.gradient(np.zeros_like(W), layer, np.empty_like(W))
        penalty.prox(W, 1.0, layer)
    return np.any(W != 0, axis=1)


class _LeftOutGradient:
    """Stands in for the optimizer of a pass that only sums the gradients a check needs.

    :meth:`Workspace.train_step` hands it each layer's gradient; from the
    first layer's delta it adds ``weight * X_out^T delta`` (scaled) to
    :attr:`G`, where ``X_out`` holds the batch's left-out columns, and it
    sums the bias gradient of every deeper layer into :attr:`bias_grads`.
    Both products go through scipy's BLAS, as the training step's do (see
    :mod:`skl1net._compute._blas`).
    """

    def __init__(self, n_rows, intercepts):
        self.G = np.zeros((n_rows, len(intercepts[0])), intercepts[0].dtype)
        self.bias_grads = [np.zeros_like(b) for b in intercepts]
        self.X_out = None
        self.weight = 1.0

    def step_layer(self, i, W, b, gradient):
        if i:
            gradient.add_to_bias(self.bias_grads[i], self.weight, 1.0)
        elif self.X_out is not None:
            ProductGradient(self.X_out, gradient.delta, gradient.scale).add_to_weights(
                self.G, self.weight, 1.0)


class WorkingSet:
    """The live part of a network, taken out for an epoch and put back after it.

    Parameters
    ----------
    activation : str
        The network's hidden activation.
    check_every : int, default=5
        Epochs between two optimality checks of the left-out input features.

    Attributes
    ----------
    units : list of ndarray or None
        The live units of each layer during an epoch (None outside one, or
        when every unit is live).
    left_out : list of ndarray of bool or None
        The input features and hidden units of each layer left out of the
        last epoch.
    n_readmitted : int
        Input features and hidden units re-admitted by the checks so far.
    """

    def __init__(self, activation, check_every=5):
        self.activation = activation
        self.check_every = check_every
        self.units = None
        self.n_readmitted = 0
        self.left_out = None
        self._forced = None  # units of each layer re-admitted by the last check
        self._full = None
        self._x_live = None  # (features, batches on their columns)
        self._buffer = None  # the memory of the dense live copy
        self._workspace = None

    def _live_units(self, state):
        penalty = getattr(state.optimizer, "penalty", None)
        # the group penalty's value of the first layer depends on its width
        all_hidden = (1,) if isinstance(penalty, GroupL1Prox) else ()
        units = live_units(state.coefs, state.intercepts, self.activation, all_hidden=all_hidden)
        if self._forced is not None:
            for k, forced in enumerate(self._forced):
                forced = forced.copy()
                forced[units[k]] = True
                units[k] = np.flatnonzero(forced)
        self._forced = None
        units[0] = self._covering_copy(units[0], state.coefs[0].shape[0])
        return units

    def _covering_copy(self, features, n_features):
        """The columns of the live copy of ``X`` if they cover ``features`` with few extra, else ``features``.

        Copying the live columns of ``X`` costs about as much as an epoch on
        them, so the copy (at first ``X`` itself, all ``n_features``
        columns) is kept while the live features stay among its columns and
        are at least ``1 - RECOPY_MARGIN`` of them: its extra columns are
        features whose rows are zero, which the epoch trains as a full
        network would.
        """
        copied = np.arange(n_features) if self._x_live is None else self._x_live[0]
        if len(features) >= (1 - RECOPY_MARGIN) * len(copied) and np.isin(
            features, copied, assume_unique=True
        ).all():
            return copied
        return features

    @staticmethod
    def _masks(units, state):
        """Boolean masks of the left-out units of every layer but the output."""
        sizes = [state.coefs[0].shape[0]] + [W.shape[1] for W in state.coefs[:-1]]
        masks = [np.ones(n, dtype=bool) for n in sizes]
        for mask, u in zip(masks, units):
            mask[u] = False
        return masks

    @contextmanager
    def epoch(self, state, workspace, batches, make_batches):
        """The workspace and batches of one epoch on the live network, within :meth:`enter`/:meth:`leave`.

        ``workspace`` and ``batches`` are those of the full network;
        ``make_batches(X)`` builds batches like ``batches`` on other columns
        of the data. Within the block ``state`` holds the live slices; on
        leaving it (also by an exception) the full parameters again.
        """
        if not self.enter(state):
            yield workspace, batches
            return
        try:
            sizes = [len(u) for u in self.units]
            if self._workspace is None or self._workspace.layer_units != sizes:
                self._workspace = Workspace(
                    sizes, batches.batch_size, workspace.dtype, workspace.activation,
                    workspace.out_activation,
                )
            yield self._workspace, self.batches(batches, make_batches)
        finally:
            self.leave(state)

    # -- entering and leaving an epoch -----------------------------------------------
    def enter(self, state):
        """Replace the parameters and optimizer state of ``state`` by their live slices.

        Returns whether anything was left out (else ``state`` is unchanged
        and :meth:`leave` does nothing).
        """
        units = self._live_units(state)
        self.left_out = self._masks(units, state)
        if is_full(units, state.coefs):
            self.units = None
            return False
        optimizer = state.optimizer
        coefs, intercepts = state.coefs, state.intercepts
        full_slots = [
            [optimizer.slots(kind, i) for i in range(len(coefs))] for kind in (0, 1)
        ]
        small = (
            [take(W, 0, i, units) for i, W in enumerate(coefs)],
            [take(b, 1, i, units) for i, b in enumerate(intercepts)],
        )
        for kind in (0, 1):
            for i, slots in enumerate(full_slots[kind]):
                optimizer.load_slots(kind, i, [take(S, kind, i, units) for S in slots])
        constraint = getattr(optimizer, "constraint", None)
        if constraint is not None:
            optimizer.constraint = constraint.restrict(lambda i: index(0, i, units))
        optimizer.resume(*small)
        self._full = (coefs, intercepts, full_slots, constraint)
        self.units = units
        state.coefs, state.intercepts = small
        return True

    def leave(self, state):
        """Write the slices of :meth:`enter` back into the full parameters and optimizer state."""
        if self.units is None:
            return
        units = self.units
        coefs, intercepts, full_slots, constraint = self._full
        optimizer = state.optimizer
        for kind, (params, small) in enumerate(
            ((coefs, state.coefs), (intercepts, state.intercepts))
        ):
            for i, (P, part) in enumerate(zip(params, small)):
                put(P, part, kind, i, units)
                for S, part_S in zip(full_slots[kind][i], optimizer.slots(kind, i)):
                    put(S, part_S, kind, i, units)
                optimizer.load_slots(kind, i, full_slots[kind][i])
        if constraint is not None:
            optimizer.constraint = constraint
        optimizer.resume(coefs, intercepts)
        state.coefs, state.intercepts = coefs, intercepts
        self._full = None
        self.units = None

    def batches(self, batches, make_batches):
        """The epoch's batches on the live columns of ``X`` only.

        ``batches`` is the full data's :class:`~skl1net._training._batches.MiniBatches`;
        ``make_batches(X)`` builds the same on other columns. The live
        columns are copied out of ``X`` (dense or CSR) once, and again only
        when a feature outside the copy becomes live or the live ones fall
        well below its columns (:data:`RECOPY_MARGIN`), so that each batch
        gathers its rows from them in one pass.
        """
        if self.units is None:
            return batches
        features = self.units[0]
        if len(features) == batches.X.shape[1]:
            self._x_live = None
            return batches
        if self._x_live is None or not np.array_equal(self._x_live[0], features):
            X = batches.X
            self._x_live = None  # let the previous copy go first
            if sp.issparse(X):
                X_live = X[:, features].tocsr()
            else:
                X_live = np.take(X, features, axis=1, out=self._copy_buffer(X, len(features)),
                                 mode="clip")  # ("raise" would copy through a temporary)
            self._x_live = (features, make_batches(X_live))
        return self._x_live[1]

    def _copy_buffer(self, X, n_columns):
        """A C-ordered ``(len(X), n_columns)`` array for the live copy, in the memory of the last one.

        Writing into memory already in use saves the page faults of a new
        array of the data's size; a larger copy (after re-admissions) gets new memory.
        """
        size = X.shape[0] * n_columns
        if self._buffer is None or self._buffer.size < size or self._buffer.dtype != X.dtype:
            self._buffer = None
            self._buffer = np.empty(size, X.dtype)
        return self._buffer[:size].reshape(X.shape[0], n_columns)

    # -- the optimality check ------------------------------------------------------
    def check(self, state, batches, rows, total_weight, out_activation, final=False):
        """Re-admit the left-out input features and hidden units that violate the optimality condition.

        Returns how many were re-admitted (see :meth:`left_out_gradient`
        and :func:`zero_row_violations`); they are live in the next
        :meth:`enter`. With ``final``, after the last epoch, only the units
        left out of that epoch count (a row the epoch trained and left at
        zero is where the stochastic steps put it, as without a working
        set); the training loop then runs one more epoch with the violators
        re-admitted, and checks again (see :meth:`admit_all`). Under a
        constraint (the fixed support of debiasing) nothing is re-admitted:
        it holds the left-out weights at zero.
        """
        optimizer = state.optimizer
        if getattr(optimizer, "constraint", None) is not None or self._forced is not None:
            return 0  # (a check whose result no epoch has used yet stands)
        penalty = getattr(optimizer, "penalty", None)
        forced = [np.zeros(len(m), dtype=bool) for m in self._masks([], state)]
        n = 0
        for k, (out, G) in enumerate(
            self.left_out_gradient(state, batches, rows, total_weight, out_activation)
        ):
            if not len(out):
                continue
            violators = zero_row_violations(penalty, G, layer=k)
            if final:
                violators &= self.left_out[k][out]
            forced[k][out[violators]] = True
            n += int(violators.sum())
        self._forced = forced
        self.n_readmitted += n
        return n

    def admit_all(self, state):
        """Make the next epoch train the whole network (after it nothing has been left out)."""
        self._forced = [np.ones(len(m), dtype=bool) for m in self._masks([], state)]

    def left_out_gradient(self, state, batches, rows, total_weight, out_activation):
        """The rows of zero weights that the working set leaves out, and their loss gradient.

        For each layer ``k`` but the output, ``(out, G)``: ``out`` the
        left-out units (input features for ``k = 0``) whose outgoing
        weights can have a non-zero gradient, ``G`` the gradient of their
        rows of ``coefs[k]`` (float64, in its full width). An input
        feature's row gets ``X_f^T delta``; a left-out hidden unit's outgoing
        row ``act(b_j)`` times the next layer's bias gradient (zero where the
        activation is zero at the bias, and such units are not listed). The
        gradient is that of the (weighted) mean loss over the training
        ``rows`` at the parameters of ``state``, from one forward and
        backward pass of the live network over ``batches`` (the full data's
        :class:`~skl1net._training._batches.MiniBatches`).
        """
        units = self._live_units(state)
        masks = self._masks(units, state)
        outs = [np.flatnonzero(masks[0])]
        for k in range(1, len(masks)):
            constant = act_at(self.activation, state.intercepts[k - 1]) != 0
            outs.append(np.flatnonzero(masks[k] & constant))
        result = [(out, np.zeros((len(out), state.coefs[k].shape[1])))
                  for k, out in enumerate(outs)]
        if not any(len(out) for out in outs):
            return result
        coefs = [take(W, 0, i, units) for i, W in enumerate(state.coefs)]
        intercepts = [take(b, 1, i, units) for i, b in enumerate(state.intercepts)]
        layer_units = [len(u) for u in units]
        chunk = min(CHECK_ROWS, max(len(rows), 1))
        ws = Workspace(layer_units, chunk, coefs[0].dtype, self.activation, out_activation)
        collector = _LeftOutGradient(len(outs[0]), intercepts)
        for Xb, X_out, Tb, sw, weight in self._check_chunks(batches, rows, chunk, units[0],
                                                            outs[0]):
            collector.X_out, collector.weight = X_out, weight / total_weight
            ws.train_step(Xb, Tb, coefs, intercepts, sw, collector)
        result[0][1][:, units[1]] = collector.G
        for k in range(1, len(outs)):
            out, G = result[k]
            values = act_at(self.activation, state.intercepts[k - 1][out])
            G[:, units[k + 1]] = np.outer(values, collector.bias_grads[k])
        return result

    def _check_chunks(self, batches, rows, chunk, features, out):
        """``(X_live, X_out, T, sw, weight)`` of the check's chunks of ``chunk`` training rows.

        The check needs a full gradient, not mini-batch steps: it runs over
        the rows in their order, in large chunks (large products run faster
        than a training step's), which are plain views of the data when the
        rows are all of them. The live columns come from the epochs' copy
        of them when it holds exactly ``features``.
        """
        X = batches.X
        contiguous = len(rows) == X.shape[0]  # (sorted rows)

        def chunks(data):
            return MiniBatches(data, batches.Y, batches.sample_weight, chunk,
                               gather=not contiguous)(rows)

        copied = self._x_live is not None and np.array_equal(self._x_live[0], features)
        live = chunks(self._x_live[1].X) if copied else None
        every = len(features) == X.shape[1]
        for Xc, Tc, sw, weight in chunks(X):
            X_live = next(live)[0] if copied else Xc if every else _columns(Xc, features)
            yield X_live, _columns(Xc, out) if len(out) else None, Tc, sw, weight


def _columns(X, columns):
    """The ``columns`` of a dense or CSR matrix, in a new C-ordered or CSR matrix."""
    return X[:, columns] if sp.issparse(X) else np.take(X, columns, axis=1)
