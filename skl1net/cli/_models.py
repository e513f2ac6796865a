"""Model files: saved in the skops format, loaded trusting only what skl1net writes.

A skops file is loaded with the types skops trusts by default (numpy, scikit-learn)
plus the classes defined in skl1net and :data:`TRUSTED_TYPES` (the scipy sparse
matrices of compacted models, :meth:`~skl1net.L1MLPClassifier.compact` with
``sparse=True``, and numpy dtypes). These only hold data; any other type makes loading refuse. A file
that is not a skops file is named for what it is (text, damaged archive, pickle):
a pickle can run arbitrary code when loaded, so it is refused unless explicitly
allowed.
"""

# SPDX-License-Identifier: BSD-3-Clause

import importlib
import os
import zipfile

from ._io import UserError, atomic_output, one_line, require

#: Types beyond skops' defaults that models written by skl1net contain, which run
#: no code when loaded: the CSR weight matrices of compacted models (skops rebuilds
#: them with ``scipy.sparse.load_npz``, without pickle) and the dtype a
#: ``SimpleImputer`` records (rebuilt from an empty array, without pickle).
TRUSTED_TYPES = (
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
    "numpy.dtype",
)

USAGE = "usage: skl1net predict MODEL DATA"


def save_model(model, path, command):
    """Save a fitted model in the skops format (no pickle), whole or not at all."""
    sio = require("skops.io", command)
    with atomic_output(path) as file:
        sio.dump(model, file)


def is_skl1net_type(name):
    """Whether ``name`` (``'module.Class'``) is a class defined in skl1net itself.

    Examples
    --------
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net.cli._models import is_skl1net_type
    >>> is_skl1net_type(f"{L1MLPClassifier.__module__}.L1MLPClassifier")
    True
    >>> is_skl1net_type("skl1net.cli._models.os")  # a module imported there: no
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


def is_trusted(name):
    """Whether a type named in a skops file may be loaded: skl1net's own or :data:`TRUSTED_TYPES`.

    Examples
    --------
    >>> from skl1net.cli._models import is_trusted
    >>> is_trusted("scipy.sparse._csr.csr_matrix"), is_trusted("builtins.exec")
    (True, False)
    """
    return name in TRUSTED_TYPES or is_skl1net_type(name)


def _what_it_is(head):
    """What a file that is not a skops archive looks like, for the error message."""
    if not head:
        return "an empty file"
    if b"\0" not in head and not head.startswith(b"\x80"):  # (a pickle starts with 0x80)
        return "a text file"
    return None


def load_model(path, *, allow_pickle, command, warn):
    """Load a model file: skops trusting only :func:`is_trusted` types, pickle only if allowed.

    Anything that is not a skops file is named for what it is; a pickle (or
    joblib) file can run arbitrary code when loaded: it is refused unless
    ``allow_pickle``, and then ``warn`` is called with a warning.
    """
    if not os.path.exists(path):
        raise UserError(f"no such file: {path}")
    if os.path.isdir(path):
        raise UserError(f"{path} is a folder, not a model file; {USAGE}")
    try:
        with open(path, "rb") as file:
            head = file.read(4096)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {one_line(exc)}") from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip archive
        return _load_skops(path, command)
    kind = _what_it_is(head)
    if kind is not None:
        raise UserError(f"{path} is {kind}, not a skops model file; {USAGE}")
    if not allow_pickle:
        raise UserError(
            f"{path} is not a skops model file; if it is a pickle, it can run arbitrary "
            "code when loaded, so it is refused unless you pass --allow-pickle (only "
            "for files you trust)"
        )
    warn(f"loading {path} as a pickle: this runs any code it contains")
    import joblib  # reads plain pickles and joblib files alike

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can raise anything
        raise UserError(f"cannot load {path} as a pickle: {one_line(exc)}") from None


def _load_skops(path, command):
    sio = require("skops.io", command)
    damaged = f"{path} is a damaged skops model file (truncated or corrupted); save the model again"
    if not zipfile.is_zipfile(path):
        raise UserError(damaged)
    try:
        with zipfile.ZipFile(path) as archive:
            if "schema.json" not in archive.namelist():
                raise UserError(f"{path} is a zip archive, not a skops model file; {USAGE}")
    except zipfile.BadZipFile:
        raise UserError(damaged) from None
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises various errors on a bad archive
        raise UserError(f"{damaged} ({one_line(exc)})") from None
    foreign = [t for t in untrusted if not is_trusted(t)]
    if foreign:
        raise UserError(
            f"refusing to load {path}: it contains types that neither skl1net "
            f"nor skops trusts: {', '.join(foreign)}"
        )
    try:
        return sio.load(path, trusted=untrusted)
    except (zipfile.BadZipFile, EOFError, KeyError, UnicodeDecodeError) as exc:
        raise UserError(f"{damaged} ({one_line(exc)})") from None
    except Exception as exc:
        raise UserError(f"cannot load {path}: {one_line(exc)}") from None
