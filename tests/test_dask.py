"""Scaling out with Dask gives the same models as in-process training.

A two-worker ``distributed.LocalCluster`` on loopback runs (1) a
``GridSearchCV`` over ``lmbda`` through joblib's dask backend and (2)
block-by-block ``partial_fit`` training from a Dask array with dask-ml's
``Incremental``; both must reproduce the in-process results bit for bit for
the same ``random_state``.
"""

import warnings

import joblib
import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
wrappers = pytest.importorskip("dask_ml.wrappers")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402

GRID = {"lmbda": [1e-4, 1e-3, 1e-2], "penalty": ["l1", "l1_prox"]}
CLASSES = np.arange(10)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:900] / 16.0, y[:900]


@pytest.fixture(scope="module")
def client():
    # Threads in this process, talking TCP on loopback; no dashboard.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def small_net(**params):
    return L1MLPClassifier(hidden_layer_sizes=(16,), max_iter=15, random_state=0, **params)


def assert_same_weights(a, b):
    for Wa, Wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(Wa, Wb)


def test_grid_search_on_the_cluster_equals_in_process(client, digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = GridSearchCV(small_net(), GRID, cv=3).fit(X, y)
        remote = GridSearchCV(small_net(), GRID, cv=3, n_jobs=-1)
        with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
            remote.fit(X, y)
    assert tasks.data, "the fits did not run on the cluster"  # joblib batches them
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    assert_same_weights(remote.best_estimator_, local.best_estimator_)


@pytest.fixture(scope="module")
def dask_digits(digits):
    X, y = digits
    return da.from_array(X, chunks=(150, X.shape[1])), da.from_array(y, chunks=150)


def test_incremental_in_block_order_equals_partial_fit_loop(client, digits, dask_digits):
    X, y = digits
    streamed = wrappers.Incremental(small_net(), shuffle_blocks=False)
    streamed.fit(*dask_digits, classes=CLASSES)
    loop = small_net()
    for start in range(0, len(X), 150):
        loop.partial_fit(X[start : start + 150], y[start : start + 150], classes=CLASSES)
    assert_same_weights(streamed.estimator_, loop)
    assert streamed.estimator_.t_ == len(X)


def test_incremental_shuffled_blocks_are_reproducible(client, digits, dask_digits):
    """With ``random_state`` the block order, hence the model, is the same on
    the cluster as with Dask's single-threaded in-process scheduler."""
    Xd, yd = dask_digits

    def stream():
        model = wrappers.Incremental(small_net(), shuffle_blocks=True, random_state=0)
        return model.fit(Xd, yd, classes=CLASSES)

    on_cluster = stream()
    with dask.config.set(scheduler="synchronous"):
        in_process = stream()
    assert_same_weights(on_cluster.estimator_, in_process.estimator_)
    # Predictions come back as a lazy Dask array, computed on the cluster.
    predictions = on_cluster.predict(Xd)
    assert isinstance(predictions, da.Array)
    np.testing.assert_array_equal(
        predictions.compute(), in_process.estimator_.predict(digits[0])
    )
