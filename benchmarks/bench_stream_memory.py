"""Peak memory of ``partial_fit`` over a long stream: it must not grow with the stream.

Feeds :class:`skl1net.L1MLPClassifier` a stream of rows generated on the fly,
in chunks (nothing of the stream is kept), and prints, at each checkpoint, the
peak of the Python/numpy heap traced by :mod:`tracemalloc` and the peak
resident set size of the process (``ru_maxrss``). A model whose memory does
not depend on the stream length shows the same figures at 200k and at 2M rows.

Run (about 4 minutes on 2 cores with tracemalloc, 10 s without)::

    python benchmarks/bench_stream_memory.py
    python benchmarks/bench_stream_memory.py --no-tracemalloc
    python benchmarks/bench_stream_memory.py --rows 400000 --checkpoints 100000 400000 [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import resource
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402


def stream(n_rows, chunk_size, n_features, seed=0):
    """Yield ``(X, y)`` chunks of a fixed linear 3-class problem, made on the fly.

    The problem is the same for every ``seed``; the seed draws the rows.
    """
    directions = np.random.default_rng(12345).standard_normal((n_features, 3))
    rng = np.random.default_rng(seed)
    for start in range(0, n_rows, chunk_size):
        X = rng.standard_normal((min(chunk_size, n_rows - start), n_features))
        yield X, np.argmax(X @ directions, axis=1)


def mib(n_bytes):
    return n_bytes / 2**20


def rss_now():
    """Current resident set size in bytes (Linux), or NaN elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        return float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument(
        "--checkpoints", type=int, nargs="+", default=[200_000, 2_000_000]
    )
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="measure RSS only (tracemalloc slows the loop down about 30 times)",
    )
    args = parser.parse_args(argv)

    clf = L1MLPClassifier(random_state=0)
    checkpoints = sorted(args.checkpoints)
    if not args.no_tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    seen = 0
    print(f"{'rows':>10} {'traced peak MiB':>16} {'traced now MiB':>15} "
          f"{'RSS peak MiB':>13} {'RSS now MiB':>12} {'seconds':>8}")
    for X, y in stream(args.rows, args.chunk, args.features):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        seen += len(X)
        if checkpoints and seen >= checkpoints[0]:
            checkpoints.pop(0)
            now, peak = (
                (float("nan"),) * 2
                if args.no_tracemalloc
                else tracemalloc.get_traced_memory()
            )
            rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            print(f"{seen:>10} {mib(peak):>16.2f} {mib(now):>15.2f} "
                  f"{mib(rss_peak):>13.1f} {mib(rss_now()):>12.1f} "
                  f"{time.perf_counter() - start:>8.1f}", flush=True)
    tracemalloc.stop()
    X_test, y_test = next(stream(20_000, 20_000, args.features, seed=1))
    print(f"accuracy on 20,000 fresh rows: {clf.score(X_test, y_test):.3f}; "
          f"{len(clf.loss_curve_)} partial_fit calls, t_={clf.t_}")


if __name__ == "__main__":
    _report.run(main, __file__)
