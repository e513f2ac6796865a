"""The CV estimators' options: random_state, scoring, a pipeline, the edge-of-grid warning."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.datasets import load_digits, make_friedman1
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, mean_absolute_error
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skl1net import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, L1MLPRegressorCV
from skl1net.exceptions import GridEdgeWarning, InputScaleWarning

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::skl1net.exceptions.GridEdgeWarning"),
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def small(**params):
    return L1MLPClassifier(hidden_layer_sizes=(16,), max_iter=10, **params)


def by_lmbda(weight):
    """A scoring callable that ranks the points by their lmbda alone."""
    return lambda est, X, y: weight(est.lmbda)


# -- random_state ----------------------------------------------------------------------
def test_random_state_makes_two_runs_choose_the_same_grid_and_lmbda(digits):
    X, y = digits
    runs = [L1MLPClassifierCV(small(), lmbdas=4, cv=3, random_state=0).fit(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].lmbdas_, runs[1].lmbdas_)
    np.testing.assert_array_equal(runs[0].scores_, runs[1].scores_)
    assert runs[0].lmbda_ == runs[1].lmbda_
    np.testing.assert_array_equal(runs[0].coefs_[0], runs[1].coefs_[0])
    # the seed goes to the network, which the template keeps unseeded
    assert runs[0].best_estimator_.random_state == 0
    assert runs[0].estimator.random_state is None


def test_random_state_leaves_a_seeded_estimator_its_own_seed(digits):
    X, y = digits
    own = L1MLPClassifierCV(small(random_state=1), lmbdas=[1e-2, 1e-3], cv=2).fit(X, y)
    both = L1MLPClassifierCV(small(random_state=1), lmbdas=[1e-2, 1e-3], cv=2,
                             random_state=5).fit(X, y)
    np.testing.assert_array_equal(own.scores_, both.scores_)
    assert both.best_estimator_.random_state == 1


def test_unseeded_runs_share_the_automatic_grid(digits):
    X, y = digits
    grids = [L1MLPClassifierCV(small(), lmbdas=3, cv=2).fit(X, y).lmbdas_ for _ in range(2)]
    np.testing.assert_array_equal(*grids)


# -- the edge of the grid -------------------------------------------------------------
@pytest.mark.parametrize(
    "weight, edge, advice",
    [(lambda lmbda: -lmbda, "smallest", "smaller values in lmbdas"),
     (lambda lmbda: lmbda, "largest", "larger values in lmbdas")],
)
def test_a_choice_at_the_edge_of_the_grid_warns_which_edge(digits, weight, edge, advice):
    X, y = digits
    cv = L1MLPClassifierCV(small(random_state=0), lmbdas=[1e-2, 1e-3, 1e-4], cv=2,
                           scoring=by_lmbda(weight))
    with pytest.warns(GridEdgeWarning, match=edge) as record:
        cv.fit(X, y)
    [edge_warning] = [w for w in record if w.category is GridEdgeWarning]
    assert advice in str(edge_warning.message)
    assert edge_warning.filename == __file__  # at the caller of fit


def test_the_regressor_warns_at_the_callers_line():
    X, y = make_friedman1(n_samples=100, random_state=0)
    base = L1MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    cv = L1MLPRegressorCV(base, lmbdas=[1e-2, 1e-3], cv=2,
                          scoring=by_lmbda(lambda lmbda: lmbda))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        cv.fit(30 * X, y)
    for category in (GridEdgeWarning, InputScaleWarning):
        [w] = [w for w in record if w.category is category]
        assert w.filename == __file__


def test_the_automatic_grid_suggests_a_smaller_ratio(digits):
    X, y = digits
    cv = L1MLPClassifierCV(small(random_state=0), lmbdas=3, cv=2, ratio=0.1,
                           scoring=by_lmbda(lambda lmbda: -lmbda))
    with pytest.warns(GridEdgeWarning, match=r"smaller ratio \(now 0.1\)"):
        cv.fit(X, y)


def test_a_choice_inside_the_grid_does_not_warn(digits):
    X, y = digits
    cv = L1MLPClassifierCV(small(random_state=0), lmbdas=[1e-2, 1e-3, 1e-4], cv=2,
                           scoring=by_lmbda(lambda lmbda: -abs(np.log(lmbda / 1e-3))))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GridEdgeWarning)
        cv.fit(X, y)
    assert cv.lmbda_ == 1e-3


# -- scoring ---------------------------------------------------------------------------
def test_scoring_scores_each_fold_and_point_with_the_scorer(digits):
    X, y = digits
    folds = list(StratifiedKFold(2).split(X, y))
    lmbdas = [1e-2, 1e-3]
    cv = L1MLPClassifierCV(small(random_state=0), lmbdas=lmbdas, cv=folds,
                           scoring="balanced_accuracy").fit(X, y)
    for k, (train, test) in enumerate(folds):
        for j, lmbda in enumerate(lmbdas):
            est = _path_model(small(random_state=0), X[train], y[train], lmbdas, j)
            expected = balanced_accuracy_score(y[test], est.predict(X[test]))
            assert cv.scores_[k, j] == pytest.approx(expected, abs=1e-12)
    default = L1MLPClassifierCV(small(random_state=0), lmbdas=lmbdas, cv=folds).fit(X, y)
    assert not np.array_equal(default.scores_, cv.scores_)  # accuracy by default


def test_cv_takes_a_generator_of_folds(digits):
    X, y = digits
    folds = list(StratifiedKFold(2).split(X, y))
    cv = L1MLPClassifierCV(small(random_state=0), lmbdas=[1e-2, 1e-3], cv=iter(folds))
    assert cv.fit(X, y).scores_.shape == (2, 2)


def _path_model(template, X, y, lmbdas, index):
    from skl1net._training._path import walk

    for i, est, _ in walk(template, X, y, np.asarray(lmbdas), "auto"):
        if i == index:
            return est
    raise AssertionError


# -- a pipeline as the estimator ---------------------------------------------------------
class RowCounter(TransformerMixin, BaseEstimator):
    """Passes X through; records how many rows each fit saw."""

    seen = []

    def fit(self, X, y=None):
        RowCounter.seen.append(len(X))
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        return X


def test_a_pipeline_fits_its_first_steps_inside_each_fold(digits):
    X, y = digits
    X = 16 * X  # unscaled: the scaler in the pipeline scales each fold
    RowCounter.seen = []
    pipe = make_pipeline(RowCounter(), StandardScaler(), small(random_state=0))
    with warnings.catch_warnings():
        # no InputScaleWarning: the network sees scaled data
        warnings.simplefilter("error", InputScaleWarning)
        cv = L1MLPClassifierCV(pipe, lmbdas=[1e-2, 1e-3], cv=4).fit(X, y)
    assert sorted(RowCounter.seen) == [300] * 4 + [400]  # each fold's training part, then all
    assert cv.best_estimator_[-1].lmbda == cv.lmbda_
    np.testing.assert_array_equal(cv.predict(X), cv.best_estimator_.predict(X))
    # the fold scores are those of the fold-scaled path
    train, test = next(StratifiedKFold(4).split(X, y))
    scaler = StandardScaler().fit(X[train])
    est = _path_model(small(random_state=0), scaler.transform(X[train]), y[train],
                      [1e-2, 1e-3], 1)
    assert cv.scores_[0, 1] == est.score(scaler.transform(X[test]), y[test])
    assert cv.coefs_[0].shape == (64, 16) and cv.compact().predict(X[:5]).shape == (5,)


def test_a_pipeline_must_end_with_the_network(digits):
    X, y = digits
    with pytest.raises(ValueError, match="must be a L1MLPClassifier; got LogisticRegression"):
        L1MLPClassifierCV(make_pipeline(StandardScaler(), LogisticRegression())).fit(X, y)


# -- the regressor ----------------------------------------------------------------------
def test_regressor_cv_chooses_by_r2_and_takes_a_scorer():
    X, y = make_friedman1(n_samples=200, random_state=0)
    base = L1MLPRegressor(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    folds = list(KFold(2).split(X))
    lmbdas = [3e-2, 1e-3]
    cv = L1MLPRegressorCV(make_pipeline(StandardScaler(), base), lmbdas=lmbdas, cv=folds)
    cv.fit(X, y)
    mae = clone(cv).set_params(scoring="neg_mean_absolute_error").fit(X, y)
    train, test = folds[1]
    scaler = StandardScaler().fit(X[train])
    est = _path_model(base, scaler.transform(X[train]), y[train], lmbdas, 1)
    Xt = scaler.transform(X[test])
    assert cv.scores_[1, 1] == pytest.approx(est.score(Xt, y[test]), abs=1e-12)
    assert mae.scores_[1, 1] == pytest.approx(-mean_absolute_error(y[test], est.predict(Xt)))
    assert cv.score(X, y) > 0.5
    assert isinstance(cv.best_estimator_[-1], L1MLPRegressor)
