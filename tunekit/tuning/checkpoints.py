"""Which trials keep their trained weights on disk, so a long search does not fill it."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tunekit.config import KeepCheckpoints
from tunekit.records.atomic import replace_durably
from tunekit.records.layout import CHECKPOINT_FILE, LEGACY_CHECKPOINT_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialRecord, TrialStatus

#: Trials whose score is a result; failed and invalid ones have no weights worth keeping.
_SCORED = (TrialStatus.COMPLETED, TrialStatus.DIVERGED)


def trial_checkpoint(trial_dir: Path) -> Path | None:
    """The weights kept in ``trial_dir``, under either name, or None if there are none."""
    for name in (CHECKPOINT_FILE, LEGACY_CHECKPOINT_FILE):
        path = Path(trial_dir) / name
        if path.is_file():
            return path
    return None


def save_checkpoint(model: Any, trial_dir: Path) -> Path:
    """Save ``model``'s weights as the trial's checkpoint, atomically, and return the path.

    Keras writes an HDF5 file in place; a kill half way would leave weights that a
    Hyperband trial continuing this one cannot load. They go to a hidden temporary
    name first (Keras wants the ``.weights.h5`` ending).
    """
    path = Path(trial_dir) / CHECKPOINT_FILE
    partial = path.with_name(f".partial-{os.getpid()}-{CHECKPOINT_FILE}")
    try:
        model.save_weights(partial)
        replace_durably(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def best_record(records: Iterable[TrialRecord], direction: str) -> TrialRecord | None:
    """The finished trial with the best finite score; ties go to the earliest trial."""
    scored = [
        r for r in records if r.status in _SCORED and r.score is not None and math.isfinite(r.score)
    ]
    if not scored:
        return None
    sign = -1.0 if direction == "max" else 1.0
    return min(scored, key=lambda r: (sign * r.score, r.trial_id))  # type: ignore[operator]


def _ties(record: TrialRecord, best: TrialRecord | None) -> bool:
    """Whether ``record`` is ``best`` or a finished trial with the same score.

    keras-tuner's ``get_best_models()`` ranks tied trials in the order it finds their
    folders, so the weights of every trial tied with the best are kept.
    """
    if best is None:
        return False
    return record is best or (record.status in _SCORED and record.score == best.score)


def prune_checkpoints(study_dir: Path, keep: KeepCheckpoints, direction: str) -> list[Path]:
    """Delete the weights ``keep`` does not ask for and return the files deleted.

    Only finished trials lose their weights: a running trial's file may be in use.
    The best trial of the records read now is always kept (with any trial tied with
    it), and a trial is deleted only for a better finished one, so workers pruning at
    the same time never delete the best weights between them.

    Args:
        study_dir: The study directory.
        keep: ``ALL`` deletes nothing, ``BEST`` all but the best trial's weights,
            ``NONE`` every finished trial's.
        direction: ``max`` or ``min``, the objective's direction.
    """
    if keep is KeepCheckpoints.ALL:
        return []
    records = read_study(study_dir).records
    best = best_record(records, direction) if keep is KeepCheckpoints.BEST else None
    deleted = []
    for record in records:
        if record.status is TrialStatus.RUNNING or _ties(record, best):
            continue
        for name in (CHECKPOINT_FILE, LEGACY_CHECKPOINT_FILE):
            path = Path(study_dir) / f"trial_{record.trial_id}" / name
            if path.exists():
                path.unlink(missing_ok=True)
                deleted.append(path)
    return deleted
