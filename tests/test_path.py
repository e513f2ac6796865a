"""lmbda_path, lmbda_max and the automatic grid."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

from skl1net import L1MLPClassifier, L1MLPRegressor, lmbda_path
from skl1net._training._path import lmbda_max, warm_budget
from skl1net.exceptions import ConstantOutputWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_automatic_grid_refuses_a_zero_lmbda_max():
    """A constant target leaves no gradient at W_0 = 0: the error says to pass lmbdas."""
    X = np.random.RandomState(0).randn(20, 3)
    reg = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    assert lmbda_max(X, np.ones(20), reg) == 0
    with pytest.raises(ValueError, match=r"lmbda_max is 0.*lmbdas=\[\.\.\.\]"):
        lmbda_path(X, np.ones(20), estimator=reg)
    assert len(lmbda_path(X, np.ones(20), estimator=reg, lmbdas=[1e-3])) == 1


def test_path_sparsity_grows_with_lmbda(digits_split):
    X_train, _, y_train, _ = digits_split
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


def test_lmbda_max_zeroes_the_network(digits_split):
    X_train, _, y_train, _ = digits_split
    clf = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0, solver="sgd", debias=False)
    top = lmbda_max(X_train, y_train, clf)
    # the empty network is announced (ConstantOutputWarning), a working one is not
    with pytest.warns(ConstantOutputWarning, match="skl1net.lmbda_max"):
        above = clf.set_params(lmbda=2 * top).fit(X_train, y_train)
    assert above.zero_fraction_ > 0.99 and not above.coefs_[0].any()
    assert np.unique(above.predict(X_train)).size == 1
    below = L1MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0,
                            lmbda=top / 30, solver="sgd", debias=False).fit(X_train, y_train)
    assert below.zero_fraction_ < 0.9
    # nor do the empty points of a path, by design
    path = lmbda_path(X_train, y_train, estimator=clf, lmbdas=[2 * top, top / 30])
    assert path[0].n_features_selected == 0 and path[-1].n_features_selected > 0


CANCER_GRID = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]


def test_warm_points_take_few_epochs_and_track_cold_fits(cancer):
    X_train, X_val, y_train, y_val = cancer
    base = L1MLPClassifier(hidden_layer_sizes=(16,), random_state=0, solver="sgd", debias=False)
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


def test_weighted_lmbda_max_equals_repeating_the_samples(digits_split):
    X_train, _, y_train, _ = digits_split
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


def test_path_takes_lists_and_dataframes(digits_split):
    pd = pytest.importorskip("pandas")
    X_train, _, y_train, _ = digits_split
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


def test_lmbda_max_is_the_same_in_chunks_of_rows(digits_split, monkeypatch):
    from skl1net._training import _path

    X_train, _, y_train, _ = digits_split
    clf = L1MLPClassifier(hidden_layer_sizes=(16, 8), random_state=0)
    whole = lmbda_max(X_train, y_train, clf)
    monkeypatch.setattr(_path, "_CHUNK", 100)
    assert lmbda_max(X_train, y_train, clf) == pytest.approx(whole, rel=1e-12)


def test_lmbda_max_is_the_first_layer_gradient_at_the_best_constant_output():
    """For a regressor: the loss gradient of W_0 = 0 with the output bias at the target mean."""
    from sklearn.utils import check_random_state

    from skl1net._network._mlp import Workspace, init_params

    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 5), rng.randn(40)
    reg = L1MLPRegressor(hidden_layer_sizes=(6, 4), activation="tanh", random_state=3)
    coefs, intercepts = init_params([5, 6, 4, 1], "tanh", np.float64, check_random_state(3))
    coefs[0][...] = 0
    hidden = np.tanh(np.tanh(intercepts[0]) @ coefs[1] + intercepts[1])  # constant over rows
    intercepts[2] = y.mean() - hidden @ coefs[2]
    ws = Workspace([5, 6, 4, 1], len(X), np.float64, "tanh", "identity")
    ws.loss_and_gradients(X, y.reshape(-1, 1), coefs, intercepts)
    assert lmbda_max(X, y, reg) == pytest.approx(np.abs(ws.coef_grads[0]).max(), rel=1e-10)
