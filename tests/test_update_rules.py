"""One SGD step on a tiny network, checked against the formulas computed by hand.

The gradient here is written out independently of skl1net's back-propagation
(one tanh hidden layer, softmax output, cross-entropy), and the expected
weights follow the update rules of the user guide literally.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skl1net import L1MLPClassifier
from skl1net.penalties import L1Prox, make_penalty
from skl1net._optim._schedules import Constant
from skl1net._optim._sgd import SGD

# every test twice: with the compiled kernels and with their numpy versions
pytestmark = pytest.mark.usefixtures("kernel_impl")

X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]])
y = np.array([0, 1, 2, 1])
W1 = np.array([[0.2, -0.3, 0.0], [0.05, 0.4, -0.1]])
b1 = np.array([0.1, 0.0, -0.2])
W2 = np.array([[0.3, -0.2, 0.1], [0.0, 0.25, -0.4], [-0.02, 0.1, 0.2]])
b2 = np.array([0.0, 0.05, -0.05])


def manual_gradient(sample_weight=None):
    """Sample-weighted mean gradient of the cross-entropy, by hand."""
    s = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    s = s / s.sum()
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    Y = np.eye(3)[y]
    D2 = (P - Y) * s[:, None]  # d loss / d Z, weighted
    gW2, gb2 = H.T @ D2, D2.sum(0)
    D1 = (D2 @ W2.T) * (1 - H**2)
    gW1, gb1 = X.T @ D1, D1.sum(0)
    return [gW1, gW2], [gb1, gb2]


def one_step(penalty, lmbda, eta, sample_weight=None):
    clf = L1MLPClassifier(
        solver="sgd",  # the SGD update rule is checked
        hidden_layer_sizes=(3,),
        activation="tanh",
        penalty=penalty,
        lmbda=lmbda,
        eta=eta,
        momentum=0.0,
        batch_size=len(X),
        shuffle=False,
        random_state=0,
    )
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.coefs_ = [W1.copy(), W2.copy()]
    clf.intercepts_ = [b1.copy(), b2.copy()]
    clf.partial_fit(X, y, sample_weight=sample_weight)
    return clf


@pytest.mark.parametrize("sample_weight", [None, [1.0, 2.0, 0.5, 3.0]])
@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox"])
def test_one_step_matches_the_formula(penalty, sample_weight):
    eta, lmbda = 0.5, 0.08
    clf = one_step(penalty, lmbda, eta, sample_weight)
    gWs, gbs = manual_gradient(sample_weight)
    for W, g, new in zip([W1, W2], gWs, clf.coefs_):
        if penalty == "l2":
            expected = W - eta * (g + lmbda * W)
        elif penalty == "l1":
            expected = W - eta * (g + lmbda * np.sign(W))
        else:
            V = W - eta * g
            expected = np.sign(V) * np.maximum(np.abs(V) - eta * lmbda, 0)
        np.testing.assert_allclose(new, expected, rtol=1e-12, atol=1e-15)
    for b, g, new in zip([b1, b2], gbs, clf.intercepts_):
        np.testing.assert_allclose(new, b - eta * g, rtol=1e-12, atol=1e-15)


def test_prox_step_produces_exact_zeros_and_l1_does_not():
    eta, lmbda = 0.5, 0.08
    prox = one_step("l1_prox", lmbda, eta)
    sub = one_step("l1", lmbda, eta)
    n_prox = sum(int(np.sum(W == 0)) for W in prox.coefs_)
    n_sub = sum(int(np.sum(W == 0)) for W in sub.coefs_)
    assert n_prox >= 3
    assert n_sub == 0


def test_l1_moves_linearly_and_l2_geometrically():
    # With a zero loss gradient, L1 subtracts the same eta * lmbda from every
    # |w| while L2 scales every w by (1 - eta * lmbda).
    W = np.array([[2.0, -1.0, 0.5]])
    eta, lmbda = 0.1, 0.5
    for penalty, expected in [
        ("l1_prox", np.array([[1.95, -0.95, 0.45]])),
        ("l2", W * (1 - eta * lmbda)),
    ]:
        Wc = W.copy()
        opt = SGD(make_penalty(penalty, lmbda), Constant(eta)).init([Wc], [])
        opt.step([Wc], [], [np.zeros_like(W)], [])
        np.testing.assert_allclose(Wc, expected, rtol=1e-14)


def textbook_momentum_steps(penalty, lmbda, eta, mu, nesterov, params, grads):
    """The momentum rules of the module docstring of ``skl1net._optim._sgd``, literally, in float64.

    ``params`` and each entry of ``grads``: lists of arrays, the 2-D ones
    weight matrices (in layer order), the 1-D ones biases (unpenalized).
    Returns the parameters after the steps.
    """
    params = [p.astype(np.float64) for p in params]
    velocities = [np.zeros_like(p) for p in params]
    threshold = eta * lmbda / (1 - mu)
    for step_grads in grads:
        for k, (P, g) in enumerate(zip(params, step_grads)):
            weights = P.ndim == 2
            G = g.astype(np.float64)
            if weights and penalty == "l2":
                G = G + lmbda * P
            elif weights and penalty == "l1":
                G = G + lmbda * np.sign(P)
            V = velocities[k] = mu * velocities[k] - eta * G
            P = P + (mu * V - eta * G if nesterov else V)
            if weights and penalty == "group_l1_prox" and k == 0:  # rows of the first layer
                norms = np.linalg.norm(P, axis=1, keepdims=True)
                shrink = threshold * np.sqrt(P.shape[1])
                P = P * np.maximum(1 - shrink / np.maximum(norms, 1e-300), 0)
            elif weights and penalty in ("l1_prox", "group_l1_prox"):
                P = np.sign(P) * np.maximum(np.abs(P) - threshold, 0)
            params[k] = P
    return params


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox", "group_l1_prox"])
def test_momentum_steps_follow_the_textbook_rule(penalty, nesterov, order, dtype):
    # Three steps on two layers (weights and biases): the velocity carries the
    # gradient plus lmbda * dR(W) ('l1', 'l2'); with a prox the momentum step
    # takes the loss gradient only and the soft-threshold follows, with
    # threshold eta * lmbda / (1 - mu).
    eta, mu, lmbda = 0.1, 0.9, 0.05
    rng = np.random.default_rng(11)
    shapes = [(6, 5), (5, 3), (5,), (3,)]
    params = [np.asarray(rng.normal(scale=0.3, size=s), dtype, order=order) for s in shapes]
    params[0][1] *= 0.05  # a row the group prox sets to zero
    grads = [[np.asarray(rng.normal(scale=0.5, size=s), dtype, order=order) for s in shapes]
             for _ in range(3)]
    for step_grads in grads:
        step_grads[0][1] *= 0.02
    expected = textbook_momentum_steps(penalty, lmbda, eta, mu, nesterov, params, grads)
    opt = SGD(make_penalty(penalty, lmbda), Constant(eta), momentum=mu, nesterov=nesterov)
    opt.init(params[:2], params[2:])
    for step_grads in grads:
        opt.step(params[:2], params[2:], step_grads[:2], step_grads[2:])
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    for got, want in zip(params, expected):
        assert got.dtype == dtype and got.flags.c_contiguous == (order == "C" or got.ndim == 1)
        np.testing.assert_allclose(got, want, **tol)
    if "prox" in penalty and dtype == np.float64:  # the same exact zeros
        assert sum(int(np.sum(W == 0)) for W in expected[:2]) >= 3
        for got, want in zip(params[:2], expected[:2]):
            np.testing.assert_array_equal(got == 0, want == 0)
    if penalty == "group_l1_prox":
        assert np.all(params[0][1] == 0)


def test_prox_with_momentum_keeps_the_l1_optimality_condition():
    # A weight held at a non-zero fixed point by momentum + prox must have a
    # loss gradient of exactly -lmbda * sign(w), as for the plain L1 objective.
    eta, mu, lmbda = 0.05, 0.9, 0.3
    g = -0.3  # gradient equal to -lmbda: w should drift neither up nor down
    W = np.array([[1.0]])
    opt = SGD(L1Prox(lmbda), Constant(eta), momentum=mu).init([W], [])
    opt.coef_velocities = [np.array([[-eta * g / (1 - mu)]])]  # steady state
    opt.intercept_velocities = []
    for _ in range(400):
        opt.step([W], [], [np.array([[g]])], [])
    assert W[0, 0] == pytest.approx(1.0, abs=1e-9)
    # A gradient slightly weaker than lmbda loses: the weight reaches exactly 0.
    opt.coef_velocities = [np.array([[-eta * 0.29 / (1 - mu)]])]
    for _ in range(2000):
        opt.step([W], [], [np.array([[-0.29]])], [])
    assert W[0, 0] == 0.0


def test_fit_anneals_over_max_iter_and_partial_fit_does_not():
    clf = L1MLPClassifier(hidden_layer_sizes=(3,), eta=0.2, max_iter=4, random_state=0)
    with pytest.warns(Warning):  # max_iter reached
        clf.fit(X, y)
    assert clf.learning_rate == "anneal"  # the default
    # epochs 0-2 ran at 0.2, the last at 0.2 * 2 / 4, where the rate stays
    assert clf._optimizer.eta_t == pytest.approx(0.1)
    stream = L1MLPClassifier(hidden_layer_sizes=(3,), eta=0.2, random_state=0)
    for _ in range(3):
        stream.partial_fit(X, y, classes=[0, 1, 2])
    assert stream._optimizer.eta_t == 0.2


def test_anneal_starts_its_decay_where_training_stops_improving(monkeypatch):
    # A plateau after p epochs at the full rate: the rate then falls to 0 over
    # p more epochs and the fit ends there, annealed, with no ConvergenceWarning.
    from skl1net._training._loop import Stopping

    update = Stopping.update

    def plateau_at_epoch_5(self, state, score=None):
        update(self, state, score)
        state.no_improvement_count = self.n_iter_no_change + 1 if state.n_iter == 5 else 0

    monkeypatch.setattr(Stopping, "update", plateau_at_epoch_5)
    rates = []
    original_step = SGD.step_layer

    def record(self, i, W, b, grad):
        if i == 0 and (not rates or rates[-1][0] != self.eta_t):
            rates.append((self.eta_t,))
        original_step(self, i, W, b, grad)

    monkeypatch.setattr(SGD, "step_layer", record)
    clf = L1MLPClassifier(hidden_layer_sizes=(3,), eta=0.2, batch_size=len(X), max_iter=100,
                          random_state=0, solver="sgd", debias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 10 and clf._optimizer.finished
    # epochs 1-6 at the full rate (the 6th is the decay's first, as in a planned
    # 10-epoch fit), then 0.16, 0.12, 0.08, 0.04
    assert [round(r[0], 6) for r in rates] == [0.2, 0.16, 0.12, 0.08, 0.04]
    # partial_fit after the fit starts a new stream at eta, as after a planned fit
    before = clf.coefs_[0].copy()
    clf.partial_fit(X, y)
    assert clf._optimizer.eta_t == pytest.approx(0.2) and not np.array_equal(before, clf.coefs_[0])


def test_anneal_plateau_in_the_decay_still_stops():
    from sklearn.datasets import load_digits

    Xd, yd = load_digits(return_X_y=True)
    params = dict(hidden_layer_sizes=(32,), tol=1e-2, n_iter_no_change=3, random_state=0)
    constant = L1MLPClassifier(learning_rate="constant", **params, solver="sgd", debias=False).fit(Xd / 16, yd)
    annealed = L1MLPClassifier(**params, solver="sgd", debias=False).fit(Xd / 16, yd)
    # the same history up to the plateau, which now starts the decay ...
    assert annealed._optimizer.schedule.decay[0] == constant.n_iter_
    # ... and a second plateau, during the decay, ends the fit below the full rate
    assert constant.n_iter_ < annealed.n_iter_ < 2 * constant.n_iter_
    assert annealed._optimizer.eta_t < annealed.eta_
