import time, warnings, numpy as np
warnings.simplefilter("ignore")
from threadpoolctl import threadpool_limits
from sklearn.datasets import load_digits
from skl1net import L1MLPClassifier, lmbda_path
X, y = load_digits(return_X_y=True); X = X / 16
with threadpool_limits(2):
    ts = []
    for r in range(4):
        t = time.perf_counter()
        lmbda_path(X, y, estimator=L1MLPClassifier((100,), max_iter=50, random_state=0), n_lmbdas=10, random_state=0)
        ts.append(round(time.perf_counter() - t, 2))
print(ts)
