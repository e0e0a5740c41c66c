"""A study killed with SIGKILL at any moment completes its whole grid when rerun."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tunekit.tuning.reading import read_study
from tunekit.tuning.records import TrialStatus

from ..conftest import TINY_VAL

PLAN_LABELS = ["reference", "widths=50-50-50", "widths=10-30-100", "widths=500-250-50"]


def _command(data_dir: Path, runs: Path) -> list[str]:
    return [
        sys.executable, "-m", "tunekit", "study", "mlp", "--space", "width",
        "--dataset", "mnist", "--data-dir", str(data_dir), "--val-size", str(TINY_VAL),
        "--epochs", "25", "--patience", "25", "--dir", str(runs),
    ]  # fmt: skip


def _running(study_dir: Path, trial: str) -> bool:
    path = study_dir / f"trial_{trial}" / "tunekit.json"
    try:
        return json.loads(path.read_text())["status"] == "running"
    except (FileNotFoundError, json.JSONDecodeError):
        return False


@pytest.mark.parametrize("killed_trial", ["0000", "0002"])
def test_sigkill_then_rerun_runs_each_value_exactly_once(tiny_data_dir, tmp_path, killed_trial):
    study_dir = tmp_path / "mlp-mnist"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.Popen(
        _command(tiny_data_dir, tmp_path), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not _running(study_dir, killed_trial):
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the study never reached the trial to kill"
        time.sleep(0.05)
    time.sleep(0.5)  # kill mid-training, not at the very start
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    interrupted = {r.trial_id: r.status for r in read_study(study_dir).records}
    assert interrupted[killed_trial] is TrialStatus.RUNNING

    rerun = subprocess.run(_command(tiny_data_dir, tmp_path), env=env, capture_output=True)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    records = read_study(study_dir).records
    assert sorted(r.label for r in records) == sorted(PLAN_LABELS)
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    assert len(list(study_dir.glob("trial_*"))) == len(PLAN_LABELS)
