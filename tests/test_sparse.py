"""Sparsity as a product: group penalty, debias, compact(), lmbda paths and CV."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, GroupKFold, StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, lmbda_path
from skl1net.penalties import (
    L1,
    L2,
    PENALTIES,
    GroupL1Prox,
    L1Prox,
    group_soft_threshold,
    soft_threshold,
    total_value,
)
from skl1net._optim._constraints import FixedSupport
from skl1net._training._path import lmbda_max, warm_budget
from skl1net.exceptions import ConstantOutputWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)


# -- penalties -------------------------------------------------------------------
@pytest.mark.parametrize("cls", [L2, L1, L1Prox])
def test_prox_is_the_same_for_every_layer_of_layerwise_penalties(cls):
    rng = np.random.RandomState(0)
    W = rng.randn(5, 4)
    a, b = W.copy(), W.copy()
    cls(0.3).prox(a, 0.5, 0)
    for layer in (0, 1, 2):
        c = W.copy()
        cls(0.3).prox(c, 0.5, layer)
        np.testing.assert_array_equal(c, a)
    assert b is not a


def test_group_prox_is_the_proximal_operator():
    """Row-wise closed form, and the three-point inequality of a prox."""
    rng = np.random.RandomState(0)
    Z = rng.randn(6, 4)
    t = 1.5
    P = Z.copy()
    group_soft_threshold(P, t)
    norms = np.linalg.norm(Z, axis=1)
    expected = Z * np.maximum(0, 1 - t / norms)[:, None]
    np.testing.assert_allclose(P, expected)
    assert np.all((np.linalg.norm(P, axis=1) == 0) == (norms <= t))

    def R(W):
        return t * np.linalg.norm(W, axis=1).sum()

    for _ in range(20):
        U = rng.randn(6, 4)
        lhs = 2 * (R(P) - R(U))
        rhs = ((U - Z) ** 2).sum() - ((U - P) ** 2).sum() - ((P - Z) ** 2).sum()
        assert lhs <= rhs + 1e-10


def test_group_penalty_layers_and_value():
    rng = np.random.RandomState(1)
    W0, W1 = rng.randn(3, 4), rng.randn(4, 2)
    pen = GroupL1Prox(0.2)
    expected = 0.2 * (2 * np.linalg.norm(W0, axis=1).sum() + np.abs(W1).sum())
    assert np.isclose(total_value(pen, [W0, W1]), expected)
    deep = W1.copy()
    pen.prox(deep, 0.5, layer=1)
    np.testing.assert_array_equal(deep, soft_threshold(W1, 0.1))
    assert PENALTIES["group_l1_prox"] is GroupL1Prox


def test_group_penalty_removes_whole_features():
    X, y = make_classification(
        n_samples=400, n_features=30, n_informative=5, n_redundant=0, random_state=0
    )
    params = dict(hidden_layer_sizes=(20,), lmbda=0.01, max_iter=100, random_state=0)
    group = L1MLPClassifier(penalty="group_l1_prox", **params).fit(X, y)
    elementwise = L1MLPClassifier(penalty="l1_prox", **params).fit(X, y)
    rows_zero = np.count_nonzero(group.coefs_[0], axis=1) == 0
    rows_full = np.count_nonzero(group.coefs_[0], axis=1) == group.coefs_[0].shape[1]
    assert np.all(rows_zero | rows_full)  # all or nothing per feature
    assert 0 < group.n_features_selected_ < 30
    assert group.n_features_selected_ < elementwise.n_features_selected_
    assert group.score(X, y) > 0.8


def test_fixed_support_keeps_the_mask():
    W = np.arange(1.0, 7.0).reshape(2, 3)
    mask = np.array([[True, False, True], [False, True, False]])
    FixedSupport([None, mask]).project(W, layer=1)
    np.testing.assert_array_equal(W, [[1, 0, 3], [0, 5, 0]])


# -- debias ----------------------------------------------------------------------
@pytest.mark.parametrize("Est", [L1MLPClassifier, L1MLPRegressor])
def test_debias_keeps_zeros_and_lowers_the_loss(Est, digits):
    X_train, X_test, y_train, y_test = digits
    if Est is L1MLPRegressor:
        y_train, y_test = y_train / 9.0, y_test / 9.0
    params = dict(hidden_layer_sizes=(50,), lmbda=1e-2, max_iter=20, random_state=0)
    if Est is L1MLPRegressor:
        params.update(eta=0.01)
    plain = Est(**params).fit(X_train, y_train)
    debiased = Est(debias=True, **params).fit(X_train, y_train)
    for W, V in zip(plain.coefs_, debiased.coefs_):
        np.testing.assert_array_equal(W == 0, V == 0)
    assert debiased.n_iter_ == plain.n_iter_ + 10  # ceil(20 / 2)
    assert plain.zero_fraction_ > 0.4
    assert debiased.score(X_test, y_test) > plain.score(X_test, y_test)
    # partial_fit never debiases; the penalized optimizer is kept for it
    assert debiased._optimizer.penalty.lmbda == params["lmbda"]


def test_debias_learning_rate_starts_at_half_eta(digits, monkeypatch):
    """The debiasing epochs run at eta/2 * (1 - k/n), whatever the penalized schedule."""
    from skl1net._estimators import _base
    X_train, _, y_train, _ = digits
    rates = []
    train = _base.BaseL1MLP._train

    def recording_train(self, *args, **kwargs):
        rates.append(self._optimizer.eta_t)
        return train(self, *args, **kwargs)

    monkeypatch.setattr(_base.BaseL1MLP, "_train", recording_train)
    L1MLPClassifier(hidden_layer_sizes=(8,), lmbda=1e-2, eta=0.08, max_iter=3, debias=True,
                    random_state=0).fit(X_train, y_train)
    # one penalized call (3 epochs), then 3 one-epoch debiasing calls
    np.testing.assert_allclose(rates, [0.08, 0.04, 0.04 * 2 / 3, 0.04 / 3])


# -- compact -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sparse_net(digits):
    X_train, _, y_train, _ = digits
    return L1MLPClassifier(
        hidden_layer_sizes=(64, 32), lmbda=1e-2, max_iter=40, random_state=0
    ).fit(X_train, y_train)


@pytest.mark.parametrize("sparse", ["auto", True, False])
def test_compact_is_equivalent_and_smaller(sparse_net, digits, sparse):
    X_test = digits[1]
    assert sparse_net.n_dead_units_.sum() > 0
    small = sparse_net.compact(sparse=sparse)
    assert small is not sparse_net and not small.n_dead_units_.any()
    assert small.hidden_layer_sizes == tuple(
        n - d for n, d in zip((64, 32), sparse_net.n_dead_units_)
    ) or sum(small.hidden_layer_sizes) < 96
    np.testing.assert_allclose(
        small.predict_proba(X_test), sparse_net.predict_proba(X_test), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_array_equal(small.predict(X_test), sparse_net.predict(X_test))
    np.testing.assert_array_equal(small.support_, sparse_net.support_)
    assert len(pickle.dumps(small)) < len(pickle.dumps(sparse_net))
    assert all(sp.issparse(W) == (sparse is True) for W in small.coefs_) or sparse == "auto"
    # the original is untouched
    assert sparse_net.coefs_[0].shape[1] == 64


def test_compact_folds_constant_units():
    """A unit with no inputs outputs act(bias); its effect moves into the next bias."""
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    reg = L1MLPRegressor(hidden_layer_sizes=(4, 3), max_iter=2, random_state=0)
    reg.fit(X, rng.randn(30, 2))
    reg.coefs_[0][:, 1] = 0  # unit 1 of layer 1: constant relu(b) feeds layer 2
    reg.intercepts_[0][1] = 0.7
    reg.coefs_[1][2, :] = 0  # unit 2 of layer 1: output unused
    reg.coefs_[1][:, 0] = 0  # unit 0 of layer 2: becomes constant
    before = reg.predict(X)
    small = reg.compact(sparse=False)
    assert small.hidden_layer_sizes == (2, 2)
    np.testing.assert_allclose(small.predict(X), before, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_compact_model_trains_further(sparse_net, digits, sparse):
    X_train, _, y_train, _ = digits
    small = sparse_net.compact(sparse=sparse)
    small.partial_fit(X_train, y_train)
    assert small.n_iter_ == sparse_net.n_iter_ + 1
    # sparse weights train as dense arrays; the removed units stay removed
    assert not any(sp.issparse(W) for W in small.coefs_)
    assert small.coefs_[0].shape == (X_train.shape[1], small.hidden_layer_sizes[0])


def test_compact_of_an_unfitted_model_raises_not_fitted():
    with pytest.raises(NotFittedError):
        L1MLPClassifier().compact()


# -- path and CV -----------------------------------------------------------------------
def test_automatic_grid_refuses_a_zero_lmbda_max():
    """A constant target leaves no gradient at W_0 = 0: the error says to pass lmbdas."""
    X = np.random.RandomState(0).randn(20, 3)
    reg = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    assert lmbda_max(X, np.ones(20), reg) == 0
    with pytest.raises(ValueError, match=r"lmbda_max is 0.*lmbdas=\[\.\.\.\]"):
        lmbda_path(X, np.ones(20), estimator=reg)
    assert len(lmbda_path(X, np.ones(20), estimator=reg, lmbdas=[1e-3])) == 1


def test_path_sparsity_grows_with_lmbda(digits):
    X_train, _, y_train, _ = digits
    clf = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0)
    path = lmbda_path(X_train, y_train, estimator=clf, n_lmbdas=5, random_state=0,
                      return_models=True)
    assert len(path) == 5
    lmbdas = [e.lmbda for e in path]
    assert lmbdas == sorted(lmbdas, reverse=True)
    zeros = np.array([e.zero_fraction for e in path])
    assert np.all(np.diff(zeros) <= 0.02)  # monotone up to SGD noise
    assert zeros[0] > 0.9 and zeros[-1] < zeros[0]
    assert [e.n_features_selected for e in path][-1] >= path[0].n_features_selected
    assert all(e.model.lmbda == e.lmbda for e in path)
    assert path[-1].score > 0.9
    assert all(e.objective > 0 for e in path)


def test_lmbda_max_zeroes_the_network(digits):
    X_train, _, y_train, _ = digits
    clf = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0)
    top = lmbda_max(X_train, y_train, clf)
    # the empty network is announced (ConstantOutputWarning), a working one is not
    with pytest.warns(ConstantOutputWarning, match="skl1net.lmbda_max"):
        above = clf.set_params(lmbda=2 * top).fit(X_train, y_train)
    assert above.zero_fraction_ > 0.99 and not above.coefs_[0].any()
    assert np.unique(above.predict(X_train)).size == 1
    below = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0,
                            lmbda=top / 30).fit(X_train, y_train)
    assert below.zero_fraction_ < 0.9
    # nor do the empty points of a path, by design
    path = lmbda_path(X_train, y_train, estimator=clf, lmbdas=[2 * top, top / 30])
    assert path[0].n_features_selected == 0 and path[-1].n_features_selected > 0


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


CANCER_GRID = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]


def test_warm_points_take_few_epochs_and_track_cold_fits(cancer):
    X_train, X_val, y_train, y_val = cancer
    base = L1MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    path = lmbda_path(X_train, y_train, CANCER_GRID, estimator=base,
                      validation_data=(X_val, y_val))
    with warnings.catch_warnings():  # the largest lmbdas empty the network
        warnings.simplefilter("ignore", ConstantOutputWarning)
        cold = [clone(base).set_params(lmbda=lmbda).fit(X_train, y_train) for lmbda in CANCER_GRID]
    budget = warm_budget(base)
    assert budget == 20
    # The first point (smallest lmbda) is the cold fit itself ...
    assert path[-1].n_iter == cold[-1].n_iter_
    assert path[-1].score == cold[-1].score(X_val, y_val)
    # ... the others run at most the budget, far fewer epochs in all ...
    assert all(entry.n_iter <= budget for entry in path[:-1])
    assert sum(e.n_iter for e in path) < 0.5 * sum(c.n_iter_ for c in cold)
    # ... and score like the cold fits wherever those learn something.
    for entry, model in zip(path, cold):
        if model.score(X_val, y_val) > 0.9:
            assert abs(entry.score - model.score(X_val, y_val)) <= 0.02
    # warm_max_iter=None gives every point max_iter epochs, as before.
    full = lmbda_path(X_train, y_train, CANCER_GRID[1:3], estimator=base,
                      validation_data=(X_val, y_val), warm_max_iter=None)
    assert full[0].n_iter > budget


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
    assert (final.lmbda, final.max_iter, final.warm_start) == (ours.lmbda_, 200, False)


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


@parametrize_with_checks(
    [
        L1MLPClassifierCV(
            L1MLPClassifier(hidden_layer_sizes=(20,), max_iter=50, random_state=0),
            lmbdas=3,
            cv=3,
        ),
        L1MLPClassifier(penalty="group_l1_prox"),
        L1MLPClassifier(debias=True),
    ]
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# -- sample weights along paths and in the CV estimator ---------------------------
def test_weighted_lmbda_max_equals_repeating_the_samples(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:300], y_train[:300]
    counts = np.random.default_rng(0).integers(0, 4, len(y))
    counts[:20] = 1  # every class keeps a sample
    clf = L1MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    weighted = lmbda_max(X, y, clf, sample_weight=counts)
    repeated = lmbda_max(np.repeat(X, counts, axis=0), np.repeat(y, counts), clf)
    assert weighted == pytest.approx(repeated, rel=1e-10)
    assert weighted != pytest.approx(lmbda_max(X, y, clf), rel=1e-3)
    # class_weight enters as the estimator's own weights do
    balanced = clone(clf).set_params(class_weight="balanced")
    assert lmbda_max(X, y, balanced) != pytest.approx(lmbda_max(X, y, clf), rel=1e-6)


def test_path_weights_its_fits_scores_and_objective(cancer):
    X_train, X_val, y_train, y_val = cancer
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    rng = np.random.default_rng(1)
    sw, sw_val = rng.random(len(y_train)), rng.random(len(y_val))
    path = lmbda_path(X_train, y_train, [1e-2, 1e-3], estimator=base, sample_weight=sw,
                      validation_data=(X_val, y_val, sw_val), return_models=True)
    first = clone(base).set_params(lmbda=1e-3).fit(X_train, y_train, sample_weight=sw)
    np.testing.assert_array_equal(path[1].model.coefs_[0], first.coefs_[0])  # the cold fit
    for entry in path:
        assert entry.score == entry.model.score(X_val, y_val, sample_weight=sw_val)
    from skl1net._training._path import objective

    assert path[1].objective == objective(first, X_train, y_train, sw)
    assert path[1].objective != pytest.approx(objective(first, X_train, y_train), rel=1e-6)
    # with a validation split, the held-out weights go with their rows
    split = lmbda_path(X_train, y_train, [1e-2], estimator=base, sample_weight=sw,
                       random_state=0, return_models=True)
    with pytest.raises(ValueError, match="sample_weight has shape"):
        lmbda_path(X_train, y_train, [1e-2], estimator=base, sample_weight=sw[:-1])
    assert 0 <= split[0].score <= 1


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


def test_cv_compacts_and_reports_like_its_final_model(digits):
    X_train, X_test, y_train, _ = digits
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


def test_path_takes_lists_and_dataframes(digits):
    pd = pytest.importorskip("pandas")
    X_train, _, y_train, _ = digits
    X, y = X_train[:200], y_train[:200]
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    for data in (X.tolist(), pd.DataFrame(X, columns=[f"p{i}" for i in range(X.shape[1])])):
        path = lmbda_path(data, list(y), [1e-2, 1e-3], estimator=base, random_state=0)
        assert len(path) == 2 and all(0 <= e.score <= 1 for e in path)


def test_lmbda_max_and_path_validate_their_data_as_fit_does():
    """Bad data gives fit's errors, not a NaN, a BLAS error or a silently shorter path."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(40, 3), np.arange(40) % 2
    clf = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        lmbda_max(X_nan, y, clf)
    with pytest.raises(ValueError, match="y has 30 samples but X has 40"):
        lmbda_max(X, y[:30], clf)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        lmbda_path(X, y[:30], [1e-3], estimator=clf)
    with pytest.raises(ValueError, match="sample_weight has shape"):
        lmbda_path(X, y, [1e-3], estimator=clf, sample_weight=np.ones(30))


@pytest.mark.parametrize("fmt", ["coo", "csc", "dok", "lil"])
def test_lmbda_max_and_path_take_every_sparse_format(fmt):
    rng = np.random.RandomState(0)
    X, y = rng.rand(40, 3), np.arange(40) % 2
    clf = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    Xs = sp.random(40, 3, density=1.0, format="csr", random_state=0)
    Xs.data[:] = X.ravel()
    assert lmbda_max(Xs.asformat(fmt), y, clf) == pytest.approx(lmbda_max(X, y, clf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantOutputWarning)
        path = lmbda_path(Xs.asformat(fmt), y, [1e-3], estimator=clf, random_state=0)
    assert len(path) == 1


def test_lmbda_max_and_path_take_a_sparse_multilabel_indicator():
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    Y = np.c_[np.arange(40) % 2, np.arange(40) % 3 == 0].astype(int)
    clf = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    top = lmbda_max(X, Y, clf)
    assert lmbda_max(X, sp.csr_matrix(Y), clf) == pytest.approx(top)
    assert lmbda_max(X, sp.csr_matrix(Y)) > 0  # the default estimator: a classifier
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantOutputWarning)
        path = lmbda_path(X, sp.csr_matrix(Y), [1e-3], estimator=clf, random_state=0)
    assert 0 <= path[0].score <= 1


def test_path_splits_unstratified_when_stratifying_is_impossible():
    X, y = np.random.RandomState(0).rand(40, 3), np.r_[2, np.arange(39) % 2]
    clf = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with pytest.warns(UserWarning, match="cannot be stratified \\(class 2 has a single sample"):
        path = lmbda_path(X, y, [1e-3], estimator=clf, random_state=0)
    assert 0 <= path[0].score <= 1


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


def test_regression_path_takes_sparse_targets():
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    Y = np.c_[X[:, 0], np.where(X[:, 1] > 0.5, X[:, 1], 0)]
    reg = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    dense = lmbda_path(X, Y, [1e-3], estimator=reg, random_state=0)
    sparse = lmbda_path(X, sp.csr_matrix(Y), [1e-3], estimator=reg, random_state=0)
    assert sparse[0].objective == dense[0].objective and sparse[0].score == dense[0].score


def test_lmbda_max_without_an_estimator_is_repeatable():
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    first = lmbda_max(X, y)
    assert first > 0 and lmbda_max(X, y) == first
    assert first == lmbda_max(X, y, L1MLPClassifier(random_state=0))
