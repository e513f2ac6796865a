"""The command line never destroys a file: outputs that are inputs are refused, writes are whole."""

import os

import pytest

pd = pytest.importorskip("pandas")
sio = pytest.importorskip("skops.io")
pytest.importorskip("matplotlib")

from cli_helpers import FAST, assert_one_line_error, data, in_tmp_path, run, table  # noqa: E402,F401


@pytest.fixture
def model(tmp_path, data, capsys):
    path = tmp_path / "m.skops"
    assert run(capsys, "train", data, "--target", "target", *FAST, "--out", path)[0] == 0
    return str(path)


def _spelling(tmp_path, path, how):
    """Another name of the file ``path``: relative, with '..', a symlink or a hard link."""
    name = os.path.basename(path)
    if how == "relative":  # (the current folder is tmp_path)
        return name
    if how == "dotted":
        (tmp_path / "sub").mkdir()
        return str(tmp_path / "sub" / ".." / name)
    if how in ("symlink", "hard link"):
        link = tmp_path / f"link-{name}"
        (os.symlink if how == "symlink" else os.link)(path, link)
        return str(link)
    return path


@pytest.mark.parametrize("how", ["same", "relative", "dotted", "symlink", "hard link"])
@pytest.mark.parametrize("command", ["train", "predict data", "predict model", "path"])
def test_an_output_that_is_an_input_is_refused_before_any_work(
    tmp_path, data, model, capsys, how, command
):
    out = _spelling(tmp_path, model if command == "predict model" else data, how)
    files = {p: open(p, "rb").read() for p in (data, model)}
    argv = {
        "train": ["train", data, "--target", "target", *FAST, "--out", out],
        "predict data": ["predict", model, data, "--out", out],
        "predict model": ["predict", model, data, "--out", out],
        # the file a derived name (PREFIX.csv) would produce
        "path": ["path", data, "--target", "target", *FAST, "--out", out[: -len(".csv")]],
    }[command]
    code, out_text, err = run(capsys, *argv)
    assert_one_line_error(code, err, "refusing to write", "choose another --out")
    assert "accuracy" not in out_text
    for path, content in files.items():
        assert open(path, "rb").read() == content


def _fail_midway(monkeypatch, owner, name, error=KeyboardInterrupt):
    """Make ``owner.name`` write part of its output to a file, then fail."""

    def write_then_fail(*args, **kwargs):
        file = next(a for a in args if hasattr(a, "write"))
        file.write(b"partial" if "b" in getattr(file, "mode", "b") else "partial")
        raise error()

    monkeypatch.setattr(owner, name, write_then_fail)


def _assert_intact(tmp_path, path, content):
    assert open(path, "rb").read() == content
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".part")]


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_a_failed_model_write_keeps_the_old_model(tmp_path, data, model, capsys, monkeypatch,
                                                  error):
    before = open(model, "rb").read()
    _fail_midway(monkeypatch, sio, "dump", error)
    argv = ["train", data, "--target", "target", *FAST, "--lmbda", "0.01", "--out", model]
    if error is KeyboardInterrupt:
        code, _, err = run(capsys, *argv)
        assert code == 130 and err.endswith("skl1net train: interrupted\n")
    else:
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.splitlines()[-1].endswith(f"error: cannot write {model}: OSError")
    _assert_intact(tmp_path, model, before)


def test_a_failed_table_or_plot_write_keeps_the_old_files(tmp_path, data, capsys, monkeypatch):
    from matplotlib.figure import Figure

    argv = ["path", data, "--target", "target", *FAST, "--lmbdas", "0.1,1e-3", "--out", "sweep"]
    assert run(capsys, *argv)[0] == 0
    before = {p: open(p, "rb").read() for p in ("sweep.csv", "sweep.png")}
    with monkeypatch.context() as patch:
        _fail_midway(patch, pd.DataFrame, "to_csv")
        assert run(capsys, *argv)[0] == 130
    for path, content in before.items():
        _assert_intact(tmp_path, path, content)
    _fail_midway(monkeypatch, Figure, "savefig")  # (after the table is written)
    assert run(capsys, *argv)[0] == 130
    _assert_intact(tmp_path, "sweep.png", before["sweep.png"])


def test_a_failed_predict_keeps_the_old_predictions(tmp_path, data, model, capsys, monkeypatch):
    from skl1net import L1MLPClassifier

    assert run(capsys, "predict", model, data, "--out", "p.csv")[0] == 0
    before = open("p.csv", "rb").read()
    calls = []

    def predict_then_fail(self, X):
        calls.append(len(X))
        if len(calls) > 1:
            raise KeyboardInterrupt
        return original(self, X)

    original = L1MLPClassifier.predict
    monkeypatch.setattr(L1MLPClassifier, "predict", predict_then_fail)
    monkeypatch.setattr("skl1net.cli._predict.CHUNK_CELLS", 100 * 32, raising=False)
    assert run(capsys, "predict", model, data, "--out", "p.csv")[0] == 130
    _assert_intact(tmp_path, "p.csv", before)


def test_a_written_file_keeps_its_permissions_and_symlink(tmp_path, data, model, capsys):
    os.chmod(model, 0o640)
    os.symlink(model, tmp_path / "link.skops")
    argv = ["train", data, "--target", "target", *FAST, "--lmbda", "0.01"]
    assert run(capsys, *argv, "--out", tmp_path / "link.skops")[0] == 0
    assert os.path.islink(tmp_path / "link.skops")
    assert os.stat(model).st_mode & 0o777 == 0o640
    assert sio.load(model, trusted=sio.get_untrusted_types(file=model))[-1].lmbda == 0.01
