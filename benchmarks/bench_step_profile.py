"""Where the time of one skl1net training step goes, part by part.

Each part of the step is timed alone, calling the same functions the
training loop calls, on the shapes of the benchmark (mnist-like data,
784-100-10 ReLU, plain SGD): CPU time per call, the minimum over repeats.
The whole step is timed as a fit (CPU time per mini-batch, epochs 2 and 3
of a fit on 20,000 samples); what the parts do not account for is the Python that ties
them together. Run with one BLAS thread for the clearest picture::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_step_profile.py \\
        --batch 32 128 --penalty l2 l1 l1_prox [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402
from _datasets import make_mnist_like  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402
from skl1net._compute._blas import ProductGradient, gemm  # noqa: E402
from skl1net._compute import _kernels  # noqa: E402
from skl1net._network._mlp import Workspace, init_params  # noqa: E402
from skl1net.penalties import make_penalty  # noqa: E402
from skl1net._optim._schedules import Constant  # noqa: E402
from skl1net._optim._sgd import SGD  # noqa: E402


def cpu_us(fn, number=200, repeat=7):
    """Minimum CPU time of one call of ``fn``, in microseconds."""
    best = np.inf
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - start) / number)
    return best * 1e6


def step_parts(X, y, batch, penalty, hidden=100, eta=0.1, lmbda=1e-4):
    """``{part: microseconds}`` for one step on ``batch`` rows of ``X``."""
    dtype = X.dtype
    units = [X.shape[1], hidden, int(y.max()) + 1]
    coefs, intercepts = init_params(units, "relu", dtype, np.random.RandomState(0))
    ws = Workspace(units, batch, dtype, "relu", "softmax")
    rows = np.random.default_rng(0).permutation(len(X))[:batch]
    Xb = X.take(rows, axis=0)
    labels = y[rows].astype(np.intp)
    views = ws._rows(batch)  # the buffers the training step uses
    (H, P), (D1,) = views.activations, views.deltas
    opt = SGD(make_penalty(penalty, lmbda), Constant(eta)).init(coefs, intercepts)
    W0, W1 = coefs
    b0 = intercepts[0]
    ws.forward(Xb, coefs, intercepts)
    pre_output = ws._pre_output(Xb, coefs, intercepts).copy()

    def output_delta():
        np.copyto(P, pre_output)
        ws._output_delta(P, intercepts[1], labels, None, ws._rows(batch))

    def weight_step(i):
        # layer i's update: the penalty, the GEMM that adds -eta * gradient, the prox
        A = Xb if i == 0 else H
        D = D1 if i == 0 else P
        grad = ProductGradient(A, D, 1.0 / batch)
        return lambda: opt._step(0, i, coefs[i], grad.add_to_weights)

    def bias_step(i):
        grad = ProductGradient(None, D1 if i == 0 else P, 1.0 / batch)
        return lambda: opt._step(1, i, intercepts[i], grad.add_to_bias)

    opt_penalty_free = SGD(None, Constant(eta)).init(coefs, intercepts)

    def gemm_only_update(i):
        A = Xb if i == 0 else H
        D = D1 if i == 0 else P
        grad = ProductGradient(A, D, 1.0 / batch)
        return lambda: opt_penalty_free._step(0, i, coefs[i], grad.add_to_weights)

    out = ws._loss_work[:batch]
    order = np.random.default_rng(1).permutation(len(X))
    starts = iter(np.tile(np.arange(0, len(X) - batch + 1, batch), 1000))

    def gather():  # successive batches of a shuffled epoch, as in training
        batch_rows = order[next(starts) :][:batch]
        X.take(batch_rows, axis=0, out=ws_x, mode="clip")
        y_codes.take(batch_rows, out=ws_y, mode="clip")

    parts = {
        "gather the batch (X rows, labels)": gather,
        "GEMM forward, layer 1": lambda: gemm(H, Xb, W0),
        "bias + ReLU": lambda: ws._bias_act(H, b0),
        "GEMM forward, layer 2": lambda: gemm(out, H, W1),
        "bias, softmax, loss and output delta": output_delta,
        "GEMM back-propagated delta": lambda: gemm(D1, P, W1, trans_b=True),
        "ReLU derivative": lambda: ws._deriv(H, D1),
        "GEMM weight gradient + update, layer 2": gemm_only_update(1),
        "GEMM weight gradient + update, layer 1": gemm_only_update(0),
        "bias gradients + updates": lambda: (bias_step(0)(), bias_step(1)()),
    }
    ws_x = np.empty((batch, X.shape[1]), dtype)
    ws_y = np.empty(batch, np.intp)
    y_codes = y.astype(np.intp)
    times = {name: cpu_us(fn) for name, fn in parts.items()}
    full = cpu_us(lambda: (weight_step(0)(), weight_step(1)()))
    gemms = times["GEMM weight gradient + update, layer 1"] + times[
        "GEMM weight gradient + update, layer 2"
    ]
    times["penalty (weight updates beyond their GEMMs)"] = max(full - gemms, 0.0)
    return times


def fit_step_us(X, y, batch, penalty):
    """CPU time per mini-batch of a fit: 3 epochs minus 1 epoch, over 2 epochs' batches.

    The difference leaves out what a fit does once (validation, set-up).
    """
    seconds = {}
    for epochs in (1, 3, 1, 3):
        model = L1MLPClassifier(
            hidden_layer_sizes=(100,), penalty=penalty, lmbda=1e-4, eta=0.1, momentum=0.0,
            batch_size=batch, max_iter=epochs, tol=0, n_iter_no_change=epochs + 1,
            random_state=0,
        )
        start = time.process_time()
        model.fit(X, y)
        seconds[epochs] = min(seconds.get(epochs, np.inf), time.process_time() - start)
    return (seconds[3] - seconds[1]) / (2 * -(-len(X) // batch)) * 1e6


def main(argv=None):
    """Print the breakdowns; return ``{(batch, penalty): {"parts": ..., "whole": ...}}``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", nargs="+", type=int, default=[32, 128])
    parser.add_argument("--penalty", nargs="+", default=["l2", "l1", "l1_prox"])
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--samples", type=int, default=20_000)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y, _, _ = make_mnist_like(args.samples, 10)
    X = X.astype(args.dtype)
    kernels = "compiled" if _kernels.COMPILED else "numpy"
    print(f"{args.dtype}, 784-100-10 ReLU, plain SGD, {args.threads} BLAS thread(s), "
          f"{kernels} kernels; load average {os.getloadavg()[0]:.2f}")
    results = {}
    with threadpool_limits(args.threads):
        # a first, discarded run: the first part timed (a GEMM) came out up to
        # 60 % slow without it, whatever ran before (BLAS threads that made the
        # data still spinning, the processor's own warm-up)
        step_parts(X, y, args.batch[0], args.penalty[0])
        for batch in args.batch:
            for penalty in args.penalty:
                parts = step_parts(X, y, batch, penalty)
                whole = fit_step_us(X, y, batch, penalty)
                results[batch, penalty] = {"parts": parts, "whole": whole}
                gemm = sum(t for name, t in parts.items() if name.startswith("GEMM"))
                print(f"\nbatch {batch}, penalty {penalty!r}: CPU us per step")
                for name, t in parts.items():
                    print(f"  {name:45s} {t:7.1f}")
                print(f"  {'Python around the parts':45s} {whole - sum(parts.values()):7.1f}")
                print(f"  {'whole step (fit)':45s} {whole:7.1f}")
                print(f"  {'GEMMs (with the fused updates)':45s} {gemm:7.1f}"
                      f" ({100 * gemm / whole:.0f} %)", flush=True)
    print("\nSummary, CPU us per step\n")
    print(f"{'batch':>5}  {'penalty':<8} {'whole step':>10} {'GEMMs':>7} {'penalty':>8} "
          f"{'Python':>7}")
    for (batch, penalty), r in results.items():
        gemm = sum(t for name, t in r["parts"].items() if name.startswith("GEMM"))
        print(f"{batch:>5}  {penalty:<8} {r['whole']:>10.1f} {gemm:>7.1f} "
              f"{r['parts']['penalty (weight updates beyond their GEMMs)']:>8.1f} "
              f"{r['whole'] - sum(r['parts'].values()):>7.1f}")
    return results


if __name__ == "__main__":
    _report.run(main, __file__)
