"""Behaviour of L1MLPClassifier on real data and through scikit-learn's API."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skl1net import L1MLPClassifier
from skl1net._network._mlp import LOSSES, forward

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def scaled_iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# -- accuracy and sparsity on real data --------------------------------------------
def test_default_fit_on_digits_is_accurate(digits):
    X_train, X_test, y_train, y_test = digits
    clf = L1MLPClassifier(random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95


def test_prox_gives_exact_zeros_and_the_subgradient_rule_does_not(digits):
    X_train, X_test, y_train, y_test = digits
    params = dict(lmbda=1e-2, random_state=0)
    prox = L1MLPClassifier(penalty="l1_prox", **params).fit(X_train, y_train)
    sub = L1MLPClassifier(penalty="l1", **params).fit(X_train, y_train)
    assert prox.score(X_test, y_test) >= 0.93
    assert prox.layer_zero_fractions_[0] > 0.5
    # the subgradient rule's weights hover around zero without landing on it
    assert sub.zero_fraction_ < 0.01
    assert np.mean(np.abs(sub.coefs_[0]) < 1e-3) > 0.2
    # the pixels at the border of the digits are always 0: prox drops them
    assert prox.n_features_selected_ < X_train.shape[1]
    assert prox.n_features_selected_ == int(prox.support_.sum())
    assert not prox.support_[np.all(X_train == 0, axis=0)].any()


def test_sparsity_report_is_consistent(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(8, 4), lmbda=0.01, random_state=0).fit(X, y)
    fractions = clf.layer_zero_fractions_
    assert fractions.shape == (3,)
    sizes = np.array([W.size for W in clf.coefs_])
    assert clf.zero_fraction_ == pytest.approx(np.dot(fractions, sizes) / sizes.sum())
    importances = clf.feature_importances_
    assert importances.shape == (4,) and importances.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine])
def test_no_hidden_layer_is_l1_logistic_regression(loader):
    X, y = loader(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    n, lmbda = len(y), 0.01
    ref = LogisticRegression(
        l1_ratio=1, solver="saga", C=1 / (n * lmbda), tol=1e-10, max_iter=100_000
    ).fit(X, y)
    clf = L1MLPClassifier(
        hidden_layer_sizes=(),
        penalty="l1_prox",
        lmbda=lmbda,
        eta=0.1,
        batch_size=n,
        max_iter=2000,
        tol=0.0,
        random_state=0,
        solver="sgd",
        debias=False,
    ).fit(X, y)
    out = clf.out_activation_
    Y = clf._label_binarizer.transform(y).astype(float)

    def objective(coefs, intercepts):
        P = forward(X, coefs, intercepts, "identity", out)
        return LOSSES[out](Y, P).mean() + lmbda * sum(np.abs(W).sum() for W in coefs)

    optimum = objective([ref.coef_.T], [ref.intercept_])
    assert objective(clf.coefs_, clf.intercepts_) <= 1.01 * optimum
    assert clf.loss_curve_[-1] == pytest.approx(objective(clf.coefs_, clf.intercepts_), rel=0.01)
    assert clf.zero_fraction_ > 0.3


def test_binary_and_string_labels():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    labels = np.where(y == 1, "benign", "malignant")
    clf = L1MLPClassifier(hidden_layer_sizes=(10,), random_state=0).fit(X, labels)
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"
    assert list(clf.classes_) == ["benign", "malignant"]
    assert set(clf.predict(X)) <= {"benign", "malignant"}
    assert clf.score(X, labels) > 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(1), 1)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-12)


def test_multilabel(scaled_iris):
    X, y = scaled_iris
    Y = np.column_stack([y == 0, y == 2, X[:, 0] > 0]).astype(int)
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert np.mean(pred == Y) > 0.9
    assert clf.predict_proba(X).shape == Y.shape


# -- input types and dtypes ---------------------------------------------------------
def test_sparse_input_equals_dense(scaled_iris):
    X, y = scaled_iris
    X = np.where(np.abs(X) < 0.5, 0, X)
    params = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    dense = L1MLPClassifier(**params).fit(X, y)
    for fmt in (sp.csr_matrix, sp.csc_matrix, sp.csr_array):
        sparse = L1MLPClassifier(**params).fit(fmt(X), y)
        for a, b in zip(dense.coefs_, sparse.coefs_):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(sparse.predict_proba(fmt(X)), dense.predict_proba(X))


def test_float32_trains_and_predicts_in_float32(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    clf.fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    clf.fit(X.astype(int), y)
    assert all(W.dtype == np.float64 for W in clf.coefs_)


def test_dataframe_and_feature_names(scaled_iris):
    pd = pytest.importorskip("pandas")
    X, y = scaled_iris
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(df, y)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(clf.predict(df), clf.predict(X.tolist()))


def test_same_random_state_gives_bit_identical_coefs(digits):
    X_train, _, y_train, _ = digits
    params = dict(max_iter=5, random_state=3)
    a = L1MLPClassifier(**params).fit(X_train, y_train)
    b = L1MLPClassifier(**params).fit(X_train, y_train)
    for Wa, Wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(Wa, Wb)
    c = L1MLPClassifier(max_iter=5, random_state=4).fit(X_train, y_train)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


# -- training modes -------------------------------------------------------------------
def test_partial_fit_learns_as_well_as_fit(digits):
    X_train, X_test, y_train, y_test = digits
    X_train, X_test = X_train / 16, X_test / 16
    params = dict(penalty="l1_prox", lmbda=1e-4, random_state=0)
    fitted = L1MLPClassifier(max_iter=30, n_iter_no_change=30, **params).fit(X_train, y_train)
    streamed = L1MLPClassifier(**params)
    classes = np.unique(y_train)
    for _ in range(30):
        for chunk in np.array_split(np.arange(len(y_train)), 5):
            streamed.partial_fit(X_train[chunk], y_train[chunk], classes=classes)
    assert streamed.t_ == 30 * len(y_train)
    assert streamed.score(X_test, y_test) >= fitted.score(X_test, y_test) - 0.02
    assert streamed.score(X_test, y_test) > 0.95


def test_partial_fit_equals_fit_for_one_epoch_without_shuffle(scaled_iris):
    X, y = scaled_iris
    params = dict(hidden_layer_sizes=(6,), batch_size=30, shuffle=False, random_state=0)
    # the contract: partial_fit is one epoch of fit without its debiasing phase
    fitted = L1MLPClassifier(max_iter=1, **params, solver="sgd", debias=False).fit(X, y)
    streamed = L1MLPClassifier(**params, solver="sgd", debias=False).partial_fit(X, y, classes=[0, 1, 2])
    for a, b in zip(fitted.coefs_, streamed.coefs_):
        np.testing.assert_array_equal(a, b)


def test_warm_start_continues_from_the_previous_solution(scaled_iris):
    X, y = scaled_iris
    # epoch counts of the penalized phase: debiasing (its own tests) pinned off
    clf = L1MLPClassifier(hidden_layer_sizes=(6,), max_iter=5, warm_start=True, random_state=0, solver="sgd", debias=False)
    clf.fit(X, y)
    first = [W.copy() for W in clf.coefs_]
    first_loss = clf.loss_curve_[-1]
    clf.fit(X, y)
    assert clf.n_iter_ == 10 and len(clf.loss_curve_) == 10
    assert clf.loss_curve_[-1] < first_loss
    assert not np.array_equal(first[0], clf.coefs_[0])
    cold = clone(clf).set_params(warm_start=False).fit(X, y)
    assert cold.n_iter_ == 5


@pytest.mark.parametrize("method", ["partial_fit", "fit"])
def test_continuing_with_other_hidden_layer_sizes_raises(scaled_iris, method):
    """warm_start and partial_fit train the fitted network: new sizes cannot apply silently."""
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(6,), max_iter=5, warm_start=True, random_state=0)
    clf.fit(X, y)
    state = _state(clf)
    clf.set_params(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match=r"does not match the fitted network's .* \(6,\)"):
        getattr(clf, method)(X, y)
    _assert_unchanged(clf, state)
    getattr(clf.set_params(hidden_layer_sizes=6), method)(X, y)  # the same sizes, spelt otherwise
    assert clf.t_ > state[2]


def test_early_stopping_keeps_the_best_validation_weights(digits):
    X_train, X_test, y_train, y_test = digits
    # early stopping acts on the penalized epochs: debiasing pinned off, SGD as measured
    clf = L1MLPClassifier(early_stopping=True, n_iter_no_change=5, random_state=0, solver="sgd", debias=False)
    clf.fit(X_train, y_train)
    assert clf.best_loss_ is None
    assert len(clf.validation_scores_) == clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X_test, y_test) > 0.93


@pytest.mark.parametrize(
    "y",
    [np.r_[1, np.zeros(59, int)], np.arange(60) % 20],  # a 1-sample class; 20 classes, 6 held out
    ids=["rare class", "fewer held-out samples than classes"],
)
def test_early_stopping_splits_unstratified_when_stratifying_is_impossible(y):
    X = np.random.RandomState(0).rand(60, 3)
    clf = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, early_stopping=True,
                          validation_fraction=0.1, random_state=0, solver="sgd", debias=False)
    with pytest.warns(UserWarning, match="cannot be stratified.*plain random"):
        clf.fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == 3


def test_verbose_prints_each_epoch_and_validation_score(scaled_iris, capsys):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, early_stopping=True,
                          verbose=True, random_state=0, solver="sgd", debias=False).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    epochs = [line for line in lines if line.startswith("Iteration")]
    scores = [line for line in lines if line.startswith("Validation score: ")]
    assert len(epochs) == clf.n_iter_ == 4
    assert [float(line.split(": ")[1]) for line in scores] == pytest.approx(
        clf.validation_scores_, abs=1e-6
    )
    clf.set_params(verbose=False).fit(X, y)
    assert capsys.readouterr().out == ""


def test_switching_early_stopping_between_calls(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(
        hidden_layer_sizes=(5,), eta=0.1, max_iter=20, early_stopping=True, random_state=0
    )
    clf.fit(X, y).partial_fit(X, y)
    clf.set_params(warm_start=True, early_stopping=False).fit(X, y)
    clf.set_params(early_stopping=True).fit(X, y)
    assert len(clf.validation_scores_) > 0 and clf.score(X, y) > 0.8


def test_loss_curve_includes_the_penalty(scaled_iris):
    X, y = scaled_iris
    # the penalized curve: debiasing epochs record the unpenalized loss
    small = L1MLPClassifier(hidden_layer_sizes=(6,), lmbda=0.0, max_iter=3, random_state=0, solver="sgd", debias=False)
    big = clone(small).set_params(lmbda=0.05)
    small.fit(X, y)
    big.fit(X, y)
    # same first epoch up to the penalty's effect; the penalty term is counted
    penalty = 0.05 * sum(np.abs(W).sum() for W in big.coefs_)
    assert big.loss_curve_[-1] > penalty
    assert big.best_loss_ == min(big.loss_curve_)


def test_sample_weight_two_equals_a_duplicated_row(scaled_iris):
    X, y = scaled_iris
    rng = np.random.default_rng(0)
    w = rng.integers(0, 3, len(y))
    w[:3] = 1  # keep every class
    params = dict(hidden_layer_sizes=(5,), batch_size=1000, max_iter=30, random_state=0)
    weighted = L1MLPClassifier(**params).fit(X, y, sample_weight=w)
    repeated = L1MLPClassifier(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    for a, b in zip(weighted.coefs_, repeated.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_class_weight(digits):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    base = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0)
    heavy = clone(base).set_params(class_weight={0: 100.0, 1: 1.0}).fit(X, y)
    plain = base.fit(X, y)
    assert np.mean(heavy.predict(X) == 0) > np.mean(plain.predict(X) == 0)
    balanced = clone(base).set_params(class_weight="balanced").fit(X, y)
    counts = np.bincount(y)
    manual = clone(base).fit(X, y, sample_weight=(len(y) / (2 * counts))[y])
    np.testing.assert_allclose(balanced.coefs_[0], manual.coefs_[0], rtol=1e-10)
    with pytest.raises(ValueError, match="balanced.*partial_fit"):
        clone(balanced).partial_fit(X, y, classes=[0, 1])


def test_convergence_warning(scaled_iris):
    X, y = scaled_iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        L1MLPClassifier(max_iter=2, random_state=0).fit(X, y)


# -- scikit-learn tooling ----------------------------------------------------------------
def test_pipeline_gridsearch_and_cross_val_score(digits):
    X_train, X_test, y_train, y_test = digits
    pipe = make_pipeline(
        StandardScaler(), L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {"l1mlpclassifier__lmbda": [1e-4, 1e-2], "l1mlpclassifier__penalty": ["l1_prox", "l2"]},
        cv=3,
        n_jobs=2,
    ).fit(X_train, y_train)
    assert grid.best_score_ > 0.9
    assert grid.score(X_test, y_test) > 0.9
    scores = cross_val_score(clone(pipe), X_train, y_train, cv=3)
    assert scores.mean() > 0.9
    restored = pickle.loads(pickle.dumps(grid.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X_test), grid.predict(X_test))


# -- errors leave a fitted model untouched ---------------------------------------------------
def _state(clf):
    return [W.copy() for W in clf.coefs_ + clf.intercepts_], clf.classes_.copy(), clf.t_


def _assert_unchanged(clf, state):
    params, classes, t = state
    for a, b in zip(params, clf.coefs_ + clf.intercepts_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(classes, clf.classes_)
    assert clf.t_ == t


@pytest.mark.parametrize(
    "method, args, match",
    [
        ("fit", lambda X, y: (np.where(X > 1, np.nan, X), y), "NaN"),
        ("fit", lambda X, y: (np.where(X > 1, np.inf, X), y), "infinity"),
        ("fit", lambda X, y: (X, np.zeros_like(y)), "one class"),
        ("partial_fit", lambda X, y: (X[:, :3], y), "features"),
        ("partial_fit", lambda X, y: (X, y + 5), "not in classes_"),
        ("partial_fit", lambda X, y: (np.where(X > 1, np.nan, X), y), "NaN"),
    ],
)
def test_bad_input_raises_and_keeps_the_fitted_model(scaled_iris, method, args, match):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X, y)
    state = _state(clf)
    with pytest.raises(ValueError, match=match):
        getattr(clf, method)(*args(X, y))
    _assert_unchanged(clf, state)
    clf.predict(X)  # still usable


def test_unseen_label_in_partial_fit_is_named(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,)).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"\[7\]"):
        clf.partial_fit(X[:2], [0, 7])
    with pytest.raises(ValueError, match="classes must be passed"):
        L1MLPClassifier().partial_fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"lmbda": -1.0}, "lmbda"),
        ({"penalty": "l0"}, "penalty"),
        ({"batch_size": 0}, "batch_size"),
        ({"eta": 0.0}, "eta"),
        ({"momentum": 1.0}, "momentum"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes"),
    ],
)
def test_invalid_parameters(scaled_iris, params, match):
    X, y = scaled_iris
    with pytest.raises(ValueError, match=match):
        L1MLPClassifier(**params).fit(X, y)


def test_divergence_names_eta_and_leaves_no_nan(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0, solver="sgd", debias=False).fit(X, y)
    state = _state(clf)
    clf.set_params(eta=1e3, warm_start=True)
    with pytest.raises(ValueError, match="eta=1000.0"):
        clf.fit(X, y)
    _assert_unchanged(clf, state)
    # overflow to inf/NaN is caught too, and a fresh model stays unfitted
    # SGD: its divergence names eta (Adam steps are bounded by eta)
    fresh = L1MLPClassifier(hidden_layer_sizes=(20, 20), activation="identity", eta=1e3, solver="sgd", debias=False)
    with pytest.raises(ValueError, match="diverged"):
        fresh.fit(X, y)
    assert not hasattr(fresh, "coefs_")


def test_set_params_between_partial_fit_calls_applies(scaled_iris):
    X, y = scaled_iris
    clf = L1MLPClassifier(hidden_layer_sizes=(5,), random_state=0, solver="sgd", debias=False)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    velocity = clf._optimizer.coef_velocities[0].copy()
    clf.set_params(eta=0.0123, momentum=0.5, penalty="l2", lmbda=0.2)
    clf.partial_fit(X, y)
    opt = clf._optimizer
    assert (opt.eta_t, opt.momentum, opt.penalty.name, opt.penalty.lmbda) == (
        0.0123,
        0.5,
        "l2",
        0.2,
    )
    # the velocities carried over from the first call instead of restarting
    assert not np.array_equal(opt.coef_velocities[0], velocity)
    assert np.any(velocity != 0)


def test_partial_fit_after_a_default_fit_learns_a_new_stream():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    model = L1MLPClassifier(random_state=0).fit(X, y)
    shifted = (y + 1) % 10
    for _ in range(5):
        model.partial_fit(X, shifted)
    assert model.score(X, shifted) >= 0.9
