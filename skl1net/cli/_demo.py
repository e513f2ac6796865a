"""The ``demo`` command: l2, l1 and l1_prox on scikit-learn's digits, side by side."""

# SPDX-License-Identifier: BSD-3-Clause

import os

from ._io import check_outputs, require
from ._train import fit


def run_demo(args):
    """The ``demo`` command."""
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from .. import L1MLPClassifier

    if not args.no_plot:
        require("matplotlib", args.command)
        check_outputs([], [args.out])
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test images, 64 pixels")
    print(f"{'penalty':<8} {'lmbda':>7} {'accuracy':>9} {'zeros':>7} {'features':>9} {'fit (s)':>8}")
    models = {}
    for penalty in ("l2", "l1", "l1_prox"):
        # SGD without debiasing: debiasing would retrain every weight 'l1'
        # leaves (none is exactly 0) without the penalty, hiding the comparison
        clf = L1MLPClassifier(
            penalty=penalty, lmbda=args.lmbda, max_iter=args.epochs, random_state=0,
            solver="sgd", debias=False,
        )
        elapsed, _ = fit(clf, X_train, y_train, args, penalty)
        models[penalty] = clf
        print(
            f"{penalty:<8} {args.lmbda:>7g} {clf.score(X_test, y_test):>9.4f} "
            f"{clf.zero_fraction_:>7.1%} {clf.n_features_selected_:>5d}/{X.shape[1]} "
            f"{elapsed:>8.2f}"
        )
    print("first-layer weights within 1e-3 of 0 (exactly 0): " + ", ".join(
        f"{name} {np.mean(np.abs(m.coefs_[0]) < 1e-3):.0%} ({np.mean(m.coefs_[0] == 0):.0%})"
        for name, m in models.items()
    ))
    if not args.no_plot:
        from ._plots import plot_first_layer

        plot_first_layer(models, (8, 8), args.out, command=args.command)
        print(f"first-layer weights drawn in {os.path.abspath(args.out)}")
    return 0
