"""Sparse input: a bag-of-words classification task, skl1net against scikit-learn's MLP.

The data imitate TF-IDF document vectors (no text corpus can be downloaded
here): a vocabulary of ``--features`` words with Zipf-distributed
frequencies, ``--classes`` topics, each with ``--topic-words`` words of its
own that a document of that topic uses more often; documents of
``--doc-words`` word draws, a share ``--topic-share`` of them from their
topic's words, the rest from the whole vocabulary. The
counts go through scikit-learn's ``TfidfTransformer`` and stay a CSR matrix.

Reported for each system: fit time (median and min-max over ``--repeats``),
test accuracy, the number of input features whose first-layer weights are
not all zero (the features the network uses) and how many of them are topic
words, and the fraction of exact-zero weights. All systems run with
``--threads`` BLAS threads and the same number of epochs.

Run from the repository root::

    python benchmarks/bench_sparse_input.py [--samples 10000] [--features 50000]
        [--epochs 30] [--lmbda 1e-5] [--repeats 3] [--threads 2] [--save]
"""

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _report  # noqa: E402
from _datasets import make_documents  # noqa: E402, F401  (also this script's API)

from skl1net import L1MLPClassifier, lmbda_max  # noqa: E402
from skl1net.exceptions import ConstantOutputWarning  # noqa: E402


def systems(epochs, lmbda, seed):
    return {
        "skl1net l1_prox, lmbda=3e-4": L1MLPClassifier(max_iter=epochs, random_state=seed),
        f"skl1net l1_prox, lmbda={lmbda:g}": L1MLPClassifier(
            lmbda=lmbda, max_iter=epochs, random_state=seed
        ),
        f"skl1net l2, lmbda={lmbda:g}": L1MLPClassifier(
            penalty="l2", lmbda=lmbda, max_iter=epochs, random_state=seed
        ),
        "sklearn MLPClassifier": MLPClassifier(max_iter=epochs, random_state=seed),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--features", type=int, default=50000)
    parser.add_argument("--classes", type=int, default=20)
    parser.add_argument("--topic-words", type=int, default=100)
    parser.add_argument("--doc-words", type=int, default=150)
    parser.add_argument("--topic-share", type=float, default=0.03)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lmbda", type=float, default=1e-5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    X, y, topic = make_documents(
        args.samples, args.features, args.classes, args.topic_words, args.doc_words,
        args.topic_share, args.seed
    )
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=args.seed
    )
    print(
        f"Data: {X_tr.shape[0]} training / {X_te.shape[0]} test documents, "
        f"{args.features} features (CSR, {X.nnz / X.shape[0]:.0f} stored entries a row), "
        f"{args.classes} topics, {len(topic)} topic words; {args.epochs} epochs, "
        f"{args.threads} threads, {args.repeats} repeats"
    )
    top = lmbda_max(X_tr, y_tr, L1MLPClassifier(random_state=args.seed))
    print(f"lmbda_max of the training set: {top:.3g} (the default lmbda is 3e-4)\n")
    print("(lmbda=3e-4: the default; sklearn: MLPClassifier's defaults, Adam; fit s: median "
          "over the repeats;\nfeatures: input features with a non-zero weight, of which topic "
          "words)\n")
    header = (
        f"{'system':29s} {'fit s':>6s} {'min-max s':>11s} {'test acc':>8s} "
        f"{'features':>8s} {'topic':>5s} {'zeros':>5s}"
    )
    print(header)
    print("-" * len(header))
    with threadpool_limits(args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", ConstantOutputWarning)  # the table shows it
        for name, estimator in systems(args.epochs, args.lmbda, args.seed).items():
            seconds = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                estimator.fit(X_tr, y_tr)
                seconds.append(time.perf_counter() - start)
            used = np.flatnonzero(np.any(estimator.coefs_[0] != 0, axis=1))
            weights = np.concatenate([W.ravel() for W in estimator.coefs_])
            print(
                f"{name:29s} {statistics.median(seconds):6.1f} "
                f"{min(seconds):5.1f}-{max(seconds):<5.1f} {estimator.score(X_te, y_te):8.4f} "
                f"{len(used):8d} {np.isin(used, topic).sum():5d} "
                f"{np.mean(weights == 0):5.3f}"
            )


if __name__ == "__main__":
    _report.run(main, __file__)
