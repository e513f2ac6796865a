"""What a CV fit keeps and publishes: the fold scores, one network, all or nothing."""

import gc
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressorCV
from skl1net._estimators._cv_base import _fold_scores
from skl1net.exceptions import GridEdgeWarning

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::skl1net.exceptions.GridEdgeWarning"),
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


@parametrize_with_checks(
    [L1MLPClassifierCV(), L1MLPRegressorCV()], expected_failed_checks=lambda est: {}
)
def test_sklearn_compatible_at_the_defaults(estimator, check):
    check(estimator)


def test_a_fold_returns_its_scores_only(digits):
    X, y = digits
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    scores = _fold_scores(base, X, y, None, np.arange(200), np.arange(200, 300),
                          np.array([1e-2, 1e-3, 1e-4]), "auto", lambda e, X, y: e.score(X, y))
    assert isinstance(scores, np.ndarray) and scores.dtype == np.float64
    assert scores.shape == (3,)


def test_memory_does_not_grow_with_the_grid():
    """20 lmbdas on a 1.2 MB network: the peak stays a few networks above the data."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(120, 500), rng.randint(0, 3, 120)
    base = L1MLPClassifier(hidden_layer_sizes=(300,), max_iter=1, random_state=0, solver="sgd", debias=False)
    cv = L1MLPClassifierCV(base, lmbdas=np.geomspace(1e-2, 1e-5, 20), cv=2, warm_max_iter=1)
    gc.collect()
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    network = sum(W.nbytes for W in cv.coefs_)
    assert network > 1e6
    assert peak < 12 * network  # one network in flight, not one per lmbda (20)


def test_a_failed_fit_leaves_the_previous_fit_untouched(digits):
    X, y = digits
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(frame, y)
    before = dict(vars(cv))
    bad = pd.DataFrame(X[:, :10], columns=[f"other{i}" for i in range(10)])
    with pytest.raises(ValueError, match="Unknown label type"):
        cv.fit(bad, y + 0.5)  # continuous targets
    assert vars(cv).keys() == before.keys()
    assert all(vars(cv)[k] is v for k, v in before.items())
    assert cv.n_features_in_ == 64 and cv.feature_names_in_[0] == "px0"
    # a later fit on an array replaces every fitted attribute: no stale names
    cv.fit(X, y)
    assert not hasattr(cv, "feature_names_in_")


def test_a_fit_in_progress_shows_the_previous_fit(digits):
    """A reader during fit (here: the scorer, called in the folds) sees the old attributes."""
    X, y = digits
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(frame, y)
    old = cv.best_estimator_
    seen = []

    def scoring(est, X_test, y_test):
        seen.append((cv.n_features_in_, hasattr(cv, "feature_names_in_"), cv.best_estimator_))
        return est.score(X_test, y_test)

    cv.set_params(scoring=scoring).fit(X[:, :20], y)
    assert seen and all(s == (64, True, old) for s in seen)
    assert cv.n_features_in_ == 20 and not hasattr(cv, "feature_names_in_")


def test_the_feature_names_warning_names_the_cv_estimator(digits):
    X, y = digits
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(frame, y)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            getattr(cv, method)(X)
        assert [str(w.message) for w in record] == [
            "X does not have valid feature names, but L1MLPClassifierCV was fitted with "
            "feature names"
        ]
