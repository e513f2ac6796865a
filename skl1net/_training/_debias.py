"""Debiasing: retrain the surviving weights without the penalty.

The L1 penalty does two things at once: it selects weights (sets most of
them to exactly zero) and it shrinks the survivors toward zero, which costs
accuracy. ``debias=True`` keeps the selection and undoes the shrinkage, as the
"relaxed lasso" / LARS-OLS hybrid does for linear models and as retraining
after magnitude pruning does for networks (Han et al., 2015): after the
penalized epochs the support (the non-zero weights) is frozen, and a few more
epochs of the same SGD run on the *unpenalized* loss, with every weight
outside the support held at exactly zero by the
:class:`~skl1net._optim._constraints.FixedSupport` constraint.

How many epochs: a quarter of the ``n_epochs`` penalized epochs of this
``fit``, but at least :data:`MIN_EPOCHS` and never more than ``n_epochs``:
``min(n_epochs, max(10, ceil(n_epochs / 4)))``. The restricted problem is
smooth and starts next to its solution (only the shrinkage, about ``eta *
lmbda / (1 - momentum)`` per step, and the pruned weights' contribution have
to be made up), so it needs fewer epochs than the penalized one; a quarter
keeps the extra cost at 25% for long runs. A short run leaves the survivors
far from their optimum: on the 28x28 digits of the benchmark (20 penalized
epochs) test accuracy still rises after 5 debiasing epochs and levels off
near 10, hence the floor. On digits after 200 epochs, 50 debiasing epochs
beat 20 by up to 0.7 points. Many more would start to overfit: nothing
regularizes the debiased weights but the sparsity pattern.

The learning rate starts at half the initial one (``ETA_FRACTION * eta``,
whatever the schedule of the penalized epochs) and decreases linearly to
``1 / n`` of that over the ``n`` debiasing epochs, with fresh momentum: an
annealed finish settles the weights instead of leaving them at the noise
level of a constant step (with a constant rate, test accuracy jumps by about
a point from one epoch to the next on that benchmark). It does not continue
from the end of the penalized epochs, because the default
``learning_rate='anneal'`` ends them near zero; nor does it restart at the
full ``eta``: after annealing, the pruned network is in a sharper region
and a step of ``eta`` with fresh momentum throws it out (test accuracy fell
from 0.93 to 0.49 on the 28x28 digits). On that benchmark, starting at
``eta / 2`` gave 0.951 at 90 % zeros over three seeds, ``0.3 * eta`` 0.950.
The debias epochs append to
``loss_curve_`` (their objective is the unpenalized loss) and count in
``n_iter_``. They use no early stopping and no validation split: with
``early_stopping=True`` the best penalized weights are the starting point.
:meth:`partial_fit` never debiases (one pass has no "after").
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from .._optim._constraints import FixedSupport
from .._optim._schedules import LinearDecay
from .._optim._sgd import SGD

#: Fewest debiasing epochs (unless the penalized phase ran fewer).
MIN_EPOCHS = 10

#: The debiasing learning rate starts at this fraction of the initial ``eta``.
ETA_FRACTION = 0.5


def n_debias_epochs(n_epochs):
    """Number of debiasing epochs after ``n_epochs`` penalized ones.

    Examples
    --------
    >>> from skl1net._training._debias import n_debias_epochs
    >>> n_debias_epochs(20), n_debias_epochs(200), n_debias_epochs(3)
    (10, 50, 3)
    """
    return min(n_epochs, max(MIN_EPOCHS, math.ceil(n_epochs / 4)))


def refit_support(est, X, Y, sample_weight, y, n_epochs):
    """Retrain the non-zero weights of the fitted ``est`` without penalty, in place.

    ``n_epochs`` is the number of penalized epochs this ``fit`` ran.
    Runs :func:`n_debias_epochs` single-epoch passes of ``est._train`` (the
    same loop as ``partial_fit``) with an unpenalized optimizer under a
    :class:`~skl1net._optim._constraints.FixedSupport` constraint and a
    :class:`~skl1net._optim._schedules.LinearDecay` rate, then
    puts the penalized optimizer back so that a later ``partial_fit`` or
    warm start continues the penalized problem.
    """
    penalized = est._optimizer
    saved = est.best_loss_, est._no_improvement_count
    n = n_debias_epochs(n_epochs)
    # the penalized fit's eta: no step rule to evaluate on the data again
    optimizer = SGD(
        None,
        LinearDecay(ETA_FRACTION * penalized.eta, n),
        momentum=est.momentum,
        nesterov=est.nesterovs_momentum,
        constraint=FixedSupport([W != 0 for W in est.coefs_]),
    ).init(est.coefs_, est.intercepts_)
    est._optimizer = optimizer
    est.best_loss_, est._no_improvement_count = np.inf, 0
    try:
        for _ in range(n):
            n_iter = est.n_iter_
            est._train(X, Y, sample_weight, None, y, incremental=True)
            if est.n_iter_ == n_iter:  # interrupted (KeyboardInterrupt): stop here
                break
    finally:
        est._optimizer = penalized
        est.best_loss_, est._no_improvement_count = saved
