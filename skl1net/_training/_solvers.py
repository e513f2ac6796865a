"""The optimizer's interface: every call the training code makes into an optimizer.

But for the step itself: ``optimizer.step_layer(i, W, b, gradient)``, which
:meth:`~skl1net._network._mlp.Workspace.train_step` calls for each layer of
each batch (see :class:`skl1net._optim._optimizer.Optimizer`). The solvers'
classes, making and reconfiguring an optimizer, the queries of the training
loop (:mod:`skl1net._training._loop`) and the copies of its state are here,
so that no other training module touches an optimizer's attributes.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy

import numpy as np

from .._optim._adam import Adam
from .._optim._schedules import make_schedule
from .._optim._sgd import SGD

#: The optimizer class of each ``solver``, and the names of its hyperparameters.
SOLVERS = {
    "sgd": (SGD, ("momentum", "nesterov")),
    "adam": (Adam, ("beta_1", "beta_2", "epsilon")),
}


def solver_of(optimizer):
    """The ``solver`` name of ``optimizer`` (None for another optimizer class)."""
    return next((name for name, (cls, _) in SOLVERS.items() if type(optimizer) is cls), None)


def make_optimizer(penalty, eta, coefs, intercepts, *, learning_rate, power_t, solver="sgd",
                   **hyperparameters):
    """A new optimizer of ``solver`` for ``penalty`` starting at the learning rate ``eta``, with state for the parameters.

    ``hyperparameters`` are those of the solver's optimizer (SGD: ``momentum``,
    ``nesterov``; Adam: ``beta_1``, ``beta_2``, ``epsilon``).
    """
    cls, _ = SOLVERS[solver]
    return cls(
        penalty, make_schedule(learning_rate, eta, power_t), **hyperparameters
    ).init(coefs, intercepts)


def make_constrained_optimizer(optimizer, constraint, schedule, coefs, intercepts):
    """A fresh, unpenalized optimizer of ``optimizer``'s solver and hyperparameters, under ``constraint``."""
    cls, names = SOLVERS[solver_of(optimizer)]
    hyperparameters = {name: getattr(optimizer, name) for name in names}
    return cls(None, schedule, **hyperparameters, constraint=constraint).init(coefs, intercepts)


def reconfigure_optimizer(optimizer, coefs, intercepts, *, penalty, eta, learning_rate,
                          power_t, **hyperparameters):
    """``optimizer`` with hyperparameters changed between ``partial_fit`` calls; its state kept.

    ``eta=None`` keeps the optimizer's initial learning rate (a data-dependent
    ``eta='auto'`` keeps its first value). The state follows the memory layout
    of the parameters ``coefs`` and ``intercepts`` the optimizer steps next.
    """
    eta = optimizer.eta if eta is None else eta
    optimizer.reconfigure(penalty, make_schedule(learning_rate, eta, power_t), **hyperparameters)
    optimizer.resume(coefs, intercepts)
    return optimizer


def penalty_value(optimizer, coefs):
    """The penalty term ``lmbda * R(W)`` of the objective at the weights ``coefs``."""
    return optimizer.penalty_value(coefs)


def initial_rate(optimizer):
    """The optimizer's initial learning rate."""
    return optimizer.eta


def end_epoch(optimizer, n_samples_seen, progress):
    """Tell the optimizer an epoch ended (``progress``: share of a planned run done, or None)."""
    optimizer.iteration_ends(n_samples_seen, progress)


def on_plateau(optimizer, epochs):
    """The schedule's decision on a plateau: ``.stop`` (bool) and ``.message`` (str)."""
    return optimizer.on_plateau(epochs)


def schedule_done(optimizer):
    """Whether the schedule has run its course: training ends after this epoch."""
    return optimizer.finished


def copy_optimizer_state(source, target):
    """Copy the state of the optimizer ``source`` into ``target``, a copy of it.

    The state is what the optimizer's copies keep (its ``__getstate__``):
    scratch buffers it leaves out (as None) or drops stay as they are in
    ``target``. Arrays, in lists and tuples too, are copied into those of
    ``target`` when their shapes match (no allocation); other values are
    deep-copied.
    """
    live = vars(source)
    for name, value in (source.__getstate__() or {}).items():
        if value is None and live[name] is not None:  # scratch, left out of copies
            continue
        setattr(target, name, _copied(value, getattr(target, name, None)))


def _copied(value, into):
    if (isinstance(value, np.ndarray) and isinstance(into, np.ndarray)
            and into.shape == value.shape and into.dtype == value.dtype):
        np.copyto(into, value)
        return into
    if (isinstance(value, (list, tuple)) and type(into) is type(value)
            and len(into) == len(value)):
        return type(value)(_copied(v, i) for v, i in zip(value, into))
    return copy.deepcopy(value)
