"""The two stages around the gradient of an SGD step: generic, or fused kernels by penalty.

:class:`~skl1net._optim._sgd.SGD` adds the loss gradient into the weights
or the velocity in one BLAS call; what comes before and after it is a pair
of :class:`Stages`:

``before(penalty, P, V, work, layer, eta, mu)``
    The penalty's gradient term ``t = -eta * lmbda * dR(P)``, taken at the
    weights ``P`` before the step: into ``P`` (plain SGD) or into the
    velocity ``V`` (momentum, after ``V *= mu``); with Nesterov's momentum
    also the look-ahead ``V <- mu * V + t``, ``P <- P + t - V``.
``after(penalty, P, V, alpha, work, layer, step)``
    ``P <- P + alpha * V`` (momentum) and the proximal step of threshold
    ``step``.

:func:`stages` builds them from the penalty's mathematics
(:mod:`skl1net.penalties`: ``gradient`` and ``prox``) for any penalty, or
takes them from :data:`FUSED`, keyed by the exact penalty type and the update
rule, where kernels of :mod:`skl1net._compute._kernels` compute the same in
fewer passes over memory. ``work`` is a scratch array shaped like ``P``.
"""

# SPDX-License-Identifier: BSD-3-Clause

from typing import NamedTuple, Optional

from .._compute import _kernels
from ..penalties import L1, L2, GroupL1Prox, L1Prox, Penalty

#: The update rules: plain SGD, classical momentum, Nesterov's momentum.
RULES = ("sgd", "momentum", "nesterov")


class Stages(NamedTuple):
    """The functions before and after the gradient; None: nothing to do."""

    before: Optional[object] = None
    after: Optional[object] = None


# -- generic: the penalty's gradient and prox -------------------------------------
def _gradient_into_weights(penalty, P, V, work, layer, eta, mu):
    g = penalty.gradient(P, layer, work)
    _kernels.axpy(P, -eta, g, g)


def _gradient_into_velocity(penalty, P, V, work, layer, eta, mu):
    g = penalty.gradient(P, layer, work)
    _kernels.axpy(V, -eta, g, g)


def _gradient_lookahead(penalty, P, V, work, layer, eta, mu):
    t = penalty.gradient(P, layer, work)
    t *= -eta
    V *= mu
    V += t
    P += t
    P -= V


def _lookahead(penalty, P, V, work, layer, eta, mu):
    _kernels.momentum_lookahead(P, V, mu, work)


def _combine(P, V, alpha, work):
    """``P += alpha * V`` in place."""
    if alpha == 1.0:  # numpy's addition: as fast, with less overhead per call
        P += V
    else:
        _kernels.axpy(P, alpha, V, work)


def _prox(penalty, P, V, alpha, work, layer, step):
    penalty.prox(P, step, layer)


def _combine_only(penalty, P, V, alpha, work, layer, step):
    _combine(P, V, alpha, work)


def _combine_prox(penalty, P, V, alpha, work, layer, step):
    _combine(P, V, alpha, work)
    penalty.prox(P, step, layer)


# -- fused: one kernel per stage where the mathematics of the penalty allows ------
def _l2_decay_weights(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:  # one pass: P <- (1 - eta * lmbda) * P
        P *= 1.0 + -eta * penalty.lmbda


def _l2_decay_velocity(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:
        _kernels.axpy(V, -eta * penalty.lmbda, P, work)


def _l2_lookahead(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:
        _kernels.momentum_lookahead_decay(P, V, mu, -eta * penalty.lmbda, work)
    else:
        _kernels.momentum_lookahead(P, V, mu, work)


def _l1_sign_weights(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:  # one pass: the sign is read before P changes
        _kernels.add_scaled_sign(P, -eta * penalty.lmbda, P, work)


def _l1_sign_velocity(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:
        _kernels.add_scaled_sign(P, -eta * penalty.lmbda, V, work)


def _l1_lookahead(penalty, P, V, work, layer, eta, mu):
    if penalty.lmbda:
        _kernels.momentum_lookahead_sign(P, V, mu, -eta * penalty.lmbda, work)
    else:
        _kernels.momentum_lookahead(P, V, mu, work)


def _soft_threshold(penalty, P, V, alpha, work, layer, step):
    if penalty.lmbda:
        _kernels.soft_threshold_inplace(P, step * penalty.lmbda, work)


def _combine_soft_threshold(penalty, P, V, alpha, work, layer, step):
    # one pass: the soft-threshold of each sum as it is formed
    _kernels.axpy_soft_threshold(P, alpha, V, step * penalty.lmbda, work)


def _group_soft_threshold(penalty, P, V, alpha, work, layer, step):
    if layer == 0:  # the group prox of the rows
        penalty.prox(P, step, layer)
    else:
        _soft_threshold(penalty, P, V, alpha, work, layer, step)


def _combine_group_soft_threshold(penalty, P, V, alpha, work, layer, step):
    if layer == 0:  # the group prox needs the whole sum first
        _combine_prox(penalty, P, V, alpha, work, layer, step)
    else:
        _combine_soft_threshold(penalty, P, V, alpha, work, layer, step)


#: The fused stages, by ``(penalty type, update rule)``; a stage left None is generic.
FUSED = {
    (L2, "sgd"): Stages(before=_l2_decay_weights),
    (L2, "momentum"): Stages(before=_l2_decay_velocity),
    (L2, "nesterov"): Stages(before=_l2_lookahead),
    (L1, "sgd"): Stages(before=_l1_sign_weights),
    (L1, "momentum"): Stages(before=_l1_sign_velocity),
    (L1, "nesterov"): Stages(before=_l1_lookahead),
    (L1Prox, "sgd"): Stages(after=_soft_threshold),
    (L1Prox, "momentum"): Stages(after=_combine_soft_threshold),
    (L1Prox, "nesterov"): Stages(after=_combine_soft_threshold),
    (GroupL1Prox, "sgd"): Stages(after=_group_soft_threshold),
    (GroupL1Prox, "momentum"): Stages(after=_combine_group_soft_threshold),
    (GroupL1Prox, "nesterov"): Stages(after=_combine_group_soft_threshold),
}

_GENERIC_BEFORE = {
    "sgd": _gradient_into_weights,
    "momentum": _gradient_into_velocity,
    "nesterov": _gradient_lookahead,
}


def has_prox(penalty):
    """Whether ``penalty`` has a proximal step other than the identity of :class:`Penalty`."""
    prox = getattr(type(penalty), "prox", None)
    return prox is not None and prox is not Penalty.prox


def stages(penalty, rule, fused=True):
    """The :class:`Stages` of a step of ``rule`` for a parameter under ``penalty``.

    Parameters
    ----------
    penalty : Penalty or None
        None for an unpenalized parameter (the biases).
    rule : {'sgd', 'momentum', 'nesterov'}
    fused : bool, default=True
        Whether to take the stages of :data:`FUSED` when there are some; the
        generic ones compute the same step up to float rounding.

    Returns
    -------
    stages : Stages
    """
    table = FUSED.get((type(penalty), rule), Stages()) if fused else Stages()
    before = table.before
    if before is None and penalty is not None and penalty.gradient is not None:
        before = _GENERIC_BEFORE[rule]
    elif before is None and rule == "nesterov":
        before = _lookahead
    after = table.after
    if after is None and penalty is not None and has_prox(penalty):
        after = _prox if rule == "sgd" else _combine_prox
    elif after is None and rule != "sgd":
        after = _combine_only
    return Stages(before, after)
