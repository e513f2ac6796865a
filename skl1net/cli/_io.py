"""Input and output of the command line: tables in, models saved and loaded safely.

Everything that can go wrong because of what the user gave (a missing file, a
missing column, a missing value, text where numbers are expected, a model file
that is not safe to load) raises :class:`UserError`, which the command line reports in one
line with exit code 2. The heavy optional packages (pandas, skops) are
imported here, lazily, by :func:`require`.
"""

# SPDX-License-Identifier: BSD-3-Clause

import importlib
import os
import zipfile


class UserError(Exception):
    """A problem with the user's input, reported in one line (exit code 2)."""


def one_line(exc):
    """The first line of an exception's message (its type name if empty)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def require(module, command):
    """Import ``module`` or raise a :class:`UserError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise UserError(
            f"the {command!r} command needs {package}: pip install 'skl1net[cli]'"
        ) from None


def _check_file(path):
    if not os.path.isfile(path):
        raise UserError(f"no such file: {path}")


def separator(path):
    r"""The field separator of a CSV file: whichever of ``,``, ``;`` and tab its first line has most of.

    Examples
    --------
    >>> import os, tempfile
    >>> from skl1net.cli._io import separator
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "t.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write("a;b;c,d\n1;2;3\n")
    ...     separator(path)
    ';'
    """
    with open(path, encoding="utf-8", errors="replace") as file:
        header = file.readline()
    return max([",", ";", "\t"], key=header.count)  # a tie (none at all): ','


def _read_csv(pd, path):
    """A CSV file as a DataFrame, with :func:`separator`'s separator.

    Semicolon-separated files often come with decimal commas (spreadsheets of
    such locales write ``1,5;2``): when reading the commas as decimal marks
    gives more numeric columns, that reading is kept.
    """
    from pandas.api.types import is_numeric_dtype

    def n_numeric(frame):
        return sum(map(is_numeric_dtype, frame.dtypes))

    sep = separator(path)
    table = pd.read_csv(path, sep=sep)
    if sep == ";" and n_numeric(table) < table.shape[1]:
        commas = pd.read_csv(path, sep=sep, decimal=",")
        if n_numeric(commas) > n_numeric(table):
            return commas
    return table


def read_table(path, command):
    """Read a CSV file (``,``, ``;`` or tab separated) or Parquet (by its suffix) into a DataFrame."""
    pd = require("pandas", command)
    _check_file(path)
    parquet = os.path.splitext(path)[1].lower() in (".parquet", ".pq")
    try:
        table = pd.read_parquet(path) if parquet else _read_csv(pd, path)
    except ImportError as exc:
        raise UserError(f"cannot read Parquet file {path}: {one_line(exc)}") from None
    except (ValueError, OSError) as exc:  # parser errors and bad encodings too
        raise UserError(f"cannot read {path}: {one_line(exc)}") from None
    if table.shape[0] == 0:
        raise UserError(f"{path} has no data rows")
    return table


def _check_columns(table, columns, path):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(
            f"{path} has no column {', '.join(map(repr, missing))}; its columns "
            f"are {', '.join(map(repr, map(str, table.columns)))}" + _headless_hint(table)
        )


def _headless_hint(table):
    """A hint when a column name reads as a number: the first line may be data."""
    from pandas import Series, to_numeric  # (installed: the table is a DataFrame)

    if to_numeric(Series(table.columns.astype(str)), errors="coerce").notna().any():
        return " (if its first line is data, add a header row naming the columns)"
    return ""


def _check_complete(frame, path):
    """Refuse missing values, naming the columns and the first data row (1-based) with one."""
    missing = frame.isna().to_numpy()
    if missing.any():
        names = [str(c) for c, m in zip(frame.columns, missing.any(axis=0)) if m]
        raise UserError(
            f"missing values in {path}, column(s) {', '.join(map(repr, names))} (first in "
            f"data row {int(missing.any(axis=1).argmax()) + 1}); fill or drop them first "
            "(for example with scikit-learn's SimpleImputer)"
        )


def numeric_features(table, columns, path):
    """``table[columns]``, checked to be numeric, as a DataFrame."""
    from pandas.api.types import is_numeric_dtype

    _check_columns(table, columns, path)
    if not columns:
        raise UserError(f"{path} has no feature columns besides the target")
    X = table[list(columns)]
    text = [str(c) for c in columns if not is_numeric_dtype(X[c])]
    if text:
        raise UserError(
            f"non-numeric feature column(s) in {path}: {', '.join(text)}; encode "
            "them as numbers first (for example with scikit-learn's OneHotEncoder)"
        )
    _check_complete(X, path)
    return X


def split_target(table, target, path):
    """Numeric feature DataFrame and target array of a table."""
    _check_columns(table, [target], path)
    _check_complete(table[[target]], path)
    features = [c for c in table.columns if c != target]
    return numeric_features(table, features, path), table[target].to_numpy()


def check_writable(*paths):
    """Fail early, before any training, when an output file cannot be created."""
    for path in paths:
        if os.path.isdir(path):
            raise UserError(f"cannot write {path}: it is a folder; give a file name")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise UserError(f"cannot write {path}: {folder} is not a writable folder")


def write_table(table, path):
    """Write a DataFrame as CSV, reporting an unwritable path as a :class:`UserError`."""
    try:
        table.to_csv(path, index=False)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {one_line(exc)}") from None


# -- models ---------------------------------------------------------------------
def save_model(model, path, command):
    """Save a fitted model in the skops format (no pickle)."""
    sio = require("skops.io", command)
    try:
        sio.dump(model, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {one_line(exc)}") from None


def is_skl1net_type(name):
    """Whether ``name`` (``'module.Class'``) is a class defined in skl1net itself.

    Examples
    --------
    >>> from skl1net.cli._io import is_skl1net_type
    >>> is_skl1net_type("skl1net._estimators._classifier.L1MLPClassifier")
    True
    >>> is_skl1net_type("skl1net.cli._io.os")  # a module imported there: no
    False
    >>> is_skl1net_type("builtins.eval")
    False
    """
    module, _, attr = name.rpartition(".")
    if module != "skl1net" and not module.startswith("skl1net."):
        return False
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return False
    return isinstance(obj, type) and obj.__module__ == module


def load_model(path, *, allow_pickle, command, warn):
    """Load a model file: skops trusting only skl1net's types, pickle only if allowed.

    A skops file is loaded with the types skops trusts by default (numpy,
    scipy, scikit-learn) plus the classes defined in skl1net; any other type
    makes it refuse. Anything else is treated as a pickle (or joblib) file,
    which can run arbitrary code when loaded: refused unless ``allow_pickle``,
    and then ``warn`` is called with a warning.
    """
    _check_file(path)
    if zipfile.is_zipfile(path):
        sio = require("skops.io", command)
        try:
            untrusted = sio.get_untrusted_types(file=path)
        except Exception as exc:  # skops raises various errors on a bad archive
            raise UserError(f"{path} is not a valid skops file: {one_line(exc)}") from None
        foreign = [t for t in untrusted if not is_skl1net_type(t)]
        if foreign:
            raise UserError(
                f"refusing to load {path}: it contains types that neither skl1net "
                f"nor skops trusts: {', '.join(foreign)}"
            )
        try:
            return sio.load(path, trusted=untrusted)
        except Exception as exc:
            raise UserError(f"cannot load {path}: {one_line(exc)}") from None
    if not allow_pickle:
        raise UserError(
            f"{path} is not a skops file; a pickle can run arbitrary code when "
            "loaded, so it is refused unless you pass --allow-pickle (only for "
            "files you trust)"
        )
    warn(f"loading {path} as a pickle: this runs any code it contains")
    import joblib  # reads plain pickles and joblib files alike

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can raise anything
        raise UserError(f"cannot load {path} as a pickle: {one_line(exc)}") from None
