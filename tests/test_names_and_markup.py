"""Names, paths and values print as typed: rich markup and Markdown in them are text."""

from __future__ import annotations

import dataclasses
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tunekit import console as show
from tunekit.cli import app
from tunekit.config import DataSpec, StudySpec
from tunekit.errors import InvalidValueError
from tunekit.records.study import read_study
from tunekit.report import leaderboard_info, make_report
from tunekit.report._markdown import escape_markdown
from tunekit.tuning.events import StudyStart
from tunekit.tuning.study import prepare_study

from .report._builders import execution, trial, write_study

MARKUP = "[/x]"  # rich reads this as a closing tag with nothing to close: MarkupError
STYLE = "[red]"  # rich would swallow this as a style


def _render(*things) -> str:
    console = Console(file=StringIO(), width=200, color_system=None)
    for thing in things:
        console.print(thing)
    return console.file.getvalue()


def _records():
    two = (execution(test_acc=0.5),)
    return [
        trial("00", executions=two),
        dataclasses.replace(
            trial("01", "optimizer", f"{STYLE}adam{MARKUP}", two), reason=f"bad {MARKUP}"
        ),
    ]


def test_a_trial_line_shows_markup_in_values_and_reasons_literally():
    text = _render(show.trial_line(_records()[1]))
    assert f"optimizer={STYLE}adam{MARKUP}" in text
    assert f"bad {MARKUP}" in text


def test_the_leaderboard_shows_markup_in_paths_and_values_literally(tmp_path):
    folder = tmp_path / "[/x]" / f"{STYLE}study"
    study = read_study(write_study(folder, _records()))
    text = _render(show.leaderboard_table(leaderboard_info(study), f"{study.path}: "))
    assert str(folder) in text.replace("\n", "")
    assert f"{STYLE}adam{MARKUP}" in text


def test_study_start_warnings_and_errors_show_markup_literally(tmp_path):
    console = Console(file=StringIO(), width=300, color_system=None)
    start = StudyStart(Path(f"runs/{MARKUP}/{STYLE}s"), 4, 0, False, 2, 1, "val_accuracy")
    with show.StudyProgress(console) as progress:
        progress.study_started(start)
        progress.trial_started(_records()[1], 1)
    show.warning(console, f"{MARKUP} skipped")
    show.error(console, f"Unknown space '{MARKUP}'")
    text = console.file.getvalue()
    assert f"runs/{MARKUP}/{STYLE}s" in text
    assert f"{MARKUP} skipped" in text and f"Unknown space '{MARKUP}'" in text


def test_cli_errors_show_markup_literally():
    result = CliRunner().invoke(app, ["study", "mlp", "--space", MARKUP])
    assert result.exit_code == 2
    assert f"Unknown space '{MARKUP}'" in result.output
    assert "Traceback" not in result.output


def test_cli_leaderboard_of_a_study_under_a_markup_path(tmp_path):
    folder = write_study(tmp_path / MARKUP / f"{STYLE}s", _records())
    result = CliRunner().invoke(app, ["leaderboard", str(folder)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert f"{STYLE}s" in result.output
    assert f"{STYLE}adam{MARKUP}" in result.output


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", "../x"])
def test_a_name_cannot_leave_or_nest_inside_the_folder(tmp_path, name):
    with pytest.raises(InvalidValueError, match="one folder name"):
        prepare_study(StudySpec("mlp", ("width",), DataSpec()), tmp_path, name)
    assert list(tmp_path.iterdir()) == []


def test_a_name_with_markup_is_one_folder_in_the_folder(tmp_path):
    prepared = prepare_study(StudySpec("mlp", ("width",), DataSpec()), tmp_path, "[red]x*")
    assert prepared.study_dir == tmp_path / "[red]x*"


def test_report_md_escapes_names_values_and_paths(tmp_path):
    name = "*bold* [link](x) <b>#1 a|b"  # one folder name: no "/"
    study = write_study(tmp_path / name, _records())
    make_report(study, tmp_path / "out")
    text = (tmp_path / "out" / "report.md").read_text()
    assert escape_markdown(name) in text
    assert "[link](x)" not in text and "<b>" not in text and "*bold*" not in text
    assert "adam\\[/x\\]" in text  # the hyper-parameter value, in a table or a heading
    html = (tmp_path / "out" / "index.html").read_text()
    assert "<b>#1" not in html  # index.html already escapes: keep it so


def test_escape_markdown_keeps_plain_names_readable():
    assert escape_markdown("mlp-fashion_mnist") == "mlp-fashion_mnist"
    assert escape_markdown("_x_") == "\\_x\\_"
    assert escape_markdown("a*b") == "a\\*b"
