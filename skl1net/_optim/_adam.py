"""Adam (Kingma and Ba, 2015) with a penalty: gradient terms in the moments, prox in Adam's metric.

The step of a parameter ``P`` (weights or biases) with loss gradient ``G``
(the sample-weighted mean over the mini-batch), learning rate ``eta_t`` and
``t`` the number of steps taken (one per mini-batch, the same for every
layer)::

    g <- G + lmbda * dR(P)                        (gradient penalties only)
    m <- beta_1 * m + (1 - beta_1) * g
    v <- beta_2 * v + (1 - beta_2) * g ** 2
    D  = sqrt(v / (1 - beta_2 ** t)) + epsilon
    P <- P - eta_t * (m / (1 - beta_1 ** t)) / D
    P <- prox(P) in the metric diag(D) / eta_t    (proximal penalties only)

Why each penalty enters where it does:

- 'l2' and 'l1' have a gradient term, which joins ``g`` before the moments
  (coupled, as the loss gradient). Adam then minimises the same objective
  ``mean loss + lmbda * R(W)`` as SGD: at a fixed point ``m_hat = g = 0``.
  Decoupled weight decay (AdamW) would minimise another objective, in which
  ``lmbda`` would lose its meaning, so it is not done.
- 'l1_prox' (ProxGen, Yun, Lozano and Yang, NeurIPS 2021). Adam's step is the
  minimiser of the linear model of the loss plus the quadratic
  ``sum D * (W - P) ** 2 / (2 * eta_t)``; adding ``lmbda * sum |W|`` to that
  model separates by coordinate, and its minimiser is the soft-threshold of
  Adam's step by ``eta_t * lmbda / D``:
  ``W <- sign(W) * max(|W| - eta_t * lmbda / D, 0)``. Every step gives exact
  zeros, a weight never crosses zero, and nothing else shrinks the weights.
  Its fixed point: a weight at zero stays there if and only if
  ``|m_hat| <= lmbda``, because the Adam step moves it to
  ``-eta_t * m_hat / D`` and the threshold is ``eta_t * lmbda / D``. For a
  constant gradient ``m_hat = g`` exactly (the bias correction makes ``m`` an
  average of the gradients, with weights summing to 1), so this is the
  optimality condition ``|g| <= lmbda`` of the objective. SGD's momentum
  needs its threshold divided by ``1 - mu`` because its velocity is a *sum*
  of past gradients, ``1 / (1 - mu)`` times a constant one; Adam's ``m_hat`` is
  not amplified and the threshold needs no factor. (ProxSGD's blend
  ``P + e_t * (prox(...) - P)`` never reaches an exact zero: not used.)
- 'group_l1_prox': the rows of the first weight matrix (the input features)
  are groups, and a group's prox does not separate by coordinate in
  ``diag(D)``. The row's scalar metric ``d_j = max_k D_jk`` majorizes it, so
  the group soft-threshold of row ``j`` by ``eta_t * lmbda * sqrt(h) / d_j``
  on its norm still decreases the model; the deeper layers take the
  element-wise rule of 'l1_prox'.
- Any other penalty: its ``gradient`` joins ``g``, and its ``prox(W, step,
  layer)`` receives ``step = eta_t / D``, an array shaped like ``W``.

Biases take the plain step (:attr:`Adam.mask`). A constraint, if any,
projects the weights after the prox (the debiasing phase's
:class:`~skl1net._optim._constraints.FixedSupport`).

How a step is computed: the loss gradient is written into a scratch array
by one GEMM, then one kernel (:func:`skl1net._compute._kernels.adam_step`)
does the rest in one pass over memory, with the gradient term of 'l2' or
'l1' or the threshold of 'l1_prox' fused in (:data:`FUSED`). The kernel
flushes moments below the dtype's smallest normal number to exactly 0: the
moments of a weight whose gradient stays zero (a dead unit, a pruned input)
decay geometrically into subnormal floats, on which x86 arithmetic is many
times slower.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._compute import _kernels
from ..penalties import L1, L2, GroupL1Prox, L1Prox
from ._fused import has_prox
from ._optimizer import Optimizer, check_penalty

#: The initial learning rate that ``eta='auto'`` stands for under Adam
#: (scikit-learn's ``learning_rate_init``): Adam's steps are scale-free.
AUTO_ETA = 1e-3


# -- the rules of one parameter: (penalty, P, G, M, V, work, layer, coefficients) --
def _plain(penalty, P, G, M, V, work, layer, c):
    _kernels.adam_step(P, G, M, V, *c, work=work)


def _generic(penalty, P, G, M, V, work, layer, c):
    """The penalty's ``gradient`` into ``g``, its ``prox`` with the steps ``eta_t / D``."""
    if penalty.gradient is not None:
        G += penalty.gradient(P, layer, work)
    prox = has_prox(penalty)
    _kernels.adam_step(P, G, M, V, *c, store_step=prox, work=work)
    if prox:
        penalty.prox(P, G, layer)


def _l2(penalty, P, G, M, V, work, layer, c):
    _kernels.adam_step(P, G, M, V, *c, decay=penalty.lmbda, work=work)


def _l1(penalty, P, G, M, V, work, layer, c):
    _kernels.adam_step(P, G, M, V, *c, sign_step=penalty.lmbda, work=work)


def _l1_prox(penalty, P, G, M, V, work, layer, c):
    _kernels.adam_step(P, G, M, V, *c, threshold=penalty.lmbda, work=work)


def _group_l1_prox(penalty, P, G, M, V, work, layer, c):
    # layer 0: the group prox needs the whole step first (GroupL1Prox.prox
    # takes each row's smallest step, the metric of max_k D_jk)
    (_l1_prox if layer else _generic)(penalty, P, G, M, V, work, layer, c)


#: The fused rules, by exact penalty type; any other penalty takes the generic rule.
FUSED = {L2: _l2, L1: _l1, L1Prox: _l1_prox, GroupL1Prox: _group_l1_prox}


def rule(penalty, fused=True):
    """The function that steps a parameter under ``penalty`` (None: unpenalized)."""
    if penalty is None:
        return _plain
    return FUSED.get(type(penalty), _generic) if fused else _generic


class Adam(Optimizer):
    """Adam on a network's weights and biases, with a penalty on the weights.

    Build it from its hyperparameters, then call :meth:`init` with the
    parameters it will update: it allocates the moments and its scratch
    buffers there, once. The parameters are passed to :meth:`step_layer`
    (or :meth:`step`) and updated in place. See the module's documentation
    for the rule of each penalty.

    Parameters
    ----------
    penalty : skl1net.penalties.Penalty or None
        Regularization of the weight matrices (never of the biases); None for none.
    schedule : skl1net._optim._schedules.Schedule
        Learning-rate schedule: ``eta_t`` of the step.
    beta_1 : float, default=0.9
        Decay rate of the first moment, in ``[0, 1)``.
    beta_2 : float, default=0.999
        Decay rate of the second moment, in ``[0, 1)``.
    epsilon : float, default=1e-8
        Added to ``sqrt(v_hat)``, for numerical stability.
    constraint : object with a ``project(W, layer)`` method, default=None
        Applied to the weight matrices after each step, such as
        :class:`~skl1net._optim._constraints.FixedSupport`.
    fused : bool, default=True
        Whether to use the fused rules of :data:`FUSED` for the built-in
        penalties (the generic rule gives the same steps up to float rounding).

    Attributes
    ----------
    coef_moments, intercept_moments : list of (ndarray, ndarray)
        The first and second moments ``(m, v)`` of each layer, after :meth:`init`.
    t : int
        The number of steps taken (mini-batches).

    Examples
    --------
    >>> import numpy as np
    >>> from skl1net.penalties import L1Prox
    >>> from skl1net._optim._schedules import Constant
    >>> from skl1net._optim._adam import Adam
    >>> W, b = np.array([[0.3, 0.01]]), np.zeros(2)
    >>> opt = Adam(L1Prox(0.5), Constant(0.1), epsilon=0.0).init([W], [b])
    >>> opt.step([W], [b], [np.array([[1.0, 0.2]])], [np.ones(2)])
    >>> W, b
    (array([[0.15, 0.  ]]), array([-0.1, -0.1]))
    """

    def __init__(self, penalty, schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 constraint=None, fused=True):
        super().__init__(penalty, schedule, constraint)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.fused = fused
        self.coef_moments = None
        self.intercept_moments = None
        self._steps = None
        self._work = None
        self._configure()

    def _configure(self):
        self._rules = tuple(rule(self.penalty if penalized else None, self.fused)
                            for penalized in self.mask)

    @property
    def t(self):
        """The number of steps taken: one per mini-batch."""
        return max((n for counts in self._steps or () for n in counts), default=0)

    def init(self, coefs, intercepts):
        """Allocate fresh state for ``coefs`` and ``intercepts``: zero moments, ``t = 0``; return self."""
        self.coef_moments = [(np.zeros_like(W), np.zeros_like(W)) for W in coefs]
        self.intercept_moments = [(np.zeros_like(b), np.zeros_like(b)) for b in intercepts]
        self._steps = [[0] * len(coefs), [0] * len(intercepts)]
        self._allocate_work(coefs, intercepts)
        return self

    def resume(self, coefs, intercepts):
        """Keep the moments and ``t``, re-laid in the memory order of their weights; new scratch.

        The kernel needs the moments in the order of their weights, which
        changes when a model fitted on dense data trains on sparse data (see
        :func:`skl1net._network._mlp.weight_layout`), or the reverse.
        """
        if self.coef_moments is None:
            return self.init(coefs, intercepts)
        self.coef_moments = [
            tuple(A if A.flags.f_contiguous == W.flags.f_contiguous
                  else np.array(A, order="F" if W.flags.f_contiguous else "C") for A in pair)
            for pair, W in zip(self.coef_moments, coefs)
        ]
        self._allocate_work(coefs, intercepts)
        return self

    def slots(self, kind, i):
        """``[first moment, second moment]`` of parameter ``(kind, i)``."""
        return list((self.coef_moments, self.intercept_moments)[kind][i])

    def load_slots(self, kind, i, arrays):
        """Make ``arrays`` (the two moments) the state of parameter ``(kind, i)``."""
        (self.coef_moments, self.intercept_moments)[kind][i] = tuple(arrays)

    def _allocate_work(self, coefs, intercepts):
        # the gradient (then the steps eta_t / D) and a scratch array, per parameter
        self._work = [[(np.empty_like(P), np.empty_like(P)) for P in params]
                      for params in (coefs, intercepts)]

    def __getstate__(self):
        # scratch buffers and rules are rebuilt: keep them out of pickles and copies
        state = self.__dict__.copy()
        state["_work"] = None
        del state["_rules"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._configure()

    def reconfigure(self, penalty, schedule, beta_1, beta_2, epsilon):
        """Take hyperparameters changed between ``partial_fit`` calls, keeping the moments and ``t``.

        Call :meth:`resume` next. ``schedule`` continues from the current
        one when it is the same schedule with the same ``eta`` (see
        :meth:`~skl1net._optim._schedules.Schedule.continue_from`).
        """
        check_penalty(penalty)
        schedule.continue_from(self.schedule)
        self.penalty = penalty
        self.schedule = schedule
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._configure()

    # -- the step ------------------------------------------------------------------
    def _step(self, kind, i, P, add_gradient):
        """One Adam step of parameter ``P`` of layer ``i``: ``kind`` 0 for its weights, 1 for its biases."""
        if self._work is None:
            raise RuntimeError("Adam has no state: call init(coefs, intercepts) first.")
        G, work = self._work[kind][i]
        M, V = (self.coef_moments, self.intercept_moments)[kind][i]
        steps = self._steps[kind]
        t = steps[i] + 1
        add_gradient(G, 1.0, 0.0)
        b1, b2 = self.beta_1, self.beta_2
        coefficients = (b1, b2, 1.0 / (1.0 - b1 ** t), 1.0 / (1.0 - b2 ** t),
                        self.schedule.rate, self.epsilon)
        self._rules[kind](self.penalty, P, G, M, V, work, i, coefficients)
        steps[i] = t
        if self.constraint is not None and self.mask[kind]:
            self.constraint.project(P, i)
