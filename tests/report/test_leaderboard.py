from __future__ import annotations

import math

from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import LeaderboardInfo, LeaderboardRow, leaderboard_info

from ._builders import META, execution, trial, write_study


def _study(tmp_path, meta=None):
    records = [
        trial("00", executions=(execution(val_acc=0.75),)),
        trial(
            "01",
            "dropout",
            0.2,
            (
                execution(val_acc=0.875, test_acc=0.75, seconds=9.0),
                execution(val_acc=0.875, test_acc=0.5, seconds=11.5),
            ),
        ),  # fmt: skip
        trial("02", "dropout", 0.5, (execution(val_acc=0.5),)),
        trial("03", "dropout", 0.9, status=TrialStatus.FAILED, params=None),
        trial(
            "04",
            "optimizer",
            "adam",
            (execution((0.5, math.nan), status=TrialStatus.DIVERGED),),
            status=TrialStatus.DIVERGED,
        ),
        trial("05", "optimizer", "rmsprop", status=TrialStatus.RUNNING, params=None),
    ]
    return read_study(write_study(tmp_path / "s", records, meta))


def _row(
    rank, trial_id, label, status, changes, score, epochs=2.0, seconds=10.0, params=100, test=None
):
    return LeaderboardRow(
        rank, trial_id, label, status, changes, score, epochs, seconds, params, test
    )


def test_ranked_by_objective_unscored_last(tmp_path):
    info = leaderboard_info(_study(tmp_path))
    assert info == LeaderboardInfo(
        objective="val_accuracy",
        direction="max",
        rows=(
            # test: the objective's metric on the test split; time: one execution's fit
            _row(1, "01", "dropout=0.2", "completed", (("dropout", 0.2),), 0.875,
                 seconds=10.25, test=0.625),
            _row(2, "00", "reference", "completed", (), 0.75),
            _row(3, "02", "dropout=0.5", "completed", (("dropout", 0.5),), 0.5),
            # unscored: running (no epochs or time yet), then diverged, then failed
            _row(None, "05", "optimizer=rmsprop", "running", (("optimizer", "rmsprop"),), None,
                 epochs=None, seconds=None, params=None),
            _row(None, "04", "optimizer=adam", "diverged", (("optimizer", "adam"),), None),
            _row(None, "03", "dropout=0.9", "failed", (("dropout", 0.9),), None,
                 epochs=None, seconds=None, params=None),
        ),
        total=6,
    )  # fmt: skip


def test_min_direction_and_top(tmp_path):
    info = leaderboard_info(_study(tmp_path, {**META, "direction": "min"}), top=2)
    assert [(r.rank, r.trial_id) for r in info.rows] == [(1, "02"), (2, "00")]
    assert info.total == 6
