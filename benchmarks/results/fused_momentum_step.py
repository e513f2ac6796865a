"""CPU time per mini-batch of fits with the estimator's defaults (Nesterov momentum 0.9).

Run from a source tree with ``PYTHONPATH=<tree>``: it times that tree's skl1net.
(time of a 3-epoch fit - time of a 1-epoch fit) / batches of 2 epochs, minimum
of ``REPEATS`` fits each, one BLAS thread. Cases: float32 mnist-like 20,000 x
784 at batch 32 and 100 with each penalty; sparse CSR 8,000 x 50,000 (density
0.002, values 1.0), float64, defaults. Arguments: the cases to run (mnist, wide; classical:
momentum 0.9 without Nesterov at batch 32).
"""
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from train_speed import make_mnist_like  # noqa: E402

import skl1net  # noqa: E402
from skl1net import L1MLPClassifier  # noqa: E402

REPEATS = 2


def per_batch_us(X, y, batch, **params):
    sec = {}
    for epochs in (1, 3) * REPEATS:
        clf = L1MLPClassifier(random_state=0, max_iter=epochs, **params)
        t = time.process_time()
        clf.fit(X, y)
        sec[epochs] = min(sec.get(epochs, np.inf), time.process_time() - t)
    return (sec[3] - sec[1]) / (2 * -(-X.shape[0] // batch)) * 1e6


def wide_data(n=8000, d=50_000, density=0.002, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", dtype=np.float64, random_state=rng,
                  data_rvs=np.ones)
    w = rng.normal(size=(d, 5))
    y = np.asarray(X @ w).argmax(axis=1)
    return X, y


def main(cases=("mnist", "wide")):
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y, _, _ = make_mnist_like(20_000, 10)
    X = X.astype(np.float32)
    Xw, yw = wide_data()
    print(os.path.dirname(skl1net.__file__), "load", os.getloadavg()[0], flush=True)
    with threadpool_limits(1):
        for batch in (32, 100) if "mnist" in cases else ():
            for penalty in ("l1_prox", "l1", "l2"):
                us = per_batch_us(X, y, batch, batch_size=batch, penalty=penalty)
                print(f"mnist batch {batch} {penalty} {us:.1f}", flush=True)
        for penalty in ("l1_prox", "l2") if "classical" in cases else ():
            us = per_batch_us(X, y, 32, batch_size=32, penalty=penalty, nesterovs_momentum=False)
            print(f"mnist batch 32 {penalty} classical momentum {us:.1f}", flush=True)
        if "wide" in cases:
            print(f"wide sparse batch 100 l1_prox {per_batch_us(Xw, yw, 100):.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ("mnist", "wide"))
