"""Features far from unit scale: one InputScaleWarning at the caller's line, with eta='auto'."""

# SPDX-License-Identifier: BSD-3-Clause

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skl1net import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, lmbda_path
from skl1net.exceptions import InputScaleWarning

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def test_unscaled_features_warn_once_per_fit_with_auto_eta():
    X, y = load_digits(return_X_y=True)  # pixels 0 to 16: root mean square 7.7
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    # SGD: its eta='auto' is what the unscaled features mislead (Adam warns as well)
    params = dict(max_iter=50, lmbda=1e-4, random_state=0, solver="sgd", debias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputScaleWarning)
        scaled = L1MLPClassifier(**params).fit(X_train / 16, y_train)
        L1MLPClassifier(**params).fit(X_train, y_train)
        L1MLPClassifier(eta=1e-4, max_iter=2).fit(16 * X_train, y_train)  # a chosen eta: no advice
    # pixels 0 to 256: the defaults lose 11 points of accuracy, and say why
    with pytest.warns(InputScaleWarning, match=r"root mean square 124.*Scale them") as record:
        raw = L1MLPClassifier(**params).fit(16 * X_train, y_train)
    assert len([w for w in record if w.category is InputScaleWarning]) == 1
    assert record[0].filename == __file__  # points at the caller's line
    assert raw.score(16 * X_test, y_test) < scaled.score(X_test / 16, y_test) - 0.05
    with pytest.warns(InputScaleWarning):
        L1MLPClassifier(max_iter=1).partial_fit(16 * X_train, y_train, classes=np.arange(10))
    with pytest.warns(InputScaleWarning):
        L1MLPRegressor(max_iter=2).fit(16 * X_train, y_train.astype(float))
    with pytest.warns(InputScaleWarning) as record:  # debiasing does not warn again
        L1MLPClassifier(max_iter=2, debias=True).fit(16 * X_train, y_train)
    assert len([w for w in record if w.category is InputScaleWarning]) == 1


def test_paths_and_searches_warn_about_the_scale_once_at_the_callers_line():
    X, y = load_digits(return_X_y=True)
    base = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=2)
    for run in (
        lambda: lmbda_path(16 * X, y, [1e-2, 1e-3], estimator=base),
        lambda: L1MLPClassifierCV(base, lmbdas=[1e-2, 1e-3], cv=2).fit(16 * X, y),
    ):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            run()
        scale = [w for w in record if w.category is InputScaleWarning]
        assert len(scale) == 1 and scale[0].filename == __file__
