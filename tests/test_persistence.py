"""Saving and loading: pickle, joblib and skops.io lose nothing."""

# SPDX-License-Identifier: BSD-3-Clause

import pickle
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

import skl1net
from skl1net import L1MLPClassifier
from skl1net.exceptions import InconsistentVersionWarning

sio = pytest.importorskip("skops.io")

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def digits(sparse, dtype):
    X, y = load_digits(return_X_y=True)
    X = (X[:200] / 16).astype(dtype)
    return (sp.csr_matrix(X) if sparse else X), y[:200]


def fitted(X, y, **params):
    return L1MLPClassifier((12,), max_iter=3, random_state=0, **params).fit(X, y)


def assert_same_model(original, loaded, X, y):
    """Same learned arrays, same predictions, and training goes on identically."""
    params = zip(original.coefs_ + original.intercepts_, loaded.coefs_ + loaded.intercepts_)
    for a, b in params:
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(loaded.classes_, original.classes_)
    assert loaded.t_ == original.t_ and loaded.loss_curve_ == original.loss_curve_
    np.testing.assert_array_equal(loaded.predict(X), original.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))
    # Optimizer state (velocities, learning rate) and random state survive too.
    original.partial_fit(X, y)
    loaded.partial_fit(X, y)
    for a, b in zip(original.coefs_, loaded.coefs_):
        assert a.tobytes() == b.tobytes()


def joblib_round_trip(model, path):
    joblib.dump(model, path / "model.joblib")
    return joblib.load(path / "model.joblib")


ROUND_TRIPS = {
    "pickle": lambda model, path: pickle.loads(pickle.dumps(model)),
    "joblib": joblib_round_trip,
}


@pytest.mark.parametrize("how", ROUND_TRIPS)
@pytest.mark.parametrize("penalty", ["l1", "l2", "l1_prox"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_pickle_and_joblib_round_trips(how, penalty, dtype, sparse, tmp_path):
    X, y = digits(sparse, dtype)
    model = fitted(X, y, penalty=penalty)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = ROUND_TRIPS[how](model, tmp_path)
    assert_same_model(model, loaded, X, y)


SKOPS_MODELS = {
    "default": (False, np.float64, {}),
    "sparse float32 l1": (True, np.float32, {"penalty": "l1"}),
    "early stopping, class_weight, l2": (
        False,
        np.float64,
        {"penalty": "l2", "early_stopping": True, "class_weight": {0: 2.0, 1: 0.5}},
    ),
}


@pytest.mark.parametrize("case", SKOPS_MODELS)
def test_skops_round_trip_trusts_only_skl1net_types(case, tmp_path):
    sparse, dtype, params = SKOPS_MODELS[case]
    X, y = digits(sparse, dtype)
    model = fitted(X, y, **params)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    # Everything else in the file is trusted by skops by default.
    assert untrusted and all(name.startswith("skl1net.") for name in untrusted)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(path)
    loaded = sio.load(path, trusted=untrusted)
    assert_same_model(model, loaded, X, y)


def test_multilabel_model_survives_skops():
    X, y = digits(False, np.float64)
    Y = np.c_[y % 2, y > 4, y == 7].astype(int)
    model = fitted(X, Y)
    data = sio.dumps(model)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_loading_a_model_of_another_version_warns(how, monkeypatch):
    X, y = digits(False, np.float64)
    model = fitted(X, y)
    monkeypatch.setattr(skl1net, "__version__", "0.0.1")
    data = pickle.dumps(model) if how == "pickle" else sio.dumps(model)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = (
            pickle.loads(data)
            if how == "pickle"
            else sio.loads(data, trusted=sio.get_untrusted_types(data=data))
        )
    message = str(record[0].message)
    assert "skl1net 0.0.1" in message and f"skl1net {skl1net.__version__}" in message
    assert record[0].message.original_version == "0.0.1"
    # It still loads, and the version record does not leak into the model.
    assert "_skl1net_version" not in vars(loaded)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_state_without_a_version_warns_unknown():
    X, y = digits(False, np.float64)
    state = fitted(X, y).__getstate__()
    del state["_skl1net_version"]
    blank = L1MLPClassifier.__new__(L1MLPClassifier)
    with pytest.warns(InconsistentVersionWarning, match="saved by skl1net unknown"):
        blank.__setstate__(state)
