"""The CLI: help, spaces, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from tunekit.cli import app

from .conftest import TINY_VAL

runner = CliRunner()


def test_help_does_not_import_tensorflow():
    code = "import sys; from tunekit.cli import app; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("command", "option"), [(["clocks", "preview"], "--style"), (["study"], "--clock-style")]
)
def test_clock_style_help_says_what_each_preset_shows(command, option):
    from tunekit.cli._app import STYLE_CLAUSES
    from tunekit.data.clocks import STYLE_PRESETS

    assert set(STYLE_CLAUSES) == set(STYLE_PRESETS)  # a new preset needs its clause
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "2000"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert option in text
    for name, clause in STYLE_CLAUSES.items():
        assert f"{name}: {clause}" in text
    assert "upright, flat" in text and "24 faces" in text and "25 fixed viewpoints" in text


def test_spaces_lists_values_and_reference():
    result = runner.invoke(app, ["spaces", "mlp"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "500-250-50" in result.output
    assert "glorot_uniform" in result.output
    assert "kernel_regularizer" in result.output


def test_study_help_explains_the_budget_options():
    result = runner.invoke(app, ["study", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--subset", "--epochs", "--permute", "--executions", "--dir", "--overwrite"):
        assert option in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["study", "mlp", "--space", "nope"], "Unknown space 'nope'"),
        (["study", "mlp", "--space", "width", "--epochs", "-1"], "--epochs must be at least 1"),
        (["study", "mlp", "--space", "width", "--subset", "0"], "--subset must be at least 1"),
        (["study", "mlp", "--space", "width", "--set", "depth"], "--set expects hp=value"),
        (["study", "mlp", "--space", "width", "--set", "colour=red"], "Unknown hyper-parameter"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_unknown_family_and_dataset_exit_2():
    assert runner.invoke(app, ["study", "rnn", "--space", "width"]).exit_code == 2
    result = runner.invoke(app, ["study", "mlp", "--space", "width", "--dataset", "cifar"])
    assert result.exit_code == 2


def test_missing_data_says_where_it_looked(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["study", "mlp", "--space", "width", "--dataset", "mnist", "--data-dir", str(empty)]
    result = runner.invoke(app, [*args, "--dir", str(tmp_path / "runs")])
    assert result.exit_code == 2
    assert str(empty) in " ".join(result.output.split())
    assert not (tmp_path / "runs").exists()


def test_unwritable_dir_exits_2(tiny_data_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    args = ["study", "mlp", "--space", "width", "--dataset", "mnist", "--data-dir"]
    args += [str(tiny_data_dir), "--val-size", str(TINY_VAL), "--dir", str(blocker / "runs")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Cannot write" in result.output
    assert blocker.read_text() == "not a folder"


def test_clocks_preview_writes_a_contact_sheet(tmp_path):
    sheet = tmp_path / "sheet.png"
    args = ["clocks", "preview", "--out", str(sheet), "--n", "4", "--image-size", "32"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("style", "files", "message"),
    [
        ("full", False, "--clock-split viewpoint needs clocks seen from fixed viewpoints"),
        ("course", True, "--clock-split viewpoint needs generated clocks"),
    ],
)
def test_a_viewpoint_split_without_fixed_viewpoints_is_one_line_with_exit_2(
    tmp_path, style, files, message
):
    args = ["study", "clock", "--space", "representation", "--clock-style", style]
    args += ["--clock-split", "viewpoint", "--dir", str(tmp_path / "runs")]
    if files:
        args += ["--data-dir", str(tmp_path)]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output
    assert not (tmp_path / "runs").exists()


def test_a_study_without_space_trains_the_reference_alone(tiny_data_dir, tmp_path):
    from tunekit.records.study import read_records

    args = ["study", "mlp", "--dataset", "mnist", "--data-dir", str(tiny_data_dir)]
    args += ["--val-size", str(TINY_VAL), "--epochs", "1", "--dir", str(tmp_path / "runs")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (record,), problems = read_records(tmp_path / "runs" / "mlp-mnist")
    assert record.label == "reference" and not problems


def test_a_search_without_space_says_it_needs_one(tmp_path):
    result = runner.invoke(app, ["study", "mlp", "--tuner", "random", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "a search varies the spaces it is given" in result.output
