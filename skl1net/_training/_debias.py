"""Debiasing: retrain the surviving weights without the penalty.

The L1 penalty both selects weights (exact zeros) and shrinks the survivors
toward zero. ``debias=True`` keeps the selection and undoes the shrinkage, as
the relaxed lasso does for linear models and retraining after magnitude
pruning does for networks (Han et al., 2015): after the penalized epochs the
support (the non-zero weights) is frozen and more epochs of the same solver run
on the unpenalized loss, every weight outside the support held at zero by a
:class:`~skl1net._optim._constraints.FixedSupport` constraint. A hidden unit
without a non-zero incoming weight stays the constant ``act(b_j)`` under that
constraint, which the next layer's bias can absorb: such units are first
folded into the next bias (:func:`~skl1net._network._compact.fold_constant_units`,
the same function), so that their outgoing weights leave the support and the
working set leaves them out.

The phase runs :func:`n_debias_epochs` epochs, with a fresh optimizer state and a
learning rate falling linearly from ``ETA_FRACTION * eta`` to ``1 / n`` of
that over the ``n`` epochs: the restricted problem is smooth and starts next
to its solution, and an annealed finish settles the weights. The epochs
append to the state's loss curve (their objective is the unpenalized loss)
and count in its epochs; they use no validation split.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from .._network._compact import fold_constant_units
from .._optim._constraints import FixedSupport
from .._optim._schedules import LinearDecay
from ._loop import INTERRUPTED
from ._solvers import initial_rate, make_constrained_optimizer

#: Fewest debiasing epochs (unless the penalized phase ran fewer).
MIN_EPOCHS = 10

#: The debiasing learning rate starts at this fraction of the initial ``eta``.
ETA_FRACTION = 0.5


def n_debias_epochs(n_epochs):
    """Number of debiasing epochs after ``n_epochs`` penalized ones.

    A quarter of them, at least :data:`MIN_EPOCHS` and at most ``n_epochs``.

    Examples
    --------
    >>> from skl1net._training._debias import n_debias_epochs
    >>> n_debias_epochs(20), n_debias_epochs(200), n_debias_epochs(3)
    (10, 50, 3)
    """
    return min(n_epochs, max(MIN_EPOCHS, math.ceil(n_epochs / 4)))


def debias(trainer, state, n_epochs, stopping):
    """Retrain the non-zero weights of ``state`` without the penalty, in place.

    ``n_epochs`` is the number of penalized epochs that came before.
    ``trainer`` runs :func:`n_debias_epochs` one-epoch, unplanned runs (as
    ``partial_fit`` does) with an unpenalized optimizer under the
    :class:`~skl1net._optim._constraints.FixedSupport` constraint of the
    current support and a :class:`~skl1net._optim._schedules.LinearDecay`
    rate; the state then gets its penalized
    optimizer and stopping counters back, so that a later ``partial_fit`` or
    warm start continues the penalized problem. Returns
    :data:`~skl1net._training._loop.INTERRUPTED` when an interrupt ended it
    (the state then has the weights of its last completed epoch), else None.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net import L1MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 4)
    >>> y = X[:, 0] + 0.1 * rng.randn(60)
    >>> reg = L1MLPRegressor((), lmbda=0.05, max_iter=20, debias=True, random_state=0)
    >>> reg = reg.fit(X, y)  # 20 penalized epochs, then 10 debiasing ones
    >>> reg.n_iter_, float(reg.coefs_[0][0, 0]) > 0.9
    (30, True)
    """
    penalized = state.optimizer
    saved = state.best_loss, state.no_improvement_count
    n = n_debias_epochs(n_epochs)
    fold_constant_units(state.coefs, state.intercepts, trainer.activation)
    state.optimizer = make_constrained_optimizer(
        penalized,
        FixedSupport([W != 0 for W in state.coefs]),
        LinearDecay(ETA_FRACTION * initial_rate(penalized), n),
        state.coefs,
        state.intercepts,
    )
    state.best_loss, state.no_improvement_count = np.inf, 0
    try:
        for _ in range(n):
            if trainer.run_epochs(state, 1, planned=False, stopping=stopping) == INTERRUPTED:
                return INTERRUPTED
    finally:
        state.optimizer = penalized
        state.best_loss, state.no_improvement_count = saved
    return None
