import time, numpy as np, sys
from threadpoolctl import threadpool_limits
from scipy.linalg import blas
rng = np.random.default_rng(0)
def t(fn, n=400, r=9):
    best = 1e9
    for _ in range(r):
        s = time.perf_counter()
        for _ in range(n): fn()
        best = min(best, (time.perf_counter() - s) / n)
    return best * 1e6
th = int(sys.argv[1]); m = int(sys.argv[2])
with threadpool_limits(th):
    X = rng.random((m, 784), dtype=np.float32)
    Wc = rng.standard_normal((784, 100)).astype(np.float32); Wf = np.asfortranarray(Wc)
    D = rng.standard_normal((m, 100)).astype(np.float32)
    out = np.empty((m, 100), np.float32); outf = np.empty((m, 100), np.float32, order="F")
    r = {}
    r["C=out(C), W C"] = t(lambda: blas.sgemm(1.0, Wc.T, X.T, 0.0, out.T, 0, 0, 1))
    r["C=out(C), W F"] = t(lambda: blas.sgemm(1.0, Wf, X.T, 0.0, out.T, 1, 0, 1))
    r["C=out(F), W C"] = t(lambda: blas.sgemm(1.0, X.T, Wc.T, 0.0, outf, 1, 1, 1))
    r["C=out(F), W F"] = t(lambda: blas.sgemm(1.0, X.T, Wf, 0.0, outf, 1, 0, 1))
    r["numpy C,C"] = t(lambda: np.matmul(X, Wc, out=out))
    r["grad W C"] = t(lambda: blas.sgemm(-0.1, D.T, X.T, 1.0, Wc.T, 0, 1, 1))
    r["grad W F"] = t(lambda: blas.sgemm(-0.1, X.T, D.T, 1.0, Wf, 0, 1, 1))
    print("threads", th, "batch", m, {k: round(v, 1) for k, v in r.items()})
