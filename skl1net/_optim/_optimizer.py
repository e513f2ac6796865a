"""What the training loop needs from an optimizer: the interface of :class:`Optimizer`.

An optimizer updates a network's weights and biases in place, one layer at
a time, from the loss gradient of a mini-batch. It is built from its
hyperparameters, then :meth:`Optimizer.init` allocates its state from the
parameters it will update, once; :meth:`Optimizer.step_layer` takes a step.
Three objects plug in:

- a penalty (:mod:`skl1net.penalties`), whose ``gradient`` and ``prox`` the
  step applies to the weight matrices (the :attr:`Optimizer.mask` keeps it
  off the biases);
- a learning-rate schedule (:mod:`skl1net._optim._schedules`), which gives
  the rate of each step; the loop reaches it through
  :meth:`Optimizer.iteration_ends`, :meth:`Optimizer.on_plateau` and
  :attr:`Optimizer.finished`;
- optionally a constraint (:mod:`skl1net._optim._constraints`), whose
  ``project`` follows the penalty's prox on the weight matrices.

The loss gradient reaches :meth:`Optimizer.step_layer` as an object that
adds ``alpha * g`` into a given array (see :mod:`skl1net._compute._blas`), so
the optimizer chooses where it lands (weights, velocity, a buffer).
"""

# SPDX-License-Identifier: BSD-3-Clause

from .._compute._blas import ArrayGradient
from ..penalties import Penalty, total_value


def check_penalty(penalty, required=("value", "gradient", "prox")):
    """Raise a TypeError naming what ``penalty`` lacks of the methods an optimizer needs.

    ``None`` (no penalty) passes.
    """
    if penalty is None:
        return
    missing = [name for name in required if not hasattr(penalty, name)]
    if isinstance(penalty, Penalty) and type(penalty).value is Penalty.value:
        missing.append("value")
    if missing:
        raise TypeError(
            f"{type(penalty).__name__} cannot be trained: it does not define "
            f"{', '.join(missing)} (see skl1net.penalties.Penalty)."
        )


class Optimizer:
    """Base class of the optimizers: hyperparameters, penalty, schedule and constraint.

    Parameters
    ----------
    penalty : skl1net.penalties.Penalty or None
        Regularization of the parameters selected by :attr:`mask`; None for none.
    schedule : skl1net._optim._schedules.Schedule
        Learning-rate schedule; the optimizer reads its ``rate`` at every step.
    constraint : object with a ``project(W, layer)`` method, default=None
        Applied to the parameters selected by :attr:`mask` after each step.
    """

    #: Whether the penalty and the constraint apply to a layer's (weights, biases).
    mask = (True, False)

    def __init__(self, penalty, schedule, constraint=None):
        check_penalty(penalty)
        self.penalty = penalty
        self.schedule = schedule
        self.constraint = constraint

    # -- state ----------------------------------------------------------------------
    def init(self, coefs, intercepts):
        """Allocate the state for the parameters ``coefs`` and ``intercepts``; return self."""
        raise NotImplementedError

    def resume(self, coefs, intercepts):
        """Adapt the kept state to the parameters, e.g. after unpickling or a change of layout."""
        raise NotImplementedError

    def slots(self, kind, i):
        """The state arrays of parameter ``(kind, i)`` (0: weights, 1: biases of layer ``i``).

        A list (empty for a stateless optimizer) of arrays shaped like the
        parameter, e.g. SGD's velocity or Adam's two moments: code that
        trains a slice of the network (:mod:`skl1net._training._working_set`)
        slices them the same way, through this method and :meth:`load_slots`.
        """
        raise NotImplementedError(f"{type(self).__name__} does not expose its state (slots).")

    def load_slots(self, kind, i, arrays):
        """Make ``arrays`` (as :meth:`slots` returns them) the state of parameter ``(kind, i)``.

        They may be shaped like a slice of the parameter: call :meth:`resume`
        with the parameters they belong to before the next step.
        """
        raise NotImplementedError(f"{type(self).__name__} does not expose its state (slots).")

    # -- steps ----------------------------------------------------------------------
    def step_layer(self, i, W, b, grad):
        """Step the weights ``W`` and biases ``b`` of layer ``i`` in place.

        ``grad`` (:class:`~skl1net._compute._blas.ProductGradient` or
        :class:`~skl1net._compute._blas.ArrayGradient`) adds the loss
        gradient into any array: ``grad.add_to_weights(C, alpha, beta)`` does
        ``C <- beta * C + alpha * G``, ``grad.add_to_bias`` likewise.
        """
        self._step(0, i, W, grad.add_to_weights)
        self._step(1, i, b, grad.add_to_bias)

    def step(self, coefs, intercepts, coef_grads, intercept_grads):
        """Take one step in place with the gradients held in arrays (left unchanged).

        Either list of biases may be empty (only the weights then step).
        """
        for i, W in enumerate(coefs):
            self._step(0, i, W, ArrayGradient(coef_grads[i], None).add_to_weights)
        for i, b in enumerate(intercepts):
            self._step(1, i, b, ArrayGradient(None, intercept_grads[i]).add_to_bias)

    def _step(self, kind, i, P, add_gradient):
        """Step parameter ``P`` of layer ``i`` in place (``kind`` 0: weights, 1: biases).

        ``add_gradient(C, alpha, beta)`` does ``C <- beta * C + alpha * g``
        for the loss gradient ``g`` of ``P``; the penalty and the constraint
        apply when ``mask[kind]``.
        """
        raise NotImplementedError

    # -- the schedule, for the training loop --------------------------------------------
    @property
    def eta(self):
        """The initial learning rate of the schedule."""
        return self.schedule.eta

    @property
    def eta_t(self):
        """The current learning rate."""
        return self.schedule.rate

    def iteration_ends(self, time_step, progress=None):
        """Tell the schedule that an epoch ended (see :meth:`~skl1net._optim._schedules.Schedule.epoch_ends`)."""
        self.schedule.epoch_ends(time_step, progress)

    def on_plateau(self, epochs=None):
        """The schedule's :class:`~skl1net._optim._schedules.Plateau` decision when training stops improving."""
        return self.schedule.on_plateau(epochs)

    @property
    def finished(self):
        """Whether the schedule has run its course: training ends after this epoch."""
        return self.schedule.finished

    def penalty_value(self, coefs):
        """The penalty term ``lmbda * R(W)`` of the objective at the weights ``coefs``."""
        return total_value(self.penalty, coefs)
