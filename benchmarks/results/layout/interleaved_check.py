"""skl1net, scikit-learn (and PyTorch) fits alternated in one process: ratios of adjacent fits.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/results/layout/interleaved_check.py ROUNDS [torch] [float64] [pause]
"""
import sys, time, warnings, statistics
warnings.simplefilter("ignore")
import numpy as np
from threadpoolctl import threadpool_limits
sys.path.insert(0, "benchmarks")
import train_speed as T
import skl1net
X, y, Xt, yt = T.make_mnist_like()
X = X.astype(np.float64 if "float64" in sys.argv[2:] else np.float32)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 4
with_torch = "torch" in sys.argv[2:]
# seconds of rest before each fit: the BLAS (or OpenMP) threads of the
# previous system spin for about 0.1 s after its last call
pause = 0.5 if "pause" in sys.argv[2:] else 0.0
with threadpool_limits(2):
    for b in (32, 128):
        cfg = dict(hidden=(100,), batch=b, epochs=10, eta=0.1, lmbda=1e-4)
        T.fit_skl1net(X[:2 * b], y[:2 * b], {**cfg, "epochs": 1}, "l2", 0)
        T.fit_sklearn(X[:2 * b], y[:2 * b], {**cfg, "epochs": 1}, "l2", 0)
        if with_torch:
            T.fit_torch(X[:2 * b], y[:2 * b], {**cfg, "epochs": 1}, "l2", 0)
        systems = {"skl1net": T.fit_skl1net, "sklearn": T.fit_sklearn}
        if with_torch:
            systems["torch"] = T.fit_torch
        times = {name: [] for name in systems}
        for r in range(rounds):
            for name, fit in systems.items():
                time.sleep(pause)
                out = fit(X, y, cfg, "l2", 0)
                times[name].append(out[0] if isinstance(out, tuple) else out)
        line = [f"{X.dtype} b{b}"] + [f"{name} {[round(t, 2) for t in ts]}" for name, ts in times.items()]
        for other in list(systems)[1:]:
            ratios = [s / o for o, s in zip(times["skl1net"], times[other])]
            line.append(f"x {other}: median {statistics.median(ratios):.2f} range {min(ratios):.2f}-{max(ratios):.2f}")
        print(skl1net.__file__.split("/")[2], " | ".join(line), flush=True)
