"""L1MLPRegressor: the same network for squared loss, checked against linear models."""

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.linear_model import Lasso, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skl1net import L1MLPRegressor
from skl1net._training._path import objective


@parametrize_with_checks(
    [L1MLPRegressor(penalty=p) for p in ("l1_prox", "l1", "l2", "group_l1_prox")]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def linear_problem():
    X, y = make_regression(
        n_samples=120, n_features=10, n_informative=4, noise=5.0, random_state=0
    )
    return X, y / y.std()


def _full_batch(**params):
    # Full-batch proximal gradient with momentum and a constant step: converges
    # on a convex problem (the default 'anneal' would stop short of it).
    return L1MLPRegressor(
        hidden_layer_sizes=(), batch_size=120, eta=0.1, learning_rate="constant",
        max_iter=3000, tol=0.0,
        n_iter_no_change=3000, random_state=0, **params
    )


def test_no_hidden_layer_l1_prox_is_lasso(linear_problem):
    """mean(0.5 * residual**2) + lmbda * |w|_1 is Lasso's objective with alpha=lmbda."""
    X, y = linear_problem
    alpha = 0.05
    lasso = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    lasso_obj = 0.5 * np.mean((y - lasso.predict(X)) ** 2) + alpha * np.abs(lasso.coef_).sum()
    with pytest.warns(Warning):  # runs to max_iter by design (tol=0)
        reg = _full_batch(penalty="l1_prox", lmbda=alpha).fit(X, y)
    assert objective(reg, X, y) <= 1.01 * lasso_obj
    # Same support: the prox leaves exact zeros where the lasso has them.
    np.testing.assert_array_equal(reg.coefs_[0].ravel() == 0, lasso.coef_ == 0)


def test_no_hidden_layer_l2_is_ridge(linear_problem):
    """(1/2n)|r|^2 + lmbda/2 |w|^2 is Ridge's objective with alpha = n * lmbda, over 2n."""
    X, y = linear_problem
    lmbda = 0.1
    ridge = Ridge(alpha=len(y) * lmbda).fit(X, y)
    with pytest.warns(Warning):
        reg = _full_batch(penalty="l2", lmbda=lmbda).fit(X, y)
    np.testing.assert_allclose(reg.coefs_[0].ravel(), ridge.coef_, atol=1e-4)
    np.testing.assert_allclose(reg.intercepts_[0], ridge.intercept_, atol=1e-4)


def test_multi_output_and_partial_fit():
    X, Y = make_regression(n_samples=200, n_features=8, n_targets=3, random_state=0)
    Y /= Y.std(axis=0)
    reg = L1MLPRegressor(hidden_layer_sizes=(32,), batch_size=20, max_iter=100, random_state=0)
    reg.fit(X, Y)
    assert reg.predict(X).shape == (200, 3)
    assert reg.n_outputs_ == 3 and reg.out_activation_ == "identity"
    assert reg.score(X, Y) > 0.9
    stream = L1MLPRegressor(hidden_layer_sizes=(32,), batch_size=20, random_state=0)
    for _ in range(30):
        stream.partial_fit(X, Y)
    assert stream.n_iter_ == 30
    assert stream.score(X, Y) > 0.5
    with pytest.raises(ValueError, match="outputs"):
        stream.partial_fit(X, Y[:, :2])


def test_early_stopping_scores_r2():
    X, y = make_regression(n_samples=300, n_features=8, noise=10.0, random_state=0)
    reg = L1MLPRegressor(
        hidden_layer_sizes=(16,), early_stopping=True, max_iter=200, random_state=0
    ).fit(X, y / y.std())
    scores = np.asarray(reg.validation_scores_)
    assert np.all(scores <= 1) and reg.best_validation_score_ == scores.max()
    assert reg.best_validation_score_ > 0.8
    assert reg.best_loss_ is None


def test_one_output_predicts_1d_and_float32_kept():
    X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    reg = L1MLPRegressor(max_iter=5).fit(X.astype(np.float32), (y / y.std()).astype(np.float32))
    pred = reg.predict(X.astype(np.float32))
    assert pred.shape == (50,) and pred.dtype == np.float32


def test_auto_eta_follows_the_mean_row_norm_and_the_target_scale():
    from sklearn.datasets import make_friedman1
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = make_friedman1(2000, noise=1.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = L1MLPRegressor(random_state=0).fit(X_train, y_train)
    mean_sq = (X_train**2).sum(axis=1).mean()
    assert reg.eta_ == pytest.approx(min(1e-2, 0.1 / (mean_sq + 1)))
    assert reg.score(X_test, y_test) > 0.9  # the max-row-norm step of before: 0.861
    # one outlying row barely changes the step (it set the old one alone)
    X_out = X_train.copy()
    X_out[0] *= 30
    outlier = L1MLPRegressor(max_iter=1).fit(X_out, y_train)
    assert outlier.eta_ > 0.2 * reg.eta_
    # targets of scale ~100: capped at 1e-3 (0.01 diverges there)
    assert L1MLPRegressor(max_iter=1).fit(X_train, 100 * y_train).eta_ <= 1e-3
    # sample weights count as repeated samples in the rule too
    w = np.random.default_rng(0).integers(0, 3, len(y_train))
    weighted = L1MLPRegressor(max_iter=1).fit(X_train, 10 * y_train, sample_weight=w)
    repeated = L1MLPRegressor(max_iter=1).fit(np.repeat(X_train, w, 0), np.repeat(10 * y_train, w))
    assert weighted.eta_ == pytest.approx(repeated.eta_, rel=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sparse_targets_train_as_the_dense_ones():
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    Y = np.c_[X[:, 0], np.where(X[:, 1] > 0, X[:, 1], 0)]
    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    dense = L1MLPRegressor(**params).fit(X, Y)
    for y in (sp.csr_matrix(Y), sp.csc_array(Y)):
        np.testing.assert_array_equal(L1MLPRegressor(**params).fit(X, y).predict(X), dense.predict(X))
    stopped = L1MLPRegressor(**params, early_stopping=True).fit(X, sp.csr_matrix(Y))
    assert len(stopped.validation_scores_) == stopped.n_iter_
