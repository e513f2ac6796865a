"""Debiasing: retrain the surviving weights without the penalty.

The L1 penalty does two things at once: it selects weights (sets most of
them to exactly zero) and it shrinks the survivors toward zero, which costs
accuracy. ``debias=True`` keeps the selection and undoes the shrinkage, as the
"relaxed lasso" / LARS-OLS hybrid does for linear models and as retraining
after magnitude pruning does for networks (Han et al., 2015): after the
penalized epochs the support (the non-zero weights) is frozen, and a few more
epochs of the same SGD run on the *unpenalized* loss, with every weight
outside the support held at exactly zero by the
:class:`~skl1net._penalties.FixedZeros` penalty.

How many epochs: ``ceil(n_epochs / 4)`` with ``n_epochs`` the penalized
epochs of this ``fit``, at least :data:`MIN_EPOCHS`. The restricted problem is
smooth and starts next to its solution (only the shrinkage, about
``eta * lmbda / (1 - momentum)`` per step, has to be undone), so it needs far
fewer epochs than the penalized one; a quarter keeps the extra cost at 25% and
scales with how long the model needed to train. More would start to overfit:
nothing regularizes the debiased weights but the sparsity pattern.

The debias epochs continue the learning-rate schedule where the penalized
epochs left it (the same ``eta_t``), with fresh momentum; they append to
``loss_curve_`` (their objective is the unpenalized loss) and count in
``n_iter_``. They use no early stopping and no validation split: with
``early_stopping=True`` the best penalized weights are the starting point.
:meth:`partial_fit` never debiases (one pass has no "after").
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from ._penalties import FixedZeros

#: Fewest debiasing epochs.
MIN_EPOCHS = 2


def n_debias_epochs(n_epochs):
    """Number of debiasing epochs after ``n_epochs`` penalized ones.

    Examples
    --------
    >>> from skl1net._debias import n_debias_epochs
    >>> n_debias_epochs(20), n_debias_epochs(200), n_debias_epochs(1)
    (5, 50, 2)
    """
    return max(MIN_EPOCHS, math.ceil(n_epochs / 4))


def refit_support(est, X, Y, sample_weight, y, n_epochs):
    """Retrain the non-zero weights of the fitted ``est`` without penalty, in place.

    ``n_epochs`` is the number of penalized epochs this ``fit`` ran.
    Runs :func:`n_debias_epochs` single-epoch passes of ``est._train`` (the
    same loop as ``partial_fit``) with a :class:`FixedZeros` optimizer, then
    puts the penalized optimizer back so that a later ``partial_fit`` or
    warm start continues the penalized problem.
    """
    penalized = est._optimizer
    saved = est.best_loss_, est._no_improvement_count
    optimizer = est._make_optimizer(FixedZeros([W != 0 for W in est.coefs_]))
    optimizer.eta_t = penalized.eta_t
    est._optimizer = optimizer
    est.best_loss_, est._no_improvement_count = np.inf, 0
    try:
        for _ in range(n_debias_epochs(n_epochs)):
            est._train(X, Y, sample_weight, None, y, incremental=True)
    finally:
        est._optimizer = penalized
        est.best_loss_, est._no_improvement_count = saved
