"""Input features kept by 'l1_prox' and by 'group_l1_prox' at the same lmbda.

The element-wise penalty removes an input feature only when all its outgoing
weights happen to reach zero; the group penalty removes whole rows of the
first weight matrix. On scikit-learn's 8 x 8 digits (pixels / 16, 64-100-10)
and breast cancer (standardized, 30-100-2), each with the estimator's
defaults and a few ``lmbda``: test accuracy (a quarter held out), input
features kept (``n_features_selected_``) and the fraction of exactly-zero
weights, mean over ``random_state`` 0, 1 and 2. Nothing here is timed.

Run from the repository root (about a minute on 2 cores)::

    python benchmarks/bench_group_penalty.py [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402
from _datasets import cancer, digits  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402

SEEDS = (0, 1, 2)


DATA = {
    # name: (loader, lmbdas)
    "digits": (digits, (1e-3, 3e-3, 1e-2)),
    "cancer": (cancer, (3e-3, 1e-2, 3e-2)),
}


def main(argv=None):
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter
    print(f"means over random_state {list(SEEDS)}\n")
    print(f"{'data':<7} {'lmbda':>7} {'penalty':<14} {'test acc':>8} {'features':>8} "
          f"{'zeros':>5}")
    for name, (load, lmbdas) in DATA.items():
        X_train, X_test, y_train, y_test = load()
        for lmbda in lmbdas:
            for penalty in ("l1_prox", "group_l1_prox"):
                fits = [
                    L1MLPClassifier(penalty=penalty, lmbda=lmbda, random_state=seed)
                    .fit(X_train, y_train)
                    for seed in SEEDS
                ]
                acc = np.mean([f.score(X_test, y_test) for f in fits])
                kept = np.mean([f.n_features_selected_ for f in fits])
                zeros = np.mean([f.zero_fraction_ for f in fits])
                print(f"{name:<7} {lmbda:>7.0e} {penalty:<14} {acc:>8.4f} "
                      f"{kept:>5.1f}/{X_train.shape[1]:<2} {zeros:>5.3f}", flush=True)


if __name__ == "__main__":
    _report.run(main, __file__)
