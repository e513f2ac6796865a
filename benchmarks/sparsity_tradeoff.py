"""Test accuracy against the fraction of exactly-zero weights.

For each data set, one network shape trained with the estimator's defaults
except ``hidden_layer_sizes``, ``max_iter`` and ``lmbda``:

* 'l1_prox' over a grid of ``lmbda``, without and with ``debias`` (the
  debiased model is the same penalized fit followed by the debiasing epochs,
  exactly what ``debias=True`` runs);
* 'l1' (subgradient) over the same grid: it leaves (almost) no exact zeros;
* 'l2' (dense, the reference: the better of lmbda 1e-3 and 1e-4 on the
  test set, which favours the reference) then magnitude pruning to the same per-layer
  zero fractions as each debiased 'l1_prox' model, scored as pruned and after
  retraining the survivors with the same debiasing epochs (Han et al., 2015).

Data: scikit-learn's digits (64-100-10, 200 epochs) and the shifted 28x28
digits of ``_datasets.py`` (784-300-100-10, 20 epochs). Writes
``sparsity_tradeoff.json`` and ``sparsity_tradeoff.png`` next to this file
(or to ``--out``) and prints a table.

Run from the repository root (2 cores; about 10-20 minutes)::

    python benchmarks/sparsity_tradeoff.py [--datasets digits digits28] [--eta 0.1]
"""

import argparse
import copy
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _datasets import DATASETS  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402
from skl1net._debias import refit_support  # noqa: E402

SETTINGS = {
    "digits": dict(hidden=(100,), epochs=200, lmbdas=[1e-3, 3e-3, 6e-3, 1e-2, 2e-2]),
    "digits28": dict(hidden=(300, 100), epochs=20, lmbdas=[3e-4, 6e-4, 1e-3, 1.5e-3, 2e-3]),
}


def debiased(model, X, y):
    """The model after the debiasing epochs that ``debias=True`` would run."""
    model = copy.deepcopy(model)
    Y = model._label_binarizer.transform(y).astype(model.coefs_[0].dtype)
    refit_support(model, X, Y, None, y, model.n_iter_)
    return model


def pruned(model, fractions):
    """Copy of ``model`` with the smallest weights of each layer set to zero."""
    model = copy.deepcopy(model)
    for W, fraction in zip(model.coefs_, fractions):
        k = int(round(fraction * W.size))
        if k:
            W.flat[np.argsort(np.abs(W), axis=None)[:k]] = 0
    return model


def run(name, eta=None):
    cfg = SETTINGS[name]
    extra = {} if eta is None else {"eta": eta}
    X_train, X_test, y_train, y_test = DATASETS[name]()

    def fit(**params):
        clf = L1MLPClassifier(
            hidden_layer_sizes=cfg["hidden"], max_iter=cfg["epochs"], random_state=0,
            **extra, **params,
        )
        return clf.fit(X_train, y_train)

    def row(method, lmbda, model):
        r = dict(
            method=method, lmbda=lmbda, accuracy=float(model.score(X_test, y_test)),
            zeros=float(model.zero_fraction_),
            layer_zeros=[float(z) for z in model.layer_zero_fractions_],
            dead_units=[int(d) for d in model.n_dead_units_],
        )
        print(f"{name:<9} {method:<22} {lmbda:>8.1e} {r['accuracy']:>8.4f} {r['zeros']:>7.3f} "
              f"{r['dead_units']}", flush=True)
        return r

    rows = []
    start = time.perf_counter()
    # The reference: the better of two 'l2' strengths (the default 1e-3, and 1e-4).
    dense_fits = {lmbda: fit(penalty="l2", lmbda=lmbda) for lmbda in (1e-3, 1e-4)}
    ref_lmbda = max(dense_fits, key=lambda lm: dense_fits[lm].score(X_test, y_test))
    dense = dense_fits[ref_lmbda]
    rows.append(row("l2 (dense)", ref_lmbda, dense))
    for lmbda in cfg["lmbdas"]:
        plain = fit(penalty="l1_prox", lmbda=lmbda)
        rows.append(row("l1_prox", lmbda, plain))
        deb = debiased(plain, X_train, y_train)
        rows.append(row("l1_prox + debias", lmbda, deb))
        cut = pruned(dense, deb.layer_zero_fractions_)
        rows.append(row("l2 + pruning", lmbda, cut))
        rows.append(row("l2 + pruning + retrain", lmbda, debiased(cut, X_train, y_train)))
        rows.append(row("l1", lmbda, fit(penalty="l1", lmbda=lmbda)))
    print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    return rows


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4.5), squeeze=False)
    for ax, (name, rows) in zip(axes[0], results.items()):
        for method, style in (
            ("l1_prox", "o--"), ("l1_prox + debias", "o-"), ("l1", "s:"),
            ("l2 + pruning", "x--"), ("l2 + pruning + retrain", "x-"),
        ):
            pts = sorted((r["zeros"], r["accuracy"]) for r in rows if r["method"] == method)
            ax.plot(*zip(*pts), style, label=method)
        ref = next(r["accuracy"] for r in rows if r["method"] == "l2 (dense)")
        ax.axhline(ref, color="k", lw=0.8, label="l2 dense")
        ax.axhline(ref - 0.005, color="k", lw=0.8, ls=":", label="l2 dense - 0.5 pt")
        ax.axvline(0.9, color="grey", lw=0.8, ls=":")
        ax.set(title=name, xlabel="fraction of exactly-zero weights", ylabel="test accuracy",
               ylim=(max(0.5, ref - 0.25), ref + 0.02))
        ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument(
        "--eta", type=float, default=None,
        help="learning rate of every fit (default: the estimator's default)",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    results = {name: run(name, args.eta) for name in args.datasets}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sparsity_tradeoff.json").write_text(json.dumps(results, indent=1))
    plot(results, args.out / "sparsity_tradeoff.png")


if __name__ == "__main__":
    main()
