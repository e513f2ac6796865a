import sys, time, warnings
sys.path.insert(0, "benchmarks")
warnings.simplefilter("ignore")
import numpy as np
from threadpoolctl import threadpool_limits
import train_speed as T
X, y, Xt, yt = T.make_mnist_like()
X = X.astype(np.float32)
order = sys.argv[1]
with threadpool_limits(2):
    for b in (32, 128):
        cfg = dict(hidden=(100,), batch=b, epochs=10, eta=0.1, lmbda=1e-4)
        for system in order.split(","):
            ts = []
            for r in range(3):
                fit = {"sklearn": T.fit_sklearn, "skl1net": T.fit_skl1net, "torch": T.fit_torch}[system]
                out = fit(X, y, cfg, "l2", 0)
                ts.append(out[0] if isinstance(out, tuple) else out)
            print(order, b, system, [round(t, 2) if isinstance(t, float) else t for t in ts], flush=True)
