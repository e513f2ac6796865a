"""GridSearchCV over lmbda on digits, 18 fits + scores, 2 threads (seconds, 3 runs).

The measurement used `python gridsearch_time.py numpy|scipy` with the product of predictions
patched to numpy's np.dot or scipy's gemm; the package now uses scipy's.
"""
import sys, time, warnings, numpy as np
warnings.simplefilter("ignore")
from threadpoolctl import threadpool_limits
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from skl1net import L1MLPClassifier
from skl1net._base import BaseL1MLP
from skl1net._blas import matmul
X, y = load_digits(return_X_y=True); X = X / 16
with threadpool_limits(2):
    ts = []
    for r in range(3):
        t = time.perf_counter()
        GridSearchCV(L1MLPClassifier((100,), max_iter=50, random_state=0), {"lmbda": np.logspace(-4, -2, 6)}, cv=3).fit(X, y)
        ts.append(round(time.perf_counter() - t, 2))
print(sys.argv[1], ts)
