"""Mini-batch SGD with momentum, a learning-rate schedule, a penalty and a constraint.

One step on a weight matrix ``W`` with loss gradient ``G`` (the
sample-weighted mean over the mini-batch) and current learning rate
``eta_t`` is, for a penalty with a gradient term ``lmbda * dR(W)`` ('l1',
'l2') or a proximal operator ('l1_prox', 'group_l1_prox')::

    W <- prox(W - eta_t * (G + lmbda * dR(W)), eta_t)

With momentum ``mu`` the velocity carries the (penalized) gradient,
``V <- mu * V - eta_t * (G + lmbda * dR(W))`` and ``W <- prox(W + V)``
(Nesterov: ``W <- prox(W + mu * V - eta_t * (G + lmbda * dR(W)))``). Biases
take the same step without any penalty (:attr:`SGD.mask`). A constraint, if
any, projects the weights after the prox.

Momentum makes a constant gradient move the weights ``1 / (1 - mu)`` times
farther per step than plain SGD does. A gradient penalty rides in the
velocity and is amplified alike, but the proximal step is outside it, so its
threshold is ``eta_t * lmbda / (1 - mu)``: then a weight that the
soft-threshold holds still satisfies ``|g| = lmbda``, the optimality
condition of the same objective ``mean loss + lmbda * sum |W|`` that the
other penalties target, whatever the momentum.

How a step is computed. The loss gradient is added by one GEMM straight
into the weights (plain SGD) or the velocity, so ``G`` is never formed (see
:mod:`skl1net._compute._blas`). Before it, the penalty's term
``t = -eta_t * lmbda * dR(W)`` at the weights before the step goes into the
weights (plain SGD) or, after ``V *= mu``, into the velocity. Nesterov's step
is computed as ``(W - mu * V) + (1 + mu) * V_new``: before the GEMM,
``V <- mu * V + t`` and ``W <- W + t - V``; the GEMM adds ``-eta_t * G`` to
``V``. After it, ``W <- prox(W + V)`` (classical) or
``W <- prox(W + (1 + mu) * V)`` (Nesterov). The stages before and after the
GEMM come from :mod:`skl1net._optim._fused`: generic from the penalty's
``gradient`` and ``prox``, or one fused kernel per stage for the built-in
penalties.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from . import _fused
from ._optimizer import Optimizer, check_penalty


class SGD(Optimizer):
    """Stochastic gradient descent on a network's weights and biases.

    Build it from its hyperparameters, then call :meth:`init` with the
    parameters it will update: it allocates the velocities (with momentum)
    and its scratch buffers there, once. The parameters are passed to
    :meth:`step_layer` (or :meth:`step`) and updated in place.

    Parameters
    ----------
    penalty : skl1net.penalties.Penalty or None
        Regularization of the weight matrices (never of the biases); None for none.
    schedule : skl1net._optim._schedules.Schedule
        Learning-rate schedule.
    momentum : float, default=0.0
        Momentum ``mu`` in ``[0, 1)``; 0 is plain SGD.
    nesterov : bool, default=False
        Whether to use Nesterov's momentum.
    constraint : object with a ``project(W, layer)`` method, default=None
        Applied to the weight matrices after each step, such as
        :class:`~skl1net._optim._constraints.FixedSupport`.
    fused : bool, default=True
        Whether to use the fused kernels of
        :data:`skl1net._optim._fused.FUSED` for the built-in penalties
        (the generic stages give the same steps up to float rounding).

    Attributes
    ----------
    coef_velocities, intercept_velocities : list of ndarray or None
        The velocities, one per layer, after :meth:`init` (None entries
        without momentum).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> from skl1net._optim._schedules import Constant
    >>> from skl1net._optim._sgd import SGD
    >>> W, b = np.array([[0.3, -0.02]]), np.zeros(2)
    >>> opt = SGD(L1Prox(0.5), Constant(0.1)).init([W], [b])
    >>> opt.step([W], [b], [np.array([[1.0, 0.0]])], [np.ones(2)])
    >>> W, b
    (array([[0.15, 0.  ]]), array([-0.1, -0.1]))
    """

    def __init__(self, penalty, schedule, momentum=0.0, nesterov=False, constraint=None,
                 fused=True):
        super().__init__(penalty, schedule, constraint)
        self.momentum = momentum
        self.nesterov = nesterov
        self.fused = fused
        self.coef_velocities = None
        self.intercept_velocities = None
        self._work = None
        self._configure()

    def _configure(self):
        """Choose the update rule and the stages of the weights and of the biases."""
        self._rule = "sgd" if not self.momentum else "nesterov" if self.nesterov else "momentum"
        self._stages = tuple(
            _fused.stages(self.penalty if penalized else None, self._rule, self.fused)
            for penalized in self.mask
        )

    def init(self, coefs, intercepts):
        """Allocate fresh state for ``coefs`` and ``intercepts``: zero velocities, scratch; return self."""
        self.coef_velocities = [self._zeros(W) for W in coefs]
        self.intercept_velocities = [self._zeros(b) for b in intercepts]
        self._allocate_work(coefs, intercepts)
        return self

    def resume(self, coefs, intercepts):
        """Keep the velocities, re-laid in the memory order of their weights; new scratch.

        The compiled kernels need a velocity in the order of its weights,
        which changes when a model fitted on dense data trains on sparse data
        (see :func:`skl1net._network._mlp.weight_layout`), or the reverse.
        Velocities missing because momentum was off are allocated, zero.
        """
        if self.coef_velocities is None:
            return self.init(coefs, intercepts)
        self.coef_velocities = [
            self._zeros(W) if V is None
            else V if V.flags.f_contiguous == W.flags.f_contiguous
            else np.array(V, order="F" if W.flags.f_contiguous else "C")
            for V, W in zip(self.coef_velocities, coefs)
        ]
        self.intercept_velocities = [
            self._zeros(b) if v is None else v for v, b in zip(self.intercept_velocities, intercepts)
        ]
        self._allocate_work(coefs, intercepts)
        return self

    def slots(self, kind, i):
        """``[velocity]`` of parameter ``(kind, i)`` with momentum, else ``[]``."""
        if not self.momentum:
            return []
        return [(self.coef_velocities, self.intercept_velocities)[kind][i]]

    def load_slots(self, kind, i, arrays):
        """Make ``arrays`` (``[velocity]`` or ``[]``) the state of parameter ``(kind, i)``."""
        if self.momentum:
            (self.coef_velocities, self.intercept_velocities)[kind][i] = arrays[0]

    def _zeros(self, P):
        return np.zeros_like(P) if self.momentum else None

    def _allocate_work(self, coefs, intercepts):
        # scratch of the penalty's stages: only for the parameters it applies to
        self._work = [
            [np.empty_like(P) if penalized else None for P in params]
            for penalized, params in zip(self.mask, (coefs, intercepts))
        ]

    def __getstate__(self):
        # scratch buffers and stages are rebuilt: keep them out of pickles and copies
        state = self.__dict__.copy()
        state["_work"] = None
        del state["_stages"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._configure()

    def reconfigure(self, penalty, schedule, momentum, nesterov):
        """Take hyperparameters changed between ``partial_fit`` calls, keeping the state.

        The velocities are kept (call :meth:`resume` next); ``schedule``
        continues from the current one when it is the same schedule with the
        same ``eta`` (see :meth:`~skl1net._optim._schedules.Schedule.continue_from`).
        """
        check_penalty(penalty)
        schedule.continue_from(self.schedule)
        self.penalty = penalty
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self._configure()

    # -- the step ------------------------------------------------------------------
    def _step(self, kind, i, P, add_gradient):
        """One step of parameter ``P`` of layer ``i``: ``kind`` 0 for its weights, 1 for its biases.

        ``add_gradient(C, alpha, beta)`` does ``C <- beta * C + alpha * g``
        for the loss gradient ``g``.
        """
        work = self._work
        if work is None:
            raise RuntimeError("SGD has no state: call init(coefs, intercepts) first.")
        work = work[kind][i]
        eta = self.schedule.rate
        penalty = self.penalty
        before, after = self._stages[kind]
        if not self.momentum:  # P <- prox(P - eta * (g + lmbda * dR(P)))
            if before is not None:
                before(penalty, P, None, work, i, eta, 0.0)
            add_gradient(P, -eta, 1.0)
            if after is not None:
                after(penalty, P, None, 0.0, work, i, eta)
        else:
            mu = self.momentum
            V = (self.coef_velocities, self.intercept_velocities)[kind][i]
            if self.nesterov:  # V <- mu * V + t, P <- P + t - V (the look-ahead)
                before(penalty, P, V, work, i, eta, mu)
                alpha = 1.0 + mu
            else:
                V *= mu  # (not the GEMM's beta: OpenBLAS scales C in a slower pass)
                if before is not None:
                    before(penalty, P, V, work, i, eta, mu)
                alpha = 1.0
            add_gradient(V, -eta, 1.0)
            after(penalty, P, V, alpha, work, i, eta / (1.0 - mu))
        if self.constraint is not None and self.mask[kind]:
            self.constraint.project(P, i)
