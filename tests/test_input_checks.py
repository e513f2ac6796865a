"""Inputs that decide what compiled code and the gradients see: class weights,
sparse index arrays, extreme feature scales and extreme sample weights."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_iris
from sklearn.utils.class_weight import compute_sample_weight

from skl1net import L1MLPClassifier, L1MLPRegressor, lmbda_max, lmbda_path
from skl1net.exceptions import ConstantOutputWarning


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def small_clf(**params):
    return L1MLPClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0, **params)


# -- class_weight ------------------------------------------------------------------
@pytest.mark.parametrize("value", [-1.0, np.nan, np.inf, "2"])
@pytest.mark.parametrize("call", ["fit", "partial_fit", "lmbda_path"])
def test_class_weight_values_must_be_finite_and_non_negative(iris, value, call):
    X, y = iris
    clf = small_clf(class_weight={0: value, 1: 1.0, 2: 1.0})
    message = "class_weight must map classes to finite, non-negative numbers; class 0 has"
    with pytest.raises(ValueError, match=message):
        if call == "fit":
            clf.fit(X, y)
        elif call == "partial_fit":
            clf.partial_fit(X, y, classes=[0, 1, 2])
        else:
            lmbda_path(X, y, [1e-3], estimator=clf)


def test_bad_class_weight_leaves_a_fitted_model_as_it_was(iris):
    X, y = iris
    clf = small_clf().partial_fit(X, y, classes=[0, 1, 2])
    before = pickle.dumps(clf)
    clf.set_params(class_weight={0: -1.0, 1: 1.0, 2: 1.0})
    with pytest.raises(ValueError, match="class 0 has -1.0"):
        clf.partial_fit(X, y)
    assert pickle.dumps(clf.set_params(class_weight=None)) == before


def test_class_weight_keys_must_be_classes(iris):
    X, y = iris
    clf = small_clf(class_weight={0: 1.0, 1: 2.0, 2: 1.0, 7: 3.0})
    with pytest.raises(ValueError, match=r"class_weight has keys that are not classes: \[7\]"):
        clf.fit(X, y)


def test_class_weight_all_zero_is_rejected(iris):
    X, y = iris
    with pytest.raises(ValueError, match="class_weight is zero for every class"):
        small_clf(class_weight={0: 0.0, 1: 0.0, 2: 0.0}).fit(X, y)


def test_balanced_class_weight_equals_its_sample_weights(iris):
    X, y = iris
    keep = np.r_[0:50, 50:70, 100:150]  # imbalanced
    X, y = X[keep], y[keep]
    balanced = small_clf(class_weight="balanced").fit(X, y)
    weighted = small_clf().fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    for a, b in zip(balanced.coefs_, weighted.coefs_):
        np.testing.assert_array_equal(a, b)


# -- extreme weights ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_uniform_sample_weight_fits_as_equal_weights(iris, dtype):
    X, y = iris
    X = X.astype(dtype)
    ones = small_clf().fit(X, y, sample_weight=np.ones(len(y)))
    huge = small_clf().fit(X, y, sample_weight=np.full(len(y), 1e307))
    assert huge.eta_ == ones.eta_
    for a, b in zip(huge.coefs_ + huge.intercepts_, ones.coefs_ + ones.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_huge_sample_weight_times_class_weight_does_not_overflow(iris):
    X, y = iris
    cw = {0: 1e307, 1: 2e307, 2: 1e307}
    huge = small_clf(class_weight=cw).fit(X, y, sample_weight=np.full(len(y), 1e307))
    plain = small_clf(class_weight={0: 0.5, 1: 1.0, 2: 0.5})
    plain.fit(X, y, sample_weight=np.ones(len(y)))
    for a, b in zip(huge.coefs_, plain.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_huge_sample_weight_regressor_and_lmbda_max(iris):
    X, y = iris
    target = X[:, 0] - X[:, 1]
    reg = L1MLPRegressor(hidden_layer_sizes=(6,), max_iter=3, random_state=0)
    ones = reg.fit(X, target, sample_weight=np.ones(len(y))).coefs_
    huge = reg.fit(X, target, sample_weight=np.full(len(y), 1e307)).coefs_
    for a, b in zip(ones, huge):
        np.testing.assert_array_equal(a, b)
    top = lmbda_max(X, target, reg, sample_weight=np.full(len(y), 1e307))
    assert top == pytest.approx(lmbda_max(X, target, reg))


@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
def test_huge_sample_weight_lmbda_path_scores_as_equal_weights(iris, Est):
    X, y = iris
    target = y if Est is L1MLPClassifier else X[:, 0] - X[:, 1]
    est = Est(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    paths = [
        lmbda_path(X, target, [1e-3, 1e-2], estimator=est, random_state=0,
                   sample_weight=np.full(len(y), w))
        for w in (1.0, 1e307)
    ]
    for plain, huge in zip(*paths):
        assert (huge.score, huge.objective) == (plain.score, plain.objective)


# -- feature scale -----------------------------------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
@pytest.mark.parametrize("dtype, scale", [(np.float64, 1e154), (np.float32, 1e19)])
def test_features_too_large_for_the_dtype_are_refused(digits, Est, dtype, scale, solver):
    # Adam's eta='auto' does not depend on the data: it is checked all the same
    X, y = digits
    message = "The features are too large to train on: their squared norms overflow"
    with pytest.raises(ValueError, match=message):
        Est(max_iter=2, solver=solver).fit((X * scale).astype(dtype), y)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
def test_features_too_small_to_train_are_refused(digits, Est, solver):
    X, y = digits
    message = r"The features are too small to train on \(mean row norm 3\.9e-30\)"
    with pytest.raises(ValueError, match=message):
        Est(max_iter=2, solver=solver).fit(X * 1e-30, y)
    with pytest.raises(ValueError, match=r"too small to train on \(mean row norm 0\.00039\)"):
        Est(max_iter=2, solver=solver).fit(X * 1e-4, y)
    Est(max_iter=2, solver=solver, lmbda=0.0).fit(X * 1e-3, y)  # a mean row norm of 0.0039 is accepted


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_overflowing_features_are_refused_by_partial_fit_and_a_chosen_eta(digits, solver):
    # Adam's steps are bounded by eta: on such features it would train on
    # with a huge finite loss instead of diverging
    X, y = digits
    message = "The features are too large to train on: their squared norms overflow"
    clf = small_clf(solver=solver).fit(X / 16, y)
    before = [W.copy() for W in clf.coefs_]
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X * 1e200, y)
    assert all(np.array_equal(W, V) for W, V in zip(before, clf.coefs_))
    with pytest.raises(ValueError, match=message):
        small_clf(solver=solver, eta=1e-3).fit(X * 1e200, y)


def test_all_zero_features_still_fit_a_constant(digits):
    X, y = digits
    X = np.zeros_like(X)
    # no scale to refuse: the best constant (under Adam's metric the L1 step
    # zeroes the first layer, whose gradient is zero, and says so)
    with pytest.warns(ConstantOutputWarning):
        clf = small_clf().fit(X, y)
    assert len(np.unique(clf.predict(X))) == 1


# -- sparse index arrays -----------------------------------------------------------
def corrupt(X, how):
    X = X.copy()
    if how == "large column":
        X.indices[0] = 10**6
    elif how == "negative column":
        X.indices[3] = -1
    elif how == "decreasing indptr":
        X.indptr[2] = X.indptr[3] + 1
    else:  # indptr past the end of indices
        X.indptr[-1] = len(X.indices) + 5
    return X


HOWS = ["large column", "negative column", "decreasing indptr", "indptr past the end"]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("call", ["fit", "partial_fit", "lmbda_path", "lmbda_max"])
def test_corrupt_sparse_training_data_is_refused(iris, how, call):
    X, y = iris
    X = corrupt(sp.csr_matrix(X), how)
    clf = small_clf()
    with pytest.raises(ValueError, match="Invalid X: the sparse matrix is corrupt"):
        if call == "fit":
            clf.fit(X, y)
        elif call == "partial_fit":
            clf.partial_fit(X, y, classes=[0, 1, 2])
        elif call == "lmbda_path":
            lmbda_path(X, y, [1e-3], estimator=clf, validation_fraction=None)
        else:
            lmbda_max(X, y, clf)


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
def test_corrupt_sparse_data_is_refused_by_prediction(iris, how, method):
    X, y = iris
    clf = small_clf().fit(X, y)
    X = corrupt(sp.csr_matrix(X), how)
    with pytest.raises(ValueError, match="Invalid X: the sparse matrix is corrupt"):
        if method == "score":
            clf.score(X, y)
        else:
            getattr(clf, method)(X)


@pytest.mark.parametrize("fmt", ["csc", "coo"])
def test_corrupt_indices_of_other_sparse_formats_are_refused(iris, fmt):
    X, y = iris
    X = sp.csr_matrix(X).asformat(fmt)
    if fmt == "coo":
        X.col[0] = 10**6
    else:
        X.indices[0] = -1
    with pytest.raises(ValueError, match="Invalid X: the sparse matrix is corrupt"):
        small_clf().fit(X, y)


def test_corrupt_sparse_multilabel_targets_are_refused(iris):
    X, y = iris
    Y = sp.csr_matrix(np.eye(3, dtype=int)[y])
    Y.indices[0] = 50
    with pytest.raises(ValueError, match="Invalid y: the sparse matrix is corrupt"):
        small_clf().fit(X, Y)


def test_sparse_check_leaves_sound_matrices_untouched():
    from skl1net._estimators._checks import check_sparse_structure

    X = sp.random(50, 20, density=0.2, format="csr", random_state=0)
    X.indices = X.indices.copy()
    # unsorted indices and spare room past indptr[-1] are legal
    X.indices[: X.indptr[1]] = X.indices[: X.indptr[1]][::-1]
    padded = X.copy()
    padded.data, padded.indices = np.r_[X.data, 0.0, 0.0], np.r_[X.indices, 10**6, -5]
    assert len(padded.indices) == padded.indptr[-1] + 2
    before = [a.copy() for a in (padded.data, padded.indices, padded.indptr)]
    check_sparse_structure(X)
    check_sparse_structure(padded)
    for a, b in zip(before, (padded.data, padded.indices, padded.indptr)):
        np.testing.assert_array_equal(a, b)
