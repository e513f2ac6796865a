"""The ``train`` and ``path`` commands: fit classifiers on a table.

The model is a pipeline ending with an :class:`~skl1net.L1MLPClassifier`. Its
preprocessing is fitted on the training rows and saved with it, so that
``predict`` applies the same one: numeric columns are standardized (unless
``--no-scale``), text (categorical) columns are one-hot encoded
(categories not seen in training give all-zero columns), and with ``--impute``
missing values are filled (numeric columns by the given statistic, categorical
ones by their most frequent value).

The progress bar over epochs keeps ``fit`` exactly as it is: the estimator is
fitted with ``verbose=True`` and the bar advances on each "Iteration" line it
prints; its other messages are not shown (the warnings of the fit are, after
the bar is closed). Driving the epochs from outside would change the model: a
``warm_start`` refit of one epoch at a time restarts the momentum, and
``partial_fit`` has neither early stopping nor the convergence test of ``fit``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import io
import math
import os
import sys
import time
import warnings

import numpy as np

from .._training._batches import resolve_max_iter
from ._columns import check_values, split_columns
from ._io import UserError, check_outputs, one_line, require, write_table
from ._models import save_model
from ._tables import read_table


def warn(command, message):
    """Print a warning of the command on stderr."""
    print(f"skl1net {command}: warning: {message}", file=sys.stderr)


def note(command, message):
    """Print a note of the command on stderr."""
    print(f"skl1net {command}: note: {message}", file=sys.stderr)


def show_progress(args):
    """Whether to draw progress bars: on a terminal, unless ``--quiet``."""
    return not args.quiet and sys.stderr.isatty()


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
        return len(text)


def classifier(model):
    """The L1MLPClassifier of a model: itself, or the last step of a pipeline."""
    return model[-1] if hasattr(model, "steps") else model


def fit(model, X, y, args, desc):
    """``model.fit(X, y)`` with a bar over the epochs on a terminal.

    ``model`` is an :class:`L1MLPClassifier` or a pipeline ending with one.
    Returns the fit time in seconds and whether training converged before
    ``max_iter`` epochs.
    """
    from sklearn.exceptions import ConvergenceWarning

    mlp = classifier(model)
    show = show_progress(args)
    tqdm = require("tqdm", args.command).tqdm if show else None
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if not show:
            model.fit(X, y)
        else:
            epochs = resolve_max_iter(mlp.max_iter, X.shape[0])
            with tqdm(total=epochs, desc=desc, unit="epoch", leave=False) as bar:
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


def _preprocessing(args, numeric, categorical):
    """The steps before the classifier, for these numeric and categorical columns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    steps = [SimpleImputer(strategy=args.impute)] if args.impute else []
    steps += [] if args.no_scale else [StandardScaler()]
    if not categorical:
        return steps
    encode = [SimpleImputer(strategy="most_frequent")] if args.impute else []
    encode.append(OneHotEncoder(handle_unknown="ignore"))
    parts = [("categorical", make_pipeline(*encode), categorical)]
    if numeric:
        parts.insert(0, ("numeric", make_pipeline(*steps) if steps else "passthrough", numeric))
    return [ColumnTransformer(parts)]


def make_model(args, lmbda, columns):
    """The model to fit: preprocessing (see the module) and an L1MLPClassifier."""
    from sklearn.pipeline import make_pipeline

    from .. import L1MLPClassifier

    clf = L1MLPClassifier(
        hidden_layer_sizes=args.hidden,
        penalty=args.penalty,
        lmbda=lmbda,
        eta=args.eta,
        batch_size=args.batch_size,
        **({} if args.solver is None else {"solver": args.solver}),
        max_iter=args.epochs,
        random_state=args.seed,
    )
    steps = _preprocessing(args, *columns)
    return make_pipeline(*steps, clf) if steps else clf


def _split_rows(y, test_size, seed, command):
    """Training and test row indices, stratified by ``y`` when possible (else a warning)."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    if test_size == 0:
        return rows, rows[:0]
    classes, counts = _unique_counts(y)
    n_test = math.ceil(test_size * len(y))
    reason = None
    if counts.min() < 2:
        reason = f"class {classes.tolist()[counts.argmin()]!r} has a single sample"
    elif min(n_test, len(y) - n_test) < len(classes):
        reason = f"{n_test} held-out samples cannot cover {len(classes)} classes"
    if reason:
        warn(
            command,
            f"The held-out part cannot be stratified ({reason}); the split is a plain "
            "random one, which may miss some classes.",
        )
    return train_test_split(
        rows, test_size=test_size, random_state=seed, stratify=None if reason else y
    )


def _unique_counts(y):
    try:
        return np.unique(y, return_counts=True)
    except TypeError:  # mixed types in the target column
        raise UserError("the target column mixes numbers and text") from None


def load_split(args):
    """Read ``args.data``: ``(columns, X_train, X_test, y_train, y_test)``.

    ``columns`` is ``(numeric, categorical)``; the test part is stratified when
    possible and empty with ``--test-size 0``.
    """
    from sklearn.utils.multiclass import type_of_target

    path = args.data
    table = read_table(path, args.command, encoding=args.encoding, progress=show_progress(args))
    columns = split_columns(
        table, path, target=args.target, id_column=args.id, drop=args.drop,
        note=lambda message: note(args.command, message),
    )
    for name in columns[1]:
        n_values = table[name].nunique()
        if n_values > max(50, len(table) // 2):
            warn(
                args.command,
                f"text column {name!r} of {path} has {n_values} distinct values: one-hot "
                f"encoded, it makes {n_values} features (--drop it, or --id, if it is "
                "not a feature)",
            )
    y = table[args.target]
    if y.isna().any():
        raise UserError(
            f"missing values in {path}, target column {args.target!r} (first in data row "
            f"{int(y.isna().to_numpy().argmax()) + 1}); drop those rows first"
        )
    y = y.to_numpy()
    X = table[columns[0] + columns[1]]
    check_values(X, path, impute=bool(args.impute))
    _unique_counts(y)  # (a clear error for a target column of numbers and text)
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise UserError(
            f"the target column {args.target!r} of {path} holds {kind} values, "
            "not class labels; skl1net's command line trains classifiers"
        )
    try:
        train, test = _split_rows(y, args.test_size, args.seed, args.command)
    except ValueError as exc:
        raise UserError(f"cannot split {path}: {one_line(exc)}") from None
    return columns, X.iloc[train], X.iloc[test], y[train], y[test]


def _report_row(mlp, accuracy, fit_result):
    seconds, converged = fit_result
    return {
        "test_accuracy": accuracy,
        "zero_fraction": mlp.zero_fraction_,
        "features_kept": mlp.n_features_selected_,
        "n_features": mlp.coefs_[0].shape[0],
        "fit_seconds": seconds,
        "epochs": mlp.n_iter_,
        "converged": converged,
    }


def train_and_score(args, lmbda, split, desc):
    """Fit the model of ``lmbda`` on the training part; ``(model, report row)``."""
    columns, X_train, X_test, y_train, y_test = split
    model = make_model(args, lmbda, columns)
    fit_result = fit(model, X_train, y_train, args, desc)
    accuracy = model.score(X_test, y_test) if len(y_test) else float("nan")
    return model, _report_row(classifier(model), accuracy, fit_result)


def run_train(args):
    """The ``train`` command."""
    check_outputs([args.data], [args.out])
    split = load_split(args)
    model, row = train_and_score(args, args.lmbda, split, "training")
    n_train, n_test = len(split[1]), len(split[2])
    if n_test:
        print(f"trained on {n_train} rows, tested on {n_test} rows")
        print(f"test accuracy        {row['test_accuracy']:.4f}")
    else:
        print(f"trained on all {n_train} rows (--test-size 0: no test score)")
    print(f"exact-zero weights   {row['zero_fraction']:.1%}")
    print(f"input features kept  {row['features_kept']} of {row['n_features']}")
    print(f"fit time             {row['fit_seconds']:.2f} s ({row['epochs']} epochs)")
    if not row["converged"]:
        warn(args.command, f"training did not converge in {args.epochs} epochs; try more --epochs")
    save_model(model, args.out, args.command)
    print(f"model saved to {args.out}")
    return 0


def run_path(args):
    """The ``path`` command."""
    from ._plots import plot_path
    from ..exceptions import ConstantOutputWarning

    pd = require("pandas", args.command)
    require("matplotlib", args.command)
    if not args.lmbdas and args.lmbda_min >= args.lmbda_max:
        raise UserError(
            f"--lmbda-min {args.lmbda_min:g} must be smaller than --lmbda-max {args.lmbda_max:g}"
        )
    if args.test_size == 0:
        raise UserError("the path scores each lmbda on held-out rows: --test-size must be > 0")
    lmbdas = args.lmbdas or np.geomspace(args.lmbda_max, args.lmbda_min, args.n_lmbdas)
    csv, png = args.out + ".csv", args.out + ".png"
    check_outputs([args.data], [csv, png], origin=f"--out {args.out}")
    split = load_split(args)
    rows = []
    for lmbda in sorted(lmbdas, reverse=True):
        with warnings.catch_warnings():  # the table shows the empty networks
            warnings.simplefilter("ignore", ConstantOutputWarning)
            _, row = train_and_score(args, lmbda, split, f"lmbda={lmbda:.2g}")
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
