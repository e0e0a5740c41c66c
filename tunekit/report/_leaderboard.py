"""The leaderboard: every trial, ranked by the study's objective."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.report._spaces import reference_values, same_value
from tunekit.report._stats import finite, mean

#: How unscored trials are ordered after the ranked ones.
_UNSCORED_ORDER = {
    TrialStatus.RUNNING: 0,
    TrialStatus.COMPLETED: 1,
    TrialStatus.DIVERGED: 2,
    TrialStatus.FAILED: 3,
    TrialStatus.INVALID: 4,
}


@dataclass(frozen=True)
class LeaderboardRow:
    """One trial.

    Attributes:
        rank: 1 for the best score; ``None`` for a trial without a finite score.
        trial_id: keras-tuner's trial id.
        label: The trial's name, e.g. ``dropout=0.2`` or ``reference``.
        status: The trial's status.
        changes: The hyper-parameters that differ from the reference, as (name, value).
        score: The objective's value (mean over executions), ``None`` if not finite.
        epochs: Epochs one execution trained, mean over executions (``None`` while
            running or without executions).
        seconds: Training time of one execution (``fit``, validation included), mean
            over executions: the time the ablation tables show too (``None`` while
            running or without executions).
        params: Parameter count of the model.
        test: The test value of the objective's metric (``accuracy`` for
            ``val_accuracy``), mean over executions; ``None`` without one.
    """

    rank: int | None
    trial_id: str
    label: str
    status: str
    changes: tuple[tuple[str, Any], ...]
    score: float | None
    epochs: float | None
    seconds: float | None
    params: int | None
    test: float | None = None


@dataclass(frozen=True)
class LeaderboardInfo:
    """The ranked trials of a study.

    Attributes:
        objective: The metric ranked on, e.g. ``val_accuracy``.
        direction: ``max`` or ``min``.
        rows: Scored trials best first, then running, diverged and failed ones.
        total: Trials in the study (``rows`` can be cut by ``top``).
    """

    objective: str
    direction: str
    rows: tuple[LeaderboardRow, ...]
    total: int

    @property
    def test_metric(self) -> str:
        """The test metric beside the objective: ``accuracy`` for ``val_accuracy``."""
        return metric_on_test(self.objective)


def metric_on_test(objective: str) -> str:
    """The metric a trial's test split reports for ``objective`` (``val_loss``: ``loss``)."""
    return objective.removeprefix("val_")


def _score(record: TrialRecord) -> float | None:
    if record.status is TrialStatus.RUNNING or record.score is None:
        return None
    return record.score if math.isfinite(record.score) else None


def _changes(record: TrialRecord, reference: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (hp, value)
        for hp, value in record.hyperparameters.items()
        if hp in reference and not same_value(value, reference[hp])
    )


def _row(
    rank: int | None, score: float | None, record: TrialRecord, reference: dict[str, Any]
) -> LeaderboardRow:
    running = record.status is TrialStatus.RUNNING
    test = finite(ex.test_metrics.get(metric_on_test(record.objective)) for ex in record.executions)
    return LeaderboardRow(
        rank=rank,
        trial_id=record.trial_id,
        label=record.label,
        status=record.status.value,
        changes=_changes(record, reference),
        score=score,
        epochs=None if running else mean([float(ex.epochs_run) for ex in record.executions]),
        seconds=None if running else mean(finite(ex.train_seconds for ex in record.executions)),
        params=record.params,
        test=mean(test),
    )


def leaderboard_info(study: StudyRecords, top: int | None = None) -> LeaderboardInfo:
    """Rank every trial of ``study`` by its objective.

    Trials with a finite score come first, best first (ties keep trial id order);
    running, unscored completed, diverged and failed trials follow, in that order.

    Args:
        study: The study's records, from ``read_study``.
        top: Keep only the first ``top`` rows.
    """
    objective = study.meta.objective
    direction = study.meta.direction
    reference = reference_values(study)
    sign = -1.0 if direction == "max" else 1.0
    scored = [(score, r) for r in study.records if (score := _score(r)) is not None]
    scored.sort(key=lambda pair: sign * pair[0])
    unscored = [r for r in study.records if _score(r) is None]
    unscored.sort(key=lambda r: _UNSCORED_ORDER[r.status])
    ranked = [(rank, score, r) for rank, (score, r) in enumerate(scored, start=1)]
    rows = [
        _row(rank, score, record, reference)
        for rank, score, record in [*ranked, *((None, None, r) for r in unscored)]
    ]
    return LeaderboardInfo(objective, direction, tuple(rows[:top]), len(rows))
