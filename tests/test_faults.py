"""Faults: divergence, interruption, extreme values and concurrent prediction."""

# SPDX-License-Identifier: BSD-3-Clause

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import GridSearchCV

from skl1net import L1MLPClassifier, L1MLPClassifierCV, lmbda_path
from skl1net._optim import _optimizer, _sgd
from skl1net._network._mlp import ACTIVATIONS, LOSSES, Workspace, init_params

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def all_finite(model):
    return all(np.isfinite(p).all() for p in model.coefs_ + model.intercepts_)


# -- divergence ------------------------------------------------------------------
def diverging_model(**params):
    """A deep linear network on unscaled features: its loss overflows under SGD.

    SGD pinned: Adam's steps are bounded by ``eta``, so this network does not
    overflow under Adam (Adam's divergence has its own tests).
    """
    params = {"eta": 10.0, "solver": "sgd", "debias": False, **params}
    return L1MLPClassifier((8, 8), activation="identity", random_state=0, **params)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("penalty", ["l1", "l2", "l1_prox"])
def test_divergence_raises_a_clear_error_and_leaves_no_model(penalty):
    X, y = load_breast_cancer(return_X_y=True)
    # max_iter is huge: the test would hang if divergence went unnoticed.
    model = diverging_model(penalty=penalty, max_iter=10**6)
    with pytest.raises(ValueError, match=r"diverged.*eta=10\.0 with solver=.sgd. is too large.*lower `eta`"):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_divergence_leaves_a_fitted_model_bit_identical(how):
    X, y = load_breast_cancer(return_X_y=True)
    model = diverging_model(eta=1e-7, max_iter=3, warm_start=how == "warm_start")
    model.partial_fit(X, y, classes=[0, 1]) if how == "partial_fit" else model.fit(X, y)
    before = [p.copy() for p in model.coefs_ + model.intercepts_]
    t_before = model.t_
    if how == "warm_start":
        model.set_params(eta=10.0)
        call = model.fit
    else:
        # The optimizer of a stream keeps its learning rate: make the data explode.
        call = model.partial_fit
        X = X * 1e100  # large, but its squared norms do not overflow
    with pytest.raises(ValueError, match="diverged"):
        call(X, y)
    after = model.coefs_ + model.intercepts_
    assert all(a.tobytes() == b.tobytes() for a, b in zip(before, after))
    assert model.t_ == t_before
    assert all_finite(model)


# -- interruption ----------------------------------------------------------------
@pytest.fixture
def interrupt_after(monkeypatch):
    """Make the ``k``-th layer step of SGD raise KeyboardInterrupt, as Ctrl-C would.

    A batch steps its layers one by one (last first), so an interrupt may
    leave a batch half applied: the model must not keep any of it.
    """

    def arm(k):
        calls = []
        step = _optimizer.Optimizer.step_layer

        def interrupted_step(self, *args):
            calls.append(None)
            if len(calls) == k:
                raise KeyboardInterrupt
            return step(self, *args)

        monkeypatch.setattr(_optimizer.Optimizer, "step_layer", interrupted_step)
        return calls

    return arm


def small_digits():
    X, y = load_digits(return_X_y=True)
    return X[:120] / 16, y[:120]


def test_keyboard_interrupt_in_fit_keeps_the_last_complete_epoch(interrupt_after):
    X, y = small_digits()
    params = dict(hidden_layer_sizes=(16,), batch_size=40, random_state=0)
    # 3 batches of 2 layer steps an epoch: stop halfway through epoch 3's 2nd batch
    calls = interrupt_after(2 * 6 + 3)
    model = L1MLPClassifier(max_iter=50, **params, debias=False)
    with pytest.raises(KeyboardInterrupt), pytest.warns(
        UserWarning, match=r"interrupted.*last completed epoch \(2\)"
    ):
        model.fit(X, y)
    assert len(calls) == 15
    assert model.n_iter_ == 2 and model.t_ == 2 * len(X)
    assert len(model.loss_curve_) == 2
    assert all_finite(model)
    # Exactly the model of two uninterrupted epochs.
    reference = L1MLPClassifier(max_iter=2, **params, debias=False).fit(X, y)
    params = zip(model.coefs_ + model.intercepts_, reference.coefs_ + reference.intercepts_)
    for a, b in params:
        assert a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_after_an_interrupted_fit_equals_that_of_a_clean_model(
    interrupt_after, solver
):
    X, y = small_digits()
    params = dict(hidden_layer_sizes=(16,), batch_size=40, random_state=0, solver=solver)
    interrupt_after(2 * 6 + 3)  # in epoch 3: velocities and shuffling have moved on
    model = L1MLPClassifier(max_iter=50, **params, debias=False)
    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning, match="interrupted"):
        model.fit(X, y)
    interrupt_after(10**9)  # no more interrupts
    reference = L1MLPClassifier(max_iter=2, **params, debias=False).fit(X, y)
    for _ in range(2):
        model.partial_fit(X, y)
        reference.partial_fit(X, y)
    for a, b in zip(model.coefs_ + model.intercepts_,
                    reference.coefs_ + reference.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert model.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-12)


def test_keyboard_interrupt_in_partial_fit_keeps_the_model_before_the_call(
    interrupt_after,
):
    X, y = small_digits()
    model = L1MLPClassifier((16,), batch_size=40, random_state=0)
    model.partial_fit(X, y, classes=np.arange(10))
    before = [p.copy() for p in model.coefs_ + model.intercepts_]
    interrupt_after(2)
    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning, match="interrupted"):
        model.partial_fit(X, y)
    assert model.t_ == len(X) and model.n_iter_ == 1
    after = model.coefs_ + model.intercepts_
    assert all(a.tobytes() == b.tobytes() for a, b in zip(before, after))
    # The model goes on learning from the stream.
    model.partial_fit(X, y)
    assert model.t_ == 2 * len(X) and all_finite(model)


def test_an_interrupt_stops_paths_cv_and_searches(interrupt_after):
    X, y = small_digits()
    base = L1MLPClassifier((16,), batch_size=40, max_iter=5, random_state=0, solver="sgd", debias=False)
    fitted = clone(base).fit(X, y)
    cv = L1MLPClassifierCV(base, lmbdas=[1e-3, 1e-4], cv=2)
    calls = [
        lambda: lmbda_path(X, y, [1e-3, 1e-4], estimator=base),
        lambda: cv.fit(X, y),
        lambda: GridSearchCV(base, {"lmbda": [1e-3, 1e-4]}, cv=2).fit(X, y),
    ]
    for call in calls:
        interrupt_after(2 * 3 * 5 + 7)  # in the second fit
        with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning, match="interrupted"):
            call()
    assert not hasattr(cv, "lmbda_")
    # a fitted estimator stays as it was when its refit is interrupted in epoch 1
    before = [p.copy() for p in fitted.coefs_]
    interrupt_after(1)
    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning, match="interrupted"):
        fitted.fit(X, y)
    assert fitted.n_iter_ == 5 and len(fitted.loss_curve_) == 5
    assert all(a.tobytes() == b.tobytes() for a, b in zip(before, fitted.coefs_))


def test_partial_fit_appends_to_the_loss_curve_in_place_and_a_failure_truncates_it(
    monkeypatch,
):
    X, y = small_digits()
    model = L1MLPClassifier((16,), batch_size=40, random_state=0, solver="sgd", debias=False)
    model.partial_fit(X, y, classes=np.arange(10))
    curve = model.loss_curve_
    model.partial_fit(X, y)
    assert model.loss_curve_ is curve and len(curve) == 2
    before = list(curve)

    def fail(*args):  # after the epoch's loss is appended
        raise RuntimeError("failure at the end of the epoch")

    monkeypatch.setattr(_sgd.SGD, "iteration_ends", fail)
    with pytest.raises(RuntimeError, match="end of the epoch"):
        model.partial_fit(X, y)
    assert model.loss_curve_ is curve and curve == before


# -- numerical stability -----------------------------------------------------------
HUGE = np.array([[1e6, -1e6, 0.0], [-1e6, -1e6, -1e6], [1e6, 1e6, 1e6], [1e6, 1e6 - 1, 0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_functions_and_losses_are_finite_at_huge_inputs(dtype):
    Y = np.eye(3, dtype=dtype)[[1, 0, 2, 2]]  # mostly wrong, confidently
    P = ACTIVATIONS["softmax"](HUGE.astype(dtype))
    assert P.dtype == dtype and np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    L = ACTIVATIONS["logistic"](HUGE.astype(dtype))
    assert L.dtype == dtype and np.isfinite(L).all() and (L >= 0).all() and (L <= 1).all()
    for out, Pout in [("softmax", P), ("logistic", L)]:
        loss = LOSSES[out](Y, Pout)
        assert np.isfinite(loss).all() and (loss >= 0).all()
        # A confident mistake costs -log(eps) per output at most, not inf.
        assert loss.max() <= 3 * -np.log(np.finfo(dtype).eps) + 1e-3


@pytest.mark.parametrize("out_activation", ["softmax", "logistic"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_and_gradients_are_finite_at_huge_inputs(dtype, out_activation):
    rng = np.random.RandomState(0)
    X = (rng.choice([-1e6, 1e6], size=(8, 5))).astype(dtype)
    n_out = 3 if out_activation == "softmax" else 1
    Y = np.eye(3, dtype=dtype)[rng.randint(3, size=8)][:, :n_out]
    coefs, intercepts = init_params([5, 4, n_out], "relu", dtype, rng)
    ws = Workspace([5, 4, n_out], 8, dtype, "relu", out_activation)
    loss = ws.loss_and_gradients(X, Y, coefs, intercepts)
    assert np.isfinite(loss)
    for G in ws.coef_grads + ws.intercept_grads:
        assert G.dtype == dtype and np.isfinite(G).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_and_predict_at_huge_magnitudes(dtype):
    X, y = small_digits()
    X = (X * 1e6).astype(dtype)
    model = L1MLPClassifier((8,), max_iter=3, eta=1e-9, random_state=0).fit(X, y)
    assert model.coefs_[0].dtype == dtype and all_finite(model)
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    log_proba = model.predict_log_proba(X)  # -inf where a probability is 0
    assert not np.isnan(log_proba).any() and np.all(log_proba <= 0)


# -- threads -------------------------------------------------------------------------
def test_predict_from_several_threads_equals_one_thread():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    model = L1MLPClassifier((32,), max_iter=5, random_state=0).fit(X[:600], y[:600])
    expected = {"predict": model.predict(X), "predict_proba": model.predict_proba(X)}
    calls = ["predict", "predict_proba"] * 8
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda name: (name, getattr(model, name)(X)), calls))
    for name, result in results:
        np.testing.assert_array_equal(result, expected[name])
