"""The ``skl1net`` command line: ``train``, ``predict``, ``path`` and ``demo``.

It only calls the public API (:class:`skl1net.L1MLPClassifier` and its
fitted attributes). Problems with the user's input are reported in one line on
stderr with exit code 2, never with a traceback; the optional packages of the
``[cli]`` extra (pandas, matplotlib, tqdm, skops) are imported inside the
commands that need them. Each command lives in a module of its own
(:mod:`._train`, :mod:`._predict`, :mod:`._demo`); this one parses the arguments.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import warnings

from ._columns import parse_names
from ._demo import run_demo
from ._io import UserError, one_line
from ._predict import run_predict
from ._train import run_path, run_train, warn

PENALTIES = ("l1_prox", "l1", "l2", "group_l1_prox")
IMPUTE = ("mean", "median", "most_frequent")


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


def _test_fraction(text):
    value = _nonnegative(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction in [0, 1)")
    return value


def _hidden(text):
    """``'100,50'`` -> ``(100, 50)``; ``'none'`` -> ``()`` (no hidden layer).

    Examples
    --------
    >>> from skl1net.cli._main import _hidden
    >>> _hidden("100, 50"), _hidden("none")
    ((100, 50), ())
    """
    if text.strip().lower() == "none":
        return ()
    parts = text.split(",")
    if not all(part.strip() for part in parts):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of layer sizes such as 100,50 (or 'none')"
        )
    return tuple(_positive_int(part) for part in parts)


def _auto_or_positive_int(text):
    return text if text == "auto" else _positive_int(text)


def _eta(text):
    return text if text == "auto" else _positive(text)


def _lmbda_list(text):
    return [_nonnegative(part) for part in text.split(",")]


def _encoding(text):
    import codecs

    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r}") from None


# -- parser -----------------------------------------------------------------------
def _table_options(parser):
    parser.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        help="text encoding of a CSV file, e.g. latin-1 (default: utf-8)",
    )
    parser.add_argument(
        "--id", metavar="COLUMN", help="a column identifying the rows: never a feature"
    )


def _training_options():
    """Options shared by ``train`` and ``path``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "data",
        help="CSV file (comma, semicolon or tab separated, possibly gzip, bz2, xz or zip "
        "compressed; a pipe is fine) or .parquet, with a header row",
    )
    parent.add_argument("--target", required=True, help="name of the column to predict")
    _table_options(parent)
    parent.add_argument(
        "--drop", type=parse_names, default=[], metavar="COLUMN[,COLUMN...]",
        help="columns not to use as features",
    )
    parent.add_argument(
        "--impute",
        choices=IMPUTE,
        help="fill missing values inside the model (text columns: most frequent value); "
        "without it a missing value is an error",
    )
    parent.add_argument(
        "--penalty", choices=PENALTIES, default="l1_prox", help="default: %(default)s"
    )
    parent.add_argument(
        "--hidden",
        type=_hidden,
        default=(100,),
        metavar="N[,N...]",
        help="hidden layer sizes, e.g. 100,50, or 'none' (default: 100)",
    )
    parent.add_argument(
        "--epochs",
        type=_auto_or_positive_int,
        default="auto",
        help="maximum epochs, or 'auto': 200 for up to 6,000 rows, fewer for more "
        "(about 1.2 million rows seen, at least 10; default: auto)",
    )
    parent.add_argument(
        "--eta",
        type=_eta,
        default="auto",
        help="initial learning rate, or 'auto' (default: auto, see L1MLPClassifier)",
    )
    parent.add_argument(
        "--batch-size", type=_auto_or_positive_int, default="auto", help="default: min(100, rows)"
    )
    parent.add_argument(
        "--solver", choices=("sgd", "adam"), default=None,
        help="optimizer (default: L1MLPClassifier's)",
    )
    parent.add_argument(
        "--test-size",
        type=_test_fraction,
        default=0.25,
        help="fraction of rows held out for testing; 0: train on all rows (default: 0.25)",
    )
    parent.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parent.add_argument(
        "--no-scale",
        action="store_true",
        help="do not standardize the numeric features (they are by default)",
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
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="skl1net",
        description="L1-regularized MLPs trained by mini-batch SGD. "
        "Run 'skl1net demo' for a one-minute tour.",
    )
    parser.add_argument("--version", action="version", version=f"skl1net {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    training = _training_options()

    train = commands.add_parser(
        "train",
        parents=[training],
        help="train a classifier on a table and save it",
        description="Train an L1MLPClassifier on a CSV or Parquet table, print its "
        "test accuracy, sparsity and fit time, and save it in the skops format. Text "
        "columns are one-hot encoded inside the saved model; a first column named "
        "'Unnamed: 0' (a saved row index) is left out, with a note.",
    )
    train.add_argument(
        "--lmbda", type=_nonnegative, default=3e-4, help="penalty strength (default: 3e-4)"
    )
    train.add_argument(
        "--out", default="model.skops", help="model file to write (default: %(default)s)"
    )
    train.set_defaults(func=run_train)

    predict = commands.add_parser(
        "predict",
        help="predict with a saved model",
        description="Predict the rows of a table with a saved model. skops files are "
        "loaded trusting only skl1net's own types beyond those skops trusts; pickle "
        "files are refused unless --allow-pickle is given.",
    )
    predict.add_argument("model", help="model file written by 'skl1net train'")
    predict.add_argument("data", help="CSV file (or .parquet) with the feature columns")
    _table_options(predict)
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
    predict.set_defaults(func=run_predict)

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
    path.set_defaults(func=run_path)

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
    demo.set_defaults(func=run_demo)
    return parser


def main(argv=None):
    """Run the ``skl1net`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    code : int
        0 on success, 2 on a usage error or bad input (reported in one line),
        130 when interrupted (Ctrl-C).

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
        warnings.showwarning = lambda message, *_, **__: warn(args.command, message)
        try:
            return args.func(args)
        except UserError as exc:
            print(f"skl1net {args.command}: error: {exc}", file=sys.stderr)
        except ValueError as exc:  # the estimator's checks of the data
            print(f"skl1net {args.command}: error: {one_line(exc)[:500]}", file=sys.stderr)
        except KeyboardInterrupt:  # (every file is written whole or not at all)
            print(f"skl1net {args.command}: interrupted", file=sys.stderr)
            return 130
        except MemoryError:
            print(
                f"skl1net {args.command}: error: out of memory; use a smaller input",
                file=sys.stderr,
            )
    return 2
