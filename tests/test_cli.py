"""The command line: each command on small data, the files it writes, its errors."""

import subprocess
import sys

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
sio = pytest.importorskip("skops.io")
pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

from cli_helpers import (  # noqa: E402,F401 (fixtures)
    FAST,
    assert_one_line_error,
    assert_trains_like_csv,
    data,
    in_tmp_path,
    run,
    table,
)

from skl1net.cli._main import main  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_train_prints_report_and_saves_a_model_predict_reads_it(tmp_path, data, table, capsys):
    model_path = tmp_path / "model.skops"
    code, out, _ = run(capsys, "train", data, "--target", "target", *FAST, "--out", model_path)
    assert code == 0
    for what in ("test accuracy", "exact-zero weights", "input features kept", "fit time"):
        assert what in out
    model = sio.load(model_path, trusted=sio.get_untrusted_types(file=model_path))
    assert model[-1].max_iter == 15 and model[-1].n_features_in_ == 30

    # Extra columns (here the target) are ignored and column order does not matter.
    new = tmp_path / "new.csv"
    table.iloc[:40, ::-1].to_csv(new, index=False)
    predictions = tmp_path / "pred.csv"
    code, out, _ = run(capsys, "predict", model_path, new, "--proba", "--out", predictions)
    assert code == 0 and "40 predictions" in out
    written = pd.read_csv(predictions)
    features = table.drop(columns="target").iloc[:40]
    np.testing.assert_array_equal(written["prediction"], model.predict(features))
    np.testing.assert_allclose(written[["proba_0", "proba_1"]].sum(axis=1), 1.0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_predict_with_a_regressor_or_a_multilabel_model(tmp_path, data, table, capsys):
    """Models saved from Python: one column per output; --proba only with probabilities."""
    from skl1net import L1MLPClassifier, L1MLPRegressor

    X = table.drop(columns="target")
    X = (X - X.mean()) / X.std()
    Y = np.c_[table["target"], X["mean_radius"] > 0].astype(int)
    models = {
        "regressor": L1MLPRegressor((8,), max_iter=5, random_state=0).fit(X, Y[:, 1] * 1.0),
        "multilabel": L1MLPClassifier((8,), max_iter=5, random_state=0).fit(X, Y),
    }
    scaled = tmp_path / "scaled.csv"
    X.to_csv(scaled, index=False)
    for name, model in models.items():
        path, out = tmp_path / f"{name}.skops", tmp_path / f"{name}.csv"
        sio.dump(model, path)
        proba = ["--proba"] if name == "multilabel" else []
        assert run(capsys, "predict", path, scaled, *proba, "--out", out)[0] == 0
        written = pd.read_csv(out)
        expected = model.predict(X).reshape(len(X), -1)
        columns = ["prediction"] if expected.shape[1] == 1 else ["prediction_0", "prediction_1"]
        np.testing.assert_allclose(written[columns].to_numpy(), expected)
    np.testing.assert_allclose(
        written[["proba_0", "proba_1"]].to_numpy(), models["multilabel"].predict_proba(X)
    )
    code, _, err = run(capsys, "predict", tmp_path / "regressor.skops", scaled, "--proba")
    assert_one_line_error(code, err, "L1MLPRegressor", "no class probabilities")


def test_parquet_input_trains_like_csv(tmp_path, data, table, capsys):
    pytest.importorskip("pyarrow")
    parquet = tmp_path / "cancer.parquet"
    table.to_parquet(parquet)
    assert_trains_like_csv(capsys, data, parquet, tmp_path / "m.skops")


@pytest.mark.parametrize("sep, decimal", [(";", "."), (";", ","), ("\t", ".")])
def test_semicolon_and_tab_separated_files_train_like_csv(tmp_path, data, table, capsys, sep,
                                                          decimal):
    other = tmp_path / "cancer.txt"
    table.to_csv(other, index=False, sep=sep, decimal=decimal)
    assert_trains_like_csv(capsys, data, other, tmp_path / "m.skops")
    code, out, _ = run(capsys, "predict", tmp_path / "m.skops", other, "--out", tmp_path / "p.csv")
    assert code == 0 and len(pd.read_csv(tmp_path / "p.csv")) == len(table)


def test_train_splits_unstratified_when_a_class_has_one_row(tmp_path, table, capsys):
    rare = tmp_path / "rare.csv"
    table.assign(target=np.r_[2, table["target"].to_numpy()[1:]]).to_csv(rare, index=False)
    code, out, err = run(capsys, "train", rare, "--target", "target", *FAST,
                         "--out", tmp_path / "m.skops")
    assert code == 0 and "test accuracy" in out
    assert "warning: The held-out part cannot be stratified (class 2 has a single sample)" in err


def test_progress_bar_counts_epochs_and_changes_nothing(tmp_path, data, capsys, monkeypatch):
    quiet, shown = tmp_path / "quiet.skops", tmp_path / "shown.skops"
    common = ["train", data, "--target", "target", "--hidden", "8", "--epochs", "12"]
    assert run(capsys, *common, "--quiet", "--out", quiet)[0] == 0
    import tqdm

    bars = []

    class Bar(tqdm.tqdm):
        def close(self):
            bars.append(self.n)
            super().close()

    monkeypatch.setattr(tqdm, "tqdm", Bar)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, _, err = run(capsys, *common, "--out", shown)
    assert code == 0 and "epoch" in err
    # one tick per epoch: 12 penalized ones and the 10 of the default debiasing
    assert bars[0] == 12 + 10
    a, b = (sio.load(p, trusted=sio.get_untrusted_types(file=p)) for p in (quiet, shown))
    assert b[-1].verbose is False
    for Wa, Wb in zip(a[-1].coefs_, b[-1].coefs_):
        np.testing.assert_array_equal(Wa, Wb)


def test_path_writes_table_and_plot_consistent_with_train(tmp_path, data, capsys):
    prefix = tmp_path / "sweep"
    code, out, _ = run(capsys, "path", data, "--target", "target", *FAST,
                       "--lmbdas", "1e-4,0.3,1e-2", "--out", prefix)
    assert code == 0
    sweep = pd.read_csv(f"{prefix}.csv")
    assert list(sweep["lmbda"]) == [0.3, 1e-2, 1e-4]
    assert sweep["zero_fraction"].iloc[0] > sweep["zero_fraction"].iloc[-1]
    with open(f"{prefix}.png", "rb") as f:
        assert f.read(8) == PNG_MAGIC
    # Each row is the model `train` gives for that lmbda.
    _, out, _ = run(capsys, "train", data, "--target", "target", *FAST, "--lmbda", "1e-2",
                    "--out", tmp_path / "m.skops")
    assert f"test accuracy        {sweep['test_accuracy'].iloc[1]:.4f}" in out


def test_demo_writes_the_weights_figure(tmp_path, capsys):
    png = tmp_path / "weights.png"
    code, out, _ = run(capsys, "demo", "--epochs", "3", "--quiet", "--out", png)
    assert code == 0
    for penalty in ("l2", "l1", "l1_prox"):
        assert f"\n{penalty} " in out
    assert str(png) in out
    with open(png, "rb") as f:
        assert f.read(8) == PNG_MAGIC


def test_demo_needs_no_arguments():
    from skl1net.cli._main import build_parser

    args = build_parser().parse_args(["demo"])
    assert (args.lmbda, args.epochs, args.out) == (3e-3, 200, "skl1net-demo.png")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["train", "{tmp}/absent.csv", "--target", "y"], ["no such file"]),
        (["train", "{data}", "--target", "nope"], ["no column 'nope'"]),
        (["train", "{headless}", "--target", "target"], ["no column 'target'", "header row"]),
        (["train", "{data}", "--target", "mean_radius"],
         ["'mean_radius'", "continuous", "not class labels"]),
        (["train", "{empty}", "--target", "target"], ["cannot read"]),
        (["train", "{binary}", "--target", "target"], ["cannot read"]),
        (["train", "{nan}", "--target", "target"], ["missing values", "'mean_radius'", "row 1"]),
        (["train", "{nan_target}", "--target", "target"], ["missing values", "'target'", "row 5"]),
        (["predict", "{model}", "{nan}"], ["missing values", "'mean_radius'", "row 1"]),
        (["train", "{data}", "--target", "target", "--out", "{tmp}/no/dir/m.skops"],
         ["cannot write"]),
        (["predict", "{tmp}/absent.skops", "{data}"], ["no such file"]),
        (["train", "{data}", "--target", "target", "--out", "{tmp}"],
         ["cannot write", "is a folder"]),
        (["predict", "{pickle}", "{data}"], ["--allow-pickle"]),
        (["predict", "{foreign}", "{data}"], ["refusing", "Unknown"]),
        (["predict", "{model}", "{fewer}"], ["no column 'mean_radius'"]),
        (["predict", "{model}", "{data}", "--out", "{tmp}/no/p.csv"], ["cannot write"]),
        (["path", "{data}", "--target", "target", "--out", "{tmp}/no/p"], ["cannot write"]),
        (["path", "{data}", "--target", "target", "--lmbda-min", "1", "--lmbda-max", "0.1"],
         ["--lmbda-min 1 must be smaller than --lmbda-max 0.1"]),
        (["demo", "--out", "{tmp}/no/demo.png"], ["cannot write"]),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, data, table, capsys, argv, words):
    import joblib

    files = {"tmp": tmp_path, "data": data}
    for name, frame in {
        "nan": table.assign(mean_radius=np.nan),
        "fewer": table.drop(columns="mean_radius"),
        "nan_target": table.assign(target=np.where(np.arange(len(table)) == 4, np.nan, 1.0)),
    }.items():
        files[name] = tmp_path / f"{name}.csv"
        frame.to_csv(files[name], index=False)
    files["headless"] = tmp_path / "headless.csv"
    table.to_csv(files["headless"], index=False, header=False)
    files["empty"] = tmp_path / "empty.csv"
    files["empty"].write_text("")
    files["binary"] = tmp_path / "binary.csv"
    files["binary"].write_bytes(b"\xff\xfe\x00\x81" * 100)
    files["pickle"] = tmp_path / "model.pkl"
    joblib.dump({"not": "a model"}, files["pickle"])
    files["foreign"] = tmp_path / "foreign.skops"
    sio.dump(Unknown(), files["foreign"])
    files["model"] = tmp_path / "model.skops"
    run(capsys, "train", data, "--target", "target", *FAST, "--out", files["model"])
    if argv[0] == "train":
        argv = [*argv, *FAST] + ([] if "--out" in argv else ["--out", "{tmp}/m.skops"])
    code, out, err = run(capsys, *(a.format(**files) for a in argv))
    assert_one_line_error(code, err, *words)
    assert "test accuracy" not in out  # refused before training


class Unknown:
    """A type skops does not trust: the CLI must refuse to load it."""


def test_pickle_loads_only_with_allow_pickle_and_warns(tmp_path, data, table, capsys):
    import joblib

    model_path = tmp_path / "model.skops"
    run(capsys, "train", data, "--target", "target", *FAST, "--out", model_path)
    model = sio.load(model_path, trusted=sio.get_untrusted_types(file=model_path))
    pickled = tmp_path / "model.pkl"
    joblib.dump(model, pickled)
    out_csv = tmp_path / "p.csv"
    code, _, err = run(capsys, "predict", pickled, data, "--allow-pickle", "--out", out_csv)
    assert code == 0 and "warning" in err and "pickle" in err
    assert len(pd.read_csv(out_csv)) == len(table)


def test_bad_option_values_exit_2(capsys):
    for argv in (["train", "x.csv"], ["train", "x.csv", "--target", "y", "--epochs", "0"],
                 ["demo", "--lmbda", "-1"], ["path", "x.csv", "--target", "y", "--hidden", "a"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["train", "predict", "path", "demo"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert f"usage: skl1net {command}" in capsys.readouterr().out


def test_module_entry_point_help():
    import os

    import skl1net

    # The same skl1net as in this process, whatever the current folder.
    root = os.path.dirname(os.path.dirname(os.path.abspath(skl1net.__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    result = subprocess.run(
        [sys.executable, "-m", "skl1net", "--help"],
        capture_output=True, text=True, check=False, env=env,
    )
    assert result.returncode == 0
    for command in ("train", "predict", "path", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "module, argv",
    [
        ("matplotlib", ["demo", "--epochs", "1", "--quiet"]),
        ("pandas", ["train", "x.csv", "--target", "y"]),
        ("skops.io", ["predict", "{model}", "{data}"]),
    ],
)
def test_missing_extra_is_a_one_line_error(module, argv, tmp_path, data, capsys, monkeypatch):
    model = tmp_path / "m.skops"
    model.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    code, _, err = run(capsys, *(a.format(model=model, data=data) for a in argv))
    assert_one_line_error(code, err, "pip install 'skl1net[cli]'")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_train_with_adam_saves_a_model_that_predict_reads(tmp_path, data, capsys):
    model_path = tmp_path / "adam.skops"
    code, _, _ = run(capsys, "train", data, "--target", "target", *FAST, "--solver", "adam",
                     "--out", model_path)
    assert code == 0
    model = sio.load(model_path, trusted=sio.get_untrusted_types(file=model_path))
    assert model[-1].solver == "adam" and model[-1]._optimizer.t > 0
    code, out, _ = run(capsys, "predict", model_path, data, "--out", tmp_path / "pred.csv")
    assert code == 0 and "300 predictions" in out
