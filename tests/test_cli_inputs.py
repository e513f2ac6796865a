"""Input files of the command line: wide, piped, compressed, oddly encoded or quoted."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("skops.io")

from cli_helpers import (  # noqa: E402,F401
    FAST,
    assert_one_line_error,
    assert_trains_like_csv,
    data,
    in_tmp_path,
    run,
    scores,
    table,
)


def test_a_missing_column_error_is_bounded_on_a_wide_table(tmp_path, capsys):
    wide = tmp_path / "wide.csv"
    names = [f"feature_{i}" for i in range(20_000)]
    wide.write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n")
    code, _, err = run(capsys, "train", wide, "--target", "nope", *FAST)
    assert_one_line_error(code, err, "no column 'nope'", "'feature_0'", "(20000 in all)")
    assert len(err) < 500


def test_a_table_too_wide_for_memory_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    from skl1net.cli import _tables

    wide = tmp_path / "wide.csv"
    n = 5_000
    rows = [",".join(f"c{i}" for i in range(n))] + [",".join(["0.5"] * n)] * 20
    wide.write_text("\n".join(rows) + "\n")
    monkeypatch.setattr(_tables, "available_memory", lambda: 2**20)
    monkeypatch.setattr(pd, "read_csv", None)  # reading would fail with a TypeError
    code, _, err = run(capsys, "train", wide, "--target", "c0", *FAST)
    assert_one_line_error(code, err, "wide.csv is too large to read", "5,000 columns", "memory")


def _serve_through_fifo(path, content):
    """A named pipe at ``path`` that yields ``content`` once to the first reader."""
    os.mkfifo(path)

    def write():
        with open(path, "wb") as pipe:
            pipe.write(content)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("head_bytes", [None, 1000, 10])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_named_pipe_is_read_once_like_the_file(tmp_path, data, capsys, monkeypatch,
                                                 head_bytes, compressed):
    import gzip

    from skl1net.cli import _tables

    if head_bytes:  # the pipe goes on after the part kept for sniffing
        monkeypatch.setattr(_tables, "HEAD_BYTES", head_bytes)
    content = open(data, "rb").read()
    content = gzip.compress(content) if compressed else content
    results = []
    for command in (["train", "{}", "--target", "target", *FAST, "--out", "m.skops"],
                    ["predict", "m.skops", "{}", "--out", "p.csv"]):
        outputs = []
        for source in (data, tmp_path / "pipe"):
            if source != data:
                thread = _serve_through_fifo(source, content)
            code, out, err = run(capsys, *(str(source) if a == "{}" else a for a in command))
            assert code == 0, err
            outputs.append(scores(out) if command[0] == "train" else open("p.csv").read())
            if source != data:
                thread.join(timeout=60)
                os.unlink(source)
        assert outputs[0] == outputs[1]


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/stdin and bash")
def test_stdin_and_process_substitution(tmp_path, data, capsys):
    import skl1net

    root = os.path.dirname(os.path.dirname(os.path.abspath(skl1net.__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    cli = f"{sys.executable} -m skl1net"
    script = (
        f"{cli} train <(cat {data}) --target target {' '.join(FAST)} --out m.skops && "
        f"{cli} predict m.skops /dev/stdin --out /dev/stdout < {data} > p.csv"
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            env=env, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout
    assert len(pd.read_csv(tmp_path / "p.csv")) == 300


@pytest.mark.parametrize(
    "compression, sep, decimal",
    [("gzip", ";", "."), ("gzip", ";", ","), ("gzip", "\t", "."), ("bz2", ";", "."),
     ("xz", "\t", "."), ("zip", ";", ",")],
)
def test_compressed_files_are_sniffed_after_decompression(tmp_path, data, table, capsys,
                                                          compression, sep, decimal):
    compressed = tmp_path / "cancer.data"  # (a name that says nothing)
    table.to_csv(compressed, index=False, sep=sep, decimal=decimal,
                 compression={"method": compression, "archive_name": "c.csv"}
                 if compression == "zip" else compression)
    assert_trains_like_csv(capsys, data, compressed, tmp_path / "m.skops")
    code, _, err = run(capsys, "predict", tmp_path / "m.skops", compressed, "--out", "p.csv")
    assert code == 0, err


def test_a_quoted_newline_in_the_header_does_not_break_separator_detection(
    tmp_path, table, capsys
):
    renamed = table.rename(columns={"mean_radius": "radius,\nmean, in mm"})
    quoted = tmp_path / "quoted.csv"
    renamed.to_csv(quoted, index=False, sep=";")
    plain = tmp_path / "plain.csv"
    renamed.to_csv(plain, index=False)
    assert_trains_like_csv(capsys, plain, quoted, tmp_path / "m.skops")


def test_latin1_files_load_with_encoding(tmp_path, table, capsys):
    latin = tmp_path / "latin.csv"
    frame = table.rename(columns={"mean_radius": "rayon_moyen_é"})
    frame.assign(ville=np.where(table["target"] == 1, "Besançon", "Orléans")).to_csv(
        latin, index=False, encoding="latin-1"
    )
    code, _, err = run(capsys, "train", latin, "--target", "target", *FAST)
    assert_one_line_error(code, err, "cannot read", "--encoding")
    code, out, err = run(capsys, "train", latin, "--target", "target", *FAST,
                         "--encoding", "latin-1")
    assert code == 0, err
    code, _, err = run(capsys, "predict", "model.skops", latin, "--encoding", "latin1")
    assert code == 0, err


def test_infinite_values_are_named_with_file_and_column(tmp_path, table, capsys):
    path = tmp_path / "inf.csv"
    values = table["mean_area"].to_numpy().copy()
    values[2] = np.inf
    table.assign(mean_area=values).to_csv(path, index=False)
    code, _, err = run(capsys, "train", path, "--target", "target", *FAST)
    assert_one_line_error(code, err, "infinite values", str(path), "'mean_area'", "data row 3")


def test_reading_a_large_file_shows_progress_on_a_terminal(tmp_path, data, capsys, monkeypatch):
    import tqdm

    from skl1net.cli import _tables

    bars = []

    class Bar(tqdm.tqdm):
        def close(self):
            bars.append((self.desc, self.n, self.total))
            super().close()

    monkeypatch.setattr(tqdm, "tqdm", Bar)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(_tables, "PROGRESS_BYTES", 1000)
    code, _, err = run(capsys, "train", data, "--target", "target", "--hidden", "8",
                       "--epochs", "3")
    assert code == 0, err
    size = os.path.getsize(data)
    assert ("reading cancer.csv", size, size) in bars


def test_a_header_only_file_is_refused_before_parsing_its_header(tmp_path, capsys):
    wide = tmp_path / "header.csv"
    wide.write_text(",".join(f"c{i}" for i in range(300_000)) + "\n")
    code, _, err = run(capsys, "train", wide, "--target", "c0", *FAST)
    assert_one_line_error(code, err, "header.csv has no data rows")


def test_predict_reads_in_chunks_what_train_cannot_read_at_once(data, capsys, monkeypatch):
    from skl1net.cli import _predict, _tables

    assert run(capsys, "train", data, "--target", "target", *FAST)[0] == 0
    # 300 rows x 31 columns need about 350 kB at once, 7 rows about 130 kB.
    monkeypatch.setattr(_tables, "available_memory", lambda: 200_000)
    monkeypatch.setattr(_predict, "CHUNK_CELLS", 7 * 31)
    code, _, err = run(capsys, "train", data, "--target", "target", *FAST)
    assert_one_line_error(code, err, "too large to read")
    code, out, err = run(capsys, "predict", "model.skops", data, "--out", "p.csv")
    assert code == 0, err
    assert "wrote 300 predictions" in out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ulimit -v and /proc")
def test_an_address_space_limit_counts_as_the_memory_available(tmp_path):
    import skl1net

    n = 1_000_000  # about 4 GiB to parse, whatever the number of rows
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join(["0"] * n) + "\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(skl1net.__file__)))
    env = {**os.environ, "PYTHONPATH": root, "OPENBLAS_NUM_THREADS": "1"}
    script = f"ulimit -v 3000000; {sys.executable} -m skl1net train {wide} --target c0 --quiet"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            env=env, cwd=tmp_path, check=False, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "wide.csv is too large to read: 1,000,000 columns" in result.stderr
    assert "Traceback" not in result.stderr
