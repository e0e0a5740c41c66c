"""--keep-checkpoints: which trials keep their weights, on hand-built study directories."""

from __future__ import annotations

import json

import pytest

from tunekit.config import KeepCheckpoints
from tunekit.records.layout import CHECKPOINT_FILE, STUDY_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialRecord, TrialStatus, write_record
from tunekit.tuning.checkpoints import best_record, prune_checkpoints

#: trial id: (status, score)
TRIALS = {
    "0000": (TrialStatus.COMPLETED, 0.5),
    "0001": (TrialStatus.COMPLETED, 0.9),
    "0002": (TrialStatus.DIVERGED, 0.7),
    "0003": (TrialStatus.RUNNING, None),  # its file may be being written
    "0004": (TrialStatus.FAILED, None),
    "0005": (TrialStatus.COMPLETED, 0.9),  # ties with 0001: keras-tuner may rank it first
}


@pytest.fixture
def study_dir(tmp_path):
    (tmp_path / STUDY_FILE).write_text(json.dumps({"family": "mlp"}))
    for trial_id, (status, score) in TRIALS.items():
        record = TrialRecord(trial_id, "mlp", "search", "", "", {}, status=status, score=score)
        folder = tmp_path / f"trial_{trial_id}"
        write_record(folder, record)
        (folder / CHECKPOINT_FILE).write_bytes(b"weights")
    return tmp_path


def _kept(study_dir):
    paths = study_dir.glob(f"*/{CHECKPOINT_FILE}")
    return sorted(p.parent.name.removeprefix("trial_") for p in paths)


@pytest.mark.parametrize(
    ("keep", "direction", "kept"),
    [
        (KeepCheckpoints.ALL, "max", sorted(TRIALS)),
        (KeepCheckpoints.BEST, "max", ["0001", "0003", "0005"]),
        (KeepCheckpoints.BEST, "min", ["0000", "0003"]),
        (KeepCheckpoints.NONE, "max", ["0003"]),
    ],
)
def test_prune_keeps_what_is_asked_and_running_trials(study_dir, keep, direction, kept):
    deleted = prune_checkpoints(study_dir, keep, direction)
    assert _kept(study_dir) == kept
    assert len(deleted) == len(TRIALS) - len(kept)


def test_pruning_again_deletes_nothing_more(study_dir):
    prune_checkpoints(study_dir, KeepCheckpoints.BEST, "max")
    assert prune_checkpoints(study_dir, KeepCheckpoints.BEST, "max") == []
    assert _kept(study_dir) == ["0001", "0003", "0005"]


def test_best_record_ignores_failed_running_and_nan(study_dir):
    records = read_study(study_dir).records
    assert best_record(records, "max").trial_id == "0001"
    assert best_record([r for r in records if r.score is None], "max") is None
