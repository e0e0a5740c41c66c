"""Each search, killed with SIGKILL in the middle of a trial, ends exactly as planned when rerun."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tunekit.records.layout import CHECKPOINT_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.tuning.checkpoints import best_record
from tunekit.tuning.plan import values_key

from ..conftest import TINY_VAL
from ._killing import kill_during_trial, rerun

#: tuner: (options, trial to kill, trials the search ends with); the tests of
#: tests/tuning/test_search.py cover larger grids and budgets without training.
SEARCHES = {
    "grid": (["--space", "width", "--tuner", "grid"], "0001", 4),
    "random": (["--space", "dropout,optimizer", "--tuner", "random", "--max-trials", "3"],
               "0001", 3),
    # Two random points, then the Gaussian process proposes: kill its first trial.
    "bayesian": (["--space", "dropout,optimizer", "--tuner", "bayesian", "--max-trials", "3"],
                 "0002", 3),
    # Trial 0003 continues trial 0000's weights for two more epochs.
    "hyperband": (["--space", "dropout,optimizer", "--tuner", "hyperband", "--max-epochs", "3"],
                  "0003", 6),
}  # fmt: skip


def _command(kind: str, data_dir: Path, runs: Path) -> list[str]:
    options, _, _ = SEARCHES[kind]
    epochs = "3"  # Hyperband's own --max-epochs decide its trials' epochs
    return [
        sys.executable, "-m", "tunekit", "study", "mlp", *options,
        "--dataset", "mnist", "--data-dir", str(data_dir), "--val-size", str(TINY_VAL),
        "--epochs", epochs, "--patience", epochs, "--dir", str(runs), "--name", kind,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "kind",
    # Each takes 20-40 s (two TensorFlow start-ups); the default run keeps two.
    ["grid", "bayesian", pytest.param("random", marks=pytest.mark.slow),
     pytest.param("hyperband", marks=pytest.mark.slow)],
)  # fmt: skip
def test_search_killed_mid_trial_then_rerun_ends_exactly_as_planned(tiny_data_dir, tmp_path, kind):
    _, killed, trials = SEARCHES[kind]
    study_dir = tmp_path / kind
    command = _command(kind, tiny_data_dir, tmp_path)
    kill_during_trial(command, study_dir, killed)
    interrupted = {r.trial_id: r for r in read_study(study_dir).records}
    assert interrupted[killed].status is TrialStatus.RUNNING

    rerun(command)
    records = read_study(study_dir).records
    assert len(records) == trials == len(list(study_dir.glob("trial_*")))
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    finished_before = [r for r in interrupted.values() if r.status is TrialStatus.COMPLETED]
    after = {r.trial_id: r for r in records}
    assert all(after[r.trial_id].started == r.started for r in finished_before)  # none rerun
    points = {(values_key(r.hyperparameters), json.dumps(r.tuner_values)) for r in records}
    assert len(points) == trials  # no configuration trained twice
    # --keep-checkpoints best: Hyperband kept its parents' weights until it ended.
    # Trials tied with the best keep theirs too: keras-tuner may rank any of them first.
    best = best_record(records, "max")
    tied = [r for r in records if r.score == best.score]
    assert sorted(study_dir.glob(f"trial_*/{CHECKPOINT_FILE}")) == [
        study_dir / f"trial_{r.trial_id}" / CHECKPOINT_FILE for r in tied
    ]
    if kind == "hyperband":
        assert after[killed].tuner_values["tuner/trial_id"] == "0000"
        assert after[killed].executions[0].best_epoch > 1  # counted from the parent's start
