"""Learning-rate schedules: the rate ``eta_t`` of each step, as small objects.

A schedule holds its hyperparameters (the initial rate ``eta`` and its own)
and its state (the current :attr:`Schedule.rate`, and what it remembers). The
training loop tells it, through the optimizer, when an epoch ends
(:meth:`Schedule.epoch_ends`) and when training stops improving
(:meth:`Schedule.on_plateau`); the optimizer reads :attr:`Schedule.rate` at
every step. A schedule prints nothing: :meth:`Schedule.on_plateau` returns a
:class:`Plateau` decision whose message the loop prints when verbose.

The schedules of ``learning_rate=`` are in :data:`SCHEDULES`;
:class:`LinearDecay` is the rate of the debiasing epochs.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy
from typing import NamedTuple


class Plateau(NamedTuple):
    """What a schedule decided when training stopped improving.

    Attributes
    ----------
    stop : bool
        Whether training ends.
    message : str
        What happened, for the verbose output (e.g. ``"Stopping."``).
    """

    stop: bool
    message: str


_STOP = Plateau(True, "Stopping.")


class Schedule:
    """Base class: a constant rate, and a plateau ends training.

    Parameters
    ----------
    eta : float
        Initial learning rate.

    Attributes
    ----------
    rate : float
        The current learning rate ``eta_t``.
    """

    #: Attributes that hold the state (copied by :meth:`continue_from`).
    _state = ("rate",)

    def __init__(self, eta):
        self.eta = eta
        self.rate = eta

    def epoch_ends(self, time_step, progress=None):
        """Update :attr:`rate` at the end of an epoch.

        Parameters
        ----------
        time_step : int
            Number of samples seen since the model's first fit.
        progress : float or None, default=None
            Fraction of the planned epochs of this ``fit`` done, or None when
            there is no plan (``partial_fit``).
        """

    def on_plateau(self, epochs=None):
        """Decide what to do when training no longer improves.

        Parameters
        ----------
        epochs : int or None, default=None
            Epochs this ``fit`` has run, or None in ``partial_fit``.

        Returns
        -------
        decision : Plateau
        """
        return _STOP

    @property
    def finished(self):
        """Whether the schedule has run its course: training ends after this epoch."""
        return False

    def continue_from(self, previous):
        """Take over the state of ``previous`` if it is the same schedule with the same ``eta``.

        Called when hyperparameters change between ``partial_fit`` calls:
        the rate goes on from where it was unless the schedule or ``eta``
        changed.
        """
        if type(previous) is type(self) and previous.eta == self.eta:
            for name in self._state:
                setattr(self, name, copy.deepcopy(getattr(previous, name)))

    def __repr__(self):
        return f"{type(self).__name__}(eta={self.eta!r})"


class Constant(Schedule):
    """``eta_t = eta`` throughout; a plateau ends training.

    Examples
    --------
    >>> from skl1net._optim._schedules import Constant
    >>> schedule = Constant(0.1)
    >>> schedule.epoch_ends(time_step=1000, progress=0.5); schedule.rate
    0.1
    >>> schedule.on_plateau(epochs=3)
    Plateau(stop=True, message='Stopping.')
    """


class InvScaling(Schedule):
    """``eta_t = eta / (t + 1) ** power_t`` after each epoch, ``t`` the samples seen.

    Parameters
    ----------
    eta : float
        Initial learning rate.
    power_t : float, default=0.5
        Exponent.

    Examples
    --------
    >>> from skl1net._optim._schedules import InvScaling
    >>> schedule = InvScaling(0.5, power_t=0.5)
    >>> schedule.epoch_ends(time_step=99); round(schedule.rate, 12)
    0.05
    """

    def __init__(self, eta, power_t=0.5):
        super().__init__(eta)
        self.power_t = power_t

    def epoch_ends(self, time_step, progress=None):
        self.rate = self.eta / (time_step + 1) ** self.power_t


class Adaptive(Schedule):
    """``eta_t`` divided by 5 each time training stops improving, until it falls below 1e-6.

    Examples
    --------
    >>> from skl1net._optim._schedules import Adaptive
    >>> schedule = Adaptive(0.5)
    >>> schedule.on_plateau()
    Plateau(stop=False, message='Setting learning rate to 0.100000')
    >>> schedule.rate = 1e-7
    >>> schedule.on_plateau()
    Plateau(stop=True, message='Learning rate too small. Stopping.')
    """

    def on_plateau(self, epochs=None):
        if self.rate <= 1e-6:
            return Plateau(True, "Learning rate too small. Stopping.")
        self.rate /= 5.0
        return Plateau(False, f"Setting learning rate to {self.rate:f}")


class Anneal(Schedule):
    """``eta`` for the first half of a ``fit``, then a linear decrease toward 0.

    Epoch ``k`` of a fit planned for ``n`` epochs (counting from 0) runs at
    ``eta * min(1, 2 * (n - k) / n)``, the last one at ``2 * eta / n``. If
    training stops improving before the half, after ``p`` epochs, the
    decrease starts there, over ``p`` more epochs, as if the fit had been
    planned for ``2 p`` epochs, and the schedule is :attr:`finished` after
    them: a fit does not end at the full rate, whose last iterates are
    noisy. Once the rate decreases, a plateau ends training as with the other
    schedules. Without a plan (``partial_fit``), and after the last planned
    epoch, the rate stays where it is.

    Examples
    --------
    A fit of 4 epochs:

    >>> from skl1net._optim._schedules import Anneal
    >>> schedule = Anneal(0.1)
    >>> rates = []
    >>> for k in range(4):
    ...     rates.append(schedule.rate)
    ...     schedule.epoch_ends(time_step=100 * (k + 1), progress=(k + 1) / 4)
    >>> [round(r, 3) for r in rates]
    [0.1, 0.1, 0.1, 0.05]

    A plateau after 2 epochs at the full rate:

    >>> schedule = Anneal(0.1)
    >>> schedule.on_plateau(epochs=2)
    Plateau(stop=False, message='Annealing the learning rate to 0 over 2 epochs.')
    >>> rates = []
    >>> while not schedule.finished:
    ...     rates.append(schedule.rate)
    ...     schedule.epoch_ends(time_step=0, progress=0.1)
    >>> [round(r, 3) for r in rates], round(schedule.rate, 3)  # the last rate stays
    ([0.1, 0.05], 0.05)
    """

    _state = ("rate", "decay")

    def __init__(self, eta):
        super().__init__(eta)
        #: ``[epochs of the decay, epochs of it done]`` once a plateau started it, else None.
        self.decay = None

    def epoch_ends(self, time_step, progress=None):
        if self.decay is not None:
            if progress is None:  # partial_fit after such a fit: the rate stays
                return
            self.decay[1] += 1
            length, done = self.decay
            if done < length:  # after the last epoch the rate stays, as in a planned fit
                self.rate = self.eta * (length - done) / length
        elif progress is not None and progress < 1:
            self.rate = self.eta * min(1.0, 2.0 * (1.0 - progress))

    def on_plateau(self, epochs=None):
        if epochs is not None and self.decay is None and self.rate == self.eta:
            self.decay = [int(epochs), 0]
            return Plateau(False, f"Annealing the learning rate to 0 over {epochs} epochs.")
        return _STOP

    @property
    def finished(self):
        return self.decay is not None and self.decay[1] >= self.decay[0]


class LinearDecay(Schedule):
    """``eta * (1 - k / n_epochs)`` in epoch ``k``: from ``eta`` down to ``eta / n_epochs``.

    The rate of the debiasing epochs; a plateau ends training.

    Parameters
    ----------
    eta : float
        Rate of the first epoch.
    n_epochs : int
        Number of epochs of the decrease; the schedule is :attr:`finished` after them.

    Examples
    --------
    >>> from skl1net._optim._schedules import LinearDecay
    >>> schedule = LinearDecay(0.04, n_epochs=4)
    >>> rates = []
    >>> while not schedule.finished:
    ...     rates.append(schedule.rate)
    ...     schedule.epoch_ends(time_step=0)
    >>> [round(r, 3) for r in rates]
    [0.04, 0.03, 0.02, 0.01]
    """

    _state = ("rate", "epoch")

    def __init__(self, eta, n_epochs):
        super().__init__(eta)
        self.n_epochs = n_epochs
        self.epoch = 0

    def epoch_ends(self, time_step, progress=None):
        self.epoch += 1
        if self.epoch < self.n_epochs:
            self.rate = self.eta * (1 - self.epoch / self.n_epochs)

    @property
    def finished(self):
        return self.epoch >= self.n_epochs


#: The schedules of ``learning_rate=`` by name.
SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "anneal": Anneal,
}


def make_schedule(name, eta, power_t=0.5):
    """The schedule ``learning_rate=name`` starting at ``eta``.

    Examples
    --------
    >>> from skl1net._optim._schedules import make_schedule
    >>> make_schedule("anneal", 0.1)
    Anneal(eta=0.1)
    """
    if name == "invscaling":
        return InvScaling(eta, power_t)
    return SCHEDULES[name](eta)
