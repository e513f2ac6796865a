"""skl1net and scikit-learn fits alternated in one process: the ratio of each adjacent pair."""
import sys, time, warnings, statistics
warnings.simplefilter("ignore")
import numpy as np
from threadpoolctl import threadpool_limits
sys.path.insert(0, "benchmarks")
import train_speed as T
import skl1net
X, y, Xt, yt = T.make_mnist_like()
X = X.astype(np.float32)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 4
with threadpool_limits(2):
    for b in (32, 128):
        cfg = dict(hidden=(100,), batch=b, epochs=10, eta=0.1, lmbda=1e-4)
        T.fit_skl1net(X[:2 * b], y[:2 * b], {**cfg, "epochs": 1}, "l2", 0)
        T.fit_sklearn(X[:2 * b], y[:2 * b], {**cfg, "epochs": 1}, "l2", 0)
        ours, theirs = [], []
        for r in range(rounds):
            for fit, ts in ((T.fit_skl1net, ours), (T.fit_sklearn, theirs)):
                out = fit(X, y, cfg, "l2", 0)
                ts.append(out[0] if isinstance(out, tuple) else out)
        ratios = [s / o for o, s in zip(ours, theirs)]
        print(skl1net.__file__.split("/")[2], f"b{b} skl1net {[round(t, 2) for t in ours]} sklearn {[round(t, 2) for t in theirs]} "
              f"ratio median {statistics.median(ratios):.2f} range {min(ratios):.2f}-{max(ratios):.2f}", flush=True)
