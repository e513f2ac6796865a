"""Working-set training: slices of the network, their exactness and the optimality check."""

# SPDX-License-Identifier: BSD-3-Clause

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from skl1net._training._batches import MiniBatches
from skl1net._network._mlp import Workspace, init_params
from skl1net._network._slices import live_units, put_network, take_network
from skl1net._optim._constraints import FixedSupport
from skl1net._optim._schedules import Constant
from skl1net._optim._sgd import SGD
from skl1net._training._working_set import WorkingSet, zero_row_violations
from skl1net.penalties import L1, L2, GroupL1Prox, L1Prox


def _idle_network(seed=0, n=150, units=(12, 8, 6, 3)):
    """Data and a network with idle parts: zero features, and hidden units that are off.

    Features 0-2 are zero in every sample and their first-layer rows are
    zero; hidden units 1 and 4 of the first layer and unit 2 of the second
    have zero incoming and outgoing weights and a negative bias.
    """
    rng = np.random.RandomState(seed)
    X = rng.randn(n, units[0])
    X[:, :3] = 0.0
    y = rng.randint(units[-1], size=n)
    Y = np.eye(units[-1])[y]
    coefs, intercepts = init_params(list(units), "relu", np.float64, rng)
    coefs[0][:3] = 0.0
    for layer, unit in ((0, 1), (0, 4), (1, 2)):
        coefs[layer][:, unit] = 0.0
        coefs[layer + 1][unit] = 0.0
        intercepts[layer][unit] = -0.5
    return X, Y, coefs, intercepts


def _train(X, Y, coefs, intercepts, optimizer, working_set, epochs=3, sample_weight=None,
           batch_size=32):
    units = [X.shape[1]] + [W.shape[1] for W in coefs]
    state = SimpleNamespace(coefs=coefs, intercepts=intercepts, optimizer=optimizer)
    ws_full = Workspace(units, batch_size, X.dtype, "relu", "softmax")
    T = ws_full.encode_targets(Y)
    batches = MiniBatches(X, T, sample_weight, batch_size, gather=True)
    rng = np.random.RandomState(1)
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        ws, epoch_batches = ws_full, batches
        if working_set is not None and working_set.enter(state):
            ws = Workspace([len(u) for u in working_set.units], batch_size, X.dtype, "relu",
                           "softmax")
            epoch_batches = working_set.batches(
                batches, lambda Xc: MiniBatches(Xc, T, sample_weight, batch_size, True)
            )
        for Xb, Tb, sw, _ in epoch_batches(order):
            ws.train_step(Xb, Tb, state.coefs, state.intercepts, sw, state.optimizer)
        if working_set is not None:
            working_set.leave(state)
    return state.coefs, state.intercepts


def test_live_units_leave_out_only_idle_units():
    X, Y, coefs, intercepts = _idle_network()
    units = live_units(coefs, intercepts, "relu")
    assert units[0].tolist() == list(range(3, 12))
    assert units[1].tolist() == [0, 2, 3, 5, 6, 7]
    assert units[2].tolist() == [0, 1, 3, 4, 5]
    assert units[3].tolist() == [0, 1, 2]
    # with a positive bias the unit outputs a constant that reaches no unit:
    # left out, unless only the exact cases are asked for
    intercepts[0][1] = 0.5
    assert 1 not in live_units(coefs, intercepts, "relu")[1]
    assert 1 in live_units(coefs, intercepts, "relu", constant_units=False)[1]
    # the group penalty keeps the first hidden layer whole
    assert len(live_units(coefs, intercepts, "relu", all_hidden=(1,))[1]) == 8


def test_take_and_put_network_round_trip():
    X, Y, coefs, intercepts = _idle_network()
    units = live_units(coefs, intercepts, "relu")
    small_coefs, small_intercepts = take_network(coefs, intercepts, units)
    assert [W.shape for W in small_coefs] == [(9, 6), (6, 5), (5, 3)]
    assert all(W.flags.f_contiguous for W in small_coefs)
    before = [W.copy() for W in coefs]
    for W in small_coefs:
        W += 1.0
    put_network(coefs, intercepts, small_coefs, small_intercepts, units)
    changed = coefs[1] != before[1]
    assert changed.sum() == 6 * 5 and not changed[[1, 4]].any() and not changed[:, 2].any()


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("penalty", [L1Prox(1e-3), L2(1e-3), L1(1e-3)])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_working_set_epochs_equal_full_epochs(momentum, penalty, sparse, weighted):
    X, Y, coefs, intercepts = _idle_network()
    sw = np.random.RandomState(3).uniform(0, 2, X.shape[0]) if weighted else None
    if sparse:
        X = sp.csr_matrix(X)
    results = []
    for working_set in (None, WorkingSet("relu")):
        opt = SGD(penalty, Constant(0.05), momentum=momentum, nesterov=bool(momentum))
        c, b = [W.copy(order="K") for W in coefs], [v.copy() for v in intercepts]
        opt.init(c, b)
        results.append(_train(X, Y, c, b, opt, working_set, sample_weight=sw))
    (c_full, b_full), (c_ws, b_ws) = results
    for A, B in zip(c_full + b_full, c_ws + b_ws):
        np.testing.assert_allclose(A, B, rtol=1e-10, atol=1e-12)
    # the idle parts stayed idle, so the working set did leave them out
    assert not c_ws[0][:3].any() and not c_ws[0][:, [1, 4]].any()


def test_enter_slices_the_optimizer_state_and_leave_restores_it():
    X, Y, coefs, intercepts = _idle_network()
    opt = SGD(L1Prox(1e-3), Constant(0.05), momentum=0.9).init(coefs, intercepts)
    for V in opt.coef_velocities:
        V[...] = np.random.RandomState(0).rand(*V.shape)
    full_V = [V.copy() for V in opt.coef_velocities]
    state = SimpleNamespace(coefs=coefs, intercepts=intercepts, optimizer=opt)
    working_set = WorkingSet("relu")
    assert working_set.enter(state)
    assert [V.shape for V in opt.coef_velocities] == [W.shape for W in state.coefs]
    np.testing.assert_array_equal(opt.coef_velocities[1], full_V[1][np.ix_([0, 2, 3, 5, 6, 7],
                                                                             [0, 1, 3, 4, 5])])
    working_set.leave(state)
    assert state.coefs is coefs
    for V, V0 in zip(opt.coef_velocities, full_V):
        np.testing.assert_array_equal(V, V0)


def test_enter_restricts_a_fixed_support():
    X, Y, coefs, intercepts = _idle_network()
    masks = [W != 0 for W in coefs]
    opt = SGD(None, Constant(0.05), constraint=FixedSupport(masks)).init(coefs, intercepts)
    state = SimpleNamespace(coefs=coefs, intercepts=intercepts, optimizer=opt)
    working_set = WorkingSet("relu")
    working_set.enter(state)
    assert [M.shape for M in opt.constraint.masks] == [W.shape for W in state.coefs]
    working_set.leave(state)
    assert opt.constraint.masks is masks


def test_zero_row_violations_follow_each_penalty():
    G = np.array([[0.05, -0.1], [0.0, 0.2], [0.0, 0.0]])
    assert zero_row_violations(L1Prox(0.1), G).tolist() == [False, True, False]
    # group: the row norm against lmbda * sqrt(h)
    assert zero_row_violations(GroupL1Prox(0.1), G).tolist() == [False, True, False]
    assert zero_row_violations(GroupL1Prox(0.08), G).tolist() == [False, True, False]
    assert zero_row_violations(GroupL1Prox(0.07), G).tolist() == [True, True, False]
    # without a proximal operator any non-zero gradient moves a zero row
    assert zero_row_violations(L2(0.1), G).tolist() == [True, True, False]
    assert zero_row_violations(None, G).tolist() == [True, True, False]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_left_out_gradient_is_the_full_gradient_of_the_zero_rows(sparse, weighted):
    X, Y, coefs, intercepts = _idle_network()
    X[:, :3] = np.random.RandomState(2).randn(X.shape[0], 3)  # the zero rows now see data
    sw = np.random.RandomState(3).uniform(0, 2, X.shape[0]) if weighted else None
    n = X.shape[0]
    full = Workspace([12, 8, 6, 3], n, X.dtype, "relu", "softmax")
    full.loss_and_gradients(X, Y, coefs, intercepts, None if sw is None else sw / sw.sum())
    expected = full.coef_grads[0][:3]

    Xd = sp.csr_matrix(X) if sparse else X
    T = full.encode_targets(Y)
    batches = MiniBatches(Xd, T, sw, 32, gather=True)
    opt = SGD(L1Prox(1e-3), Constant(0.05))
    state = SimpleNamespace(coefs=coefs, intercepts=intercepts, optimizer=opt)
    working_set = WorkingSet("relu")
    total = n if sw is None else sw.sum()
    (out, G), (hidden_out, _), _ = working_set.left_out_gradient(
        state, batches, np.arange(n), total, "softmax"
    )
    assert out.tolist() == [0, 1, 2] and not len(hidden_out)  # (those units have bias < 0)
    np.testing.assert_allclose(G, expected, rtol=1e-10, atol=1e-12)

    # the check re-admits exactly the rows over the threshold
    row_max = np.sort(np.abs(expected).max(axis=1))
    lmbda = float(row_max[1:].mean())  # between the rows' largest entries
    opt.penalty = L1Prox(lmbda)
    n_violators = working_set.check(state, batches, np.arange(n), total, "softmax")
    violators = np.abs(expected).max(axis=1) > lmbda
    assert n_violators == violators.sum() >= 1
    assert working_set._live_units(state)[0].tolist() == sorted(
        np.flatnonzero(violators).tolist() + list(range(3, 12))
    )
