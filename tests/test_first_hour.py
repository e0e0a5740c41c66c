"""A new user's first hour: help that keeps its text, --version, quiet TensorFlow,
README commands that do not collide, and export of a folder of studies."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tunekit import __version__
from tunekit.cli import app

from .conftest import TINY_VAL

runner = CliRunner()
COMMANDS = [[], *([name] for name in ("study", "permutation", "run", "worker", "report"))]
COMMANDS += [["leaderboard"], ["export"], ["spaces"], ["clocks"], ["clocks", "preview"]]


def _option_helps(args: list[str]) -> list[str]:
    """The help text every option of the command declares."""
    command = typer.main.get_command(app)
    for name in args:
        command = command.commands[name]  # typer may vendor click: no isinstance
    return [p.help for p in command.params if p.param_type_name == "option" and p.help]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "tunekit")
def test_help_keeps_every_word_and_fits_80_columns(args):
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    flat = " ".join(result.output.split())
    for help_text in _option_helps(args):
        # Every word of the option's help survives, in order (wrapping only moves lines).
        assert " ".join(help_text.split()) in flat, help_text


def test_study_description_is_rewrapped_not_broken_mid_sentence():
    result = runner.invoke(app, ["study", "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    description = result.output.split("Arguments:")[0]
    assert "Searches (--tuner grid, random, bayesian, hyperband) vary" in " ".join(
        description.split()
    )
    # A paragraph is filled to the width, not cut where the docstring's lines end.
    lines = [line for line in description.splitlines() if line.strip()]
    assert sum(len(line) > 60 for line in lines) >= 3


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"tunekit {__version__}"


def _study(tiny_data_dir: Path, folder: Path, *extra: str) -> list[str]:
    return [
        "study", "mlp", "--space", "dropout", "--data-dir", str(tiny_data_dir),
        "--val-size", str(TINY_VAL), "--epochs", "1", "--reference-repeats", "1",
        "--dir", str(folder), *extra,
    ]  # fmt: skip


def test_a_study_made_differently_moves_to_a_new_directory_and_resumes_there(
    tiny_data_dir, tmp_path
):
    runs = tmp_path / "runs"
    first = runner.invoke(app, _study(tiny_data_dir, runs))
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, _study(tiny_data_dir, runs, "--patience", "2"))
    assert second.exit_code == 0, second.output
    assert "runs in" in second.output and "mlp-fashion_mnist-2" in second.output
    assert sorted(p.name for p in runs.iterdir()) == ["mlp-fashion_mnist", "mlp-fashion_mnist-2"]
    trials = sorted(p.name for p in (runs / "mlp-fashion_mnist").glob("trial_*"))
    again = runner.invoke(app, _study(tiny_data_dir, runs, "--patience", "2"))
    assert again.exit_code == 0, again.output
    assert "Resuming" in again.output
    assert sorted(p.name for p in runs.iterdir()) == ["mlp-fashion_mnist", "mlp-fashion_mnist-2"]
    # The first study is untouched, and the rerun trained nothing new.
    assert sorted(p.name for p in (runs / "mlp-fashion_mnist").glob("trial_*")) == trials
    assert len(list((runs / "mlp-fashion_mnist-2").glob("trial_*"))) == len(trials)


def test_a_named_directory_holding_another_study_is_refused_without_advising_deletion(
    tiny_data_dir, tmp_path
):
    runs = tmp_path / "runs"
    assert runner.invoke(app, _study(tiny_data_dir, runs, "--name", "mine")).exit_code == 0
    result = runner.invoke(app, _study(tiny_data_dir, runs, "--name", "mine", "--patience", "2"))
    assert result.exit_code == 2
    assert "another --name" in result.output
    assert len(list((runs / "mine").glob("trial_*"))) == 4  # reference + 3 dropouts, kept


def test_export_accepts_a_folder_of_studies(tiny_data_dir, tmp_path):
    runs = tmp_path / "runs"
    assert runner.invoke(app, _study(tiny_data_dir, runs)).exit_code == 0
    assert runner.invoke(app, _study(tiny_data_dir, runs, "--patience", "2")).exit_code == 0
    result = runner.invoke(app, ["export", str(runs), "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    for name in ("mlp-fashion_mnist", "mlp-fashion_mnist-2"):
        rows = list(csv.DictReader((tmp_path / "csv" / f"{name}.csv").open()))
        assert len(rows) == 4


def test_training_run_prints_no_tensorflow_start_up_lines(tiny_data_dir, tmp_path):
    command = [sys.executable, "-m", "tunekit", *_study(tiny_data_dir, tmp_path / "runs")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "80"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for noise in ("absl::InitializeLog", "cudart_stub", "oneDNN", "cpu_feature_guard"):
        assert noise not in result.stderr + result.stdout


def test_verbose_lets_native_lines_through_here_and_in_workers(monkeypatch):
    from tunekit import native_logs

    monkeypatch.delenv(native_logs.VERBOSE_ENV, raising=False)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # as in a fresh process
    native_logs.silence_tensorflow_startup()
    assert any(isinstance(f, native_logs._QuietFinder) for f in sys.meta_path)
    result = runner.invoke(app, ["--verbose", "spaces", "mlp"])
    assert result.exit_code == 0
    assert not any(isinstance(f, native_logs._QuietFinder) for f in sys.meta_path)
    assert native_logs.verbose()  # inherited by worker processes through the environment
