"""The debiasing phase: the support kept, the shrinkage undone."""

import numpy as np
import pytest

from skl1net import L1MLPClassifier, L1MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
def test_debias_keeps_zeros_and_lowers_the_loss(Est, digits_split):
    X_train, X_test, y_train, y_test = digits_split
    if Est is L1MLPRegressor:
        y_train, y_test = y_train / 9.0, y_test / 9.0
    params = dict(hidden_layer_sizes=(50,), lmbda=1e-2, max_iter=20, random_state=0, solver="sgd")
    if Est is L1MLPRegressor:
        params.update(eta=0.01)
    plain = Est(debias=False, **params).fit(X_train, y_train)
    debiased = Est(debias=True, **params).fit(X_train, y_train)
    # the support is kept, except the outgoing weights of units without a
    # non-zero incoming weight: constants, folded into the next bias first
    constant = ~np.any(plain.coefs_[0] != 0, axis=0)
    for k, (W, V) in enumerate(zip(plain.coefs_, debiased.coefs_)):
        support = W != 0
        if k == 1:
            support[constant] = False
        np.testing.assert_array_equal(V != 0, support)
    assert debiased.n_iter_ == plain.n_iter_ + 10  # ceil(20 / 2)
    assert plain.zero_fraction_ > 0.4
    assert debiased.score(X_test, y_test) > plain.score(X_test, y_test)
    # partial_fit never debiases; the penalized optimizer is kept for it
    assert debiased._optimizer.penalty.lmbda == params["lmbda"]


def test_debias_learning_rate_starts_at_half_eta(digits_split, monkeypatch):
    """The debiasing epochs run at eta/2 * (1 - k/n), whatever the penalized schedule."""
    from skl1net._training._loop import Trainer
    X_train, _, y_train, _ = digits_split
    rates = []
    run_epochs = Trainer.run_epochs

    def recording_run_epochs(self, state, *args, **kwargs):
        rates.append(state.optimizer.eta_t)
        return run_epochs(self, state, *args, **kwargs)

    monkeypatch.setattr(Trainer, "run_epochs", recording_run_epochs)
    L1MLPClassifier(hidden_layer_sizes=(8,), lmbda=1e-2, eta=0.08, max_iter=3, debias=True,
                    random_state=0, solver="sgd").fit(X_train, y_train)
    # one penalized call (3 epochs), then 3 one-epoch debiasing calls
    np.testing.assert_allclose(rates, [0.08, 0.04, 0.04 * 2 / 3, 0.04 / 3])


def test_refit_support_is_the_debiasing_phase_of_a_fit(digits_split):
    from skl1net._estimators._base import refit_support

    X_train, _, y_train, _ = digits_split
    # (a working set would keep its copy of the live columns from the penalized
    # epochs, whose extra zero columns change the float rounding)
    params = dict(hidden_layer_sizes=(16,), lmbda=1e-2, max_iter=12, random_state=0,
                  working_set=False)
    debiased = L1MLPClassifier(debias=True, **params, solver="sgd").fit(X_train, y_train)
    plain = L1MLPClassifier(**params, solver="sgd", debias=False).fit(X_train, y_train)
    assert refit_support(plain, X_train, y_train, n_epochs=12) is plain
    assert plain.n_iter_ == debiased.n_iter_ == 12 + 10
    assert plain.loss_curve_ == debiased.loss_curve_
    for W, V in zip(plain.coefs_ + plain.intercepts_, debiased.coefs_ + debiased.intercepts_):
        np.testing.assert_array_equal(W, V)


def test_an_interrupt_ends_the_fit_before_the_debiasing_phase(digits_split, monkeypatch):
    from skl1net._optim import _sgd

    X_train, _, y_train, _ = digits_split
    step, calls = _sgd.SGD.step_layer, []

    def interrupted_step(self, *args):
        calls.append(None)
        if len(calls) == 2 * 3 * 13 + 1:  # 13 batches of 2 layers an epoch: in epoch 4
            raise KeyboardInterrupt
        return step(self, *args)

    monkeypatch.setattr(_sgd.SGD, "step_layer", interrupted_step)
    clf = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, debias=True, random_state=0, solver="sgd")
    with pytest.raises(KeyboardInterrupt), pytest.warns(
        UserWarning, match=r"interrupted.*last completed epoch \(3\)"
    ):
        clf.fit(X_train, y_train)
    assert clf.n_iter_ == 3 and len(calls) == 2 * 3 * 13 + 1
    assert clf._optimizer.penalty.lmbda == clf.lmbda


def test_folding_constant_units_keeps_the_function():
    from skl1net._network._compact import fold_constant_units
    from skl1net._network._mlp import Workspace

    rng = np.random.RandomState(0)
    sizes = [6, 5, 4, 3]
    coefs = [rng.randn(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.uniform(0.1, 1.0, b) for b in sizes[1:]]  # ReLU(b) > 0: constants
    coefs[0][:, [1, 3]] = 0  # two units of the first hidden layer without inputs
    coefs[1][[0, 2, 4], 2] = 0  # a unit of the second whose only inputs are those two
    X = rng.randn(7, 6)

    def forward(coefs, intercepts):
        return Workspace(sizes, 7, np.float64, "relu", "softmax").forward(
            X, coefs, intercepts).copy()

    before = forward(coefs, intercepts)
    assert fold_constant_units(coefs, intercepts, "relu") == 3
    np.testing.assert_allclose(forward(coefs, intercepts), before, rtol=1e-12)
    assert not coefs[1][[1, 3]].any() and not coefs[2][2].any()
