"""ONNX export: onnxruntime's outputs against predict, predict_proba and transform."""

import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skl1net import (
    L1FeatureSelector,
    L1MLPClassifier,
    L1MLPClassifierCV,
    L1MLPRegressor,
    L1MLPRegressorCV,
)
from skl1net.onnx import register_converters

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

ACTIVATIONS = ["relu", "tanh", "logistic", "identity"]
TOL = 1e-5


@pytest.fixture(scope="module", autouse=True)
def registered():
    register_converters()


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def convert(model, X, **kwargs):
    return skl2onnx.to_onnx(model, X[:1], **kwargs)


def data(dtype=np.float64, n=150, seed=0):
    return np.random.RandomState(seed).randn(n, 6).astype(dtype)


def targets(X, kind):
    third = np.digitize(X[:, 1], [-0.4, 0.4])
    return {
        "binary": (X[:, 0] + X[:, 1] > 0).astype(int),
        "multiclass": third,
        "multilabel": (X[:, :3] > 0).astype(int),
        "strings": np.array(["low", "mid", "high"])[third],
    }[kind]


def classifier(X, y, **params):
    params = {"hidden_layer_sizes": (10, 5), "max_iter": 30, "random_state": 0, **params}
    return L1MLPClassifier(**params).fit(X, y)


def check_classifier(model, X, onx):
    labels, proba = run(onx, X)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=TOL)
    return labels, proba


# -- the classifier ------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "strings"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classifier_matches_predict_and_predict_proba(activation, kind, dtype):
    X = data(dtype)
    clf = classifier(X, targets(X, kind), activation=activation)
    labels, proba = check_classifier(clf, X, convert(clf, X, options={"zipmap": False}))
    assert proba.dtype == dtype  # the graph computes in the input's precision
    assert proba.shape == (len(X), len(clf.classes_))
    if kind == "multilabel":
        assert labels.shape == (len(X), 3)


def test_zipmap_default_gives_a_dictionary_per_row():
    X = data(np.float32)
    clf = classifier(X, targets(X, "strings"))
    labels, rows = run(convert(clf, X), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    P = np.array([[row[c] for c in clf.classes_] for row in rows])
    np.testing.assert_allclose(P, clf.predict_proba(X), atol=TOL)


def test_zipmap_columns_and_class_labels_options():
    X = data(np.float32)
    clf = classifier(X, targets(X, "multiclass"))
    labels, *columns = run(convert(clf, X, options={"zipmap": "columns"}), X)
    np.testing.assert_allclose(np.column_stack(columns), clf.predict_proba(X), atol=TOL)
    options = {"zipmap": False, "output_class_labels": True}
    _, _, classes = run(convert(clf, X, options=options), X)
    np.testing.assert_array_equal(classes, clf.classes_)


def test_float64_model_exported_for_float32_input():
    X = data(np.float64)
    clf = classifier(X, targets(X, "multiclass"))
    _, proba = run(convert(clf, X.astype(np.float32), options={"zipmap": False}), X.astype(np.float32))
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=TOL)


def test_double_input_with_zipmap_is_refused_with_the_option_to_use():
    X = data(np.float64)
    clf = classifier(X, targets(X, "binary"))
    with pytest.raises(ValueError, match="'zipmap': False"):
        convert(clf, X)
    labels, *columns = run(convert(clf, X, options={"zipmap": "columns"}), X)
    np.testing.assert_allclose(np.column_stack(columns), clf.predict_proba(X), atol=TOL)


# -- the regressor -------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regressor_matches_predict(activation, n_outputs, dtype):
    X = data(dtype)
    y = X[:, :n_outputs] * [1.0, -2.0, 0.5][:n_outputs] + 0.5 * X[:, [3]] ** 2
    reg = L1MLPRegressor(
        hidden_layer_sizes=(10, 5), activation=activation, max_iter=30, random_state=0
    ).fit(X, y.ravel() if n_outputs == 1 else y)
    (out,) = run(convert(reg, X), X)
    assert out.shape == (len(X), n_outputs) and out.dtype == dtype
    expected = reg.predict(X).reshape(len(X), n_outputs)
    np.testing.assert_allclose(out, expected, rtol=TOL, atol=TOL)


# -- compacted models ----------------------------------------------------------------
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compacted_models(sparse, dtype):
    X = data(dtype, n=300)
    clf = classifier(X, targets(X, "multiclass"), hidden_layer_sizes=(40, 20), lmbda=1e-2,
                     max_iter=60)
    small = clf.compact(sparse=sparse)
    assert sum(small.hidden_layer_sizes) < 60  # units were removed
    assert sp.issparse(small.coefs_[0]) == sparse
    onx = convert(small, X, options={"zipmap": False})
    # a sparse matrix is written as a sparse constant, a dense one as an initializer
    sparse_constants = [n for n in onx.graph.node if n.op_type == "Constant"]
    assert len(sparse_constants) == (len(small.coefs_) if sparse else 0)
    check_classifier(small, X, onx)
    check_classifier(clf, X, convert(clf, X, options={"zipmap": False}))

    y = X[:, 0] - 2 * X[:, 1]
    reg = L1MLPRegressor(hidden_layer_sizes=(30,), lmbda=0.05, max_iter=40,
                         random_state=0).fit(X, y)
    small = reg.compact(sparse=sparse)
    assert small.hidden_layer_sizes[0] < 30
    (out,) = run(convert(small, X), X)
    np.testing.assert_allclose(out.ravel(), small.predict(X), rtol=TOL, atol=TOL)


def test_uncompacted_model_exports_its_pruned_network():
    """The graph of a sparse model holds the network it predicts with: compact()'s."""
    X = data(np.float64, n=300)
    clf = classifier(X, targets(X, "multiclass"), hidden_layer_sizes=(40, 20), lmbda=1e-2,
                     max_iter=60)
    widths = clf.compact(sparse=False).hidden_layer_sizes
    assert sum(widths) < 60
    onx = convert(clf, X, options={"zipmap": False})
    shapes = [tuple(t.dims) for t in onx.graph.initializer if len(t.dims) == 2]
    assert [s[1] for s in shapes[:-1]] == list(widths)
    check_classifier(clf, X, onx)


# -- pipelines, the selector, the searches -------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pipeline_with_scaler_and_classifier(dtype):
    X = data(dtype) * 10 + 3
    pipe = make_pipeline(StandardScaler(), L1MLPClassifier(max_iter=30, random_state=0))
    pipe.fit(X, targets(X, "strings"))
    check_classifier(pipe, X, convert(pipe, X, options={L1MLPClassifier: {"zipmap": False}}))


def test_pipeline_with_selector_and_regressor():
    X = data(np.float32)
    y = X[:, 0] - 2 * X[:, 1]
    selector = L1FeatureSelector(
        L1MLPRegressor(hidden_layer_sizes=(10,), max_iter=20, random_state=0),
        n_features_to_select=2,
    )
    pipe = make_pipeline(
        StandardScaler(), selector, L1MLPRegressor(max_iter=30, random_state=0)
    ).fit(X, y)
    (selected,) = run(convert(pipe[:2], X), X)
    np.testing.assert_allclose(selected, pipe[:2].transform(X), rtol=TOL, atol=TOL)
    assert selected.shape == (len(X), 2)
    (out,) = run(convert(pipe, X), X)
    np.testing.assert_allclose(out.ravel(), pipe.predict(X), rtol=TOL, atol=TOL)


def test_searches_are_exported_as_their_best_estimator():
    X = data(np.float64)
    network = L1MLPClassifier(max_iter=10, random_state=0)
    search = L1MLPClassifierCV(make_pipeline(StandardScaler(), network), lmbdas=3, cv=2)
    search.fit(X, targets(X, "multiclass"))
    check_classifier(search, X, convert(search, X, options={id(search): {"zipmap": False}}))

    search = L1MLPRegressorCV(L1MLPRegressor(max_iter=10, random_state=0), lmbdas=3, cv=2)
    search.fit(X, X[:, 0] - X[:, 1])
    (out,) = run(convert(search, X), X)
    np.testing.assert_allclose(out.ravel(), search.predict(X), rtol=TOL, atol=TOL)


# -- errors --------------------------------------------------------------------------
@pytest.mark.parametrize("model", [L1MLPClassifier(), L1MLPRegressor(), L1MLPClassifierCV()])
def test_unfitted_models_are_refused(model):
    with pytest.raises(NotFittedError):
        convert(model, data(np.float32))


def test_missing_skl2onnx_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    with pytest.raises(ImportError, match=r"skl1net\[onnx\]"):
        register_converters()


def test_integer_input_is_cast_to_float():
    X = np.round(data(np.float64) * 3).astype(np.int64)
    clf = classifier(X, targets(X.astype(float), "multiclass"))
    _, proba = run(convert(clf, X, options={"zipmap": False}), X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=TOL)
