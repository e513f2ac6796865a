"""The ``skl1net`` command line: ``train``, ``predict``, ``path`` and ``demo``.

It only calls the public API (:class:`skl1net.L1MLPClassifier` and its
fitted attributes). Problems with the user's input are reported in one line on
stderr with exit code 2, never with a traceback; the optional packages of the
``[cli]`` extra (pandas, matplotlib, tqdm, skops) are imported inside the
commands that need them.

The progress bar over epochs keeps ``fit`` exactly as it is: the estimator is
fitted with ``verbose=True`` and the bar advances on each "Iteration" line it
prints. Driving the epochs from outside would change the model: a
``warm_start`` refit of one epoch at a time restarts the momentum, and
``partial_fit`` has neither early stopping nor the convergence test of
``fit``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import contextlib
import io
import os
import sys
import time
import warnings

from ._io import (
    UserError,
    check_writable,
    load_model,
    numeric_features,
    one_line,
    read_table,
    require,
    save_model,
    split_target,
    write_table,
)
from ..exceptions import ConstantOutputWarning

PENALTIES = ("l1_prox", "l1", "l2", "group_l1_prox")


# -- argument types -------------------------------------------------------------
def _number(kind, low, what):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}") from None
        if not value >= low:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}")
        return value

    parse.__name__ = what
    return parse


_positive_int = _number(int, 1, "positive integer")
_nonnegative = _number(float, 0.0, "non-negative number")
_positive = _number(float, sys.float_info.min, "positive number")


def _fraction(text):
    value = _positive(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction in (0, 1)")
    return value


def _hidden(text):
    """``'100,50'`` -> ``(100, 50)``; ``''`` -> ``()`` (no hidden layer)."""
    return tuple(_positive_int(part) for part in text.split(",") if part.strip())


def _batch_size(text):
    return text if text == "auto" else _positive_int(text)


def _eta(text):
    return text if text == "auto" else _positive(text)


def _lmbda_list(text):
    return [_nonnegative(part) for part in text.split(",")]


# -- training with a progress bar ---------------------------------------------------
class _EpochCounter(io.TextIOBase):
    """Text sink for a verbose fit: each "Iteration" line advances a tqdm bar."""

    def __init__(self, bar):
        self.bar = bar
        self.pending = ""

    def writable(self):
        return True

    def write(self, text):
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if line.startswith("Iteration"):
                self.bar.set_postfix_str(line.partition(", ")[2], refresh=False)
                self.bar.update(1)
            elif line.strip():
                self.bar.write(line, file=sys.stderr)
        return len(text)


def _show_progress(args):
    return not args.quiet and sys.stderr.isatty()


def _fit(model, X, y, args, desc):
    """``model.fit(X, y)`` with a bar over the epochs on a terminal.

    ``model`` is an :class:`L1MLPClassifier` or a pipeline ending with one.
    Returns the fit time in seconds and whether training converged before
    ``max_iter`` epochs.
    """
    from sklearn.exceptions import ConvergenceWarning

    mlp = _classifier(model)
    show = _show_progress(args)
    tqdm = require("tqdm", args.command).tqdm if show else None
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if not show:
            model.fit(X, y)
        else:
            with tqdm(total=mlp.max_iter, desc=desc, unit="epoch", leave=False) as bar:
                mlp.set_params(verbose=True)
                try:
                    with contextlib.redirect_stdout(_EpochCounter(bar)):
                        model.fit(X, y)
                finally:
                    mlp.set_params(verbose=False)
    seconds = time.perf_counter() - start
    converged = True
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            converged = False
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return seconds, converged


def _classifier(model):
    """The L1MLPClassifier of a model: itself, or the last step of a pipeline."""
    return model[-1] if hasattr(model, "steps") else model


def _make_model(args, lmbda):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .. import L1MLPClassifier

    clf = L1MLPClassifier(
        hidden_layer_sizes=args.hidden,
        penalty=args.penalty,
        lmbda=lmbda,
        eta=args.eta,
        batch_size=args.batch_size,
        max_iter=args.epochs,
        random_state=args.seed,
        **({} if args.solver is None else {"solver": args.solver}),
    )
    return clf if args.no_scale else make_pipeline(StandardScaler(), clf)


def _split(args):
    """Read ``args.data`` and split it into train and test parts, stratified when possible."""
    from sklearn.utils.multiclass import type_of_target

    from .._estimators._base import validation_split

    table = read_table(args.data, args.command)
    X, y = split_target(table, args.target, args.data)
    _unique_counts(y)  # (a clear error for a target column of numbers and text)
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise UserError(
            f"the target column {args.target!r} of {args.data} holds {kind} values, "
            "not class labels; skl1net's command line trains classifiers"
        )
    try:
        train, test = validation_split(len(y), args.test_size, y, args.seed, stacklevel=2)
    except ValueError as exc:
        raise UserError(f"cannot split {args.data}: {one_line(exc)}") from None
    return X.iloc[train], X.iloc[test], y[train], y[test]


def _unique_counts(y):
    import numpy as np

    try:
        return np.unique(y, return_counts=True)
    except TypeError:  # mixed types in the target column
        raise UserError("the target column mixes numbers and text") from None


def _report_row(mlp, accuracy, fit):
    seconds, converged = fit
    n_features = mlp.coefs_[0].shape[0]
    return {
        "test_accuracy": accuracy,
        "zero_fraction": mlp.zero_fraction_,
        "features_kept": mlp.n_features_selected_,
        "n_features": n_features,
        "fit_seconds": seconds,
        "epochs": mlp.n_iter_,
        "converged": converged,
    }


def _train_and_score(args, lmbda, split, desc):
    X_train, X_test, y_train, y_test = split
    model = _make_model(args, lmbda)
    fit = _fit(model, X_train, y_train, args, desc)
    return model, _report_row(_classifier(model), model.score(X_test, y_test), fit)


# -- commands -------------------------------------------------------------------
def _train(args):
    check_writable(args.out)
    split = _split(args)
    model, row = _train_and_score(args, args.lmbda, split, "training")
    print(f"trained on {len(split[0])} rows, tested on {len(split[1])} rows")
    print(f"test accuracy        {row['test_accuracy']:.4f}")
    print(f"exact-zero weights   {row['zero_fraction']:.1%}")
    print(f"input features kept  {row['features_kept']} of {row['n_features']}")
    print(f"fit time             {row['fit_seconds']:.2f} s ({row['epochs']} epochs)")
    if not row["converged"]:
        _warn(args.command, f"training did not converge in {args.epochs} epochs; try more --epochs")
    save_model(model, args.out, args.command)
    print(f"model saved to {args.out}")
    return 0


def _predict(args):
    pd = require("pandas", args.command)
    model = load_model(
        args.model,
        allow_pickle=args.allow_pickle,
        command=args.command,
        warn=lambda message: _warn(args.command, message),
    )
    check_writable(args.out)
    if not hasattr(model, "predict"):
        raise UserError(f"{args.model} holds a {type(model).__name__}, not a model")
    if args.proba and not hasattr(model, "predict_proba"):
        raise UserError(
            f"{args.model} holds a {type(model).__name__}, which gives no class "
            "probabilities: drop --proba"
        )
    table = read_table(args.data, args.command)
    names = getattr(model, "feature_names_in_", None)
    columns = list(table.columns) if names is None else [str(n) for n in names]
    X = numeric_features(table, columns, args.data)
    predictions = model.predict(X)
    if predictions.ndim == 1:
        out = pd.DataFrame({"prediction": predictions})
    else:  # multilabel or multi-output: one column per output
        out = pd.DataFrame(predictions).add_prefix("prediction_")
    if args.proba:
        proba = model.predict_proba(X)
        for k, label in enumerate(_classifier(model).classes_):
            out[f"proba_{label}"] = proba[:, k]
    write_table(out, args.out)
    print(f"wrote {len(out)} predictions to {args.out}")
    return 0


def _path(args):
    import numpy as np

    from ._plots import plot_path

    pd = require("pandas", args.command)
    require("matplotlib", args.command)
    if not args.lmbdas and args.lmbda_min >= args.lmbda_max:
        raise UserError(
            f"--lmbda-min {args.lmbda_min:g} must be smaller than --lmbda-max {args.lmbda_max:g}"
        )
    lmbdas = args.lmbdas or np.geomspace(args.lmbda_max, args.lmbda_min, args.n_lmbdas)
    csv, png = args.out + ".csv", args.out + ".png"
    check_writable(csv, png)
    split = _split(args)
    rows = []
    for lmbda in sorted(lmbdas, reverse=True):
        with warnings.catch_warnings():  # the table shows the empty networks
            warnings.simplefilter("ignore", ConstantOutputWarning)
            _, row = _train_and_score(args, lmbda, split, f"lmbda={lmbda:.2g}")
        rows.append({"lmbda": lmbda, **row})
        if not args.quiet:
            print(
                f"lmbda {lmbda:<10.3g} accuracy {row['test_accuracy']:.4f}  zeros "
                f"{row['zero_fraction']:6.1%}  features {row['features_kept']}"
                f"/{row['n_features']}" + ("" if row["converged"] else "  (not converged)")
            )
    table = pd.DataFrame(rows)
    write_table(table, csv)
    title = f"{args.penalty} on {os.path.basename(args.data)}"
    plot_path(table, png, title=title, command=args.command)
    print(f"wrote the table to {csv} and the plot to {png}")
    return 0


def _demo(args):
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from .. import L1MLPClassifier

    if not args.no_plot:
        require("matplotlib", args.command)
        check_writable(args.out)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test images, 64 pixels")
    print(f"{'penalty':<8} {'lmbda':>7} {'accuracy':>9} {'zeros':>7} {'features':>9} {'fit (s)':>8}")
    models = {}
    for penalty in ("l2", "l1", "l1_prox"):
        clf = L1MLPClassifier(
            penalty=penalty, lmbda=args.lmbda, max_iter=args.epochs, random_state=0
        )
        elapsed, _ = _fit(clf, X_train, y_train, args, penalty)
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


# -- parser -----------------------------------------------------------------------
def _training_options():
    """Options shared by ``train`` and ``path``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "data", help="CSV file (comma, semicolon or tab separated; or .parquet) with a header row"
    )
    parent.add_argument("--target", required=True, help="name of the column to predict")
    parent.add_argument(
        "--penalty", choices=PENALTIES, default="l1_prox", help="default: %(default)s"
    )
    parent.add_argument(
        "--hidden",
        type=_hidden,
        default=(100,),
        metavar="N[,N...]",
        help="hidden layer sizes, e.g. 100,50 (default: 100)",
    )
    parent.add_argument(
        "--epochs", type=_positive_int, default=200, help="maximum epochs (default: 200)"
    )
    parent.add_argument(
        "--eta",
        type=_eta,
        default="auto",
        help="initial learning rate, or 'auto' (default: auto, see L1MLPClassifier)",
    )
    parent.add_argument(
        "--batch-size", type=_batch_size, default="auto", help="default: min(100, rows)"
    )
    parent.add_argument(
        "--solver", choices=("sgd", "adam"), default=None,
        help="optimizer (default: L1MLPClassifier's)",
    )
    parent.add_argument(
        "--test-size",
        type=_fraction,
        default=0.25,
        help="fraction of rows held out for testing (default: 0.25)",
    )
    parent.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parent.add_argument(
        "--no-scale",
        action="store_true",
        help="do not standardize the features (they are by default)",
    )
    parent.add_argument("--quiet", action="store_true", help="no progress bar")
    return parent


def build_parser():
    """The argument parser of the ``skl1net`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with one sub-command per command.

    Examples
    --------
    >>> from skl1net.cli._main import build_parser
    >>> args = build_parser().parse_args(["train", "data.csv", "--target", "y", "--hidden", "100,50"])
    >>> args.hidden, args.penalty, args.lmbda, args.out
    ((100, 50), 'l1_prox', 0.0003, 'model.skops')
    """
    parser = argparse.ArgumentParser(
        prog="skl1net",
        description="L1-regularized MLPs trained by mini-batch SGD. "
        "Run 'skl1net demo' for a one-minute tour.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    training = _training_options()

    train = commands.add_parser(
        "train",
        parents=[training],
        help="train a classifier on a table and save it",
        description="Train an L1MLPClassifier on a CSV or Parquet table, print its "
        "test accuracy, sparsity and fit time, and save it in the skops format.",
    )
    train.add_argument(
        "--lmbda", type=_nonnegative, default=3e-4, help="penalty strength (default: 3e-4)"
    )
    train.add_argument(
        "--out", default="model.skops", help="model file to write (default: %(default)s)"
    )
    train.set_defaults(func=_train)

    predict = commands.add_parser(
        "predict",
        help="predict with a saved model",
        description="Predict the rows of a table with a saved model. skops files are "
        "loaded trusting only skl1net's own types beyond those skops trusts; pickle "
        "files are refused unless --allow-pickle is given.",
    )
    predict.add_argument("model", help="model file written by 'skl1net train'")
    predict.add_argument("data", help="CSV file (or .parquet) with the feature columns")
    predict.add_argument(
        "--out", default="predictions.csv", help="CSV to write (default: %(default)s)"
    )
    predict.add_argument(
        "--proba", action="store_true", help="also write the probability of each class"
    )
    predict.add_argument(
        "--allow-pickle",
        action="store_true",
        help="load a pickle file; this runs any code in it: only for files you trust",
    )
    predict.set_defaults(func=_predict)

    path = commands.add_parser(
        "path",
        parents=[training],
        help="sweep lmbda and plot accuracy and sparsity",
        description="Train one model per lmbda on a log grid (from the largest "
        "down), and write a table (CSV) and a plot (PNG) of test accuracy and "
        "fraction of exactly-zero weights against lmbda.",
    )
    path.add_argument(
        "--lmbdas", type=_lmbda_list, metavar="L[,L...]", help="explicit lmbda values"
    )
    path.add_argument("--lmbda-min", type=_positive, default=1e-5, help="default: 1e-5")
    path.add_argument("--lmbda-max", type=_positive, default=1e-1, help="default: 1e-1")
    path.add_argument(
        "--n-lmbdas", type=_positive_int, default=9, help="grid size (default: 9)"
    )
    path.add_argument(
        "--out",
        default="lmbda-path",
        help="prefix of the files written: PREFIX.csv and PREFIX.png (default: %(default)s)",
    )
    path.set_defaults(func=_path)

    demo = commands.add_parser(
        "demo",
        help="train l2, l1 and l1_prox on scikit-learn's digits and compare",
        description="Train l2, l1 and l1_prox on scikit-learn's digits, print a "
        "comparison table and draw the first-layer weights of each as 8x8 images.",
    )
    demo.add_argument(
        "--lmbda", type=_nonnegative, default=3e-3, help="penalty strength (default: 3e-3)"
    )
    demo.add_argument(
        "--epochs", type=_positive_int, default=200, help="maximum epochs (default: 200)"
    )
    demo.add_argument(
        "--out",
        default="skl1net-demo.png",
        help="PNG of the first-layer weights (default: %(default)s)",
    )
    demo.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(func=_demo)
    return parser


def _warn(command, message):
    print(f"skl1net {command}: warning: {message}", file=sys.stderr)


def main(argv=None):
    """Run the ``skl1net`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    code : int
        0 on success, 2 on a usage error or bad input (reported in one line).

    Examples
    --------
    >>> from skl1net.cli._main import main
    >>> main(["demo", "--epochs", "5", "--no-plot", "--quiet"])  # doctest: +ELLIPSIS
    digits: 1347 training and 450 test images, 64 pixels
    ...
    0
    """
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_, **__: _warn(args.command, message)
        try:
            return args.func(args)
        except UserError as exc:
            print(f"skl1net {args.command}: error: {exc}", file=sys.stderr)
        except ValueError as exc:  # the estimator's checks of the data
            print(f"skl1net {args.command}: error: {one_line(exc)}", file=sys.stderr)
    return 2
