"""Dead first-layer units after each epoch of one fit (digits28, 30 copies, float32, defaults,
784-300-100-10, 20 epochs, lmbda from argv; reads the cached data of exp.py). Throw-away record."""
import sys, warnings, numpy as np
warnings.simplefilter("ignore")
from threadpoolctl import threadpool_limits
from skl1net import L1MLPClassifier
d = np.load("/tmp/exp/digits28_30.npz"); X, Xt, y, yt = d["a"], d["b"], d["c"], d["d"]
clf = L1MLPClassifier((300, 100), lmbda=float(sys.argv[1]), max_iter=20, random_state=0)
import skl1net._estimators._base as B
cls = B.BaseL1MLP; orig = cls._update_no_improvement_count
def upd(self, validation):
    W = self.coefs_
    inc0 = (W[0] != 0).any(0); out0 = (W[1] != 0).any(1)
    print(f"epoch {self.n_iter_:2d} zeros {sum((w == 0).sum() for w in W) / sum(w.size for w in W):.3f} "
          f"layer1 dead {int((~(inc0 & out0)).sum())} (no in {int((~inc0).sum())}, no out {int((~out0).sum())}) "
          f"eta {self._optimizer.eta_t:.4f}", flush=True)
    return orig(self, validation)
cls._update_no_improvement_count = upd
with threadpool_limits(1):
    clf.fit(X, y)
print("test acc (penalized)", clf.score(Xt, yt))
