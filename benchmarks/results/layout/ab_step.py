"""CPU us per step of plain-SGD fits (epochs 3 - epochs 1) / batches of 2 epochs."""
import os, sys, time, warnings
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.exceptions import ConvergenceWarning
sys.path.insert(0, "/work/main/benchmarks")
from train_speed import make_mnist_like
import skl1net
from skl1net import L1MLPClassifier
warnings.simplefilter("ignore", ConvergenceWarning)
X, y, _, _ = make_mnist_like(20_000, 10)
X = X.astype(np.float32)
th = int(sys.argv[1]); batches = [int(b) for b in sys.argv[2].split(",")]; pens = sys.argv[3].split(",")
clock = time.process_time if th == 1 else time.perf_counter
out = []
with threadpool_limits(th):
    for batch in batches:
        for penalty in pens:
            sec = {}
            for epochs in (1, 3, 1, 3, 1, 3):
                m = L1MLPClassifier((100,), penalty=penalty, lmbda=1e-4, eta=0.1, momentum=0, learning_rate="constant",
                                    batch_size=batch, max_iter=epochs, tol=0, n_iter_no_change=epochs + 1, random_state=0)
                t = clock(); m.fit(X, y)
                sec[epochs] = min(sec.get(epochs, np.inf), clock() - t)
            us = (sec[3] - sec[1]) / (2 * -(-len(X) // batch)) * 1e6
            out.append(f"b{batch} {penalty} {us:.1f}")
print(os.path.dirname(skl1net.__file__).split("/")[2], " | ".join(out), flush=True)
