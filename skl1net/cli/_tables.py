"""Reading tables: CSV (``,``, ``;`` or tab separated, possibly compressed) or Parquet.

An input may be a regular file, or a pipe, ``/dev/stdin`` or a process
substitution (``<(cat f.csv)``), which is read once (see :class:`Source`). Compression
(gzip, bz2, xz, zip) is recognised by the file's first bytes, and the separator
is sniffed after decompression from the first logical record of the file (a
quoted header name may hold a separator or a newline). Before a CSV is parsed,
its width and size are checked against the available memory, so that a file
too large to read is refused in one line rather than ending in a MemoryError.
"""

# SPDX-License-Identifier: BSD-3-Clause

import bz2
import contextlib
import csv
import gzip
import io
import lzma
import os
import zipfile

from ._io import UserError, one_line, require

SEPARATORS = (",", ";", "\t")
_COMPRESSION = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"PK\x03\x04": "zip"}
_OPENERS = {"gzip": lambda file: gzip.GzipFile(fileobj=file), "bz2": bz2.BZ2File,
            "xz": lzma.LZMAFile}
#: Bytes of a pipe kept in memory to sniff its format.
HEAD_BYTES = 2**23
#: A CSV read on a terminal shows a progress bar when it is larger than this (bytes).
PROGRESS_BYTES = 32 * 2**20
#: Bytes of memory a CSV cell and a column take while pandas parses them (measured
#: peaks, rounded up).
CELL_BYTES, COLUMN_BYTES = 24, 4096


class Source:
    """A table file, opened as many times as needed.

    A pipe cannot be read twice: its first ``HEAD_BYTES`` are kept in memory
    for sniffing, and the one full read (``open(whole=True)``) goes on from
    them to the rest of the pipe. A zip archive or Parquet file in a pipe, and
    a header longer than the head, are read whole into memory first.
    """

    def __init__(self, path, encoding="utf-8"):
        self.path, self.encoding = path, encoding
        if not os.path.exists(path):
            raise UserError(f"no such file: {path}")
        if os.path.isdir(path):
            raise UserError(f"{path} is a folder, not a table")
        self.data = self.stream = None
        try:
            if not os.path.isfile(path):  # a pipe, /dev/stdin, <(...): read it once
                self.stream = open(path, "rb")
                self.data = self.stream.read(HEAD_BYTES)
                if len(self.data) < HEAD_BYTES:
                    self.read_all()
            with self.open_raw() as file:
                head = file.read(8)
        except OSError as exc:
            raise UserError(f"cannot read {path}: {one_line(exc)}") from None
        self.compression = next(
            (name for magic, name in _COMPRESSION.items() if head.startswith(magic)), None
        )
        self.parquet = head.startswith(b"PAR1") or os.path.splitext(path)[1].lower() in (
            ".parquet",
            ".pq",
        )
        if self.parquet or self.compression == "zip":
            self.read_all()  # (both need to seek)
        if self.compression == "zip" and _is_skops(self.open_raw):
            raise UserError(
                f"{path} is a skops model file, not a table; usage: skl1net predict MODEL DATA"
            )

    @property
    def size(self):
        """Bytes in the file (for a pipe not read to its end: those read so far)."""
        return len(self.data) if self.data is not None else os.path.getsize(self.path)

    def read_all(self):
        """Read the rest of a pipe into memory."""
        if self.stream is not None:
            with self.stream:
                self.data += self.stream.read()
            self.stream = None

    def open_raw(self, whole=False):
        """The file's bytes as they are on disk (of a pipe: its head unless ``whole``)."""
        if self.data is None:
            return open(self.path, "rb")
        if self.stream is None or not whole:
            return io.BytesIO(self.data)
        stream, self.stream = self.stream, None  # (a pipe is read to its end once)
        return io.BufferedReader(_Chained(self.data, stream))

    @contextlib.contextmanager
    def open(self, bar=None, whole=False):
        """The decompressed bytes; ``bar`` (a tqdm bar) counts the bytes read from disk."""
        with contextlib.ExitStack() as stack:
            file = stack.enter_context(self.open_raw(whole))
            if bar is not None and self.compression != "zip":  # (zip needs to seek)
                file = stack.enter_context(io.BufferedReader(_Counted(file, bar)))
            if self.compression == "zip":
                archive = stack.enter_context(zipfile.ZipFile(file))
                file = stack.enter_context(archive.open(archive.namelist()[0]))
            elif self.compression:
                file = stack.enter_context(_OPENERS[self.compression](file))
            yield file


class _Chained(io.RawIOBase):
    """The bytes ``head`` then those of the binary file ``rest`` (closed with this)."""

    def __init__(self, head, rest):
        self.head, self.rest = memoryview(head), rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        return self.rest.readinto(buffer)

    def close(self):
        self.rest.close()
        super().close()


def _is_skops(open_raw):
    try:
        with open_raw() as file, zipfile.ZipFile(file) as archive:
            return "schema.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


class _Counted(io.RawIOBase):
    """A binary file whose reads advance a progress bar by the bytes read."""

    def __init__(self, file, bar):
        self.file, self.bar = file, bar

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.file.readinto(buffer)
        self.bar.update(n or 0)
        return n


def first_record(text, limit=2**28):
    """The first logical record of a text stream: lines up to an even number of quotes.

    An unbalanced quote would make the whole file one record: reading stops
    after ``limit`` characters.
    """
    record = ""
    for line in text:
        record += line
        if record.count('"') % 2 == 0 or len(record) > limit:
            break
    return record


def count_fields(record, sep):
    """The number of fields of a CSV record with separator ``sep``, quotes respected.

    Examples
    --------
    >>> from skl1net.cli._tables import count_fields
    >>> count_fields('a;"b;c";d\\n', ";"), count_fields('a;"b\\nc";d\\n', ";")
    (3, 3)
    """
    if '"' not in record:
        return record.count(sep) + 1
    return len(next(csv.reader(io.StringIO(record, newline=""), delimiter=sep), []))


def sniff(source):
    """``(separator, number of columns, bytes of the header)`` of a CSV source.

    The separator is whichever of ``,``, ``;`` and tab splits the first logical
    record into the most fields (``,`` on a tie). A file with no line after
    its header is refused here, before pandas parses a possibly huge header.
    """
    try:
        with source.open() as file:
            text = io.TextIOWrapper(file, encoding=source.encoding, errors="replace", newline="")
            record = first_record(text)
            rest = text.read(4096)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        if source.stream is None:
            raise UserError(f"cannot read {source.path}: {one_line(exc)}") from None
        rest = ""  # (a compressed head ends mid-stream)
    if source.stream is not None and not rest:  # the header fills a pipe's head
        source.read_all()
        return sniff(source)
    if "\0" in record[:4096]:
        raise UserError(f"cannot read {source.path}: it holds binary data, not CSV text")
    if record.strip() and not rest.strip():
        raise UserError(f"{source.path} has no data rows")
    counts = {sep: count_fields(record, sep) for sep in SEPARATORS}
    sep = max(SEPARATORS, key=counts.get)
    return sep, counts[sep], len(record.encode(source.encoding, errors="replace"))


def _read_number(path, field=0):
    with open(path) as file:
        return int(file.read().split()[field])


def available_memory():
    """Bytes of memory this process can still use.

    The smallest of the memory the system has available, what its cgroup (a
    container's limit) leaves, and what its address-space limit (``ulimit -v``)
    leaves; infinite when none can be read.
    """
    bounds = []
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/meminfo") as meminfo:
            bounds += [int(line.split()[1]) * 1024 for line in meminfo
                       if line.startswith("MemAvailable:")]
    if not bounds:
        with contextlib.suppress(ValueError, OSError, AttributeError):
            bounds.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    with contextlib.suppress(OSError, ValueError, IndexError):  # ('max': no limit)
        cgroup = "/sys/fs/cgroup/memory"
        bounds.append(_read_number(cgroup + ".max") - _read_number(cgroup + ".current"))
    with contextlib.suppress(ImportError, ValueError, OSError, IndexError):
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit != resource.RLIM_INFINITY:
            used = _read_number("/proc/self/statm") * os.sysconf("SC_PAGE_SIZE")
            bounds.append(limit - used)
    return min(bounds, default=float("inf"))


def check_fits_in_memory(source, n_columns, header_bytes, max_rows=None):
    """Refuse a CSV whose estimated parsed size exceeds the available memory.

    The rows are estimated from the file's size and its header's length (a
    data line is about as long as the header); ``max_rows`` bounds them when
    the file is read in chunks of that many rows.
    """
    size = source.size * (1 if source.compression is None else 5)  # (a guess when compressed)
    n_rows = max(size - header_bytes, 0) // max(header_bytes, 1) + 1
    if max_rows is not None:
        n_rows = min(n_rows, max_rows)
    need = n_rows * n_columns * CELL_BYTES + n_columns * COLUMN_BYTES
    available = available_memory()
    if need > available:
        raise UserError(
            f"{source.path} is too large to read: {n_columns:,} columns and about "
            f"{n_rows:,} row{'s' * (n_rows != 1)} need about {need / 2**30:.1f} GiB, more than the "
            f"{available / 2**30:.1f} GiB of memory available; select fewer columns first"
        )


def _numeric_count(frame):
    from pandas.api.types import is_numeric_dtype

    return sum(map(is_numeric_dtype, frame.dtypes))


def _read_error(source, exc):
    hint = ""
    if isinstance(exc, UnicodeDecodeError):
        hint = f" (it is not {source.encoding} text: pass its encoding, e.g. --encoding latin-1)"
    return UserError(f"cannot read {source.path}: {one_line(exc)}{hint}")


def csv_options(pd, source, chunk_cells=None):
    """The :func:`pandas.read_csv` options of a CSV source: separator and decimal mark.

    Semicolon-separated files often come with decimal commas (spreadsheets of
    such locales write ``1,5;2``): when reading the commas as decimal marks
    gives more numeric columns in the first rows, that reading is kept. With
    ``chunk_cells``, the options include a ``chunksize`` of rows holding about
    that many cells (at least one row).
    """
    sep, n_columns, header_bytes = sniff(source)
    chunk_rows = None if chunk_cells is None else max(1, chunk_cells // n_columns)
    check_fits_in_memory(source, n_columns, header_bytes, chunk_rows)
    options = {"sep": sep, "encoding": source.encoding}
    if sep == ";":
        try:
            with source.open() as file:
                sample = pd.read_csv(file, nrows=1000, **options)
            if _numeric_count(sample) < sample.shape[1]:
                with source.open() as file:
                    commas = pd.read_csv(file, nrows=1000, decimal=",", **options)
                if _numeric_count(commas) > _numeric_count(sample):
                    options["decimal"] = ","
        except (ValueError, OSError, EOFError):
            pass  # reported by the full read
    if chunk_rows is not None:
        options["chunksize"] = chunk_rows
    return options


def _progress_bar(source, command, show):
    if not show or source.size < PROGRESS_BYTES:
        return contextlib.nullcontext()
    tqdm = require("tqdm", command).tqdm
    name = os.path.basename(source.path)
    return tqdm(total=source.size, desc=f"reading {name}", unit="B", unit_scale=True, leave=False)


def read_table(path, command, *, encoding="utf-8", progress=False):
    """Read a CSV or Parquet table into a DataFrame (a bar on stderr if ``progress``)."""
    pd = require("pandas", command)
    source = Source(path, encoding)
    try:
        if source.parquet:
            with source.open_raw() as file:
                table = pd.read_parquet(file)
        else:
            options = csv_options(pd, source)
            bar = _progress_bar(source, command, progress)
            with bar as bar, source.open(bar, whole=True) as file:
                # (low_memory=False: a column's type is inferred from all its rows)
                table = pd.read_csv(file, low_memory=False, **options)
    except ImportError as exc:
        raise UserError(f"cannot read Parquet file {path}: {one_line(exc)}") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise _read_error(source, exc) from None
    if table.shape[0] == 0:
        raise UserError(f"{path} has no data rows")
    return table


def iter_table(path, command, *, encoding="utf-8", chunk_cells=10**6, text=()):
    """The rows of a CSV or Parquet table, as DataFrames of about ``chunk_cells`` values.

    Memory does not grow with the file for CSV; a Parquet file is read whole.
    The columns named in ``text`` are read as text in every chunk (a chunk of a
    text column may hold only numbers).
    """
    pd = require("pandas", command)
    source = Source(path, encoding)
    n_rows = 0
    try:
        if source.parquet:
            with source.open_raw() as file:
                table = pd.read_parquet(file)
            step = max(1, chunk_cells // max(table.shape[1], 1))
            yield from (table.iloc[i : i + step] for i in range(0, len(table), step))
            n_rows = len(table)
        else:
            options = csv_options(pd, source, chunk_cells)
            options["dtype"] = dict.fromkeys(text, str)
            with source.open(whole=True) as file:
                for chunk in pd.read_csv(file, **options):
                    n_rows += len(chunk)
                    yield chunk
    except ImportError as exc:
        raise UserError(f"cannot read Parquet file {path}: {one_line(exc)}") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise _read_error(source, exc) from None
    if n_rows == 0:
        raise UserError(f"{path} has no data rows")
