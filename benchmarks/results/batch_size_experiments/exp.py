"""Experiment: 784-300-100-10, 20 epochs, defaults; larger offline image sets."""
import sys, time, json, argparse
sys.path.insert(0, "/work/main/benchmarks")
import numpy as np
from threadpoolctl import threadpool_limits
import _datasets as D
from skl1net import L1MLPClassifier

p = argparse.ArgumentParser()
p.add_argument("--ds", default="digits28d")
p.add_argument("--copies", type=int, default=30)
p.add_argument("--lmbdas", nargs="+", type=float, default=[])
p.add_argument("--l2", nargs="*", type=float, default=None)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--params", default="{}")
p.add_argument("--tag", default="")
p.add_argument("--bs", type=int, default=None)
p.add_argument("--max-iter", type=int, default=20)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--cfg", default="{}")
a = p.parse_args()
cache = f"/tmp/exp/{a.ds}_{a.copies}.npz"
try:
    d = np.load(cache); Xtr, Xte, ytr, yte = d["a"], d["b"], d["c"], d["d"]
except FileNotFoundError:
    f = D.digits28 if a.ds == "digits28" else D.digits28_distorted
    Xtr, Xte, ytr, yte = f(copies=a.copies)
    Xtr = Xtr.astype(np.float32); Xte = Xte.astype(np.float32)
    np.savez(cache, a=Xtr, b=Xte, c=ytr, d=yte)
params = json.loads(a.params)
if a.bs: params['batch_size'] = a.bs
cfg = json.loads(a.cfg)
import skl1net._optim._sgd as S, skl1net._estimators._base as B, skl1net._network._mlp as N
import skl1net._training._debias as DB
if "deb_eta" in cfg: DB.ETA_FRACTION = cfg["deb_eta"]
if "deb_min" in cfg: DB.MIN_EPOCHS = cfg["deb_min"]
if cfg.get("ramp"):
    R = cfg["ramp"]
    orig_init = S.SGD.__init__
    def init(self, penalty, eta, *args, **kw):
        orig_init(self, penalty, eta, *args, **kw)
        self._full = penalty.lmbda
        if penalty.lmbda: penalty.lmbda = self._full * cfg.get("ramp0", 0.0)
    S.SGD.__init__ = init
    orig_it = S.SGD.iteration_ends
    def it(self, t, progress=None):
        orig_it(self, t, progress)
        if progress is not None and getattr(self, "_full", 0):
            self.penalty.lmbda = self._full * min(1.0, progress / R)
    S.SGD.iteration_ends = it
if cfg.get("delay") is not None:
    Dl = cfg["delay"]
    orig_init2 = S.SGD.__init__
    def init2(self, penalty, eta, *args, **kw):
        orig_init2(self, penalty, eta, *args, **kw)
        self._full = penalty.lmbda
        if penalty.lmbda and Dl > 0: penalty.lmbda = 0.0
    S.SGD.__init__ = init2
    orig_it2 = S.SGD.iteration_ends
    def it2(self, t, progress=None):
        orig_it2(self, t, progress)
        if progress is not None and getattr(self, "_full", 0) and progress >= Dl - 1e-9 and self.penalty.lmbda == 0:
            self.penalty.lmbda = self._full
            if cfg.get("restart"): self.eta_t = self.eta
        if cfg.get("two_phase") and progress is not None and progress < 1:
            p = progress / Dl if progress < Dl - 1e-9 else (progress - Dl) / (1 - Dl)
            self.eta_t = self.eta * min(1.0, 2.0 * (1.0 - p)) if p < 1 - 1e-9 else self.eta
    S.SGD.iteration_ends = it2
if cfg.get("init"):
    f = cfg["init"]; orig_ip = N.init_params
    def ip(*args):
        c, i = orig_ip(*args)
        return [w * f for w in c], i
    B.init_params = ip
if cfg.get("rebalance"):
    orig_u = B.BaseL1MLP._update_no_improvement_count if hasattr(B, "BaseL1MLP") else None
    cls = [v for v in vars(B).values() if isinstance(v, type) and hasattr(v, "_update_no_improvement_count")][0]
    orig_u = cls._update_no_improvement_count
    def upd(self, validation):
        if self._optimizer.penalty.lmbda:
            Ws, bs = self.coefs_, self.intercepts_
            for l in range(len(Ws) - 1):
                a = np.abs(Ws[l]).sum(0); c = np.abs(Ws[l + 1]).sum(1)
                ok = (a > 0) & (c > 0)
                s = np.ones_like(a); s[ok] = np.sqrt(c[ok] / a[ok])
                Ws[l] *= s; bs[l] *= s; Ws[l + 1] *= (1 / s)[:, None]
                V = self._optimizer.coef_velocities
                if V: V[l] *= s; V[l + 1] *= (1 / s)[:, None]
                bv = self._optimizer.intercept_velocities
                if bv: bv[l] *= s
        return orig_u(self, validation)
    cls._update_no_improvement_count = upd
with threadpool_limits(a.threads):
    runs = [("l2", l) for l in (a.l2 or [])] + [("l1_prox", l) for l in a.lmbdas]
    for pen, lm in runs:
        t = time.perf_counter()
        kw = dict(hidden_layer_sizes=(300, 100), max_iter=a.max_iter, random_state=a.seed, penalty=pen, lmbda=lm)
        kw.update(params)
        if pen == "l1_prox":
            kw.setdefault("debias", True)
        clf = L1MLPClassifier(**kw).fit(Xtr, ytr)
        if pen == "l2" and cfg.get("prune"):
            import copy
            from skl1net._training._debias import refit_support
            for frac in cfg["prune"]:
                m = copy.deepcopy(clf)
                for W in m.coefs_:
                    k = int(round(frac * W.size)); W.flat[np.argsort(np.abs(W), axis=None)[:k]] = 0
                Y = m._label_binarizer.transform(ytr).astype(m.coefs_[0].dtype)
                refit_support(m, Xtr, Y, None, ytr, 20)
                print(f"{a.tag:<20} prune {frac} acc {m.score(Xte, yte):.4f} zeros {m.zero_fraction_:.3f} dead {list(m.n_dead_units_)}", flush=True)
        acc = clf.score(Xte, yte)
        print(f"{a.tag:<20} {a.ds}x{a.copies} s{a.seed} {pen:8} {lm:.1e} acc {acc:.4f} zeros {clf.zero_fraction_:.3f} "
              f"layers {[round(float(z),3) for z in clf.layer_zero_fractions_]} dead {list(clf.n_dead_units_)} "
              f"{time.perf_counter()-t:.0f}s", flush=True)
