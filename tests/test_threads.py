"""Readers during a fit, in other threads: they see the previous model or the new one.

A fit (``fit``, ``partial_fit``, the selector's ``fit``) trains aside and
publishes its result in one step; a failing call publishes nothing. The
threaded tests run with a thread switch interval of a microsecond, so that the
reader is scheduled between almost any two bytecodes of the fit.
"""

# SPDX-License-Identifier: BSD-3-Clause

import pickle
import sys
import threading
import time

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits

from skl1net import L1FeatureSelector, L1MLPClassifier, L1MLPRegressor
from skl1net._estimators import _base
from skl1net._optim import _sgd

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    "ignore::RuntimeWarning",
)

#: How long each threaded test keeps its reader reading.
DURATION = 1.0


@pytest.fixture
def fast_switching():
    """Switch threads every microsecond during the test."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def digits(n_features=64, n_classes=10, n_samples=120):
    X, y = load_digits(return_X_y=True)
    keep = y < n_classes
    return X[keep][:n_samples, :n_features] / 16, y[keep][:n_samples]


def run_beside(writer, reader):
    """Call ``writer()`` in a loop in a thread while ``reader()`` runs in this one.

    Returns the reader's results and the writer's rounds; the writer's own
    exceptions, other than those it expects, fail the test.
    """
    stop = threading.Event()
    errors, rounds = [], []

    def loop():
        try:
            while not stop.is_set():
                writer()
                rounds.append(None)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    thread = threading.Thread(target=loop)
    thread.start()
    results = []
    try:
        end = time.monotonic() + DURATION
        while time.monotonic() < end or not rounds:
            results.append(reader())
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    return results, len(rounds)


def outcome(call):
    """``('ok', value)`` or ``('error', 'ExceptionType: message')`` of ``call()``."""
    try:
        return "ok", call()
    except Exception as error:  # noqa: BLE001 (what the test looks at)
        return "error", f"{type(error).__name__}: {error}"


def test_predict_proba_during_fits_and_failing_partial_fits_gives_one_model(
    fast_switching,
):
    X, y = digits()
    X_bad = X * 1e200  # diverges in the middle of its epoch
    y_unseen = y.copy()
    y_unseen[0] = 99  # fails before training: a label not in classes_
    model = L1MLPClassifier((16,), max_iter=3, batch_size=40, random_state=0)
    # Model A is what fit gives, model B what one partial_fit after it gives:
    # the writer publishes A, B, A, B, ... with failing calls in between.
    model.fit(X, y)
    proba_a = model.predict_proba(X)
    model.partial_fit(X, y)
    proba_b = model.predict_proba(X)
    assert not np.allclose(proba_a, proba_b, rtol=0, atol=1e-6)

    def writer():
        model.fit(X, y)
        for bad in [(X_bad, y), (X, y_unseen)]:
            with pytest.raises(ValueError):
                model.partial_fit(*bad)
        model.partial_fit(X, y)
        with pytest.raises(ValueError):
            model.partial_fit(X_bad, y)

    results, rounds = run_beside(writer, lambda: outcome(lambda: model.predict_proba(X)))
    errors = [value for kind, value in results if kind == "error"]
    assert not errors, f"{len(errors)} of {len(results)} calls failed, e.g. {errors[0]}"
    answers = [
        "A" if np.allclose(P, proba_a, rtol=0, atol=1e-12)
        else "B" if np.allclose(P, proba_b, rtol=0, atol=1e-12) else "mixed"
        for _, P in results
    ]
    assert answers.count("mixed") == 0, f"{answers.count('mixed')} of {len(results)} mixed"
    assert rounds >= 2


def test_pickle_during_a_fit_gives_the_old_or_the_new_model(fast_switching):
    # two models that differ in everything: features, classes, outputs
    X1, y1 = digits(n_features=64, n_classes=3)
    X2, y2 = digits(n_features=20, n_classes=2)
    params = dict(hidden_layer_sizes=(8,), max_iter=2, batch_size=40, random_state=0)
    expected = {}
    for X, y in [(X1, y1), (X2, y2)]:
        fitted = L1MLPClassifier(**params).fit(X, y)
        expected[X.shape[1]] = (fitted.classes_, fitted.coefs_, fitted.predict_proba(X))
    model = L1MLPClassifier(**params).fit(X1, y1)

    def writer():
        model.fit(X2, y2)
        model.fit(X1, y1)

    def reader():
        loaded = pickle.loads(pickle.dumps(model))
        classes, coefs, proba = expected[loaded.n_features_in_]
        np.testing.assert_array_equal(loaded.classes_, classes)
        assert [W.shape for W in loaded.coefs_] == [W.shape for W in coefs]
        for W, W_expected in zip(loaded.coefs_, coefs):
            np.testing.assert_array_equal(W, W_expected)
        X = X1 if loaded.n_features_in_ == X1.shape[1] else X2
        np.testing.assert_array_equal(loaded.predict_proba(X), proba)
        return loaded.n_features_in_

    results, rounds = run_beside(writer, lambda: outcome(reader))
    failures = [value for kind, value in results if kind == "error"]
    assert not failures, f"{len(failures)} of {len(results)} pickles mixed, e.g. {failures[0]}"
    assert rounds >= 1


@pytest.mark.parametrize("how", ["fit", "warm_start", "partial_fit"])
def test_a_fit_in_progress_shows_the_previous_model(monkeypatch, how):
    """Deterministic: what the estimator shows at the end of each epoch of a fit."""
    X, y = digits()
    model = L1MLPRegressor((8,), max_iter=3, batch_size=40, random_state=0)
    model.fit(X, y)
    before = dict(vars(model))
    n_losses = len(model.loss_curve_)
    seen = []
    iteration_ends = _sgd.SGD.iteration_ends

    def look(optimizer, *args):
        seen.append((dict(vars(model)), len(model.loss_curve_)))
        return iteration_ends(optimizer, *args)

    monkeypatch.setattr(_sgd.SGD, "iteration_ends", look)
    if how == "fit":  # on other data: the new model has other features
        model.fit(X[:, :10], y)
    elif how == "warm_start":
        model.set_params(warm_start=True).fit(X, y)
    else:
        model.partial_fit(X, y)
    assert seen
    params = model.get_params()
    for attributes, length in seen:
        assert attributes.keys() == before.keys()
        assert all(attributes[k] is v for k, v in before.items() if k not in params)
        assert length == n_losses  # the curve grows when the new model is published
    if how == "fit":
        assert len(model.loss_curve_) == len(seen)
    else:  # the curve goes on, in place
        assert model.loss_curve_ is before["loss_curve_"]
        assert len(model.loss_curve_) == n_losses + len(seen)

def test_transform_during_failing_selector_fits_gives_the_fitted_selection(fast_switching):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 12)
    y = (X[:, 0] - X[:, 3] > 0).astype(int)
    net = L1MLPClassifier((8,), penalty="group_l1_prox", max_iter=5, random_state=0)
    selector = L1FeatureSelector(net, n_features_to_select=3).fit(X, y)
    expected = selector.transform(X)
    diverging = clone(net).set_params(eta=1e8, activation="identity")
    X_wide = np.hstack([X, X])

    def writer():
        # fails in the path's first fit, on data of other features
        selector.set_params(estimator=diverging)
        with pytest.raises(ValueError, match="diverged"):
            selector.fit(X_wide, y)
        selector.set_params(estimator=net)

    results, _ = run_beside(writer, lambda: outcome(lambda: selector.transform(X)))
    failures = [value for kind, value in results if kind == "error"]
    assert not failures, f"{len(failures)} of {len(results)} calls failed, e.g. {failures[0]}"
    assert all(np.array_equal(Xt, expected) for _, Xt in results)


def test_an_interrupt_while_publishing_publishes_nothing(monkeypatch):
    X, y = digits()
    model = L1MLPClassifier((16,), batch_size=40, random_state=0)
    model.partial_fit(X, y, classes=np.arange(10))
    before = dict(vars(model))
    curve = model.loss_curve_
    losses = list(curve)

    def interrupted(estimator, work):  # Ctrl-C after the curve was extended
        raise KeyboardInterrupt

    monkeypatch.setattr(_base, "publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.partial_fit(X, y)
    assert vars(model).keys() == before.keys()
    assert all(vars(model)[k] is v for k, v in before.items())
    assert model.loss_curve_ is curve and curve == losses
