"""What every command shares: one-line errors, optional imports and safe output files.

Everything that can go wrong because of what the user gave (a missing file, a
missing column, a missing value, text where numbers are expected, a model file
that is not safe to load, an output that would overwrite an input) raises
:class:`UserError`, which the command line reports in one line with exit code
2. The heavy optional packages (pandas, skops, matplotlib, tqdm) are imported
lazily, by :func:`require`.

Every file the command line writes goes through :func:`atomic_output`: it is
written to a temporary file in the destination's folder and renamed over the
destination only when complete, so a failed or interrupted run never leaves a
truncated file in place of a good one.
"""

# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import importlib
import os
import stat
import tempfile


class UserError(Exception):
    """A problem with the user's input, reported in one line (exit code 2)."""


def one_line(exc):
    """The first line of an exception's message (its type name if empty)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def some(names, limit=8):
    """``names`` quoted and joined, at most ``limit`` of them and then their count.

    Examples
    --------
    >>> from skl1net.cli._io import some
    >>> some(["a", "b"])
    "'a', 'b'"
    >>> some([f"x{i}" for i in range(1000)], limit=3)
    "'x0', 'x1', 'x2', ... (1000 in all)"
    """
    names = [str(n) for n in names]
    shown = ", ".join(map(repr, names[:limit]))
    return shown if len(names) <= limit else f"{shown}, ... ({len(names)} in all)"


def require(module, command):
    """Import ``module`` or raise a :class:`UserError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise UserError(
            f"the {command!r} command needs {package}: pip install 'skl1net[cli]'"
        ) from None


# -- outputs ---------------------------------------------------------------------
def _same_file(a, b):
    """Whether paths ``a`` and ``b`` name one file (links and spellings included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they lead
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(inputs, outputs, origin=None):
    """Refuse, before any work, outputs that are inputs or cannot be written.

    An input that is not a regular file (a pipe, a terminal, ``/dev/stdin``) is
    read once and cannot be overwritten, so it is not compared. ``origin`` says
    where derived output names come from (e.g. ``'--out cancer'``).

    Examples
    --------
    >>> import os, tempfile
    >>> from skl1net.cli._io import UserError, check_outputs
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     data = os.path.join(folder, "d.csv")
    ...     open(data, "w").close()
    ...     try:
    ...         check_outputs([data], [os.path.join(folder, ".", "d.csv")])
    ...     except UserError as exc:
    ...         print(str(exc).replace(folder, "F"))
    refusing to write F/./d.csv: it is the input F/d.csv; choose another --out
    """
    for out in outputs:
        for data in inputs:
            if os.path.isfile(data) and _same_file(out, data):
                source = f" (from {origin})" if origin else ""
                raise UserError(
                    f"refusing to write {out}{source}: it is the input {data}; choose "
                    "another --out"
                )
        if os.path.isdir(out):
            raise UserError(f"cannot write {out}: it is a folder; give a file name")
        if os.path.exists(out) and not os.path.isfile(out):
            continue  # a device or a pipe, e.g. /dev/stdout: written directly
        folder = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise UserError(f"cannot write {out}: {folder} is not a writable folder")


def _new_file_mode(path):
    """The permission bits a file written at ``path`` gets: its current ones, or the umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path, mode="wb", **open_args):
    """Open a file that replaces ``path`` in one step when the block ends without error.

    The data goes to a temporary file in the same folder, which is renamed over
    ``path`` (:func:`os.replace`) once it is complete and on disk; on any error
    or interrupt the temporary file is removed and ``path`` is left as it was.
    A symbolic link is followed (its target is replaced, the link stays); a
    destination that is not a regular file (``/dev/stdout``, a pipe) is
    written directly. An :class:`OSError` becomes a :class:`UserError`.

    Examples
    --------
    >>> import os, tempfile
    >>> from skl1net.cli._io import atomic_output
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "t.txt")
    ...     with atomic_output(path, "w") as file:
    ...         _ = file.write("whole")
    ...     try:
    ...         with atomic_output(path, "w") as file:
    ...             _ = file.write("half")
    ...             raise RuntimeError("failed midway")
    ...     except RuntimeError:
    ...         pass
    ...     print(open(path).read(), os.listdir(folder))
    whole ['t.txt']
    """
    try:
        if os.path.exists(path) and not os.path.isfile(path):
            with open(path, mode, **open_args) as file:
                yield file
            return
        target = os.path.realpath(path)
        folder, name = os.path.split(target)
        permissions = _new_file_mode(target)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {one_line(exc)}") from None
    try:
        with os.fdopen(fd, mode, **open_args) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, permissions)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise UserError(f"cannot write {path}: {one_line(exc)}") from None
        raise


def write_table(table, path):
    """Write a DataFrame as CSV, whole or not at all."""
    with atomic_output(path, "w", encoding="utf-8", newline="") as file:
        table.to_csv(file, index=False)
