"""Experiment harness: schedule / debias variants via monkeypatching."""
import sys, math, json, time, copy, warnings, argparse
sys.path.insert(0, "/work/wt-sparse2/benchmarks"); sys.path.insert(0, "/work/wt-sparse2")
import numpy as np
warnings.simplefilter("ignore")
from _datasets import DATASETS
import skl1net, skl1net._estimators._base as base, skl1net._training._debias as deb
from skl1net import L1MLPClassifier
from skl1net._optim._sgd import SGD
from skl1net.penalties import FixedZeros
assert skl1net.__file__.startswith("/work/wt-sparse2")

CFG = dict(sched="constant", deb_start="end", deb_sched="linear", deb_epochs=None, floor=0.0)

def factor(sched, k, N):
    """lr multiplier during epoch k (0-based) of N."""
    if sched == "constant": return 1.0
    if sched == "linear": return 1 - k / N
    if sched == "cosine": return 0.5 * (1 + math.cos(math.pi * k / N))
    if sched == "linear_mid": return 1 - k / N if k < N else 1 / N   # same
    if sched.startswith("step"):  # decay by 10 at 50%, 75%
        return 1.0 if k < N/2 else (0.1 if k < 3*N/4 else 0.01)
    if sched == "tri":  # warm up over the first 20%, then linear decay
        w = max(1, round(0.2 * N))
        return (k + 1) / (w + 1) if k < w else 1 - (k - w) / (N - w)
    if sched.startswith("half"):  # constant first half, linear decay second half
        return 1.0 if k < N/2 else 1 - (k - N/2) / (N/2)
    raise ValueError(sched)

class Clf(L1MLPClassifier):
    def _make_optimizer(self, penalty, X):
        opt = super()._make_optimizer(penalty, X)
        opt._k = 0; opt._N = self.max_iter
        if CFG.get("ramp"): opt._lm = penalty.lmbda; penalty.lmbda = 0.0
        return opt

def iteration_ends(self, t):
    if not hasattr(self, "_N") or isinstance(self.penalty, FixedZeros):
        return
    self._k += 1
    ramp = CFG.get("ramp", 0)
    if ramp:
        if not hasattr(self, "_lm"): self._lm = self.penalty.lmbda
        self.penalty.lmbda = self._lm * min(1.0, self._k / (ramp * self._N))
    self.eta_t = self.eta * max(CFG["floor"], factor(CFG["sched"], self._k, self._N))
SGD.iteration_ends = iteration_ends

def refit_support(est, X, Y, sample_weight, y, n_epochs):
    penalized = est._optimizer
    saved = est.best_loss_, est._no_improvement_count
    optimizer = est._make_optimizer(FixedZeros([W != 0 for W in est.coefs_]), X)
    est._optimizer = optimizer
    est.best_loss_, est._no_improvement_count = np.inf, 0
    n = CFG["deb_epochs"] or deb.n_debias_epochs(n_epochs)
    start = penalized.eta_t if CFG["deb_start"] == "end" else penalized.eta * float(CFG["deb_start"])
    try:
        for k in range(n):
            optimizer.eta_t = start * factor(CFG["deb_sched"], k, n)
            est._train(X, Y, sample_weight, None, y, incremental=True)
    finally:
        est._optimizer = penalized
        est.best_loss_, est._no_improvement_count = saved
base.refit_support = refit_support

_data = {}
def data(name):
    if name not in _data: _data[name] = DATASETS[name]()
    return _data[name]

SHAPES = {"digits": ((100,), 200), "digits28": ((300, 100), 20), "digits28d": ((300, 100), 20)}

def run(name, penalty, lmbda, seed=0, debias=True, **params):
    Xtr, Xte, ytr, yte = data(name)
    hidden, epochs = SHAPES[name]
    clf = Clf(hidden_layer_sizes=hidden, max_iter=params.pop("max_iter", epochs), random_state=seed,
              penalty=penalty, lmbda=lmbda, **params)
    t = time.time()
    warm = CFG.get("warm", 0)
    if warm:
        total = clf.max_iter
        clf.set_params(penalty=CFG.get("warm_penalty", "l2"), lmbda=CFG.get("warm_lmbda", 1e-4), max_iter=warm).fit(Xtr, ytr)
        clf.set_params(penalty=penalty, lmbda=lmbda, max_iter=total - warm, warm_start=True)
    clf.fit(Xtr, ytr)
    r = dict(acc=clf.score(Xte, yte), zeros=clf.zero_fraction_, dead=list(map(int, clf.n_dead_units_)))
    if debias and penalty != "l2":
        Y = clf._label_binarizer.transform(ytr).astype(clf.coefs_[0].dtype)
        base.refit_support(clf, Xtr, Y, None, ytr, clf.max_iter)
        r["acc_deb"] = clf.score(Xte, yte)
    r["time"] = time.time() - t
    return r

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ds", default="digits28")
    ap.add_argument("--lmbdas", type=float, nargs="+", default=[3e-4, 6e-4])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--l2", action="store_true")
    ap.add_argument("--cfg", default="{}")
    ap.add_argument("--params", default="{}")
    ap.add_argument("--tag", default="")
    a = ap.parse_args()
    CFG.update(json.loads(a.cfg)); params = json.loads(a.params)
    for seed in a.seeds:
        if a.l2:
            for lm in (1e-4,):
                r = run(a.ds, "l2", lm, seed, **dict(params))
                print(f"{a.tag:<28} {a.ds:<9} s{seed} l2      {lm:.1e} acc {r['acc']:.4f}  {r['time']:.0f}s", flush=True)
        for lm in a.lmbdas:
            r = run(a.ds, "l1_prox", lm, seed, **dict(params))
            print(f"{a.tag:<28} {a.ds:<9} s{seed} l1prox  {lm:.1e} acc {r['acc']:.4f} deb {r['acc_deb']:.4f} zeros {r['zeros']:.3f} dead {r['dead']} {r['time']:.0f}s", flush=True)
