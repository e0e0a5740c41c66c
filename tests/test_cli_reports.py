"""``tunekit report``, ``leaderboard`` and ``export`` on a hand-built study."""

from __future__ import annotations

import csv
import json
from io import StringIO

from rich.console import Console
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.console import leaderboard_table
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import leaderboard_info

from .report._builders import execution, trial, write_study

runner = CliRunner()


def _study(tmp_path):
    records = [
        trial("0000", executions=(execution((0.5, 0.80), test_acc=0.79),)),
        trial("0001", "dropout", 0.2, (execution((0.6, 0.85), test_acc=0.84),)),
        trial("0002", "optimizer", "adam", status=TrialStatus.RUNNING),
        trial("0003", "dropout", 0.5, status=TrialStatus.FAILED),
    ]
    return write_study(tmp_path / "mlp-fashion_mnist", records)


def test_leaderboard_table_ranks_best_first_and_shows_every_status(tmp_path):
    info = leaderboard_info(read_study(_study(tmp_path)))
    console = Console(file=StringIO(), width=120)
    console.print(leaderboard_table(info))
    lines = console.file.getvalue().splitlines()
    body = [line for line in lines if line.startswith("│")]
    # percentages, as in the report, and the test metric beside the objective
    assert "dropout=0.2" in body[0] and "85.00" in body[0] and "84.00" in body[0]
    assert "reference" in body[1]
    assert any("running" in line for line in body) and any("failed" in line for line in body)


def test_report_command_writes_an_offline_page(tmp_path):
    study = _study(tmp_path)
    result = runner.invoke(app, ["report", str(study), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_text()
    assert "dropout" in page and "http://" not in page and "https://" not in page


def test_export_writes_one_row_per_execution(tmp_path):
    study = _study(tmp_path)
    result = runner.invoke(app, ["export", str(study), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((study / "trials.csv").open()))
    assert len(rows) == 4  # two finished executions, plus one row each for the others
    result = runner.invoke(app, ["export", str(study), "--format", "json"])
    assert len(json.loads((study / "trials.json").read_text())) == 4


def test_report_on_a_folder_that_is_not_a_study_is_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a tunekit study" in result.output


def test_leaderboard_refuses_a_refresh_or_top_below_its_minimum(tmp_path):
    study = _study(tmp_path)
    for option in (["--watch", "--every", "-1"], ["--top", "0"]):
        result = runner.invoke(app, ["leaderboard", str(study), *option])
        assert result.exit_code == 2, result.output  # a usage error, not a traceback
        assert option[-2] in result.output
