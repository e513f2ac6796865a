"""Columns of a table: which are features, target and identifiers, and are their values usable.

Numeric columns are features as they are; text (categorical) columns are
one-hot encoded inside the saved pipeline (see :mod:`skl1net.cli._train`). A
first column named ``Unnamed: 0`` (what pandas writes as the index, or a first
column with an empty header) is a row index, never a feature: it is dropped
with a note. Every error names the file and at most a few columns (and their
count), however wide the table.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._io import UserError, some

INDEX_COLUMN = "Unnamed: 0"


def check_columns(table, columns, path):
    """Refuse a list of column names of which some are not in ``table``."""
    present = set(map(str, table.columns))
    missing = [c for c in columns if str(c) not in present]
    if missing:
        raise UserError(
            f"{path} has no column {some(missing, 5)}; its columns are "
            f"{some(table.columns)}" + _headless_hint(table)
        )


def _headless_hint(table):
    """A hint when a column name reads as a number: the first line may be data."""
    from pandas import Series, to_numeric  # (installed: the table is a DataFrame)

    names = Series(table.columns[:1000].astype(str))
    if to_numeric(names, errors="coerce").notna().any():
        return " (if its first line is data, add a header row naming the columns)"
    return ""


def check_values(frame, path, *, impute=False, first_row=1):
    """Refuse missing values (unless ``impute``) and infinite ones.

    The error names the columns and the first data row (1-based; ``first_row``
    is the number of ``frame``'s first row in the file) with such a value.
    """
    from pandas.api.types import is_numeric_dtype

    problems = [("missing", frame.isna().to_numpy())] if not impute else []
    numeric = [c for c in frame.columns if is_numeric_dtype(frame[c])]
    if numeric:
        values = frame[numeric].to_numpy(dtype=float, na_value=np.nan)
        problems.append(("infinite", np.isinf(values)))
    for what, bad in problems:
        if not bad.any():
            continue
        columns = frame.columns if what == "missing" else numeric
        names = [c for c, b in zip(columns, bad.any(axis=0)) if b]
        row = int(bad.any(axis=1).argmax()) + first_row
        advice = (
            "fill or drop them first, or pass --impute {mean,median,most_frequent}"
            if what == "missing"
            else "replace them with finite numbers first"
        )
        raise UserError(
            f"{what} values in {path}, column(s) {some(names, 5)} (first in data row {row}); "
            + advice
        )


def split_columns(table, path, *, target=None, id_column=None, drop=(), note=print):
    """The feature columns of ``table``: ``(numeric, categorical)`` lists of names.

    ``target``, ``id_column`` and ``drop`` are left out; so is a pandas index
    column (``Unnamed: 0`` first), with a ``note``.
    """
    from pandas.api.types import is_numeric_dtype

    named = [c for c in (target, id_column) if c is not None]
    check_columns(table, [*named, *drop], path)
    left_out = set(named) | set(drop)
    if table.columns[0] == INDEX_COLUMN and INDEX_COLUMN not in left_out:
        note(
            f"column {INDEX_COLUMN!r} of {path} (an unnamed first column: a saved "
            "row index) is not used as a feature"
        )
        left_out.add(INDEX_COLUMN)
    features = [c for c in table.columns if c not in left_out]
    if not features:
        raise UserError(f"{path} has no feature columns besides the target")
    numeric = [c for c in features if is_numeric_dtype(table[c])]
    categorical = [c for c in features if not is_numeric_dtype(table[c])]
    return numeric, categorical


def parse_names(text):
    """``'a,b'`` -> ``['a', 'b']`` (for ``--drop``); an empty name is an error.

    Examples
    --------
    >>> from skl1net.cli._columns import parse_names
    >>> parse_names("id, notes")
    ['id', 'notes']
    """
    import argparse

    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} has an empty column name")
    return names
