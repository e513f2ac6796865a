"""Model files in the command line: what skl1net writes loads; what is not a model is named."""

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
sio = pytest.importorskip("skops.io")
scipy_sparse = pytest.importorskip("scipy.sparse")

from cli_helpers import (  # noqa: E402,F401
    FAST,
    assert_one_line_error,
    data,
    in_tmp_path,
    run,
    table,
)


def _compacted(table, kind):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skl1net import L1MLPClassifier

    X, y = table.drop(columns="target"), table["target"]
    clf = L1MLPClassifier((16,), lmbda=3e-3, max_iter=30, random_state=0)
    if kind == "pipeline":
        model = make_pipeline(StandardScaler(), clf).fit(X, y)
        model.steps[-1] = (model.steps[-1][0], model[-1].compact(sparse=True))
        return model
    clf.fit((X - X.mean()) / X.std(), y)
    return clf.compact(sparse=kind == "csr")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("kind", ["dense", "csr", "pipeline"])
def test_compacted_models_load_through_the_trusted_list(tmp_path, data, table, capsys, kind):
    from skl1net.cli._models import load_model

    model = _compacted(table, kind)
    mlp = model[-1] if kind == "pipeline" else model
    assert scipy_sparse.issparse(mlp.coefs_[0]) == (kind != "dense")
    path = tmp_path / "compact.skops"
    sio.dump(model, path)
    X = table.drop(columns="target")
    if kind != "pipeline":
        X = (X - X.mean()) / X.std()
        X.to_csv(tmp_path / "scaled.csv", index=False)
        data = tmp_path / "scaled.csv"
    loaded = load_model(str(path), allow_pickle=False, command="predict", warn=print)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))

    code, _, err = run(capsys, "predict", path, data, "--proba", "--out", "p.csv")
    assert code == 0, err
    written = pd.read_csv("p.csv")
    np.testing.assert_array_equal(written["prediction"], model.predict(X))
    np.testing.assert_allclose(written[["proba_0", "proba_1"]], model.predict_proba(X))


def test_the_trusted_list_holds_data_containers_only():
    from skl1net.cli._models import TRUSTED_TYPES, is_trusted

    assert all(name.startswith("scipy.sparse.") or name == "numpy.dtype"
               for name in TRUSTED_TYPES)
    for name in ("builtins.eval", "builtins.exec", "os.system", "numpy.load",
                 "scipy.sparse.load_npz", "skl1net.cli._models.importlib"):
        assert not is_trusted(name)


@pytest.fixture
def model(tmp_path, data, capsys):
    path = tmp_path / "m.skops"
    assert run(capsys, "train", data, "--target", "target", *FAST, "--out", path)[0] == 0
    return str(path)


def test_swapped_arguments_say_what_each_file_is(tmp_path, data, model, capsys):
    code, _, err = run(capsys, "predict", data, model, "--out", "p.csv")
    assert_one_line_error(code, err, f"{data} is a text file, not a skops model file",
                          "usage: skl1net predict MODEL DATA")
    assert "pickle" not in err
    code, _, err = run(capsys, "predict", model, model, "--out", "p.csv")
    assert_one_line_error(code, err, "is a skops model file, not a table", "usage:")


@pytest.mark.parametrize("damage", ["truncated", "cut in half", "flipped", "empty zip"])
def test_a_damaged_model_file_is_reported_as_damaged(tmp_path, data, model, capsys, damage):
    content = bytearray(open(model, "rb").read())
    if damage == "truncated":
        content = content[:-10]
    elif damage == "cut in half":
        content = content[: len(content) // 2]
    elif damage == "flipped":
        for i in range(len(content) // 3, len(content) // 3 + 4):
            content[i] ^= 0x5A
    else:
        content = bytearray(b"PK\x05\x06" + b"\x00" * 18)
    with open(model, "wb") as file:
        file.write(content)
    code, _, err = run(capsys, "predict", model, data, "--out", "p.csv")
    assert_one_line_error(code, err, model)
    expected = "zip archive, not a skops model" if damage == "empty zip" else "damaged skops"
    assert expected in err
    assert "allow-pickle" not in err and "pickle" not in err


def test_an_empty_or_binary_model_file(tmp_path, data, capsys):
    empty = tmp_path / "empty.skops"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "predict", empty, data)
    assert_one_line_error(code, err, "is an empty file, not a skops model file")
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 4)
    code, _, err = run(capsys, "predict", noise, data)
    assert_one_line_error(code, err, "not a skops model file", "--allow-pickle")
