"""What happens when the input is bad: a clear error, and nothing is lost.

Every case of the tables below asserts the type of the error (or warning),
that its message names the problem and the argument at fault, and, when the
model was fitted before the failed call, that ``coefs_``, ``intercepts_``,
``classes_``, ``t_`` (and the rest of the learned state) are bit-identical
afterwards and the model still predicts as before. The same table is in the
documentation (``docs/failures.rst``).
"""

# SPDX-License-Identifier: BSD-3-Clause

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skl1net import L1MLPClassifier

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

RNG = np.random.RandomState(0)
X = RNG.randn(30, 3)
Y = np.arange(30) % 3
CLASSES = [0, 1, 2]


def new_model(**params):
    params = {"hidden_layer_sizes": (4,), "max_iter": 2, "random_state": 0, **params}
    return L1MLPClassifier(**params)


def fitted_model(**params):
    return new_model(**params).fit(X, Y)


def streamed_model(**params):
    return new_model(**params).partial_fit(X, Y, classes=CLASSES)


def with_value(value, dtype=float):
    Xb = X.astype(dtype)
    Xb[3, 1] = value
    return Xb


def sparse_with_nan():
    Xs = sp.csr_matrix(X)
    Xs.data[5] = np.nan
    return Xs


def learned_state(model):
    """Deep copy of everything fitting learns."""
    return {
        "coefs_": [W.copy() for W in model.coefs_],
        "intercepts_": [b.copy() for b in model.intercepts_],
        "classes_": model.classes_.copy(),
        "t_": model.t_,
        "n_iter_": model.n_iter_,
        "loss_curve_": list(model.loss_curve_),
        "n_features_in_": model.n_features_in_,
    }


def assert_bit_identical(before, after):
    assert before.keys() == after.keys()
    for name, value in before.items():
        if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            assert len(value) == len(after[name]), name
            for old, new in zip(value, after[name]):
                assert old.dtype == new.dtype and old.shape == new.shape, name
                assert old.tobytes() == new.tobytes(), name
        elif isinstance(value, np.ndarray):
            assert value.dtype == after[name].dtype, name
            assert value.tobytes() == after[name].tobytes(), name
        else:
            assert value == after[name], name


def assert_names(message, problem, argument):
    """The message describes the problem and names the argument (as a word)."""
    assert re.search(problem, message), f"{problem!r} not in {message!r}"
    assert re.search(rf"\b{re.escape(argument)}\b", message), (
        f"argument {argument!r} not named in {message!r}"
    )


def check_fails(model, call, error, problem, argument):
    """``call(model)`` raises; a fitted model is left bit-identical and usable."""
    fitted = hasattr(model, "coefs_")
    if fitted:
        before = learned_state(model)
        some_X = np.zeros((5, model.n_features_in_))
        if hasattr(model, "feature_names_in_"):
            some_X = pd.DataFrame(some_X, columns=model.feature_names_in_)
        proba_before = model.predict_proba(some_X)
    with pytest.raises(error) as info:
        call(model)
    assert_names(str(info.value), problem, argument)
    if fitted:
        assert_bit_identical(before, learned_state(model))
        np.testing.assert_array_equal(model.predict_proba(some_X), proba_before)
    else:
        assert not hasattr(model, "coefs_")
        assert not hasattr(model, "classes_")


# -- bad X, y and sample_weight, given to every training entry point ----------
# id: (X, y, sample_weight, error, problem regex, argument, single-call only)
DATA_CASES = {
    "X with NaN": (with_value(np.nan), Y, None, ValueError, "NaN", "X"),
    "X with +inf": (with_value(np.inf), Y, None, ValueError, "infinity", "X"),
    "X with -inf": (with_value(-np.inf), Y, None, ValueError, "infinity", "X"),
    "X object array of strings": (
        with_value("a", object), Y, None, ValueError, "convert string to float", "X"
    ),
    "X object array with None": (with_value(None, object), Y, None, ValueError, "NaN", "X"),
    "X of strings": (
        np.full((30, 3), "red"), Y, None, ValueError, "convert string to float", "X"
    ),
    "X complex": (X + 1j, Y, None, ValueError, "Complex data not supported", "X"),
    "X with 0 rows": (X[:0], Y[:0], None, ValueError, "0 sample", "X"),
    "X with 0 features": (X[:, :0], Y, None, ValueError, "0 feature", "X"),
    "X 1-D": (X[:, 0], Y, None, ValueError, "Expected 2D array, got 1D", "X"),
    "X 3-D": (X[:, :, None], Y, None, ValueError, "dim 3", "X"),
    "X ragged list": (
        [[1.0, 2.0, 3.0], [4.0, 5.0]] * 15, Y, None, ValueError, "inhomogeneous", "X"
    ),
    "X sparse with explicit NaN": (sparse_with_nan(), Y, None, ValueError, "NaN", "X"),
    "y None": (X, None, None, ValueError, "requires y", "y"),
    "y with NaN": (X, np.where(Y == 2, np.nan, Y), None, ValueError, "NaN", "y"),
    "y of the wrong length": (X, Y[:-1], None, ValueError, "29 samples but X has 30", "y"),
    "y continuous": (X, X[:, 0], None, ValueError, "Unknown label type: continuous", "y"),
    "y 2-D, not an indicator matrix": (
        X, np.c_[Y, Y], None, ValueError, "multiclass-multioutput", "y"
    ),
    "y 2-D continuous": (
        X, X[:, :2], None, ValueError, "Unknown label type: continuous-multioutput", "y"
    ),
    "sample_weight negative": (
        X, Y, -np.ones(30), ValueError, "Negative values", "sample_weight"
    ),
    "sample_weight with NaN": (
        X, Y, np.r_[np.nan, np.ones(29)], ValueError, "NaN", "sample_weight"
    ),
    "sample_weight all zero": (X, Y, np.zeros(30), ValueError, "non-zero", "sample_weight"),
    "sample_weight of the wrong length": (
        X, Y, np.ones(29), ValueError, r"\(29,\), expected \(30,\)", "sample_weight"
    ),
}

ENTRY_POINTS = {
    "fit, new model": (new_model, lambda m, *a: m.fit(*a)),
    "fit, fitted model": (fitted_model, lambda m, *a: m.fit(*a)),
    "fit, warm_start": (
        lambda: fitted_model(warm_start=True), lambda m, *a: m.fit(*a)
    ),
    "partial_fit, new model": (
        new_model, lambda m, X, y, sw: m.partial_fit(X, y, CLASSES, sample_weight=sw)
    ),
    "partial_fit, fitted model": (
        streamed_model, lambda m, X, y, sw: m.partial_fit(X, y, sample_weight=sw)
    ),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("case", DATA_CASES)
def test_bad_training_data(case, entry):
    Xb, yb, sw, error, problem, argument = DATA_CASES[case]
    make, method = ENTRY_POINTS[entry]
    check_fails(make(), lambda m: method(m, Xb, yb, sw), error, problem, argument)


# -- cases of one entry point ---------------------------------------------------
# id: (model factory, call, error, problem regex, argument)
CALL_CASES = {
    "fit: y with a single class": (
        fitted_model, lambda m: m.fit(X, np.zeros(30)), ValueError, "only one class", "y"
    ),
    "fit: positive sample_weight in one class only": (
        fitted_model,
        lambda m: m.fit(X, Y, sample_weight=(Y == 1).astype(float)),
        ValueError,
        "one class",
        "sample_weight",
    ),
    "fit, warm_start: a new label": (
        lambda: fitted_model(warm_start=True),
        lambda m: m.fit(X, Y + 1),
        ValueError,
        r"labels not in classes_: \[3\]",
        "y",
    ),
    "fit, warm_start: other number of features": (
        lambda: fitted_model(warm_start=True),
        lambda m: m.fit(X[:, :2], Y),
        ValueError,
        "X has 2 features, but L1MLPClassifier is expecting 3",
        "X",
    ),
    "partial_fit: no classes on the first call": (
        new_model, lambda m: m.partial_fit(X, Y), ValueError, "must be passed", "classes"
    ),
    "partial_fit: a single class on the first call": (
        new_model,
        lambda m: m.partial_fit(X, np.zeros(30), classes=[0]),
        ValueError,
        "only one class",
        "classes",
    ),
    "partial_fit: classes differ from classes_": (
        streamed_model,
        lambda m: m.partial_fit(X, Y, classes=[0, 1, 2, 3]),
        ValueError,
        "not the same as on last call",
        "classes",
    ),
    "partial_fit: a label outside classes_": (
        streamed_model,
        lambda m: m.partial_fit(X, Y + 1),
        ValueError,
        r"labels not in classes_: \[3\]",
        "y",
    ),
    "partial_fit: other number of features": (
        streamed_model,
        lambda m: m.partial_fit(X[:, :2], Y),
        ValueError,
        "X has 2 features, but L1MLPClassifier is expecting 3",
        "X",
    ),
    "partial_fit: multilabel y after multiclass": (
        streamed_model,
        lambda m: m.partial_fit(X, np.eye(3, dtype=int)[Y]),
        ValueError,
        "multilabel-indicator",
        "y",
    ),
    "predict before fit": (
        new_model, lambda m: m.predict(X), NotFittedError, "not fitted yet", "fit"
    ),
    "predict_proba before fit": (
        new_model, lambda m: m.predict_proba(X), NotFittedError, "not fitted yet", "fit"
    ),
    "predict: other number of features": (
        fitted_model,
        lambda m: m.predict(X[:, :2]),
        ValueError,
        "X has 2 features, but L1MLPClassifier is expecting 3",
        "X",
    ),
    "predict_proba: other number of features": (
        fitted_model,
        lambda m: m.predict_proba(np.c_[X, X]),
        ValueError,
        "X has 6 features",
        "X",
    ),
    "predict: columns named differently": (
        lambda: new_model().fit(pd.DataFrame(X, columns=["a", "b", "c"]), Y),
        lambda m: m.predict(pd.DataFrame(X, columns=["a", "b", "d"])),
        ValueError,
        "feature names should match",
        "X",
    ),
    "predict_proba: columns in another order": (
        lambda: new_model().fit(pd.DataFrame(X, columns=["a", "b", "c"]), Y),
        lambda m: m.predict_proba(pd.DataFrame(X, columns=["c", "b", "a"])),
        ValueError,
        "order as they were in fit",
        "X",
    ),
    "predict: X with NaN": (
        fitted_model, lambda m: m.predict(with_value(np.nan)), ValueError, "NaN", "X"
    ),
    "predict_proba: X overflows the network": (
        lambda: new_model().fit(np.tile(X, 4), Y),
        lambda m: m.predict_proba(np.full((2, 12), 1e308)),
        ValueError,
        "overflowed",
        "X",
    ),
    "predict_proba: float64 X too large for a float32 model": (
        lambda: new_model().fit(X.astype(np.float32), Y),
        lambda m: m.predict_proba(X * 1e300),
        ValueError,
        "infinity or a value too large for dtype\\('float32'\\)",
        "X",
    ),
}


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in reduce:RuntimeWarning")
@pytest.mark.parametrize("case", CALL_CASES)
def test_bad_call(case):
    make, call, error, problem, argument = CALL_CASES[case]
    check_fails(make(), call, error, problem, argument)


# -- parameters out of range --------------------------------------------------------
# id: (bad parameters, error, problem regex, argument)
PARAM_CASES = {
    "eta <= 0": ({"eta": 0.0}, InvalidParameterError, r"range \(0.0, inf\)", "eta"),
    "lmbda < 0": ({"lmbda": -1e-3}, InvalidParameterError, "range", "lmbda"),
    "momentum >= 1": ({"momentum": 1.0}, InvalidParameterError, "range", "momentum"),
    "unknown penalty": ({"penalty": "l3"}, InvalidParameterError, "must be a str", "penalty"),
    "batch_size 0": ({"batch_size": 0}, InvalidParameterError, "range", "batch_size"),
    "max_iter 0": ({"max_iter": 0}, InvalidParameterError, "range", "max_iter"),
    "hidden layer of 0 units": (
        {"hidden_layer_sizes": (4, 0)}, ValueError, "positive integers", "hidden_layer_sizes"
    ),
    "hidden_layer_sizes of strings": (
        {"hidden_layer_sizes": ("a",)}, ValueError, "positive integers", "hidden_layer_sizes"
    ),
    "validation_fraction 1": (
        {"validation_fraction": 1.0}, InvalidParameterError, "range", "validation_fraction"
    ),
    "class_weight not a dict": (
        {"class_weight": "auto"}, InvalidParameterError, "must be", "class_weight"
    ),
}


@pytest.mark.parametrize("case", PARAM_CASES)
def test_bad_parameter_in_constructor(case):
    params, error, problem, argument = PARAM_CASES[case]
    check_fails(new_model(**params), lambda m: m.fit(X, Y), error, problem, argument)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("case", PARAM_CASES)
def test_bad_parameter_through_set_params_after_fit(case, method):
    params, error, problem, argument = PARAM_CASES[case]
    model = streamed_model() if method == "partial_fit" else fitted_model()
    if method == "partial_fit" and argument == "hidden_layer_sizes":
        # partial_fit trains the fitted network further: other sizes are refused
        error, problem = ValueError, "does not match the fitted network"
    before = learned_state(model)
    model.set_params(**params)
    with pytest.raises(error) as info:
        getattr(model, method)(X, Y)
    assert_names(str(info.value), problem, argument)
    assert_bit_identical(before, learned_state(model))


def test_unknown_parameter_name():
    model = fitted_model()
    before = learned_state(model)
    with pytest.raises(ValueError, match="Invalid parameter 'etaa'"):
        model.set_params(etaa=0.1)
    assert_bit_identical(before, learned_state(model))


def test_balanced_class_weight_in_partial_fit():
    check_fails(
        new_model(class_weight="balanced"),
        lambda m: m.partial_fit(X, Y, classes=CLASSES),
        ValueError,
        "not supported for partial_fit",
        "class_weight",
    )


# -- cases that warn and go on ----------------------------------------------------
@pytest.mark.parametrize(
    "model_dtype, x_dtype", [(np.float64, np.float32), (np.float32, np.float64)]
)
def test_partial_fit_with_another_dtype_warns_and_keeps_the_model_dtype(
    model_dtype, x_dtype
):
    model = new_model().partial_fit(X.astype(model_dtype), Y, classes=CLASSES)
    with pytest.warns(DataConversionWarning) as record:
        model.partial_fit(X.astype(x_dtype), Y)
    assert_names(str(record[0].message), f"dtype {np.dtype(x_dtype)}", "X")
    assert all(W.dtype == model_dtype for W in model.coefs_ + model.intercepts_)
    assert model.t_ == 2 * len(X)
    # Integer data is simply converted, as at the first call.
    model.partial_fit(np.rint(X).astype(np.int64), Y)


def test_predict_without_names_after_fit_with_names_warns():
    model = new_model().fit(pd.DataFrame(X, columns=["a", "b", "c"]), Y)
    before = learned_state(model)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.predict(X)
    assert_bit_identical(before, learned_state(model))


def test_batch_size_larger_than_data_warns():
    with pytest.warns(UserWarning, match="batch_size=100 larger than the 30"):
        new_model(batch_size=100).fit(X, Y)


def test_object_array_of_numbers_is_accepted():
    proba = new_model().fit(X.astype(object), Y).predict_proba(X)
    np.testing.assert_array_equal(proba, fitted_model().predict_proba(X))


def test_partial_fit_after_an_early_stopping_fit():
    # without debiasing: t_ counts the 2 penalized epochs of 24 training rows
    model = fitted_model(early_stopping=True, validation_fraction=0.2, debias=False)
    model.partial_fit(X, Y)
    assert model.t_ == 2 * 24 + len(X) and np.isfinite(model.best_loss_)


@pytest.mark.parametrize("regressor", [False, True], ids=["classifier", "regressor"])
def test_early_stopping_with_no_validation_weight_says_so(regressor):
    """All held-out samples of weight 0: nothing to score (r2_score failed cryptically).

    Two samples have weight: for some seeds neither is held out.
    """
    from skl1net import L1MLPRegressor

    sw = np.zeros(30)
    sw[[0, 1]] = 1
    target = X[:, 0] if regressor else Y
    failed = 0
    for seed in range(6):
        model = (L1MLPRegressor if regressor else L1MLPClassifier)(
            hidden_layer_sizes=(4,), max_iter=2, early_stopping=True, validation_fraction=0.2,
            random_state=seed,
        )
        try:
            model.fit(X, target, sample_weight=sw)
        except ValueError as exc:
            assert_names(str(exc), "zero for every one of the 6 held-out", "sample_weight")
            assert not hasattr(model, "coefs_")
            failed += 1
    assert failed
