"""L1MLPClassifierCV: lmbda chosen by cross-validation along warm-started paths."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, GroupKFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skl1net import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, lmbda_path
from skl1net._training._path import lmbda_max
from skl1net.exceptions import ConstantOutputWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


CANCER_GRID = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]


def test_cv_chooses_like_grid_search_within_noise(cancer):
    """The choice and test accuracy of GridSearchCV up to fold noise, from paths.

    Not the same lmbda in general: warm-started and cold fits of a network
    reach different solutions, and neighbouring grid values score within a
    sample or two of each other here.
    """
    X_train, X_test, y_train, y_test = cancer
    base = L1MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    ours = L1MLPClassifierCV(base, lmbdas=CANCER_GRID, cv=cv, n_jobs=2).fit(X_train, y_train)
    with warnings.catch_warnings():  # the largest lmbdas empty the network
        warnings.simplefilter("ignore", ConstantOutputWarning)
        search = GridSearchCV(base, {"lmbda": CANCER_GRID}, cv=cv).fit(X_train, y_train)
    grid_scores = search.cv_results_["mean_test_score"]
    chosen = CANCER_GRID.index(ours.lmbda_)
    assert grid_scores[chosen] >= grid_scores.max() - 0.01  # about 1 sample per fold
    assert ours.scores_.mean(axis=0).max() >= grid_scores.max() - 0.01
    assert ours.score(X_test, y_test) >= search.score(X_test, y_test) - 0.02
    assert ours.scores_.shape == (3, 5)
    np.testing.assert_array_equal(ours.lmbdas_, CANCER_GRID)
    # The final model is the full-data path's point at lmbda_, with the
    # template's max_iter and warm_start.
    path = lmbda_path(X_train, y_train, CANCER_GRID, estimator=base,
                      validation_fraction=None, return_models=True)
    final = ours.best_estimator_
    for W, V in zip(final.coefs_, path[chosen].model.coefs_):
        np.testing.assert_array_equal(W, V)
    assert (final.lmbda, final.max_iter, final.warm_start) == (ours.lmbda_, "auto", False)


def test_cv_final_model_keeps_the_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = load_wine(return_X_y=True, as_frame=True)
    X = (X - X.mean()) / X.std()
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(X, y)
    np.testing.assert_array_equal(cv.best_estimator_.feature_names_in_, X.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no "fitted without feature names"
        np.testing.assert_array_equal(cv.best_estimator_.predict(X), cv.predict(X))
    assert isinstance(X, pd.DataFrame)


def test_cv_splits_by_groups():
    """With a group splitter, no group is on both sides of a fold; without groups, its error."""
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    groups = np.arange(len(y)) % 6
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    seen = []

    class Recording(GroupKFold):
        def split(self, X, y=None, groups=None):
            for train, test in super().split(X, y, groups):
                seen.append((set(groups[train]), set(groups[test])))
                yield train, test

    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=Recording(3)).fit(X, y, groups=groups)
    assert cv.scores_.shape == (3, 2) and len(seen) == 3
    assert all(not (train & test) and len(test) == 2 for train, test in seen)
    with pytest.raises(ValueError, match="groups"):
        L1MLPClassifierCV(base, lmbdas=[1e-2], cv=GroupKFold(3)).fit(X, y)


def test_cv_takes_sample_weight_to_fits_and_fold_scores(cancer):
    X_train, _, y_train, _ = cancer
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = [3e-2, 1e-2, 1e-3]

    def fit(sample_weight=None):
        return L1MLPClassifierCV(base, lmbdas=grid, cv=cv).fit(X_train, y_train, sample_weight)

    plain, ones, twos = fit(), fit(np.ones(len(y_train))), fit(2 * np.ones(len(y_train)))
    # a common factor changes nothing; equal weights are the unweighted fit up to rounding
    np.testing.assert_array_equal(ones.scores_, twos.scores_)
    np.testing.assert_allclose(ones.scores_, plain.scores_, atol=1e-12)
    assert ones.lmbda_ == plain.lmbda_
    # weights that ignore half the samples change the fits and the fold scores
    half = np.where(np.arange(len(y_train)) % 2 == 0, 1.0, 0.0)
    weighted = fit(half)
    assert not np.allclose(weighted.scores_, plain.scores_)
    final = clone(base).set_params(lmbda=weighted.lmbda_)
    assert weighted.best_estimator_.get_params() == final.get_params()
    # the automatic grid takes the weights too
    auto = L1MLPClassifierCV(base, lmbdas=3, cv=cv).fit(X_train, y_train, half)
    top = lmbda_max(X_train, y_train, base, sample_weight=half)
    assert auto.lmbdas_[0] == pytest.approx(top)


def test_cv_compacts_and_reports_like_its_final_model(digits_split):
    X_train, X_test, y_train, _ = digits_split
    base = L1MLPClassifier(hidden_layer_sizes=(24,), max_iter=10, random_state=0)
    cv = L1MLPClassifierCV(base, lmbdas=[3e-2, 1e-2], cv=2).fit(X_train, y_train)
    best = cv.best_estimator_
    for name in ("layer_zero_fractions_", "n_dead_units_", "zero_fraction_", "support_"):
        np.testing.assert_array_equal(getattr(cv, name), getattr(best, name))
    small = cv.compact()
    assert isinstance(small, L1MLPClassifier) and small is not best
    assert sum(small.hidden_layer_sizes) <= sum(best.hidden_layer_sizes)
    np.testing.assert_allclose(small.predict_proba(X_test), cv.predict_proba(X_test), atol=1e-12)
    with pytest.raises(NotFittedError):
        L1MLPClassifierCV(base).compact()


@pytest.mark.parametrize("to_y", [np.asarray, sp.csr_matrix], ids=["dense", "sparse"])
def test_cv_takes_multilabel_targets(to_y):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4)
    Y = np.c_[X[:, 0] > 0.5, X[:, 1] > 0.5, X[:, 2] > 0.3].astype(int)
    base = L1MLPClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0)
    cv = L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(X, to_y(Y))
    assert cv.predict(X).shape == cv.predict_proba(X).shape == (60, 3)
    np.testing.assert_array_equal(cv.classes_, [0, 1, 2])
    assert 0 <= cv.score(X, Y) <= 1


def test_cv_refuses_an_estimator_other_than_the_classifier_and_an_empty_grid():
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    with pytest.raises(InvalidParameterError, match="estimator.*L1MLPClassifier"):
        L1MLPClassifierCV(L1MLPRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="lmbdas is empty"):
        L1MLPClassifierCV(lmbdas=[]).fit(X, y)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_cv_workers_follow_the_callers_warning_filters(n_jobs):
    """As with n_jobs=1, a worker's ConvergenceWarning follows the caller's filters (sklearn's Parallel)."""
    X, y = np.random.RandomState(0).rand(40, 3), np.arange(40) % 2
    base = L1MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    cv = L1MLPClassifierCV(base, lmbdas=[1e-3], cv=2, n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning):
            cv.fit(X, y)
