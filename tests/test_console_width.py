"""What the terminal shows at 60, 80 and wide columns: names whole, units as in the report."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from rich.console import Console

from tunekit.console import StudyProgress, leaderboard_table, spaces_table, trial_line
from tunekit.hypermodels import FAMILIES, get_family
from tunekit.report import LeaderboardInfo, LeaderboardRow
from tunekit.tuning.events import StudyStart
from tunekit.tuning.plan import space_values

from .report._builders import execution, trial

WIDTHS = (60, 80, 160)

LONG = (
    ("loss", "sparse_categorical_crossentropy"),
    ("widths", "500-250-50"),
    ("kernel_regularizer", "l2"),
)


def _lines(renderable, width: int) -> list[str]:
    console = Console(file=StringIO(), width=width)
    console.print(renderable)
    lines = console.file.getvalue().splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), "\n".join(lines)
    return lines


def _whole(token: str, lines: list[str]) -> bool:
    return any(token in line for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_spaces_show_every_name_and_value_whole(name, width):
    family = get_family(name)
    lines = _lines(spaces_table(family), width)
    for space in family.spaces.values():
        assert _whole(space.name, lines), space.name
        for value in space_values(space, family.reference):
            assert _whole(str(value), lines), (space.name, value)
        assert _whole(str(family.reference[space.hp]), lines)


def test_spaces_mark_the_reference_when_narrow():
    lines = _lines(spaces_table(get_family("mlp")), 80)
    assert _whole("sparse_categorical_crossentropy (reference)", lines) or _whole(
        "sparse_categorical_crossentropy", lines
    )
    assert _whole("0.0 (reference)", lines)
    wide = _lines(spaces_table(get_family("mlp")), 160)
    assert "reference" in wide[1] + wide[2] + wide[3]  # a column of its own


def _info(test: float | None = 0.8712) -> LeaderboardInfo:
    rows = (
        LeaderboardRow(1, "0007", "search", "completed", LONG, 0.8804, 9.0, 45.5, 1_234_567, test),
        LeaderboardRow(2, "0002", "reference", "completed", (), 0.85, 3.0, 12.25, 81_950, test),
        LeaderboardRow(None, "0003", "x", "failed", (("depth", 100),), None, None, None, None),
    )
    return LeaderboardInfo("val_accuracy", "max", rows, total=3)


@pytest.mark.parametrize("width", WIDTHS)
def test_leaderboard_breaks_hyper_parameters_only_between_them(width):
    lines = _lines(leaderboard_table(_info()), width)
    for hp, value in LONG:
        assert _whole(f"{hp}={value}", lines), (hp, value)
    assert _whole("depth=100", lines)
    text = "\n".join(lines)
    # percentages like the report, the test metric beside the objective
    assert "88.04" in text and "87.12" in text and "0.8804" not in text


def test_leaderboard_leaves_out_the_least_important_columns_first():
    wide = "\n".join(_lines(leaderboard_table(_info()), 200))
    for header in ("trial", "status", "val_accuracy (%)", "epochs", "train time (s)", "params"):
        assert header in wide
    assert "45.5" in wide and "1,234,567" in wide
    medium = "\n".join(_lines(leaderboard_table(_info()), 100))
    assert "params" not in medium and "1,234,567" not in medium
    assert "status" in medium and "completed" in medium
    # too narrow for a 37-character name beside the scores: two lines per trial
    narrow = "\n".join(_lines(leaderboard_table(_info()), 60))
    assert "val_accuracy 88.04%, test accuracy 87.12%, completed" in narrow
    assert "failed" in narrow


def test_leaderboard_without_test_metrics_shows_a_dash():
    lines = _lines(leaderboard_table(_info(test=None)), 200)
    row = next(line for line in lines if "0007" in line)
    assert "—" in row


def test_trial_line_uses_the_leaderboards_units_and_time():
    record = trial(
        "0001", "dropout", 0.2,
        (execution(val_acc=0.8804, test_acc=0.8712, seconds=45.5),),
        wall_seconds=46.2,
    )  # fmt: skip
    line = trial_line(record)
    assert "val_accuracy 88.04%" in line and "test accuracy 87.12%" in line
    assert "train 45.5 s" in line and "46" not in line


def _start(**changes) -> StudyStart:
    start = StudyStart(
        study_dir="runs/s", total=3, done=0, resumed=False, epochs=9, executions=1,
        objective="val_accuracy",
    )  # fmt: skip
    return dataclasses.replace(start, **changes)


def test_hyperband_trial_bar_counts_the_epochs_this_round_trains():
    record = dataclasses.replace(
        trial("0004", "dropout", 0.2),
        tuner_values={"tuner/epochs": 9, "tuner/initial_epoch": 3},
    )
    console = Console(file=StringIO(), width=100)
    with StudyProgress(console) as progress:
        progress.study_started(_start())
        progress.trial_started(record, 5)
        progress.epoch_ended(record, 0, 5, {"val_accuracy": 0.5})
        task = progress.progress.tasks[-1]
        assert (task.total, task.completed) == (6, 2)
    assert "at most 9 epochs per trial" in console.file.getvalue()


def test_bar_of_a_search_that_ended_is_full():
    console = Console(file=StringIO(), width=100)
    with StudyProgress(console) as progress:
        progress.study_started(_start(total=23))
        for i in range(22):
            progress.trial_ended(trial(f"{i:04d}", "dropout", 0.2, (execution(),)))
    task = progress.progress.tasks[0]
    assert (task.completed, task.total) == (22, 22)


def test_a_log_gets_an_epoch_line_at_most_every_minute_with_the_objective(monkeypatch):
    from tunekit import console as shown

    now = [1000.0]
    monkeypatch.setattr(shown.time, "monotonic", lambda: now[0])
    record = trial("0001", "dropout", 0.2)
    log = Console(file=StringIO(), width=100, force_terminal=False)
    with StudyProgress(log) as progress:
        progress.study_started(_start())
        progress.trial_started(record, 1)
        for epoch, step in ((1, 30.0), (2, 31.0), (3, 10.0)):  # lines at 61 s only
            now[0] += step
            logs = {"val_accuracy": 0.5, "loss": 1.25, "hour_loss": 2.0, "val_hour_loss": 0.0}
            progress.epoch_ended(record, 0, epoch, logs)
    lines = [line for line in log.file.getvalue().splitlines() if ": epoch" in line]
    assert len(lines) == 1 and "epoch 2/9" in lines[0]
    assert "val_accuracy 50.00%" in lines[0] and "loss 1.2500" in lines[0]
    assert "hour_loss" not in lines[0]  # each output's own loss stays out of the line


def test_a_terminal_gets_no_epoch_lines_beside_its_bars(monkeypatch):
    from tunekit import console as shown

    now = [1000.0]
    monkeypatch.setattr(shown.time, "monotonic", lambda: now[0])
    record = trial("0001", "dropout", 0.2)
    terminal = Console(file=StringIO(), width=100, force_terminal=True)
    with StudyProgress(terminal) as progress:
        progress.study_started(_start())
        progress.trial_started(record, 1)
        now[0] += 3600
        progress.epoch_ended(record, 0, 1, {"val_accuracy": 0.5})
    assert "epoch 1/9  val_accuracy" not in terminal.file.getvalue()
