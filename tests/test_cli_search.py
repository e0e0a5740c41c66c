"""The CLI of joint searches and workers: options, refusals and help, without training."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tunekit.cli import app

runner = CliRunner()


def test_a_huge_grid_is_refused_with_its_cost_until_yes():
    result = runner.invoke(app, ["study", "mlp", "--space", "all", "--tuner", "grid"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "737,280 trials" in text and "--yes" in text and "--max-trials" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--objective", "accuracy"], "validation metric"),
        (["--tuner", "random", "--max-trials", "0"], "--max-trials must be at least 1"),
        (["--tuner", "hyperband", "--factor", "1"], "--factor must be at least 2"),
        (["--workers", "-1"], "--workers must be 0 or more"),
        (["--tuner", "annealing"], "annealing"),
    ],
)
def test_bad_search_options_exit_2(args, message):
    result = runner.invoke(app, ["study", "mlp", "--space", "dropout", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_help_shows_tuners_budget_workers_and_checkpoints():
    text = " ".join(runner.invoke(app, ["study", "--help"]).output.split())
    for option in ("--tuner", "--max-trials", "--objective", "--max-epochs", "--factor",
                   "--workers", "--listen", "--keep-checkpoints", "--yes"):  # fmt: skip
        assert option in text
    assert "bayesian" in text and "hyperband" in text
    worker = " ".join(runner.invoke(app, ["worker", "--help"]).output.split())
    assert "--chief" in worker and "--id" in worker and "--data-dir" in worker
