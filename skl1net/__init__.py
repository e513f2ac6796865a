"""skl1net: multilayer perceptrons whose mini-batch SGD gets L1 regularization right."""

# SPDX-License-Identifier: BSD-3-Clause

from ._estimators._classifier import L1MLPClassifier
from ._estimators._cv import L1MLPClassifierCV
from ._estimators._cv_regressor import L1MLPRegressorCV
from ._training._path import lmbda_max, lmbda_path
from ._estimators._regressor import L1MLPRegressor
from ._estimators._selection import L1FeatureSelector

__version__ = "0.1.0"

__all__ = [
    "L1MLPClassifier",
    "L1MLPClassifierCV",
    "L1MLPRegressor",
    "L1MLPRegressorCV",
    "L1FeatureSelector",
    "lmbda_max",
    "lmbda_path",
    "__version__",
]
