"""Regenerate the result file of every benchmark (``make bench-results``).

Runs each ``bench_*.py`` script with the arguments below and ``--save``, one
after the other, so that each writes ``results/<script name>.txt`` (and its
figure, if it draws one). The two variables that override OpenBLAS's own
choice of kernels and cache sizes are unset for the runs.

On an idle 2-core machine the whole set takes about 40 minutes, most of it
``bench_sparsity_tradeoff`` (about 25 minutes) and ``bench_train_speed``
(about 10 minutes). Run a few with ``--only``, or leave some out with
``--skip``::

    python benchmarks/run_all.py [--only bench_compact_predict ...] [--skip bench_sparsity_tradeoff ...]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script name: the arguments of the published run
BENCHMARKS = {
    "bench_train_speed": ["--threads", "2", "--epochs", "10", "--wide-epochs", "3",
                          "--repeats", "3"],
    "bench_step_profile": ["--batch", "32", "128", "--penalty", "l2", "l1", "l1_prox"],
    "bench_sparse_input": ["--repeats", "1"],
    "bench_stream_memory": ["--rows", "400000", "--checkpoints", "100000", "400000"],
    "bench_compact_predict": [],
    "bench_cv_vs_gridsearch": ["--data", "digits", "cancer", "digits28", "--repeats", "2",
                               "--cpu-time"],
    "bench_lmbda_max_by_dataset": [],
    "bench_regressor_defaults": [],
    "bench_group_penalty": [],
    "bench_adam_step": ["--rounds", "3"],
    "bench_defaults": ["--pairs", "5", "--splits", "5"],
    "bench_feature_selection": ["--seeds", "3", "--threads", "1"],
    "bench_working_set": ["--pairs", "5", "--threads", "2"],
    "bench_lenet": ["--seeds", "0", "1", "2", "--threads", "1"],
    "bench_sparsity_tradeoff": ["--datasets", "digits", "digits28", "digits28d", "mnistlike",
                                "mnist5k", "--seeds", "0", "1", "2", "--jobs", "2"],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument("--skip", nargs="+", choices=list(BENCHMARKS), default=[])
    args = parser.parse_args(argv)
    missing = sorted({p.stem for p in HERE.glob("bench_*.py")} - set(BENCHMARKS))
    if missing:
        parser.error(f"no arguments for {', '.join(missing)}: add them to BENCHMARKS")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    failed = []
    for name in args.only:
        if name in args.skip:
            continue
        command = [sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name], "--save"]
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        if subprocess.run(command, env=env, cwd=HERE.parent).returncode:
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - start:.0f} s", flush=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
