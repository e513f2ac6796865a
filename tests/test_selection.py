"""L1FeatureSelector: the path it follows, its selection, and the scikit-learn API."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1FeatureSelector, L1MLPClassifier, L1MLPRegressor
from skl1net.exceptions import InputScaleWarning
from skl1net.penalties import L2, GroupL1Prox

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

INFORMATIVE = [2, 5, 11]


def _classification(n_samples=300, n_features=15, seed=0):
    """Classes decided by features 2, 5 and 11; the other features are noise."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    y = (X[:, INFORMATIVE] @ np.array([1.5, -2.0, 1.0]) > 0).astype(int)
    return X, y


def _net(cls=L1MLPClassifier, **params):
    params = {"hidden_layer_sizes": (16,), "max_iter": 20, "random_state": 0,
              "penalty": "group_l1_prox", **params}
    return cls(**params)


@parametrize_with_checks([L1FeatureSelector()], expected_failed_checks=lambda est: {})
def test_sklearn_compatible_selector(estimator, check):
    check(estimator)


def test_selects_the_informative_features_of_a_classification():
    X, y = _classification()
    selector = L1FeatureSelector(_net(), n_features_to_select=3).fit(X, y)
    assert np.flatnonzero(selector.get_support()).tolist() == INFORMATIVE
    assert selector.transform(X).shape == (300, 3)
    # the path: lmbda grows by `growth`, and it stops at the first fit with at most k rows
    assert np.allclose(selector.lmbdas_[1:] / selector.lmbdas_[:-1], selector.growth)
    assert selector.n_features_path_[-1] <= 3 < selector.n_features_path_[-2]
    # the refitted network sees the selected features only
    assert selector.estimator_.n_features_in_ == 3
    assert selector.estimator_.score(selector.transform(X), y) > 0.9


def test_selects_the_informative_features_of_a_regression():
    rng = np.random.RandomState(1)
    X = rng.randn(300, 12)
    y = 2 * X[:, 3] - X[:, 7] + 0.5 * X[:, 3] * X[:, 7]
    selector = L1FeatureSelector(n_features_to_select=2, random_state=0).fit(X, y)
    assert isinstance(selector.path_estimator_, L1MLPRegressor)
    assert np.flatnonzero(selector.support_).tolist() == [3, 7]


def test_a_step_that_removes_too_many_keeps_the_strongest_of_them():
    # growth=1e3 empties the network in one step: the k strongest rows of the
    # fit before it are kept
    X, y = _classification()
    selector = L1FeatureSelector(_net(), n_features_to_select=3, growth=1e3).fit(X, y)
    assert selector.n_features_path_[-1] == 0
    assert np.flatnonzero(selector.support_).tolist() == INFORMATIVE
    assert selector.n_features_ == 3
    assert set(selector.ranking_[selector.support_]) == {1}
    assert (selector.ranking_[~selector.support_] > 1).all()


def test_reweighting_rescales_inputs_and_rows_without_changing_the_network():
    X, y = _classification()
    net = _net().fit(X, y)
    before = net.predict_proba(X)
    norms = np.linalg.norm(net.coefs_[0], axis=1)
    scale, X_seen = L1FeatureSelector._reweight(net, X, np.ones(X.shape[1]), norms, 0.5)
    assert scale.max() == 1 and np.allclose(scale, np.sqrt(norms / norms.max()))
    np.testing.assert_allclose(X_seen, X * scale)
    np.testing.assert_allclose(net.predict_proba(X_seen), before, rtol=1e-10, atol=1e-12)
    # the row norms in the units of X are unchanged
    np.testing.assert_allclose(np.linalg.norm(net.coefs_[0], axis=1) * scale, norms)


def test_sparse_input_selects_as_dense_input():
    X, y = _classification()
    X[np.abs(X) < 0.5] = 0
    dense = L1FeatureSelector(_net(), n_features_to_select=3).fit(X, y)
    sparse = L1FeatureSelector(_net(), n_features_to_select=3).fit(sp.csr_matrix(X), y)
    assert np.flatnonzero(sparse.support_).tolist() == INFORMATIVE
    np.testing.assert_array_equal(sparse.support_, dense.support_)
    assert sp.issparse(sparse.transform(sp.csr_matrix(X)))


def test_sample_weight_decides_which_samples_the_selection_follows():
    # the first half's classes follow feature 0, the second half's feature 1
    rng = np.random.RandomState(0)
    X = rng.randn(400, 6)
    y = np.where(np.arange(400) < 200, X[:, 0] > 0, X[:, 1] > 0).astype(int)
    first = np.r_[np.ones(200), np.zeros(200)]
    for weights, expected in ((first, 0), (1 - first, 1)):
        selector = L1FeatureSelector(_net(), n_features_to_select=1)
        assert selector.fit(X, y, sample_weight=weights).support_.nonzero()[0].tolist() == [expected]


def test_unscaled_inputs_are_warned_about_once_at_the_caller():
    X, y = _classification()
    with pytest.warns(InputScaleWarning) as record:
        L1FeatureSelector(_net(), n_features_to_select=3).fit(X * 100, y)
    scale = [w for w in record if w.category is InputScaleWarning]
    assert len(scale) == 1
    assert scale[0].filename == __file__


def test_float32_is_kept():
    X, y = _classification()
    selector = L1FeatureSelector(_net(), n_features_to_select=3).fit(X.astype(np.float32), y)
    assert selector.path_estimator_.coefs_[0].dtype == np.float32
    assert selector.transform(X.astype(np.float32)).dtype == np.float32


def test_pipeline_and_grid_search_over_the_number_of_features():
    X, y = _classification(n_samples=200)
    pipe = make_pipeline(L1FeatureSelector(_net()), LogisticRegression())
    search = GridSearchCV(
        pipe, {"l1featureselector__n_features_to_select": [1, 3, 8]}, cv=3
    ).fit(X, y)
    assert search.best_params_ == {"l1featureselector__n_features_to_select": 3}
    assert search.best_estimator_[0].n_features_ == 3


def test_fraction_and_default_number_of_features():
    X, y = _classification(n_features=12)
    assert L1FeatureSelector(_net(), n_features_to_select=0.25).fit(X, y).n_features_ == 3
    assert L1FeatureSelector(_net()).fit(X, y).n_features_ == 6


def test_default_network_of_each_kind_of_target():
    X, y = _classification()
    selector = L1FeatureSelector(n_features_to_select=3, random_state=0).fit(X, y)
    path, refitted = selector.path_estimator_, selector.estimator_
    assert isinstance(path, L1MLPClassifier) and isinstance(refitted, L1MLPClassifier)
    # the classifier runs at twice the rate of eta='auto' (0.1 for these rows)
    assert path.eta == refitted.eta == 0.2
    assert path.penalty == "group_l1_prox" and path.random_state == 0
    assert np.flatnonzero(selector.get_support()).tolist() == INFORMATIVE
    regression = L1FeatureSelector(n_features_to_select=3).fit(X, X[:, 2] - X[:, 5])
    assert isinstance(regression.path_estimator_, L1MLPRegressor)
    assert regression.path_estimator_.eta == "auto"


def test_default_rate_follows_the_scale_of_the_data():
    # rows of mean squared norm about 4 * 60 = 240: eta='auto' is 10 / 240
    X, y = _classification(n_features=60)
    X *= 2
    auto = L1MLPClassifier(max_iter=1).fit(X, y).eta_
    assert auto < 0.05
    selector = L1FeatureSelector(n_features_to_select=3, random_state=0).fit(X, y)
    assert selector.path_estimator_.eta == pytest.approx(2 * auto)
    # the refitted network: twice eta='auto' on the 3 selected columns (0.1)
    assert selector.estimator_.eta == 0.2
    assert np.flatnonzero(selector.get_support()).tolist() == INFORMATIVE
    # weights enter the mean squared norm as they do in eta='auto'
    weights = np.where(np.arange(300) < 150, 1.0, 0.0)
    weighted = L1FeatureSelector(n_features_to_select=3).fit(X, y, sample_weight=weights)
    expected = L1MLPClassifier(max_iter=1).fit(X, y, sample_weight=weights).eta_
    assert weighted.path_estimator_.eta == pytest.approx(2 * expected) != 2 * auto


def test_select_from_model_ranks_a_network_to_max_features():
    X, y = _classification()
    selector = SelectFromModel(_net(lmbda=1e-3), max_features=3, threshold=-np.inf).fit(X, y)
    assert np.flatnonzero(selector.get_support()).tolist() == INFORMATIVE


def test_max_steps_reached_selects_the_largest_rows_with_a_warning():
    X, y = _classification()
    with pytest.warns(ConvergenceWarning, match="after max_steps=0 steps"):
        selector = L1FeatureSelector(_net(), n_features_to_select=3, max_steps=0).fit(X, y)
    assert len(selector.lmbdas_) == 1
    assert np.flatnonzero(selector.support_).tolist() == INFORMATIVE


def test_first_fit_with_too_few_features_warns():
    X, y = _classification()
    selector = L1FeatureSelector(_net(lmbda=0.5), n_features_to_select=3, refit=False)
    with pytest.warns(UserWarning, match="kept only 0 features"):
        selector.fit(X, y)
    assert not hasattr(selector, "estimator_")
    assert selector.n_features_ == 3


def test_a_penalty_instance_follows_the_path():
    X, y = _classification()
    selector = L1FeatureSelector(_net(penalty=GroupL1Prox(None)), n_features_to_select=3)
    assert np.flatnonzero(selector.fit(X, y).support_).tolist() == INFORMATIVE


@pytest.mark.parametrize(
    "estimator, error, match",
    [
        (_net(lmbda=0.0), ValueError, "lmbda=0.0"),
        (L1MLPClassifier(penalty="l2"), ValueError, "penalty='l2'"),
        (LogisticRegression(), TypeError, "L1MLPClassifier or an L1MLPRegressor"),
        (_net(penalty=GroupL1Prox(0.1)), ValueError, "Leave the instance's lmbda at None"),
        (_net(penalty=L2(None)), ValueError, "leaves no exact zeros"),
    ],
)
def test_estimators_that_cannot_select_are_refused(estimator, error, match):
    X, y = _classification(n_samples=50)
    with pytest.raises(error, match=match):
        L1FeatureSelector(estimator, n_features_to_select=2).fit(X, y)


def test_a_failed_fit_leaves_the_fitted_selector_as_it_was():
    X, y = _classification()
    selector = L1FeatureSelector(_net(), n_features_to_select=3).fit(X, y)
    before = {k: v for k, v in vars(selector).items() if k.endswith("_")}
    selector.set_params(n_features_to_select=40)
    with pytest.raises(ValueError, match="n_features_to_select=40 exceeds the 20 features"):
        selector.fit(np.hstack([X, X])[:, :20], y)
    assert selector.n_features_in_ == 15
    assert selector.support_ is before["support_"]
    assert selector.transform(X).shape == (300, 3)
