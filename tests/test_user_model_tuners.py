"""A user's own keras-tuner model under the random, Bayesian and Hyperband tuners, and killed.

The model is ``BUILD`` of ``test_user_model.py``: ``units`` 4/8, ``dropout`` False/True,
``rate`` 0.001/0.002/0.003 (12 points), trained on a tiny ``.npz`` for an epoch or a few.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tunekit
from tunekit.cli import app

from .data.test_user_data import write_npz
from .test_user_model import BUILD
from .tuning._killing import kill_during_trial, rerun

runner = CliRunner()

UNITS, DROPOUT, RATE = (4, 8), (False, True), (0.001, 0.002, 0.003)
SPACE = {"units": UNITS, "dropout": DROPOUT, "rate": RATE}
STUDY = "mine-build-tiny"  # FILE-NAME-DATA


@pytest.fixture
def user_model(tmp_path: Path) -> tuple[str, Path]:
    """``FILE.py:build`` of ``BUILD`` and a tiny ``.npz`` (160 train, 32 test images)."""
    model = tmp_path / "mine.py"
    model.write_text(BUILD)
    return f"{model}:build", write_npz(tmp_path / "tiny.npz", train=160, test=32)


def _args(model: str, data: Path, runs: Path, *extra: str) -> list[str]:
    return [
        "study", model, "--data", str(data), "--val-size", "32", "--epochs", "1",
        "--dir", str(runs), *extra,
    ]  # fmt: skip


def _point(trial) -> tuple:
    return tuple(trial.hyperparameters[name] for name in SPACE)


def _in_space(trial) -> bool:
    """Whether the trial's hyper-parameters are exactly the user's, each a value of its own."""
    values = trial.hyperparameters
    return set(values) == set(SPACE) and all(values[n] in SPACE[n] for n in SPACE)


def _assert_from_the_users_space(study, trials: int) -> None:
    """``trials`` completed trials, each a different point of the user's space."""
    assert len(study.trials) == trials
    assert [t.status.value for t in study.trials] == ["completed"] * trials
    assert all(_in_space(t) for t in study.trials), [t.hyperparameters for t in study.trials]
    assert all(t.space == "search" and t.score is not None for t in study.trials)
    assert len({_point(t) for t in study.trials}) == trials  # no point trained twice
    assert study.objective == "val_accuracy"
    best = max(t.score for t in study.trials)
    assert study.best_trial is not None and study.best_trial.score == best
    frame = study.dataframe()
    assert len(frame) == trials  # one execution each
    assert sorted(frame["trial_id"]) == sorted(t.trial_id for t in study.trials)


def _leaderboard(runs: Path) -> list[tuple[str, float]]:
    """``tunekit leaderboard``'s rows for the study: trial id and val_accuracy (%)."""
    result = runner.invoke(app, ["leaderboard", str(runs / STUDY)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line.split("│") for line in result.output.splitlines() if line.startswith("│")]
    header = next(line for line in result.output.splitlines() if "trial" in line and "┃" in line)
    assert [cell.strip() for cell in header.split("┃")][1:6] == [
        "#", "trial", "status", "hyper-parameters", "val_accuracy (%)",
    ]  # fmt: skip
    return [(cells[2].strip(), float(cells[5])) for cells in rows]


def _assert_leaderboard_ranks(runs: Path, study) -> None:
    """The leaderboard lists every trial once, best first, with its score."""
    rows = _leaderboard(runs)
    scores = {t.trial_id: round(100 * t.score, 2) for t in study.trials}
    assert sorted(trial_id for trial_id, _ in rows) == sorted(scores)
    assert [shown for _, shown in rows] == sorted(scores.values(), reverse=True)
    assert all(shown == scores[trial_id] for trial_id, shown in rows)
    assert rows[0][1] == round(100 * study.best_trial.score, 2)


@pytest.mark.parametrize(("tuner", "trials"), [("random", 4), ("bayesian", 4)])
def test_random_and_bayesian_search_a_user_model(tmp_path, user_model, tuner, trials):
    model, data = user_model
    runs = tmp_path / "runs"
    args = _args(model, data, runs, "--space", "all", "--tuner", tuner,
                 "--max-trials", str(trials))  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    study = tunekit.open_study(runs / STUDY)
    _assert_from_the_users_space(study, trials)
    _assert_leaderboard_ranks(runs, study)
    # A rerun of the same command trains nothing more.
    started = {t.trial_id: t.started for t in study.trials}
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert {t.trial_id: t.started for t in study.reload().trials} == started


def test_hyperband_searches_a_user_model_and_continues_a_trial(tmp_path, user_model):
    model, data = user_model
    runs = tmp_path / "runs"
    # --max-epochs 3, factor 3: three 1-epoch models, the best of them 2 epochs more,
    # and two 3-epoch models: 6 trials, 5 points.
    args = _args(model, data, runs, "--space", "all", "--tuner", "hyperband",
                 "--max-epochs", "3", "--epochs", "3", "--patience", "3")  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    study = tunekit.open_study(runs / STUDY)
    trials = study.trials
    assert len(trials) == 6
    assert [t.status.value for t in trials] == ["completed"] * 6
    assert all(_in_space(t) for t in trials), [t.hyperparameters for t in trials]
    epochs = sorted(
        (t.tuner_values["tuner/initial_epoch"], t.tuner_values["tuner/epochs"]) for t in trials
    )
    assert epochs == [(0, 1), (0, 1), (0, 1), (0, 3), (0, 3), (1, 3)]
    (child,) = [t for t in trials if t.tuner_values["tuner/initial_epoch"] == 1]
    parent = study.trial(child.tuner_values["tuner/trial_id"])
    assert parent.tuner_values["tuner/epochs"] == 1 and _point(parent) == _point(child)
    # The continued model is the best of the three 1-epoch ones.
    first_round = [t for t in trials if t.tuner_values["tuner/epochs"] == 1]
    assert parent.score == max(t.score for t in first_round)
    assert len({_point(t) for t in trials}) == 5
    assert len(study.dataframe()) == 6
    _assert_leaderboard_ranks(runs, study)
    report = runner.invoke(app, ["report", str(study.path), "--out", str(tmp_path / "rep")])
    assert report.exit_code == 0, report.output
    assert "units" in (tmp_path / "rep" / "report.md").read_text()


def test_user_model_grid_killed_mid_trial_then_rerun_trains_each_point_once(tmp_path, user_model):
    model, data = user_model
    runs = tmp_path / "runs"
    study_dir = runs / STUDY
    command = [
        sys.executable, "-m", "tunekit",
        *_args(model, data, runs, "--space", "units,dropout", "--tuner", "grid",
               "--epochs", "2", "--patience", "2"),
    ]  # fmt: skip
    kill_during_trial(command, study_dir, "0001", settle=0.2)  # in its fit
    interrupted = tunekit.open_study(study_dir).trials
    statuses = {t.trial_id: t.status.value for t in interrupted}
    assert statuses["0000"] == "completed" and statuses["0001"] == "running"
    assert len(interrupted) == 2  # the grid's later points were not started

    rerun(command)
    study = tunekit.open_study(study_dir)
    assert len(study.trials) == 4 == len(list(study_dir.glob("trial_*")))
    assert [t.status.value for t in study.trials] == ["completed"] * 4
    found = sorted((t.hyperparameters["units"], t.hyperparameters["dropout"]) for t in study.trials)
    assert found == [(4, False), (4, True), (8, False), (8, True)]  # each grid point once
    assert all(t.hyperparameters["rate"] == 0.002 for t in study.trials)  # the reference
    before = {t.trial_id: t.started for t in interrupted if t.status.value == "completed"}
    after = {t.trial_id: t for t in study.trials}
    assert all(after[trial_id].started == started for trial_id, started in before.items())
    assert after["0001"].started != {t.trial_id: t for t in interrupted}["0001"].started
    assert all(t.executions[0].epochs_run == 2 for t in study.trials)
