"""compact(): model size on disk and prediction time, dense vs compacted vs sparse.

Trains a 784-300-100-10 network with 'l1_prox' on the shifted 28x28 digits
(see ``_datasets.py``), then compares the fitted model with ``compact()``
(dead units removed, dense weights) and ``compact(sparse=True)`` (CSR
weights): pickled size, best-of-N ``predict_proba`` time on the test set, and
the largest difference in predicted probabilities. A second table times one
dense-input x weight-matrix product, dense BLAS against CSR, at several
densities: it is where ``SPARSE_DENSITY`` (the 'auto' threshold) comes from.

Run from the repository root::

    python benchmarks/bench_compact_predict.py [--lmbda 6e-4] [--epochs 20] [--save]
"""

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402
from _datasets import digits28  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402


def best_time(f, repeat=7):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def product_table(n_samples=2700, shape=(784, 300), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n_samples, shape[0]))
    print(f"\nX ({n_samples}x{shape[0]}) @ W ({shape[0]}x{shape[1]}), best of 7")
    print(f"{'density':>8} {'dense ms':>9} {'csr ms':>8} {'csr/dense':>10}")
    for density in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3):
        W = rng.standard_normal(shape) * (rng.random(shape) < density)
        S = sp.csr_matrix(W)
        dense = best_time(lambda: X @ W)
        csr = best_time(lambda: X @ S)
        print(f"{density:>8.2f} {dense * 1e3:>9.2f} {csr * 1e3:>8.2f} {csr / dense:>10.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lmbda", type=float, default=6e-4)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    X_train, X_test, y_train, y_test = digits28()
    clf = L1MLPClassifier(
        hidden_layer_sizes=(300, 100), max_iter=args.epochs, lmbda=args.lmbda,
        debias=True, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X_train, y_train)
    print(
        f"784-300-100-10, l1_prox lmbda={args.lmbda}, debias, {args.epochs} epochs: "
        f"accuracy {clf.score(X_test, y_test):.4f}, zeros {clf.zero_fraction_:.3f} "
        f"(per layer {np.round(clf.layer_zero_fractions_, 3)}), "
        f"dead units {clf.n_dead_units_}"
    )
    reference = clf.predict_proba(X_test)
    print(f"\n{'model':<22} {'hidden':>12} {'pickle KiB':>11} {'predict ms':>11} {'max |dP|':>9}")
    for name, model in (
        ("original", clf),
        ("compact(sparse=False)", clf.compact(sparse=False)),
        ("compact('auto')", clf.compact()),
        ("compact(sparse=True)", clf.compact(sparse=True)),
    ):
        size = len(pickle.dumps(model)) / 1024
        t = best_time(lambda: model.predict_proba(X_test))
        diff = np.abs(model.predict_proba(X_test) - reference).max()
        hidden = "-".join(str(h) for h in model.hidden_layer_sizes)
        print(f"{name:<22} {hidden:>12} {size:>11.0f} {t * 1e3:>11.2f} {diff:>9.1e}")
    product_table()


if __name__ == "__main__":
    _report.run(main, __file__)
