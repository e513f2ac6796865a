"""Mini-batch SGD with momentum, learning-rate schedules and a penalty.

The optimizer owns the learning-rate schedule and the velocities; the
penalty (:mod:`skl1net._penalties`) owns the regularization rule. One step on
a weight matrix ``W`` with loss gradient ``G`` (the sample-weighted mean over
the mini-batch) and current learning rate ``eta_t`` is::

    penalty.add_gradient(W, G)          # G += lmbda * dR(W)   ('l1', 'l2')
    W -= eta_t * G                      # or the momentum step below
    penalty.prox_layer(W, eta_t, l)     # soft-threshold       ('l1_prox')

With momentum ``mu`` the velocity carries the (penalized) gradient,
``V <- mu * V - eta_t * G`` and ``W <- W + V`` (Nesterov:
``W <- W + mu * V - eta_t * G``); the soft-threshold is applied to the weights
after that step. Biases take the same step without any penalty.

Momentum makes a constant gradient move the weights ``1 / (1 - mu)`` times
farther per step than plain SGD does. A gradient penalty ('l1', 'l2') rides in
the velocity and is amplified alike, but the proximal step is outside it, so
its threshold is ``eta_t * lmbda / (1 - mu)``: then a weight that the
soft-threshold holds still satisfies ``|g| = lmbda`` (or ``g = -lmbda *
sign(W)``), the optimality condition of the same objective ``mean loss + lmbda
* sum |W|`` that the other penalties target, whatever the momentum. With
``mu = 0`` it is exactly the rule ``W <- sign(V) * max(|V| - eta_t * lmbda, 0)``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


class SGD:
    """Stochastic gradient descent on a network's weights and biases.

    The optimizer keeps only its own state (learning rate and velocities);
    the parameters are passed to :meth:`step` and updated in place.

    Parameters
    ----------
    penalty : skl1net._penalties.Penalty
        Regularization of the weight matrices (never of the biases).
    eta : float
        Initial learning rate.
    learning_rate : {'constant', 'invscaling', 'adaptive', 'anneal'}, default='constant'
        Schedule. As in scikit-learn's ``MLPClassifier``: 'invscaling' sets
        ``eta_t = eta / (t + 1) ** power_t`` after each epoch, with ``t`` the
        samples seen; 'adaptive' divides ``eta_t`` by 5 each time training
        stops improving. 'anneal' keeps ``eta`` for the first half of the
        epochs of a ``fit`` and then decreases it linearly toward 0: epoch
        ``k`` of ``n`` (counting from 0) runs at ``eta * min(1, 2 * (n - k) /
        n)``, the last one at ``2 * eta / n`` (see :meth:`iteration_ends`).
    power_t : float, default=0.5
        Exponent of 'invscaling'.
    momentum : float, default=0.0
        Momentum ``mu`` in ``[0, 1)``; 0 is plain SGD.
    nesterov : bool, default=False
        Whether to use Nesterov's momentum.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net._penalties import L1Prox
    >>> from skl1net._sgd import SGD
    >>> W, b = np.array([[0.3, -0.02]]), np.zeros(2)
    >>> opt = SGD(L1Prox(0.5), eta=0.1)
    >>> opt.step([W], [b], [np.array([[1.0, 0.0]])], [np.ones(2)])
    >>> W, b
    (array([[0.15, 0.  ]]), array([-0.1, -0.1]))
    """

    def __init__(
        self,
        penalty,
        eta,
        learning_rate="constant",
        power_t=0.5,
        momentum=0.0,
        nesterov=False,
    ):
        self.penalty = penalty
        self.eta = eta
        self.eta_t = eta
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.momentum = momentum
        self.nesterov = nesterov
        self.coef_velocities = None
        self.intercept_velocities = None
        self._scratch = []

    def __getstate__(self):
        # The scratch arrays are a cache: keep them out of pickles and copies.
        state = self.__dict__.copy()
        state["_scratch"] = []
        return state

    def step(self, coefs, intercepts, coef_grads, intercept_grads):
        """Take one step in place; the gradients are consumed (overwritten)."""
        if self.momentum and self.coef_velocities is None:
            self.coef_velocities = [np.zeros_like(W) for W in coefs]
            self.intercept_velocities = [np.zeros_like(b) for b in intercepts]
        penalty = self.penalty
        prox_step = self.eta_t / (1.0 - self.momentum)
        for i, (W, G) in enumerate(zip(coefs, coef_grads)):
            work = self._work(i, W)
            penalty.add_gradient(W, G, work)
            self._move(W, G, self.coef_velocities, i)
            penalty.prox_layer(W, prox_step, i, work)
        for i, (b, g) in enumerate(zip(intercepts, intercept_grads)):
            self._move(b, g, self.intercept_velocities, i)

    def _work(self, i, W):
        """Scratch array like ``W`` for the penalty, allocated once per layer."""
        scratch = self._scratch
        if i == len(scratch):
            scratch.append(np.empty_like(W))
        elif scratch[i].shape != W.shape or scratch[i].dtype != W.dtype:
            scratch[i] = np.empty_like(W)
        return scratch[i]

    def _move(self, P, G, velocities, i):
        """``P += -eta_t * G``, through the velocity when there is momentum."""
        G *= self.eta_t
        if velocities is None:
            P -= G
            return
        V = velocities[i]
        V *= self.momentum
        V -= G
        if self.nesterov:  # P += mu * V - eta_t * G
            P -= G
            np.multiply(V, self.momentum, out=G)
            P += G
        else:
            P += V

    def reconfigure(self, penalty, eta, learning_rate, power_t, momentum, nesterov):
        """Take hyperparameters changed between ``partial_fit`` calls, keeping the state.

        The velocities are kept; the current learning rate restarts at ``eta``
        only when ``eta`` or the schedule changed.
        """
        if eta != self.eta or learning_rate != self.learning_rate:
            self.eta_t = eta
        self.penalty = penalty
        self.eta = eta
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.momentum = momentum
        self.nesterov = nesterov

    def iteration_ends(self, time_step, progress=None):
        """Update the learning rate at the end of an epoch.

        ``time_step`` is the number of samples seen; ``progress`` the fraction
        of the planned epochs of this ``fit`` done, or None when there is no
        plan (``partial_fit``). 'anneal' needs the plan: without one, and
        after the last planned epoch, it leaves ``eta_t`` unchanged.

        Examples
        --------
        >>> from skl1net._penalties import L2
        >>> from skl1net._sgd import SGD
        >>> opt = SGD(L2(0.0), eta=0.1, learning_rate="anneal")
        >>> rates = []
        >>> for k in range(4):  # a fit of 4 epochs
        ...     rates.append(opt.eta_t)
        ...     opt.iteration_ends(time_step=100 * (k + 1), progress=(k + 1) / 4)
        >>> [round(r, 3) for r in rates]
        [0.1, 0.1, 0.1, 0.05]
        """
        if self.learning_rate == "invscaling":
            self.eta_t = self.eta / (time_step + 1) ** self.power_t
        elif self.learning_rate == "anneal" and progress is not None and progress < 1:
            self.eta_t = self.eta * min(1.0, 2.0 * (1.0 - progress))

    def trigger_stopping(self, msg, verbose):
        """Decide whether to stop when training no longer improves.

        With the 'adaptive' schedule the learning rate is divided by 5 and
        training goes on until it falls below 1e-6.
        """
        if self.learning_rate != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.eta_t <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.eta_t /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.eta_t:f}")
        return False
