"""L1MLPRegressor at its defaults against scikit-learn's MLPRegressor at its defaults.

Regression sets made offline: the 442 diabetes patients, ``make_friedman1``
(2,000 samples, noise 1; also with the targets multiplied by 20),
``make_regression`` with 50 features of which 10 informative, heavy-tailed
features (Student t with 2 degrees of freedom) and three outputs. Features
are standardized (except the heavy-tailed ones), targets too unless the name
says ``raw``. Reported: the learning rate ``eta='auto'`` chose (``eta_``),
R^2 on a held-out quarter, the fraction of exactly-zero weights and the
epochs run, then MLPRegressor's R^2. Nothing here is timed.

Run from the repository root (a minute or two on 2 cores)::

    python benchmarks/bench_regressor_defaults.py [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import sys
import warnings

import numpy as np
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402

from skl1net import L1MLPRegressor  # noqa: E402


def _std(a):
    return StandardScaler().fit_transform(a)


def _z(y):
    return (y - y.mean(axis=0)) / y.std(axis=0)


def datasets():
    """``{name: (X, y)}`` of the regression sets."""
    rng = np.random.RandomState(0)
    X, y = load_diabetes(return_X_y=True)
    sets = {"diabetes": (_std(X), _z(y))}
    X, y = make_friedman1(2000, noise=1.0, random_state=0)
    sets["friedman1"] = (_std(X), _z(y))
    sets["friedman1, raw y * 20"] = (_std(X), 20 * y)
    X, y = make_regression(2000, 50, n_informative=10, noise=5, random_state=0)
    sets["linear, 50 features"] = (_std(X), _z(y))
    X = rng.standard_t(2, size=(2000, 10))
    sets["heavy-tailed X"] = (X, _z(X[:, 0] - 2 * np.tanh(X[:, 1]) + 0.1 * rng.randn(2000)))
    X, Y = make_regression(2000, 20, n_targets=3, noise=1, random_state=1)
    sets["3 outputs"] = (_std(X), _z(Y))
    return sets


def main(argv=None):
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    warnings.simplefilter("ignore")  # ConvergenceWarning of both at max_iter
    print(f"{'data':<22} {'eta_':>7} {'R^2':>6} {'zeros':>5} {'epochs':>6} "
          f"{'MLPRegressor R^2':>16}")
    for name, (X, y) in datasets().items():
        X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
        ours = L1MLPRegressor(random_state=0).fit(X_train, y_train)
        theirs = MLPRegressor(random_state=0).fit(X_train, y_train)
        print(f"{name:<22} {ours.eta_:>7.2g} {ours.score(X_test, y_test):>6.3f} "
              f"{ours.zero_fraction_:>5.2f} {ours.n_iter_:>6} "
              f"{theirs.score(X_test, y_test):>16.3f}", flush=True)


if __name__ == "__main__":
    _report.run(main, __file__)
