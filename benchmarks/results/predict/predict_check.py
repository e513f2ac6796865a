"""predict_proba on 10,000 mnist-like rows, skl1net and scikit-learn alternated in one process.

784-100-10 ReLU, models fitted for 2 epochs on 2,000 rows (the weights' values
do not matter to the time), 2 BLAS threads, best of 30 calls per round::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/results/predict/predict_check.py ROUNDS
"""
import sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.neural_network import MLPClassifier
sys.path.insert(0, "benchmarks")
from _datasets import make_mnist_like
from skl1net import L1MLPClassifier

X, y, X_test, _ = make_mnist_like(2000, 10_000, seed=0)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def best_ms(f, n=30):
    times = []
    for _ in range(n):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times) * 1e3


with threadpool_limits(2):
    for dtype in (np.float32, np.float64):
        Xd, Xt = X.astype(dtype), X_test.astype(dtype)
        ours = L1MLPClassifier((100,), max_iter=2, random_state=0).fit(Xd, y)
        theirs = MLPClassifier((100,), solver="sgd", max_iter=2, random_state=0).fit(Xd, y)
        for r in range(rounds):
            a, b = best_ms(lambda: ours.predict_proba(Xt)), best_ms(lambda: theirs.predict_proba(Xt))
            print(f"{np.dtype(dtype).name} round {r}: skl1net {a:.2f} ms, scikit-learn {b:.2f} ms, "
                  f"ratio {b / a:.3f}", flush=True)
