"""A model that was loaded (or copied) is checked for consistency before it is used."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris

from skl1net import L1MLPClassifier, L1MLPRegressor
from skl1net._estimators import _base, _persistence


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def fitted(iris):
    X, y = iris
    return L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X, y)


def tampered(model, change):
    """A copy of ``model`` with ``change`` applied, as a file edited by hand would hold it."""
    bad = copy.deepcopy(model)
    change(bad)
    return pickle.dumps(bad)


def cut_classes(m):
    m.classes_ = m.classes_[:2]


def broadcastable_intercept(m):
    m.intercepts_[0] = m.intercepts_[0][:1]


def extra_output(m):
    m.coefs_[-1] = np.hstack([m.coefs_[-1], m.coefs_[-1][:, :1]])
    m.intercepts_[-1] = np.r_[m.intercepts_[-1], 0.0]


def integer_weights(m):
    m.coefs_[0] = m.coefs_[0].astype(np.int64)


def transposed_weights(m):
    m.coefs_[1] = np.asfortranarray(m.coefs_[1].T)


def float32_bias(m):
    m.intercepts_[1] = m.intercepts_[1].astype(np.float32)


def nan_weight(m):
    m.coefs_[1][0, 0] = np.nan


def wrong_n_features(m):
    m.n_features_in_ = 3


def missing_binarizer(m):
    del m._label_binarizer


CASES = [
    (cut_classes, "classes_ has 2 classes but the output layer has 3 units"),
    (broadcastable_intercept, r"intercepts_\[0\] has shape \(1,\), coefs_\[0\] 5 columns"),
    (extra_output, "classes_ has 3 classes but the output layer has 4 units"),
    (integer_weights, r"coefs_\[0\] has dtype int64, not float32 or float64"),
    (transposed_weights, r"coefs_\[1\] has 3 rows but coefs_\[0\] has 5 columns"),
    (float32_bias, r"intercepts_\[1\] has dtype float32, coefs_\[0\] float64"),
    (nan_weight, r"coefs_\[1\] contains NaN or infinity; the model is damaged"),
    (wrong_n_features, r"coefs_\[0\] has 4 rows but n_features_in_ is 3 features"),
    (missing_binarizer, "_label_binarizer"),
]


@pytest.mark.parametrize("change, message", CASES, ids=[c[0].__name__ for c in CASES])
def test_loading_an_inconsistent_model_raises_one_line(fitted, change, message):
    data = tampered(fitted, change)
    with pytest.raises(ValueError, match="^Inconsistent model: .*" + message) as info:
        pickle.loads(data)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("change, message", CASES[:3], ids=[c[0].__name__ for c in CASES[:3]])
def test_skops_refuses_an_inconsistent_model(fitted, tmp_path, change, message):
    sio = pytest.importorskip("skops.io")
    bad = copy.deepcopy(fitted)
    change(bad)
    path = tmp_path / "model.skops"
    sio.dump(bad, path)
    with pytest.raises(ValueError, match=message):
        sio.load(path, trusted=sio.get_untrusted_types(file=path))


def test_a_loaded_model_is_checked_again_before_predicting(fitted, iris):
    X, _ = iris
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
    loaded.classes_ = loaded.classes_[:2]
    message = "classes_ has 2 classes but the output layer has 3 units"
    with pytest.raises(ValueError, match=message):
        loaded.predict(X)
    with pytest.raises(ValueError, match="classes_ has 2 classes"):
        loaded.partial_fit(X[:10], np.zeros(10, dtype=int))


def test_nan_weights_are_blamed_on_the_model_not_the_features(fitted, iris):
    X, _ = iris
    clf = copy.deepcopy(fitted)
    clf.__dict__.pop("_check_before_use", None)  # as if fitted here
    clf.coefs_[0][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"coefs_\[0\] contains NaN or infinity"):
        clf.predict_proba(X)


def test_predicting_with_a_model_fitted_here_skips_the_check(iris, monkeypatch):
    X, y = iris
    calls = []
    def record(est, finite=True):
        calls.append(finite)

    monkeypatch.setattr(_base, "check_model", record)
    monkeypatch.setattr(_persistence, "check_model", record)  # on load
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, y)
    clf.predict(X)
    clf.predict_proba(X)
    assert calls == []
    loaded = pickle.loads(pickle.dumps(clf))
    assert calls == [True]  # on load, with the values
    loaded.predict(X)
    assert calls == [True, False]  # before predicting, the structure only
    loaded.fit(X, y)
    loaded.predict(X)
    assert calls == [True, False]  # fitted here now


def test_regressor_outputs_must_match_n_outputs(iris):
    X, _ = iris
    reg = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    reg.fit(X, X[:, :2])
    bad = copy.deepcopy(reg)
    bad.n_outputs_ = 1
    with pytest.raises(ValueError, match="n_outputs_ is 1 but the output layer has 2 units"):
        pickle.loads(pickle.dumps(bad))


def test_compacted_model_with_corrupt_sparse_weights_is_refused(fitted, iris):
    small = fitted.compact(sparse=True)
    assert sp.issparse(small.coefs_[0])
    pickle.loads(pickle.dumps(small))  # a sound one loads
    small.coefs_[0].indices[0] = 10**6
    with pytest.raises(ValueError, match=r"Invalid coefs_\[0\]: the sparse matrix is corrupt"):
        pickle.loads(pickle.dumps(small))


def test_sound_models_load(iris):
    X, y = iris
    models = [
        L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y),
        L1MLPClassifier(hidden_layer_sizes=(), max_iter=2, random_state=0).fit(X, y == 1),
        L1MLPClassifier(hidden_layer_sizes=(4, 3), max_iter=2, random_state=0).fit(
            X.astype(np.float32), np.eye(3, dtype=int)[y]
        ),
        L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, X[:, 0]),
    ]
    for model in models:
        loaded = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
