"""L1MLPClassifierCV against GridSearchCV over the same lmbda grid.

Both search the same grid with the same folds and the same number of
parallel jobs; L1MLPClassifierCV fits each fold's grid as one warm-started
path, GridSearchCV fits every (fold, lmbda) pair from scratch. Reported: the
chosen lmbda, the mean CV accuracy of each, test accuracy of the refitted
models, wall-clock time and the time ratio.

Run from the repository root (2 cores)::

    python benchmarks/cv_vs_gridsearch.py [--n-jobs 2] [--folds 5] [--n-lmbdas 8]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _datasets import digits  # noqa: E402

from skl1net import L1MLPClassifier, L1MLPClassifierCV  # noqa: E402
from skl1net._path import lmbda_grid  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-lmbdas", type=int, default=8)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    X_train, X_test, y_train, y_test = digits()
    base = L1MLPClassifier(hidden_layer_sizes=(64,), random_state=0)
    grid = lmbda_grid(X_train, y_train, base, n_lmbdas=args.n_lmbdas, ratio=1e-2)
    cv = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    print(f"digits, 64-64-10, {args.folds} folds, grid {np.round(grid, 5).tolist()}")

    start = time.perf_counter()
    ours = L1MLPClassifierCV(base, lmbdas=grid, cv=cv, n_jobs=args.n_jobs).fit(X_train, y_train)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    search = GridSearchCV(base, {"lmbda": grid}, cv=cv, n_jobs=args.n_jobs)
    search.fit(X_train, y_train)
    t_grid = time.perf_counter() - start

    print(f"{'lmbda':>10} {'path CV acc':>12} {'grid CV acc':>12}")
    for lmbda, a, b in zip(grid, ours.scores_.mean(axis=0), search.cv_results_["mean_test_score"]):
        print(f"{lmbda:>10.2e} {a:>12.4f} {b:>12.4f}")
    print(f"{'':<20} {'chosen lmbda':>13} {'test acc':>9} {'time (s)':>9}")
    print(f"{'L1MLPClassifierCV':<20} {ours.lmbda_:>13.3e} {ours.score(X_test, y_test):>9.4f} {t_ours:>9.1f}")
    print(
        f"{'GridSearchCV':<20} {search.best_params_['lmbda']:>13.3e} "
        f"{search.score(X_test, y_test):>9.4f} {t_grid:>9.1f}"
    )
    print(f"time ratio GridSearchCV / L1MLPClassifierCV: {t_grid / t_ours:.2f}")


if __name__ == "__main__":
    main()
