"""A study killed with SIGKILL at any moment completes its whole grid when rerun."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus

from ..conftest import TINY_VAL
from ._killing import kill_during_trial, rerun

PLAN_LABELS = ["reference", "widths=50-50-50", "widths=10-30-100", "widths=500-250-50"]


def _command(data_dir: Path, runs: Path) -> list[str]:
    return [
        sys.executable, "-m", "tunekit", "study", "mlp", "--space", "width",
        "--dataset", "mnist", "--data-dir", str(data_dir), "--val-size", str(TINY_VAL),
        "--epochs", "25", "--patience", "25", "--reference-repeats", "1", "--dir", str(runs),
    ]  # fmt: skip


@pytest.mark.parametrize("killed_trial", ["0000", "0002"])
def test_sigkill_then_rerun_runs_each_value_exactly_once(tiny_data_dir, tmp_path, killed_trial):
    study_dir = tmp_path / "mlp-mnist"
    # settle: kill mid-training, not at the very start of the trial
    kill_during_trial(_command(tiny_data_dir, tmp_path), study_dir, killed_trial, settle=0.5)
    interrupted = {r.trial_id: r.status for r in read_study(study_dir).records}
    assert interrupted[killed_trial] is TrialStatus.RUNNING

    rerun(_command(tiny_data_dir, tmp_path))
    records = read_study(study_dir).records
    assert sorted(r.label for r in records) == sorted(PLAN_LABELS)
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    assert len(list(study_dir.glob("trial_*"))) == len(PLAN_LABELS)
