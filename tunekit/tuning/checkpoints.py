"""Which trials keep their trained weights on disk, so a long search does not fill it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from tunekit.config import KeepCheckpoints
from tunekit.tuning.reading import read_study
from tunekit.tuning.records import TrialRecord, TrialStatus

CHECKPOINT_FILE = "best.weights.h5"

#: Trials whose score is a result; failed and invalid ones have no weights worth keeping.
_SCORED = (TrialStatus.COMPLETED, TrialStatus.DIVERGED)


def best_record(records: Iterable[TrialRecord], direction: str) -> TrialRecord | None:
    """The finished trial with the best finite score; ties go to the earliest trial."""
    scored = [
        r for r in records if r.status in _SCORED and r.score is not None and math.isfinite(r.score)
    ]
    if not scored:
        return None
    sign = -1.0 if direction == "max" else 1.0
    return min(scored, key=lambda r: (sign * r.score, r.trial_id))  # type: ignore[operator]


def prune_checkpoints(study_dir: Path, keep: KeepCheckpoints, direction: str) -> list[Path]:
    """Delete the weights ``keep`` does not ask for and return the files deleted.

    Only finished trials lose their weights: a running trial's file may be in use.
    The best trial of the records read now is always kept, and a trial is deleted
    only for a better finished one, so workers pruning at the same time never
    delete the best weights between them.

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
        if record.status is TrialStatus.RUNNING or record is best:
            continue
        path = Path(study_dir) / f"trial_{record.trial_id}" / CHECKPOINT_FILE
        if path.exists():
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted
