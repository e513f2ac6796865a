"""``lmbda_max`` of several data sets, against the default ``lmbda=3e-4``.

``lmbda_max(X, y, estimator)`` is the ``lmbda`` above which a zero first
layer is a stationary point of the objective: a fit at or above it ends
with an empty network (``ConstantOutputWarning``). It depends on the data's
scale and on how often each feature is non-zero, and a little on the
initialisation of the later layers (three seeds here).

Run from the repository root (about a minute)::

    python benchmarks/bench_lmbda_max_by_dataset.py [--save]
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # noqa: E402
from _datasets import make_documents, make_mnist_like, mnist5k  # noqa: E402

from skl1net import L1MLPClassifier, lmbda_max  # noqa: E402


def datasets():
    X, y = load_digits(return_X_y=True)
    yield "digits (pixels / 16)", X / 16, y
    for name, load in [("breast cancer", load_breast_cancer), ("wine", load_wine),
                       ("iris", load_iris)]:
        X, y = load(return_X_y=True)
        yield f"{name} (standardized)", StandardScaler().fit_transform(X), y
    X_train, _, y_train, _ = mnist5k(0)
    yield "MNIST, 4,000 images (pixels / 255)", X_train, y_train
    X, y, _, _ = make_mnist_like(10000, 10, seed=0)
    yield "mnist-like, 10,000 images", X, y
    X, y, _ = make_documents(10000, 50000, 20, 100, 150, 0.03)
    yield "TF-IDF documents, 50,000 words", X, y


def main(argv=None):
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    print("lmbda_max: mean over the random_state 0, 1, 2 of the estimator; range: min-max\n")
    print(f"{'data':34s} {'lmbda_max':>9s} {'range':>17s} {'/ 3e-4':>7s}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, X, y in datasets():
            tops = [lmbda_max(X, y, L1MLPClassifier(random_state=s)) for s in range(3)]
            mean = np.mean(tops)
            print(f"{name:34s} {mean:9.3g} {min(tops):>8.3g}-{max(tops):<8.3g} "
                  f"{mean / 3e-4:7.2f}")


if __name__ == "__main__":
    _report.run(main, __file__)
