"""compact() and pruned prediction: model size on disk and prediction time.

Trains a 784-300-100-10 network with 'l1_prox' on the full real MNIST
(60,000 training images, float32), then times ``predict_proba`` of the
fitted model through the whole network and through the pruned network it
predicts with by default (dead units removed on the fly, see
``skl1net._network._compact.forward_pruned``), and of ``compact()`` with
dense, 'auto' and CSR weights, and of the fitted model exported to ONNX
and run by onnxruntime (when the onnx extra is installed): on the 10,000
test images, the first 1,000 and the first one, best of 7 rounds, the models
interleaved within each round, with their size (pickle, or the ONNX file)
and the largest difference in predicted probabilities. A
second table times one dense-input x weight-matrix product, dense BLAS
against CSR, at several densities: it is where ``SPARSE_DENSITY`` (the
'auto' threshold) comes from.

Run from the repository root (full MNIST: ``make .venv/.installed-bench``)::

    python benchmarks/bench_compact_predict.py [--lmbda 3e-4] [--epochs 20] [--save]
"""

import argparse
import math
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402
from _mnist import mnist  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402
from skl1net._network import _compact  # noqa: E402

ROUNDS = 7


class OnnxModel:
    """The fitted model exported to ONNX (skl1net.onnx), run by onnxruntime: ``predict_proba``."""

    def __init__(self, model, X):
        import onnxruntime
        from skl2onnx import to_onnx

        from skl1net.onnx import register_converters

        register_converters()
        onx = to_onnx(model, X[:1], options={L1MLPClassifier: {"zipmap": False}})
        self.model, self.size = model, len(onx.SerializeToString())
        weights = [t.dims for t in onx.graph.initializer if len(t.dims) == 2]
        self.hidden_layer_sizes = tuple(int(dims[1]) for dims in weights[:-1])  # as exported
        options = onnxruntime.SessionOptions()
        # no spinning threads after a run: they would slow the next model's BLAS
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def predict_proba(self, X):
        return self.session.run(None, {"X": X})[1]


def interleaved_times(functions, X):
    """Best-of-ROUNDS time of each ``f(X)``, the functions interleaved in each round."""
    times = {name: [] for name in functions}
    for _ in range(ROUNDS):
        for name, f in functions.items():
            start = time.perf_counter()
            f(X)
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def product_table(X, n_hidden=300, seed=0):
    """Time ``X @ W`` with a random ``W`` at several densities, dense BLAS against CSR.

    In float32 (MNIST's) and float64, the products interleaved in each round.
    """
    rng = np.random.default_rng(seed)
    shape = (X.shape[1], n_hidden)
    print(
        f"\nX ({X.shape[0]}x{shape[0]}, the test images) @ W ({shape[0]}x{shape[1]}), "
        f"best of {ROUNDS}, ms"
    )
    print(f"{'density':>8} {'f32 dense':>10} {'f32 csr':>8} {'csr/dense':>10} "
          f"{'f64 dense':>10} {'f64 csr':>8} {'csr/dense':>10}")
    for density in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2):
        W = rng.standard_normal(shape) * (rng.random(shape) < density)
        row = f"{density:>8.3f}"
        for dtype in (np.float32, np.float64):
            Xd, Wd = X.astype(dtype), W.astype(dtype)
            times = interleaved_times(
                {"dense": lambda A, W=Wd: A @ W, "csr": lambda A, S=sp.csr_matrix(Wd): A @ S}, Xd
            )
            row += f" {times['dense'] * 1e3:>10.2f} {times['csr'] * 1e3:>8.2f} "
            row += f"{times['csr'] / times['dense']:>10.2f}"
        print(row)


class WholeNetwork:
    """A fitted model that predicts through its whole network (no pruning)."""

    def __init__(self, model):
        self.model = model

    def predict_proba(self, X):
        saved, _compact.PRUNE_ROWS = _compact.PRUNE_ROWS, math.inf
        try:
            return self.model.predict_proba(X)
        finally:
            _compact.PRUNE_ROWS = saved


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lmbda", type=float, default=3e-4)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    X_train, X_test, y_train, y_test = mnist()
    clf = L1MLPClassifier(
        hidden_layer_sizes=(300, 100), max_iter=args.epochs, lmbda=args.lmbda, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X_train, y_train)
    print(
        f"full MNIST, 784-300-100-10, l1_prox lmbda={args.lmbda}, {args.epochs} epochs, "
        f"otherwise the defaults: accuracy {clf.score(X_test, y_test):.4f}, zeros "
        f"{clf.zero_fraction_:.3f} (per layer {np.round(clf.layer_zero_fractions_, 3)}), "
        f"dead units {clf.n_dead_units_}"
    )
    models = {
        "fitted, whole network": WholeNetwork(clf),
        "fitted (pruned)": clf,
        "compact(sparse=False)": clf.compact(sparse=False),
        "compact('auto')": clf.compact(),
        "compact(sparse=True)": clf.compact(sparse=True),
    }
    try:
        models["ONNX, onnxruntime"] = OnnxModel(clf, X_test)
    except ImportError:  # the onnx extra: pip install "skl1net[onnx]"
        print("(onnxruntime or skl2onnx not installed: no ONNX row)")
    functions = {name: model.predict_proba for name, model in models.items()}
    rows = (len(X_test), 1000, 1)
    times = {n: interleaved_times(functions, X_test[:n]) for n in rows}
    reference = WholeNetwork(clf).predict_proba(X_test)
    print(
        f"\npredict_proba on the first n test images, best of {ROUNDS}, ms"
        f"\n{'model':<22} {'hidden':>8} {'file KiB':>11} "
        + " ".join(f"{f'n={n:,}':>9}" for n in rows)
        + f" {'max |dP|':>9}"
    )
    for name, model in models.items():
        fitted = getattr(model, "model", model)
        size = (getattr(model, "size", None) or len(pickle.dumps(fitted))) / 1024
        diff = np.abs(model.predict_proba(X_test) - reference).max()
        widths = getattr(model, "hidden_layer_sizes", fitted.hidden_layer_sizes)
        hidden = "-".join(str(h) for h in widths)
        print(
            f"{name:<22} {hidden:>8} {size:>11.0f} "
            + " ".join(f"{times[n][name] * 1e3:>9.3f}" for n in rows)
            + f" {diff:>9.1e}"
        )
    product_table(X_test)


if __name__ == "__main__":
    _report.run(main, __file__)
