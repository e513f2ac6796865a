"""What the command-line tests share: data, running ``main`` and checking its errors."""

import pytest
from sklearn.datasets import load_breast_cancer

from skl1net.cli._main import main

FAST = ["--hidden", "8", "--epochs", "15", "--quiet"]


def cancer_table():
    """300 rows of the breast cancer data, column names without spaces."""
    frame = load_breast_cancer(as_frame=True).frame.sample(300, random_state=0)
    return frame.rename(columns=lambda c: c.replace(" ", "_"))


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Default output files land in the test's folder, never in the repository."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def table():
    return cancer_table()


@pytest.fixture
def data(tmp_path, table):
    path = tmp_path / "cancer.csv"
    table.to_csv(path, index=False)
    return str(path)


def run(capsys, *argv):
    """``main(argv)`` -> (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *words):
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], err
    for word in words:
        assert word in lines[0], err


def scores(out):
    """The accuracy and sparsity lines of a ``train`` report."""
    return [line for line in out.splitlines() if "accuracy" in line or "zero" in line]


def assert_trains_like_csv(capsys, data, other, model, *options):
    """Training on ``other`` reports the accuracy and sparsity of training on the CSV ``data``."""
    outs = []
    for path in (data, other):
        code, out, err = run(capsys, "train", path, "--target", "target", *FAST, *options,
                             "--out", model)
        assert code == 0, err
        outs.append(scores(out))
    assert outs[0] == outs[1]


def load(path):
    import skops.io as sio

    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


