"""The ``predict`` command: predict the rows of a table with a saved model.

The table is read and predicted in chunks of about a million values (rows x
columns), each written out before the next is read, so memory does not grow with the file. The output is written to a
temporary file that replaces ``--out`` only once every row is predicted.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os
import sys

from ._columns import check_columns, check_values, split_columns
from ._io import UserError, atomic_output, check_outputs, require, some
from ._models import load_model
from ._tables import iter_table
from ._train import classifier, note, warn

#: Values (rows x columns) read and predicted at a time.
CHUNK_CELLS = 10**6


def _parts(model):
    """The model and every estimator inside it (pipeline steps, column transformers)."""
    params = model.get_params(deep=True) if hasattr(model, "get_params") else {}
    return [model, *params.values()]


def _has_imputer(model):
    """Whether the model fills missing values itself (a SimpleImputer in it)."""
    from sklearn.impute import SimpleImputer

    return any(isinstance(part, SimpleImputer) for part in _parts(model))


def _text_columns(model):
    """The columns that the model one-hot encodes (see :mod:`skl1net.cli._train`)."""
    from sklearn.compose import ColumnTransformer

    return [
        column
        for part in _parts(model)
        if isinstance(part, ColumnTransformer)
        for name, _, columns in part.transformers
        if name == "categorical"
        for column in columns
    ]


def _feature_columns(model, table, args):
    """The names of the columns the model predicts from."""
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        columns = [str(n) for n in names]
        check_columns(table, columns, args.data)
        return columns
    # A model fitted on an array: every column of the table but --id and an index.
    numeric, text = split_columns(
        table, args.data, id_column=args.id, note=lambda message: note(args.command, message)
    )
    if text:
        raise UserError(
            f"non-numeric feature column(s) in {args.data}: {some(text, 5)}; this "
            "model was fitted without column names, so it needs numbers only"
        )
    return numeric


def _predictions(pd, model, X, proba):
    """A DataFrame of the predictions (and class probabilities) of ``X``."""
    predictions = model.predict(X)
    if predictions.ndim == 1:
        out = pd.DataFrame({"prediction": predictions})
    else:  # multilabel or multi-output: one column per output
        out = pd.DataFrame(predictions).add_prefix("prediction_")
    if proba:
        probabilities = model.predict_proba(X)
        for k, label in enumerate(classifier(model).classes_):
            out[f"proba_{label}"] = probabilities[:, k]
    return out


def run_predict(args):
    """The ``predict`` command."""
    pd = require("pandas", args.command)
    check_outputs([args.model, args.data], [args.out])
    model = load_model(
        args.model,
        allow_pickle=args.allow_pickle,
        command=args.command,
        warn=lambda message: warn(args.command, message),
    )
    if not hasattr(model, "predict"):
        raise UserError(f"{args.model} holds a {type(model).__name__}, not a model")
    if args.proba and not hasattr(model, "predict_proba"):
        raise UserError(
            f"{args.model} holds a {type(model).__name__}, which gives no class "
            "probabilities: drop --proba"
        )
    impute = _has_imputer(model)
    n_rows, columns = 0, None
    chunks = iter_table(
        args.data, args.command, encoding=args.encoding, chunk_cells=CHUNK_CELLS,
        text=_text_columns(model),
    )
    with atomic_output(args.out, "w", encoding="utf-8", newline="") as file:
        for chunk in chunks:
            if columns is None:
                columns = _feature_columns(model, chunk, args)
                if args.id is not None:
                    check_columns(chunk, [args.id], args.data)
            X = chunk[columns]
            check_values(X, args.data, impute=impute, first_row=n_rows + 1)
            out = _predictions(pd, model, X, args.proba)
            if args.id is not None:
                out.insert(0, args.id, chunk[args.id].to_numpy())
            out.to_csv(file, index=False, header=n_rows == 0)
            n_rows += len(chunk)
    to_stdout = os.path.exists(args.out) and not os.path.isfile(args.out)  # e.g. /dev/stdout
    print(f"wrote {n_rows} predictions to {args.out}", file=sys.stderr if to_stdout else sys.stdout)
    return 0

