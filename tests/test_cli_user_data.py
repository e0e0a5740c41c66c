"""``tunekit study --data``: the user's own arrays, end to end, and every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.records.study import read_study
from tunekit.report import make_report
from tunekit.report._writers import NO_TEST_NOTE

from .data.test_user_data import tiny_arrays, write_npz

runner = CliRunner()


def _study(data: str, runs: Path, *extra: str) -> list[str]:
    return [
        "study", "mlp", "--space", "dropout", "--data", data, "--val-size", "64",
        "--epochs", "1", "--reference-repeats", "1", "--dir", str(runs), *extra,
    ]  # fmt: skip


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def test_npz_study_runs_with_test_metrics_and_a_changed_file_is_not_mixed(tmp_path):
    runs = tmp_path / "runs"
    data = write_npz(tmp_path / "tiny.npz")
    result = runner.invoke(app, _study(str(data), runs))
    assert result.exit_code == 0, result.output
    study = read_study(runs / "mlp-tiny")
    assert len(study.records) == 4  # the reference and three dropouts
    assert all("accuracy" in r.executions[0].test_metrics for r in study.records)
    assert study.meta.data_spec.file == str(data)
    # Other arrays in the same file: refused in a named directory, moved in the default one.
    write_npz(data, seed=1)
    named = runner.invoke(app, _study(str(data), runs, "--name", "mlp-tiny"))
    assert named.exit_code == 2
    assert "made differently" in named.output and "fingerprint" in named.output
    moved = runner.invoke(app, _study(str(data), runs))
    assert moved.exit_code == 0, moved.output
    assert sorted(p.name for p in runs.iterdir()) == ["mlp-tiny", "mlp-tiny-2"]
    assert len(read_study(runs / "mlp-tiny").records) == 4  # untouched


def test_python_data_without_test_arrays_has_no_test_metrics_and_the_report_says_so(tmp_path):
    np.savez(tmp_path / "arrays.npz", **tiny_arrays(test=0))
    (tmp_path / "mine.py").write_text(
        "import numpy as np\n"
        f"def load():\n    return dict(np.load({str(tmp_path / 'arrays.npz')!r}))\n"
    )
    runs = tmp_path / "runs"
    result = runner.invoke(app, _study(f"{tmp_path / 'mine.py'}:load", runs))
    assert result.exit_code == 0, result.output
    study = read_study(runs / "mlp-mine-load")
    assert study.records and all(r.executions[0].test_metrics == {} for r in study.records)
    report = make_report(study.path, tmp_path / "report")
    page = (report.out_dir / "report.md").read_text()
    assert " ".join(NO_TEST_NOTE.split()) in " ".join(page.split())


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


BAD = {
    "missing": lambda d: str(d / "nope.npz"),
    "no y_train": lambda d: _npz(d, x_train=np.zeros((100, 5, 5))),
    "lengths": lambda d: _npz(d, x_train=np.zeros((100, 5, 5)), y_train=np.arange(99) % 3),
    "val lengths": lambda d: _npz(
        d,
        x_train=np.zeros((100, 5, 5)),
        y_train=np.arange(100) % 3,
        x_val=np.zeros((9, 5, 5)),
        y_val=np.arange(8) % 3,
    ),
    "float labels": lambda d: _npz(d, x_train=np.zeros((100, 5, 5)), y_train=np.full(100, 0.5)),
    "negative labels": lambda d: _npz(
        d, x_train=np.zeros((100, 5, 5)), y_train=np.arange(100) % 3 - 1
    ),
    "val size": lambda d: _npz(d, x_train=np.zeros((10, 5, 5)), y_train=np.arange(10) % 3),
    "syntax": lambda d: _write(d / "data.py", "def load(:\n") + ":load",
    "missing module": lambda d: _write(d / "data.py", "import no_such_module_x\n") + ":load",
    "no NAME": lambda d: _write(d / "data.py", "x = 1\n") + ":load",
    "not a dict": lambda d: _write(d / "data.py", "def load():\n    return 3\n") + ":load",
}


def _npz(folder: Path, **arrays: np.ndarray) -> str:
    np.savez(folder / "bad.npz", **arrays)
    return str(folder / "bad.npz")


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_data_is_one_line_naming_the_file_exit_2_and_nothing_written(tmp_path, case):
    data = BAD[case](tmp_path)
    runs = tmp_path / "runs"
    result = runner.invoke(app, _study(data, runs), terminal_width=1000)
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert data.partition(":")[0] in line
    assert not runs.exists()


def test_data_with_dataset_or_data_dir_is_refused(tmp_path):
    for extra in (["--dataset", "mnist"], ["--data-dir", str(tmp_path)]):
        result = runner.invoke(app, [*_study("x.npz", tmp_path / "runs"), *extra])
        assert result.exit_code == 2
        assert "--data replaces --dataset and --data-dir" in _one_line(result.output)


def test_api_takes_data_and_refuses_it_with_a_dataset(tmp_path):
    from tunekit.api import run_study
    from tunekit.errors import DataNotFoundError, TunekitError

    runs = tmp_path / "runs"
    with pytest.raises(TunekitError, match="data replaces dataset"):
        run_study("mlp", "dropout", data="x.npz", dataset="mnist", directory=runs)
    with pytest.raises(DataNotFoundError, match="nope.npz: no such file"):
        run_study("mlp", "dropout", data=tmp_path / "nope.npz", directory=runs)
    assert not runs.exists()
