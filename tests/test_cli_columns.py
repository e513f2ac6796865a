"""Tables as they come: text columns, missing values, identifiers, options, chunked predict."""

import sys

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
sio = pytest.importorskip("skops.io")
pytest.importorskip("tqdm")

from cli_helpers import (  # noqa: E402,F401
    FAST,
    assert_one_line_error,
    data,
    in_tmp_path,
    load,
    run,
    table,
)

from skl1net.cli._main import main  # noqa: E402


@pytest.fixture
def mixed(table):
    """The cancer table with a pandas index, an id, a text column and a free-text column."""
    frame = table.reset_index(drop=True)
    frame.insert(0, "patient", [f"p{i:03d}" for i in range(len(frame))])
    size = np.where(frame["mean_radius"] > frame["mean_radius"].median(), "large", "small")
    return frame.assign(size=size, notes=[f"note {i}" for i in range(len(frame))])


def test_text_columns_are_one_hot_encoded_inside_the_saved_model(tmp_path, mixed, capsys):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    path = tmp_path / "mixed.csv"
    mixed.to_csv(path)  # with the index: a first column 'Unnamed: 0'
    code, out, err = run(capsys, "train", path, "--target", "target", "--id", "patient",
                         "--drop", "notes", *FAST)
    assert code == 0, err
    assert "note: column 'Unnamed: 0'" in err and "not used as a feature" in err
    model = load("model.skops")
    features = list(model.feature_names_in_)
    assert "size" in features and len(features) == 31
    assert not {"patient", "notes", "Unnamed: 0", "target"} & set(features)
    encoder = model[0]
    assert isinstance(encoder, ColumnTransformer)
    onehot = encoder.named_transformers_["categorical"][-1]
    assert isinstance(onehot, OneHotEncoder) and onehot.handle_unknown == "ignore"

    new = tmp_path / "new.csv"
    rows = mixed.drop(columns="target").iloc[:20].assign(size=["huge"] * 10 + ["small"] * 10)
    rows.to_csv(new, index=False)
    code, out, err = run(capsys, "predict", "model.skops", new, "--id", "patient",
                         "--out", "p.csv")
    assert code == 0, err
    written = pd.read_csv("p.csv")
    assert list(written.columns) == ["patient", "prediction"]
    assert list(written["patient"]) == list(rows["patient"])
    np.testing.assert_array_equal(written["prediction"], model.predict(rows))


def test_a_text_column_of_distinct_values_is_pointed_out(tmp_path, mixed, capsys):
    path = tmp_path / "mixed.csv"
    mixed.to_csv(path, index=False)
    code, _, err = run(capsys, "train", path, "--target", "target", "--id", "patient", *FAST)
    assert code == 0, err
    assert "warning: text column 'notes'" in err and "300 distinct values" in err
    assert "'size'" not in err and "'patient'" not in err


def test_missing_values_need_impute_which_is_saved_in_the_model(tmp_path, mixed, capsys):
    from sklearn.impute import SimpleImputer

    holes = mixed.drop(columns=["patient", "notes"])
    holes.loc[[3, 7], "mean_texture"] = np.nan
    holes.loc[[5], "size"] = np.nan
    path = tmp_path / "holes.csv"
    holes.to_csv(path, index=False)
    code, _, err = run(capsys, "train", path, "--target", "target", *FAST)
    assert_one_line_error(code, err, "missing values", "'mean_texture'", "'size'",
                          "data row 4", "--impute")
    code, _, err = run(capsys, "train", path, "--target", "target", *FAST, "--impute", "median")
    assert code == 0, err
    model = load("model.skops")
    imputers = [p for p in model.get_params(deep=True).values() if isinstance(p, SimpleImputer)]
    assert sorted(i.strategy for i in imputers) == ["median", "most_frequent"]
    code, _, err = run(capsys, "predict", "model.skops", path, "--out", "p.csv")
    assert code == 0, err
    assert pd.read_csv("p.csv")["prediction"].notna().all()


def test_version(capsys):
    import skl1net

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"skl1net {skl1net.__version__}"


def test_test_size_0_trains_on_all_rows(data, table, capsys):
    code, out, err = run(capsys, "train", data, "--target", "target", *FAST, "--test-size", "0")
    assert code == 0, err
    assert "trained on all 300 rows" in out and "test accuracy" not in out
    assert load("model.skops")[-1].n_iter_ > 0
    code, _, err = run(capsys, "path", data, "--target", "target", *FAST, "--test-size", "0")
    assert_one_line_error(code, err, "--test-size must be > 0")


@pytest.mark.parametrize("hidden", ["", "10,,5", "10,", ",", "0", "a"])
def test_hidden_is_parsed_strictly(hidden, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "x.csv", "--target", "y", "--hidden", hidden])
    assert exc.value.code == 2
    assert "--hidden" in capsys.readouterr().err


def test_hidden_none_is_a_network_without_hidden_layer(data, capsys):
    code, _, err = run(capsys, "train", data, "--target", "target", "--hidden", "none",
                       "--epochs", "5", "--quiet")
    assert code == 0, err
    assert len(load("model.skops")[-1].coefs_) == 1


def test_the_progress_bar_shows_no_training_messages(data, capsys, monkeypatch):
    import tqdm

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    written = []
    monkeypatch.setattr(tqdm.tqdm, "write", classmethod(lambda cls, s, **_: written.append(s)))
    code, _, err = run(capsys, "train", data, "--target", "target", "--hidden", "8",
                       "--epochs", "300")
    assert code == 0, err
    assert load("model.skops")[-1].n_iter_ < 300  # it stopped early, and printed why
    assert not written
    assert "did not improve" not in err and "Stopping" not in err


def test_chunked_predict_writes_what_one_chunk_would(tmp_path, data, capsys, monkeypatch):
    from skl1net import L1MLPClassifier
    from skl1net.cli import _predict

    assert run(capsys, "train", data, "--target", "target", *FAST)[0] == 0
    monkeypatch.setattr(_predict, "CHUNK_CELLS", 10**9)
    assert run(capsys, "predict", "model.skops", data, "--proba", "--out", "whole.csv")[0] == 0
    sizes = []
    original = L1MLPClassifier.predict_proba
    monkeypatch.setattr(L1MLPClassifier, "predict_proba",
                        lambda self, X: sizes.append(len(X)) or original(self, X))
    monkeypatch.setattr(_predict, "CHUNK_CELLS", 7 * 31)  # 31 columns: 7 rows
    code, out, err = run(capsys, "predict", "model.skops", data, "--proba", "--out", "chunked.csv")
    assert code == 0, err
    assert "wrote 300 predictions" in out
    assert max(sizes) <= 7 and len(sizes) >= 43
    assert open("chunked.csv").read() == open("whole.csv").read()


def test_a_chunk_of_a_text_column_holding_only_numbers_is_read_as_text(
    tmp_path, mixed, capsys, monkeypatch
):
    from skl1net.cli import _predict

    grade = np.where(mixed["target"] == 1, "1", "2").astype(object)
    grade[::50] = "unknown"  # a text column, but some chunks hold only numbers
    path = tmp_path / "grades.csv"
    mixed.drop(columns=["patient", "notes", "size"]).assign(grade=grade).to_csv(path, index=False)
    assert run(capsys, "train", path, "--target", "target", *FAST)[0] == 0
    model = load("model.skops")
    assert model[0].named_transformers_["categorical"][-1].categories_[0].tolist() == [
        "1", "2", "unknown"
    ]
    monkeypatch.setattr(_predict, "CHUNK_CELLS", 10 * 32)
    code, _, err = run(capsys, "predict", "model.skops", path, "--proba", "--out", "p.csv")
    assert code == 0, err
    table = pd.read_csv(path, dtype={"grade": str})
    np.testing.assert_allclose(pd.read_csv("p.csv")[["proba_0", "proba_1"]],
                               model.predict_proba(table), rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_text_column_whose_first_rows_look_numeric_is_text(tmp_path, capsys):
    n = 270_000  # more rows than pandas reads at a time by default
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=n).round(3),
                          "grade": np.where(np.arange(n) < n - 500, "1", "x"),
                          "t": rng.integers(0, 2, n)})
    frame.to_csv(tmp_path / "grades.csv", index=False)
    code, _, err = run(capsys, "train", tmp_path / "grades.csv", "--target", "t", "--hidden",
                       "2", "--epochs", "1", "--quiet")
    assert code == 0, err
    encoder = load("model.skops")[0].named_transformers_["categorical"][-1]
    assert encoder.categories_[0].tolist() == ["1", "x"]
