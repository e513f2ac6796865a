"""Training speed of skl1net against scikit-learn, PyTorch and the BLAS.

One run fits, on the same data and with every system limited to the same
number of threads:

* skl1net's ``L1MLPClassifier`` with each penalty ('l2', 'l1', 'l1_prox'),
* scikit-learn's ``MLPClassifier(solver='sgd')`` with the matching L2 penalty,
* a plain PyTorch CPU loop with each penalty (skipped when torch is absent),

all with plain SGD (no momentum), a constant learning rate, the same network,
Glorot-uniform initialisation, batch size and number of epochs. For every
configuration it prints a table (fit time median and min-max over the repeats,
samples per second, speed-up over scikit-learn and over PyTorch, test accuracy,
fraction of exact-zero weights, peak extra memory) and the time the GEMMs of
one epoch take alone, with each skl1net fit as a multiple of it; at the end, a
summary table with one line per configuration.

The data are generated offline and deterministically: an MNIST-shaped set
(60,000 + 10,000 images of 28 x 28 float values in [0, 1], 10 classes; each
image a smooth class prototype plus smooth per-image noise) and
scikit-learn's bundled digits for a small case.

Run it with::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_train_speed.py [--save]

(``make bench`` does the same). ``--quick`` is a smoke test of a few seconds.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from skl1net import L1MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402
from _datasets import make_mnist_like  # noqa: E402

try:
    import torch
except ImportError:  # the torch columns are optional
    torch = None

PENALTIES = ("l2", "l1", "l1_prox")


# -- data -------------------------------------------------------------------------
def make_digits():
    """scikit-learn's digits scaled to [0, 1], split 80/20 (stratified)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    return X_train, y_train, X_test, y_test


# -- peak memory ------------------------------------------------------------------
def _proc_status_kib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


class PeakMemory:
    """Peak memory allocated inside the block, above the level at entry, in MiB.

    The larger of two measures: the peak of the allocations that Python's
    ``tracemalloc`` sees (every numpy array, exactly; only if ``trace``), and
    the growth of the resident set's high-water mark, reset on entry through
    ``/proc/self/clear_refs`` (Linux), which also sees PyTorch's allocator but
    misses memory that the allocator reuses. Tracing slows allocations down:
    never around a timed fit.
    """

    def __init__(self, trace=True):
        self.trace = trace

    def __enter__(self):
        gc.collect()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self._rss = _proc_status_kib("VmRSS")
        except OSError:
            self._rss = None
        if self.trace:
            tracemalloc.start()
        return self

    def __exit__(self, *exc):
        traced = 0.0
        if self.trace:
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        rss = 0.0 if self._rss is None else (_proc_status_kib("VmHWM") - self._rss) / 1024
        self.mib = max(traced, rss)


# -- the systems ------------------------------------------------------------------
def _estimator_settings(cfg, seed):
    """Settings shared by skl1net and scikit-learn: plain SGD at a constant rate, no early stop."""
    return {
        "hidden_layer_sizes": cfg["hidden"],
        "batch_size": cfg["batch"],
        "max_iter": cfg["epochs"],
        "momentum": 0.0,
        "learning_rate": "constant",
        "tol": 0.0,
        "n_iter_no_change": cfg["epochs"] + 1,
        "random_state": seed,
    }


# Each ``fit_*(X, y, cfg, penalty, seed)`` trains one model and returns the
# seconds the training took, a ``predict`` function and the weight matrices.
def _timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.predict, model.coefs_


def fit_skl1net(X, y, cfg, penalty, seed):
    model = L1MLPClassifier(
        penalty=penalty, lmbda=cfg["lmbda"], eta=cfg["eta"], **_estimator_settings(cfg, seed)
    )
    return _timed_fit(model, X, y)


def fit_sklearn(X, y, cfg, penalty, seed):
    model = MLPClassifier(
        solver="sgd",
        nesterovs_momentum=False,
        learning_rate_init=cfg["eta"],
        # scikit-learn divides alpha by the batch size; skl1net's lmbda is per sample.
        alpha=cfg["lmbda"] * cfg["batch"],
        **_estimator_settings(cfg, seed),
    )
    return _timed_fit(model, X, y)


def fit_torch(X, y, cfg, penalty, seed):
    """A plain PyTorch training loop, as a user would write it."""
    nn, F = torch.nn, torch.nn.functional
    dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    generator = torch.Generator().manual_seed(seed)
    units = [X.shape[1], *cfg["hidden"], int(y.max()) + 1]
    layers = []
    for fan_in, fan_out in zip(units[:-1], units[1:]):
        linear = nn.Linear(fan_in, fan_out, dtype=dtype)
        bound = (6.0 / (fan_in + fan_out)) ** 0.5  # Glorot uniform, as sklearn/skl1net
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    weights = [layer.weight for layer in model if isinstance(layer, nn.Linear)]
    lmbda, eta, batch = cfg["lmbda"], cfg["eta"], cfg["batch"]
    optimizer = torch.optim.SGD(model.parameters(), lr=eta)

    start = time.perf_counter()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    n = len(X_t)
    for _ in range(cfg["epochs"]):
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, batch):
            rows = order[first : first + batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(X_t[rows]), y_t[rows])
            loss.backward()
            if penalty != "l1_prox":
                for W in weights:
                    W.grad.add_(W if penalty == "l2" else W.sign(), alpha=lmbda)
            optimizer.step()
            if penalty == "l1_prox":
                with torch.no_grad():
                    for W in weights:
                        W.sub_(W.clamp(-eta * lmbda, eta * lmbda))
    seconds = time.perf_counter() - start

    def predict(X_new):
        with torch.no_grad():
            return model(torch.from_numpy(X_new)).argmax(dim=1).numpy()

    return seconds, predict, [W.detach().numpy() for W in weights]


SYSTEMS = {
    "skl1net": (fit_skl1net, PENALTIES),
    "sklearn": (fit_sklearn, ("l2",)),
    "torch": (fit_torch, PENALTIES),
}


# -- the BLAS limit ---------------------------------------------------------------
def gemm_epoch_seconds(X, units, batch, repeats=3):
    """Median time of the GEMMs of one epoch alone, on contiguous batches of ``X``.

    The median, as for the fits: on a busy machine a minimum would compare the
    luckiest GEMM run with typical fits.

    Per batch: the forward product of every layer, every weight gradient
    ``A_prev.T @ delta`` and every back-propagated delta ``delta @ W.T``
    except the one into the input (no one needs it).
    """
    rng = np.random.default_rng(0)
    dtype = X.dtype
    # Realistic magnitudes: no overflow, no denormals to slow the kernels down.
    Ws = [
        rng.uniform(-1, 1, (a, b)).astype(dtype) * np.sqrt(6 / (a + b)).astype(dtype)
        for a, b in zip(units[:-1], units[1:])
    ]
    Gs = [np.empty_like(W) for W in Ws]
    As = [np.empty((batch, b), dtype) for b in units[1:]]
    Ds = [(rng.standard_normal((batch, b)) / batch).astype(dtype) for b in units[1:]]
    n = len(X)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for first in range(0, n, batch):
            Xb = X[first : first + batch]
            m = len(Xb)
            A = Xb
            for W, out in zip(Ws, As):
                A = np.dot(A, W, out=out[:m])
            for i in range(len(Ws) - 1, -1, -1):
                A_prev = Xb if i == 0 else As[i - 1][:m]
                np.dot(A_prev.T, Ds[i][:m], out=Gs[i])
                if i:
                    np.dot(Ds[i][:m], Ws[i].T, out=Ds[i - 1][:m])
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


# -- one configuration ------------------------------------------------------------
def run_config(data, cfg, systems, repeats):
    """Fit every system ``repeats`` times on ``data``; return the table rows."""
    times = {}
    results = {}
    X, y, X_test, y_test = data
    one_epoch = {**cfg, "epochs": 1}
    for system in systems:  # first calls pay for imports, lazy initialisation, caches
        fit, penalties = SYSTEMS[system]
        for penalty in penalties:
            fit(X[: 2 * cfg["batch"]], y[: 2 * cfg["batch"]], one_epoch, penalty, seed=0)
    for system in systems:  # memory: one untimed epoch (the peak does not grow later)
        fit, penalties = SYSTEMS[system]
        for penalty in penalties:
            # tracemalloc sees no torch tensor and slows torch's Python down a lot.
            with PeakMemory(trace=system != "torch") as memory:
                fit(X, y, one_epoch, penalty, seed=0)
            results[(system, penalty)] = {"peak_mib": memory.mib}
    for repeat in range(repeats):  # interleaved, so that drifts hit all systems alike
        for system in systems:
            fit, penalties = SYSTEMS[system]
            for penalty in penalties:
                seconds, predict, weights = fit(X, y, cfg, penalty, seed=repeat)
                times.setdefault((system, penalty), []).append(seconds)
                zeros = sum(int(np.count_nonzero(W == 0)) for W in weights)
                results[(system, penalty)].update(
                    accuracy=float(np.mean(predict(X_test) == y_test)),
                    zero_fraction=zeros / sum(W.size for W in weights),
                )

    n_samples = len(data[0]) * cfg["epochs"]
    sklearn_time = (
        statistics.median(times[("sklearn", "l2")]) if ("sklearn", "l2") in times else None
    )
    rows = []
    for (system, penalty), ts in times.items():
        median = statistics.median(ts)
        torch_key = ("torch", penalty)
        rows.append(
            {
                "system": system,
                "penalty": penalty,
                "median_s": median,
                "min_s": min(ts),
                "max_s": max(ts),
                "samples_per_s": n_samples / median,
                "x_sklearn": sklearn_time / median if sklearn_time else float("nan"),
                "x_torch": (
                    statistics.median(times[torch_key]) / median
                    if torch_key in times
                    else float("nan")
                ),
                **results[(system, penalty)],
            }
        )
    return rows


COLUMNS = [
    ("system", "system", "{}"),
    ("penalty", "penalty", "{}"),
    ("fit s (median)", "median_s", "{:.2f}"),
    ("min-max s", None, None),
    ("samples/s", "samples_per_s", "{:,.0f}"),
    ("x sklearn", "x_sklearn", "{:.2f}"),
    ("x torch", "x_torch", "{:.2f}"),
    ("test acc", "accuracy", "{:.4f}"),
    ("zeros", "zero_fraction", "{:.3f}"),
    ("peak MiB", "peak_mib", "{:.1f}"),
]


def rst_table(cells):
    """Rows of strings (the first one the titles) as a reStructuredText simple table."""
    widths = [max(len(line[j]) for line in cells) for j in range(len(cells[0]))]
    rule = "  ".join("=" * w for w in widths)

    def fmt_line(line):
        return "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()

    return "\n".join([rule, fmt_line(cells[0]), rule, *map(fmt_line, cells[1:]), rule])


def format_table(rows):
    """The rows as a reStructuredText simple table (also readable as text)."""
    cells = [[title for title, _, _ in COLUMNS]]
    for row in rows:
        line = []
        for _, key, fmt in COLUMNS:
            if key is None:
                line.append(f"{row['min_s']:.2f}-{row['max_s']:.2f}")
            elif isinstance(row[key], float) and np.isnan(row[key]):
                line.append("-")
            else:
                line.append(fmt.format(row[key]))
        cells.append(line)
    return rst_table(cells)


def configurations(args):
    """The (data name, settings) pairs of this run."""
    if args.quick:
        base = {"epochs": 2, "eta": 0.1, "lmbda": 1e-4}
        yield "mnist-like", {**base, "hidden": (32,), "batch": 32, "dtype": "float32"}
        yield "digits", {**base, "hidden": (32,), "batch": 32, "dtype": "float64"}
        return
    base = {"eta": 0.1, "lmbda": args.lmbda}
    for dtype in args.dtypes:
        yield "digits", {**base, "hidden": (100,), "batch": 32, "epochs": args.epochs, "dtype": dtype}
        for hidden, batch, epochs in (
            ((100,), 32, args.epochs),
            ((100,), 128, args.epochs),
            ((1024,), 512, args.wide_epochs),
        ):
            if batch in args.batches:
                yield "mnist-like", {
                    **base,
                    "hidden": hidden,
                    "batch": batch,
                    "epochs": epochs,
                    "dtype": dtype,
                }


def machine_description():
    return (
        f"{_report.cpu_model()}, {os.cpu_count()} logical CPUs; BLAS: "
        f"{_report.blas_description()}; {_report.versions()}"
        + ("" if torch is not None else ", torch not installed")
    )


SUMMARY_COLUMNS = ("configuration", "sklearn s", "x l2", "x l1", "x l1_prox", "x torch", "/ GEMM")


def format_summary(tables):
    """One line per configuration: scikit-learn's fit time and skl1net's speed-ups.

    ``x l2``, ``x l1``, ``x l1_prox``: scikit-learn's median fit time over
    skl1net's with that penalty; ``x torch``: the PyTorch loop's over skl1net's,
    both with ``'l1_prox'``; ``/ GEMM``: skl1net's ``'l1_prox'`` fit over the
    GEMM-only time of as many epochs.
    """
    cells = [list(SUMMARY_COLUMNS)]
    for table in tables.values():
        rows = {(r["system"], r["penalty"]): r for r in table["rows"]}

        def cell(system, penalty, key):
            value = rows.get((system, penalty), {}).get(key, float("nan"))
            return "-" if np.isnan(value) else f"{value:.2f}"

        cells.append([
            table["label"], cell("sklearn", "l2", "median_s"),
            *(cell("skl1net", p, "x_sklearn") for p in PENALTIES),
            cell("skl1net", "l1_prox", "x_torch"), cell("skl1net", "l1_prox", "x_gemm"),
        ])
    return rst_table(cells)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (seconds)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10, help="epochs at hidden (100,)")
    parser.add_argument("--wide-epochs", type=int, default=3, help="epochs at hidden (1024,)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lmbda", type=float, default=1e-4, help="skl1net's penalty strength")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--batches", nargs="+", type=int, default=[32, 128, 512])
    parser.add_argument(
        "--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS)
    )
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 1
    if args.no_torch or torch is None:
        args.systems = [s for s in args.systems if s != "torch"]
    return args


def main(argv=None):
    """Run the benchmark; print the tables and return ``{title: rows}``."""
    args = parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if torch is not None and "torch" in args.systems:
        torch.set_num_threads(args.threads)
    if args.quick:
        mnist = make_mnist_like(2_000, 500)
    else:
        mnist = make_mnist_like()
    datasets = {"mnist-like": mnist, "digits": make_digits()}

    print(f"Machine: {machine_description()}")
    print(f"Threads: {args.threads} per system; repeats: {args.repeats}")
    if hasattr(os, "getloadavg"):
        print("Load average before the run (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"Warning: {var}={os.environ[var]} is set and may slow OpenBLAS down.")
    if torch is None:
        print("PyTorch is not installed: its columns are skipped.")

    tables = {}
    with threadpool_limits(limits=args.threads):
        for name, cfg in configurations(args):
            dtype = np.dtype(cfg["dtype"])
            X, y, X_test, y_test = datasets[name]
            data = (X.astype(dtype), y, X_test.astype(dtype), y_test)
            title = (
                f"{name} {X.shape[0]}x{X.shape[1]}, hidden {cfg['hidden']}, "
                f"batch {cfg['batch']}, {dtype.name}, {cfg['epochs']} epochs, "
                f"eta {cfg['eta']}, lmbda {cfg['lmbda']}"
            )
            rows = run_config(data, cfg, args.systems, args.repeats)
            units = [X.shape[1], *cfg["hidden"], len(np.unique(y))]
            gemm = gemm_epoch_seconds(data[0], units, cfg["batch"])
            for row in rows:
                row["x_gemm"] = row["median_s"] / (cfg["epochs"] * gemm)
            label = f"{name} {','.join(map(str, cfg['hidden']))} b{cfg['batch']} {dtype.name}"
            tables[title] = {"rows": rows, "gemm_epoch_s": gemm, "label": label}
            print(f"\n{title}\n")
            print(format_table(rows))
            multiples = ", ".join(
                f"{r['penalty']} {r['x_gemm']:.2f}x" for r in rows if r["system"] == "skl1net"
            )
            print(
                f"\nGEMM-only time of one epoch: {gemm * 1e3:.3g} ms; skl1net's fit is "
                f"{multiples} the GEMM-only time of {cfg['epochs']} epochs.",
                flush=True,
            )
    print("\nSummary (x: scikit-learn's fit time over skl1net's; x torch: PyTorch's over "
          "skl1net's, 'l1_prox';\n/ GEMM: skl1net's 'l1_prox' fit over the GEMM-only time)\n")
    print(format_summary(tables))
    return tables


if __name__ == "__main__":
    _report.run(main, __file__)
