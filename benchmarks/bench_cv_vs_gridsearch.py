"""L1MLPClassifierCV against GridSearchCV over the same lmbda grid.

Both search the same grid with the same folds, the same base estimator and
the same number of parallel jobs. GridSearchCV fits every (fold, lmbda) pair
from scratch with ``max_iter`` epochs and refits the winner on all the data.
L1MLPClassifierCV fits each fold's grid as one warm-started path (the first,
smallest lmbda with ``max_iter`` epochs, each later one with
``warm_max_iter`` epochs from the previous solution), then walks the same
path on all the data up to the chosen lmbda and takes its point there as the
final model.

Reported: the mean CV accuracy of every lmbda for both, the chosen lmbdas,
GridSearchCV's own CV accuracy at our choice and the standard error of its
best (to judge a different choice against fold noise), test accuracy of the
final models, epochs run, wall-clock times and their ratio, and the load
average. With ``--repeats`` the two are timed alternately several times;
``--cpu-time`` also times one run of each in this process alone (n_jobs=1,
one BLAS thread) in CPU seconds, which other jobs on the machine disturb far
less than wall time.

Run from the repository root (2 cores)::

    python benchmarks/bench_cv_vs_gridsearch.py [--data digits cancer digits28] [--n-jobs 2]
        [--folds 5] [--n-lmbdas 8] [--ratio 1e-2] [--repeats 2] [--cpu-time] [--save]
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402
from _datasets import cancer, digits, digits28  # noqa: E402

from skl1net import L1MLPClassifier, L1MLPClassifierCV, lmbda_max  # noqa: E402


DATA = {
    # name: (loader, hidden layers, max_iter)
    "digits": (digits, (64,), 200),
    "cancer": (cancer, (64,), 200),
    "digits28": (lambda: digits28(copies=2), (100,), 50),
}


def load_avg():
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", nargs="+", choices=sorted(DATA), default=["digits"])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-lmbdas", type=int, default=8)
    parser.add_argument("--ratio", type=float, default=1e-2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--cpu-time", action="store_true", help="also time both on one core")
    args = parser.parse_args(argv)
    os.environ["PYTHONWARNINGS"] = "ignore"  # the joblib workers' ConvergenceWarnings
    warnings.simplefilter("ignore")
    summaries = []
    for i, name in enumerate(args.data):
        print("\n" * (i > 0), end="")
        summaries.append(compare(name, args))
    print("\nSummary (ratio: GridSearchCV's time over L1MLPClassifierCV's; wall: median over "
          "the repeats,\nn_jobs as above; CPU: each alone, n_jobs=1, one BLAS thread)\n")
    print(f"{'data':<9} {'search':<18} {'chosen lmbda':>12} {'test acc':>8} {'wall':>5} {'CPU':>5}")
    for s in summaries:
        for k, search in enumerate(("L1MLPClassifierCV", "GridSearchCV")):
            ratios = (f"{s['wall']:>5.2f} {s['cpu']:>5}" if k == 0 else "")
            print(f"{s['data'] if k == 0 else '':<9} {search:<18} {s['lmbda'][k]:>12.3e} "
                  f"{s['test'][k]:>8.4f} {ratios}".rstrip())


def compare(name, args):
    """Run both searches on data set ``name``, print the comparison and return its summary."""
    load, hidden, max_iter = DATA[name]
    X_train, X_test, y_train, y_test = load()
    base = L1MLPClassifier(hidden_layer_sizes=hidden, max_iter=max_iter, random_state=0)
    # the automatic grid of lmbda_path: log-spaced from lmbda_max down by ``ratio``
    top = lmbda_max(X_train, y_train, base)
    grid = np.geomspace(top, top * args.ratio, args.n_lmbdas)
    # warm_max_iter='auto': the epochs of each warm-started point of a path
    warm_max_iter = min(max_iter, max(10, max_iter // 10))
    cv = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    shape = "-".join(map(str, [X_train.shape[1], *hidden, len(np.unique(y_train))]))
    print(
        f"{name} ({X_train.shape[0]} training samples), {shape}, max_iter={max_iter}, "
        f"warm_max_iter={warm_max_iter}, {args.folds} folds, n_jobs={args.n_jobs}"
    )
    print(f"grid {np.round(grid, 6).tolist()}")

    # Start joblib's workers (and their imports) before timing: neither search pays for it.
    tiny = clone(base).set_params(max_iter=1)
    Parallel(n_jobs=args.n_jobs)(
        delayed(clone(tiny).fit)(X_train, y_train) for _ in range(2 * args.n_jobs)
    )
    t_ours, t_grid = [], []
    for _ in range(args.repeats):
        before = load_avg()
        start = time.perf_counter()
        ours = L1MLPClassifierCV(base, lmbdas=grid, cv=cv, n_jobs=args.n_jobs)
        ours.fit(X_train, y_train)
        t_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        search = GridSearchCV(base, {"lmbda": grid}, cv=cv, n_jobs=args.n_jobs)
        search.fit(X_train, y_train)
        t_grid.append(time.perf_counter() - start)
        print(
            f"L1MLPClassifierCV {t_ours[-1]:.1f} s, GridSearchCV {t_grid[-1]:.1f} s, "
            f"ratio {t_grid[-1] / t_ours[-1]:.2f} ({before} before, {load_avg()} after)"
        )

    cpu_ratio = "-"
    if args.cpu_time:
        # CPU seconds of one process (n_jobs=1, one BLAS thread): unlike wall
        # time, hardly changed by other processes loading the machine.
        cpu = []
        with threadpool_limits(limits=1):
            for search_cv in (
                L1MLPClassifierCV(base, lmbdas=grid, cv=cv),
                GridSearchCV(base, {"lmbda": grid}, cv=cv),
            ):
                start = time.process_time()
                search_cv.fit(X_train, y_train)
                cpu.append(time.process_time() - start)
        print(
            f"CPU time, n_jobs=1: L1MLPClassifierCV {cpu[0]:.1f} s, GridSearchCV {cpu[1]:.1f} s, "
            f"ratio {cpu[1] / cpu[0]:.2f} ({load_avg()} after)"
        )
        cpu_ratio = f"{cpu[1] / cpu[0]:.2f}"

    grid_mean = search.cv_results_["mean_test_score"]
    print(f"{'lmbda':>10} {'path CV acc':>12} {'grid CV acc':>12}")
    for lmbda, a, b in zip(grid, ours.scores_.mean(axis=0), grid_mean):
        print(f"{lmbda:>10.2e} {a:>12.4f} {b:>12.4f}")
    best = search.best_index_
    sem = search.cv_results_["std_test_score"][best] / np.sqrt(args.folds)
    ours_idx = int(np.flatnonzero(grid == ours.lmbda_)[0])
    print(
        f"GridSearchCV's CV accuracy at its choice {grid_mean[best]:.4f} "
        f"(standard error over folds {sem:.4f}), at L1MLPClassifierCV's {grid_mean[ours_idx]:.4f}"
    )
    epochs = ours.best_estimator_.n_iter_, search.best_estimator_.n_iter_
    print(f"{'':<20} {'chosen lmbda':>13} {'test acc':>9} {'zeros':>6} {'epochs':>7}")
    for label, est, lmbda, n_iter in (
        ("L1MLPClassifierCV", ours, ours.lmbda_, epochs[0]),
        ("GridSearchCV", search, search.best_params_["lmbda"], epochs[1]),
    ):
        zeros = est.best_estimator_.zero_fraction_
        print(
            f"{label:<20} {lmbda:>13.3e} {est.score(X_test, y_test):>9.4f} "
            f"{zeros:>6.3f} {n_iter:>7}"
        )
    ratios = np.array(t_grid) / np.array(t_ours)
    print(
        f"time ratio GridSearchCV / L1MLPClassifierCV: {', '.join(f'{r:.2f}' for r in ratios)} "
        f"(median {np.median(ratios):.2f})"
    )
    return {
        "data": name, "wall": float(np.median(ratios)), "cpu": cpu_ratio,
        "lmbda": (ours.lmbda_, search.best_params_["lmbda"]),
        "test": (ours.score(X_test, y_test), search.score(X_test, y_test)),
    }


if __name__ == "__main__":
    _report.run(main, __file__)
