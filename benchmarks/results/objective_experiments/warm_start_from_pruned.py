"""Diagnostic: is the few-units l1_prox solution the L1 objective's preference or the optimizer's path?"""
import sys, copy, time
import numpy as np
from threadpoolctl import threadpool_limits
from skl1net import L1MLPClassifier
from skl1net._training._debias import refit_support
from skl1net._training._path import objective
ds, lm, seed, frac = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
d = np.load(f"/tmp/exp/{ds}_30.npz"); Xtr, Xte, ytr, yte = d["a"], d["b"], d["c"], d["d"]
def rep(tag, m, obj_m=None):
    o = objective(obj_m or m, Xtr, ytr)
    print(f"{ds} s{seed} lm{lm:.1e} {tag:<28} acc {m.score(Xte, yte):.4f} zeros {m.zero_fraction_:.3f} "
          f"layers {[round(float(z),3) for z in m.layer_zero_fractions_]} dead {[int(x) for x in m.n_dead_units_]} obj {o:.4f} l1 {sum(np.abs(W).sum() for W in m.coefs_):.1f}", flush=True)
def debiased(m):
    m = copy.deepcopy(m)
    Y = m._label_binarizer.transform(ytr).astype(m.coefs_[0].dtype)
    refit_support(m, Xtr, Y, None, ytr, 20); return m
with threadpool_limits(1):
    kw = dict(hidden_layer_sizes=(300, 100), max_iter=20, random_state=seed)
    s = L1MLPClassifier(penalty="l1_prox", lmbda=lm, **kw).fit(Xtr, ytr)
    rep("scratch l1_prox", s); rep("scratch l1_prox+debias", debiased(s))
    dense = L1MLPClassifier(penalty="l2", lmbda=1e-4, **kw).fit(Xtr, ytr)
    dense.set_params(penalty="l1_prox", lmbda=lm); rep("dense l2", dense)
    p = copy.deepcopy(dense)
    for W in p.coefs_:
        k = int(round(frac * W.size)); W.flat[np.argsort(np.abs(W), axis=None)[:k]] = 0
    rep("pruned", p)
    pr = debiased(p); pr.set_params(penalty="l1_prox", lmbda=lm); rep("pruned+retrain", pr)
    for src, name in ((pr, "from pruned+retrain"), (dense, "from dense")):
        w = copy.deepcopy(src).set_params(warm_start=True, penalty="l1_prox", lmbda=lm, max_iter=20)
        w.fit(Xtr, ytr); rep("l1_prox " + name, w); rep("  +debias", debiased(w))
