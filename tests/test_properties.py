"""Property-based tests (hypothesis): laws that hold for every input."""

# SPDX-License-Identifier: BSD-3-Clause

from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_iris

from skl1net import L1MLPClassifier
from skl1net.penalties import soft_threshold

# Modest example counts: the whole file runs in a few seconds.
FEW = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FLOATS = [np.float32, np.float64]


# -- the soft-threshold -------------------------------------------------------
@st.composite
def values_and_threshold(draw):
    dtype = draw(st.sampled_from(FLOATS))
    width = 32 if dtype == np.float32 else 64
    finite = st.floats(allow_nan=False, allow_infinity=False, width=width)
    x = draw(arrays(dtype, st.integers(1, 30), elements=finite))
    t = draw(st.floats(0, 2.0**100, width=width))
    return x, dtype(t)


@FEW
@given(values_and_threshold())
def test_soft_threshold_never_crosses_zero_and_shrinks_exactly(case):
    x, t = case
    out = soft_threshold(x, t)
    assert out.dtype == x.dtype
    # Never crosses zero, never grows.
    assert np.all(np.sign(out) * np.sign(x) >= 0) and np.all(np.abs(out) <= np.abs(x))
    # Moves by exactly t (one rounding of x -/+ t), or lands exactly on 0.
    moved = np.abs(x) > t
    np.testing.assert_array_equal(out[moved], x[moved] - np.sign(x[moved]) * t)
    np.testing.assert_array_equal(out[~moved], 0)
    # In place gives the same.
    inplace = x.copy()
    soft_threshold(inplace, t, out=inplace)
    np.testing.assert_array_equal(inplace, out)


@FEW
@given(values_and_threshold())
def test_soft_threshold_is_the_identity_at_threshold_zero(case):
    x, _ = case
    np.testing.assert_array_equal(soft_threshold(x, 0.0), x)
    # ...so applying it again changes nothing (idempotent).
    np.testing.assert_array_equal(soft_threshold(soft_threshold(x, 0.0), 0.0), x)


# -- predictions --------------------------------------------------------------------
@lru_cache
def iris_model(n_classes, dtype):
    X, y = load_iris(return_X_y=True)
    keep = y < n_classes
    model = L1MLPClassifier((6,), max_iter=20, random_state=0)
    with pytest.warns(Warning):  # ConvergenceWarning, on purpose: a few epochs
        return model.fit(X[keep].astype(dtype), y[keep])


def rows(max_value, width=64):
    finite = st.floats(-max_value, max_value, allow_nan=False, width=width)
    return arrays(np.float64, st.tuples(st.integers(1, 25), st.just(4)), elements=finite)


MODELS = st.tuples(st.sampled_from([2, 3]), st.sampled_from(FLOATS))


@FEW
@given(MODELS, rows(1e6))
def test_predict_proba_rows_sum_to_one(model_key, X):
    model = iris_model(*model_key)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), model_key[0])
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    rtol = 1e-5 if model.coefs_[0].dtype == np.float32 else 1e-12
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=rtol)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # casts to a float32 model
@FEW
@given(MODELS, rows(np.finfo(np.float64).max))
def test_any_finite_input_gives_probabilities_or_a_clear_error(model_key, X):
    model = iris_model(*model_key)
    try:
        proba = model.predict_proba(X)
    except ValueError as exc:  # overflow of the network's float type
        assert str(exc).startswith("Invalid X:") or "Input X contains infinity" in str(exc)
        return
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


@FEW
@given(MODELS, rows(1e3), st.randoms(use_true_random=False))
def test_predictions_do_not_depend_on_row_order(model_key, X, random):
    model = iris_model(*model_key)
    order = list(range(len(X)))
    random.shuffle(order)
    proba = model.predict_proba(X)
    tol = 1e-5 if model.coefs_[0].dtype == np.float32 else 1e-12
    np.testing.assert_allclose(model.predict_proba(X[order]), proba[order], rtol=tol, atol=tol)
    # Labels too, except for rows that are a near tie between two classes.
    top2 = np.sort(proba, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-4
    keep = clear[order]
    np.testing.assert_array_equal(
        model.predict(X[order])[keep], model.predict(X)[order][keep]
    )


# -- partial_fit on random chunkings ---------------------------------------------------
@st.composite
def chunkings(draw):
    n = 150
    cuts = draw(st.lists(st.integers(1, n - 1), max_size=8, unique=True))
    bounds = [0, *sorted(cuts), n]
    weighted = draw(st.booleans())
    batch_size = draw(st.sampled_from(["auto", 1, 7, 64]))
    return bounds, weighted, batch_size


@pytest.mark.filterwarnings("ignore:Got batch_size:UserWarning")
@settings(max_examples=25, deadline=None, database=None)
@given(chunkings(), st.sampled_from(["l1", "l2", "l1_prox"]), st.sampled_from(FLOATS))
def test_partial_fit_on_any_chunking_of_valid_data(chunking, penalty, dtype):
    bounds, weighted, batch_size = chunking
    X, y = load_iris(return_X_y=True)
    order = np.random.RandomState(len(bounds)).permutation(len(y))
    X, y = X[order].astype(dtype), y[order]
    sw = np.random.RandomState(0).uniform(0.1, 2, len(y)) if weighted else None
    model = L1MLPClassifier((5,), penalty=penalty, batch_size=batch_size, random_state=0)
    for start, stop in zip(bounds[:-1], bounds[1:]):
        # A chunk may hold one row, or rows of a single class: still valid.
        model.partial_fit(
            X[start:stop], y[start:stop], classes=[0, 1, 2],
            sample_weight=None if sw is None else sw[start:stop],
        )
    assert model.t_ == len(y) and model.n_iter_ == len(bounds) - 1
    for p in model.coefs_ + model.intercepts_:
        assert np.isfinite(p).all() and p.dtype == dtype
    assert np.isfinite(model.loss_curve_).all()
