"""Wall time of a lmbda search on digits, 2 threads: `python search_time.py grid|path`.

grid: GridSearchCV over 6 lmbda x 3 folds (18 fits and scores), 3 runs; path: lmbda_path over
10 values, 4 runs. The before/after figures of the README were taken with predictions (and
lmbda_max) multiplying through numpy's np.dot, then through scipy's BLAS (the package now).
"""
import sys, time, warnings
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from skl1net import L1MLPClassifier, lmbda_path

warnings.simplefilter("ignore")
X, y = load_digits(return_X_y=True)
X = X / 16
base = L1MLPClassifier((100,), max_iter=50, random_state=0)
search = {
    "grid": (3, lambda: GridSearchCV(base, {"lmbda": np.logspace(-4, -2, 6)}, cv=3).fit(X, y)),
    "path": (4, lambda: lmbda_path(X, y, estimator=base, n_lmbdas=10, random_state=0)),
}
runs, run = search[sys.argv[1]]
with threadpool_limits(2):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        seconds.append(round(time.perf_counter() - start, 2))
print(sys.argv[1], seconds)
