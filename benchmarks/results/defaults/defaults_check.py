"""Both estimators at their defaults (random_state=0 only) on the 60,000 mnist-like images, 2 threads.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/results/defaults/defaults_check.py
"""
import sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
from threadpoolctl import threadpool_limits
sys.path.insert(0, "benchmarks")
from _datasets import make_mnist_like
from skl1net import L1MLPClassifier
from sklearn.neural_network import MLPClassifier
X, y, Xt, yt = make_mnist_like()
with threadpool_limits(2):
    for name, est in (("skl1net L1MLPClassifier(random_state=0)", L1MLPClassifier(random_state=0)),
                      ("sklearn MLPClassifier(random_state=0)", MLPClassifier(random_state=0))):
        time.sleep(0.5)
        t = time.perf_counter(); est.fit(X, y); t = time.perf_counter() - t
        zeros = getattr(est, "zero_fraction_", 0.0)
        print(f"{name}: {t:.1f} s, {est.n_iter_} epochs, test accuracy {est.score(Xt, yt):.4f}, zeros {zeros:.3f}", flush=True)
