"""The ``skl1net`` command line; it only calls the public API."""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import time
import warnings


def _demo(args):
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from . import L1MLPClassifier

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test images, 64 pixels")
    print(f"{'penalty':<8} {'lmbda':>7} {'accuracy':>9} {'zeros':>7} {'features':>9} {'fit (s)':>8}")
    for penalty in ("l2", "l1", "l1_prox"):
        clf = L1MLPClassifier(penalty=penalty, lmbda=args.lmbda, random_state=0)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        print(
            f"{penalty:<8} {args.lmbda:>7g} {clf.score(X_test, y_test):>9.4f} "
            f"{clf.zero_fraction_:>7.1%} {clf.n_features_selected_:>5d}/{X.shape[1]} "
            f"{elapsed:>8.2f}"
        )
    return 0


def build_parser():
    """The argument parser of the ``skl1net`` command."""
    parser = argparse.ArgumentParser(
        prog="skl1net", description="L1-regularized MLPs trained by mini-batch SGD."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="train l2, l1 and l1_prox on scikit-learn's digits and compare"
    )
    demo.add_argument("--lmbda", type=float, default=3e-3, help="penalty strength")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None):
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)
