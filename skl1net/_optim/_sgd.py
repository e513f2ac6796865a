"""Mini-batch SGD with momentum, learning-rate schedules and a penalty.

The optimizer owns the learning-rate schedule and the velocities; the
penalty (:mod:`skl1net.penalties`) owns the regularization rule. One step on
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

How a step is computed. The loss gradient reaches :meth:`SGD.step_layer` as
an object that adds ``alpha * G`` into a given array (see
:mod:`skl1net._compute._blas`): from a mini-batch, that is one GEMM writing straight
into the weights, so ``G`` is never formed. Without momentum, the penalty
first moves the weights by ``-eta_t * lmbda * dR(W)`` (a decay factor for
'l2', the sign for 'l1'), then the GEMM adds ``-eta_t * G``. With classical
momentum, ``V *= mu``, the penalty adds ``-eta_t * lmbda * dR(W)`` to ``V``,
the GEMM adds ``-eta_t * G``, and one pass sets ``W <- prox(W + V)``
(``Penalty.axpy_prox_layer``: 'l1_prox' soft-thresholds each sum as it forms
it). Nesterov's step is computed as ``(W - mu * V) + (1 + mu) * V_new``, which
equals ``W + mu * V_new - eta_t * (G + lmbda * dR(W))``: before the GEMM, one
pass does ``V *= mu`` and ``W -= V``; the GEMM adds ``-eta_t * G`` to ``V``;
one pass sets ``W <- prox(W + (1 + mu) * V)``. A penalty with a gradient term
('l1', 'l2'), ``t = -eta_t * lmbda * dR(W)``, enters the first pass
(``Penalty.momentum_lookahead``): ``V <- mu * V + t`` and ``W <- W + t - V``,
so that its derivative is taken at ``W`` before the step. In every case the derivative of the penalty is taken at the weights before the
step, and the results equal the formulas above up to float rounding.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._compute._blas import ArrayGradient
from ..penalties import Penalty

#: The penalty of the biases: none.
_UNPENALIZED = Penalty(0.0)


class SGD:
    """Stochastic gradient descent on a network's weights and biases.

    The optimizer keeps only its own state (learning rate and velocities);
    the parameters are passed to :meth:`step` and updated in place.

    Parameters
    ----------
    penalty : skl1net.penalties.Penalty
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
        If training stops improving before the half, after ``p`` epochs, the
        decrease starts there, over ``p`` more epochs, as if the fit had
        been planned for ``2 p`` epochs (see :meth:`trigger_stopping`): a
        fit no longer ends at the full rate, whose last iterates are noisy.
    power_t : float, default=0.5
        Exponent of 'invscaling'.
    momentum : float, default=0.0
        Momentum ``mu`` in ``[0, 1)``; 0 is plain SGD.
    nesterov : bool, default=False
        Whether to use Nesterov's momentum.

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> from skl1net._optim._sgd import SGD
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
        self._scratch = {}
        # 'anneal' on a plateau: [epochs of the decay, epochs of it done]
        self._decay = None

    def __getstate__(self):
        # The scratch arrays are a cache: keep them out of pickles and copies.
        state = self.__dict__.copy()
        state["_scratch"] = {}
        return state

    def __setstate__(self, state):
        # (optimizers pickled before the cache became a dict held a list,
        # and before 'anneal' could start its decay on a plateau)
        self.__dict__.update({"_decay": None, **state}, _scratch={})

    def step(self, coefs, intercepts, coef_grads, intercept_grads):
        """Take one step in place with the gradients held in arrays (left unchanged)."""
        for i, (W, G) in enumerate(zip(coefs, coef_grads)):
            self._update(W, ArrayGradient(G, None).add_to_weights, self.penalty, "W", i)
        for i, (b, g) in enumerate(zip(intercepts, intercept_grads)):
            self._update(b, ArrayGradient(None, g).add_to_bias, _UNPENALIZED, "b", i)

    def step_layer(self, i, W, b, grad):
        """Step layer ``i``'s weights ``W`` and biases ``b`` in place.

        ``grad`` (:class:`~skl1net._compute._blas.ProductGradient` or
        :class:`~skl1net._compute._blas.ArrayGradient`) adds the loss gradient into
        whichever array the step needs it in, without a copy.
        """
        self._update(W, grad.add_to_weights, self.penalty, "W", i)
        self._update(b, grad.add_to_bias, _UNPENALIZED, "b", i)

    def _update(self, P, add_gradient, penalty, kind, i):
        """One step of the parameter ``P`` (``kind`` 'W' or 'b' of layer ``i``).

        ``add_gradient(C, alpha, beta)`` does ``C <- beta * C + alpha * g``
        for the loss gradient ``g``. The penalty's derivative is taken at ``P``
        before the step, as in the module's rule.
        """
        eta, mu = self.eta_t, self.momentum
        if penalty is _UNPENALIZED:
            if not mu:  # the biases of plain SGD: P <- P - eta * g
                add_gradient(P, -eta, 1.0)
                return
            work = None
        else:
            work = self._buffer((kind, i), P)
        if not mu:  # P <- P - eta * (lmbda * dR(P) + g)
            penalty.add_gradient(P, P, work, scale=-eta)
            add_gradient(P, -eta, 1.0)
            penalty.prox_layer(P, eta, i, work)
            return
        V = self._velocity(kind, i, P)
        if not self.nesterov:  # V_new = mu * V - eta * (g + lmbda * dR(P)); P + V_new
            V *= mu  # (not the GEMM's beta: OpenBLAS scales C in a slower pass of its own)
            penalty.add_gradient(P, V, work, scale=-eta)
            add_gradient(V, -eta, 1.0)
            penalty.axpy_prox_layer(P, 1.0, V, eta / (1.0 - mu), i, work)
            return
        # P + mu * V_new - eta * (g + lmbda * dR(P)) = (P + t - U) + (1 + mu) * V_new
        # with t = -eta * lmbda * dR(P) and U = mu * V + t, V_new = U - eta * g
        penalty.momentum_lookahead(P, V, mu, -eta, work)  # V <- U, P <- P + t - U
        add_gradient(V, -eta, 1.0)
        penalty.axpy_prox_layer(P, 1.0 + mu, V, eta / (1.0 - mu), i, work)

    def _velocity(self, kind, i, like):
        """Velocity of parameter ``kind`` ('W' or 'b') of layer ``i``, zero at first."""
        name = "coef_velocities" if kind == "W" else "intercept_velocities"
        velocities = getattr(self, name)
        if velocities is None:
            velocities = []
            setattr(self, name, velocities)
        if i >= len(velocities):  # layers may come in any order
            velocities.extend([None] * (i + 1 - len(velocities)))
        if velocities[i] is None:
            velocities[i] = np.zeros_like(like)
        return velocities[i]

    def _buffer(self, key, like):
        """Scratch array like ``like``, allocated once per ``key``."""
        buffer = self._scratch.get(key)
        if buffer is None or buffer.shape != like.shape or buffer.dtype != like.dtype:
            buffer = self._scratch[key] = np.empty_like(like)
        return buffer

    def follow_layouts(self, coefs):
        """Store each weight velocity in the memory order of its weights.

        The compiled kernels need the two alike. The order of the weights
        changes when a model fitted on dense data trains on sparse data (see
        :func:`skl1net._network._mlp.weight_layout`), or the reverse.
        """
        if self.coef_velocities:
            self.coef_velocities = [
                V if V is None or V.flags.f_contiguous == W.flags.f_contiguous
                else np.array(V, order="F" if W.flags.f_contiguous else "C")
                for V, W in zip(self.coef_velocities, coefs)
            ]
        self._scratch = {}

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
        >>> from skl1net.penalties import L2
        >>> from skl1net._optim._sgd import SGD
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
        elif self.learning_rate == "anneal" and self._decay is not None:
            if progress is None:  # partial_fit after such a fit: the rate stays
                return
            self._decay[1] += 1
            length, done = self._decay
            if done < length:  # after the last epoch the rate stays, as in a planned fit
                self.eta_t = self.eta * (length - done) / length
        elif self.learning_rate == "anneal" and progress is not None and progress < 1:
            self.eta_t = self.eta * min(1.0, 2.0 * (1.0 - progress))

    @property
    def annealed(self):
        """Whether a decay that 'anneal' started on a plateau has run all its epochs: the fit is done."""
        return self._decay is not None and self._decay[1] >= self._decay[0]

    def trigger_stopping(self, msg, verbose, epochs=None):
        """Decide whether to stop when training no longer improves.

        With the 'adaptive' schedule the learning rate is divided by 5 and
        training goes on until it falls below 1e-6. With 'anneal', in a
        ``fit`` (``epochs``: the epochs it has run) still at the full rate,
        the linear decrease starts, over ``epochs`` more epochs (the last at
        ``eta / epochs``), and training goes on until :attr:`annealed`; once the rate decreases, a
        plateau ends training as with the other schedules (running on would
        shrink the rate faster than a full-batch fit's momentum follows, and
        the soft-threshold would no longer hold its zeros).

        Examples
        --------
        >>> from skl1net.penalties import L2
        >>> from skl1net._optim._sgd import SGD
        >>> opt = SGD(L2(0.0), eta=0.1, learning_rate="anneal")
        >>> opt.trigger_stopping("no progress.", verbose=False, epochs=2)
        False
        >>> rates = []
        >>> while not opt.annealed:
        ...     rates.append(opt.eta_t)
        ...     opt.iteration_ends(time_step=0, progress=0.1)
        >>> [round(r, 3) for r in rates], round(opt.eta_t, 3)  # the last rate stays
        ([0.1, 0.05], 0.05)
        """
        if (self.learning_rate == "anneal" and epochs is not None and self._decay is None
                and self.eta_t == self.eta):
            self._decay = [int(epochs), 0]
            if verbose:
                print(msg + f" Annealing the learning rate to 0 over {epochs} epochs.")
            return False
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
