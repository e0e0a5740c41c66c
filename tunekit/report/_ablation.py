"""Ablation tables: each value of a space against the reference, with the noise in the change."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tunekit.report._spaces import SpaceMember, space_groups
from tunekit.report._stats import finite, mean, std, welch_interval
from tunekit.tuning.reading import StudyRecords
from tunekit.tuning.records import TrialRecord


@dataclass(frozen=True)
class Estimate:
    """A metric over a trial's executions.

    Attributes:
        mean: Mean over executions with a finite value (``None`` if none has one).
        std: Sample standard deviation (``None`` with fewer than two values).
        n: How many executions gave a finite value.
    """

    mean: float | None
    std: float | None
    n: int


@dataclass(frozen=True)
class Change:
    """A value's change from the reference in one metric.

    Attributes:
        delta: The value's mean minus the reference's mean.
        lo: Lower end of the 95% Welch t interval of ``delta`` (``None`` unless both
            the value and the reference have two or more executions).
        hi: Upper end of that interval.
        within_noise: Whether the interval contains 0 (``None`` without an interval).
    """

    delta: float
    lo: float | None = None
    hi: float | None = None
    within_noise: bool | None = None


@dataclass(frozen=True)
class AblationRow:
    """One value of a space.

    Attributes:
        trial_id: The trial that trained it.
        value: The hyper-parameter's value.
        is_reference: Whether this row is the reference trial.
        status: The trial's status.
        executions: Executions recorded.
        val: Validation metric at each execution's best epoch.
        test: Test metric of each execution's best weights.
        val_change: Change from the reference in ``val`` (``None`` for the reference
            row, or when either side has no value).
        test_change: Change from the reference in ``test``.
        epochs: Mean epochs run.
        seconds: Mean training time of one execution, in seconds.
        params: Parameter count of the model.
    """

    trial_id: str
    value: Any
    is_reference: bool
    status: str
    executions: int
    val: Estimate
    test: Estimate
    val_change: Change | None
    test_change: Change | None
    epochs: float | None
    seconds: float | None
    params: int | None


@dataclass(frozen=True)
class AblationTable:
    """One space's table: the reference row first, then the space's values in order."""

    space: str
    hp: str
    description: str
    reference_value: Any
    metric: str
    rows: tuple[AblationRow, ...]


def metric_values(record: TrialRecord, which: str, metric: str) -> list[float]:
    """The finite ``val`` or ``test`` values of ``metric`` over a trial's executions."""
    return finite(getattr(ex, f"{which}_metrics").get(metric) for ex in record.executions)


def estimate(values: list[float]) -> Estimate:
    """Mean, sample deviation and count of ``values``."""
    return Estimate(mean(values), std(values), len(values))


def change_between(values: list[float], reference: list[float]) -> Change | None:
    """The change of ``values`` from ``reference``, with a Welch interval where both have 2+."""
    if not values or not reference:
        return None
    delta = math.fsum(values) / len(values) - math.fsum(reference) / len(reference)
    interval = welch_interval(values, reference)
    if interval is None:
        return Change(delta)
    lo, hi = interval
    return Change(delta, lo, hi, lo <= 0.0 <= hi)


def _row(member: SpaceMember, reference: SpaceMember | None, metric: str) -> AblationRow:
    record = member.record
    val, test = metric_values(record, "val", metric), metric_values(record, "test", metric)
    val_change = test_change = None
    if reference is not None and not member.is_reference:
        val_change = change_between(val, metric_values(reference.record, "val", metric))
        test_change = change_between(test, metric_values(reference.record, "test", metric))
    return AblationRow(
        trial_id=record.trial_id,
        value=member.value,
        is_reference=member.is_reference,
        status=record.status.value,
        executions=len(record.executions),
        val=estimate(val),
        test=estimate(test),
        val_change=val_change,
        test_change=test_change,
        epochs=mean([float(ex.epochs_run) for ex in record.executions]),
        seconds=mean(finite(ex.train_seconds for ex in record.executions)),
        params=record.params,
    )


def ablation_info(study: StudyRecords, metric: str = "accuracy") -> list[AblationTable]:
    """Compute one ablation table per space of ``study``; running trials are left out.

    Args:
        study: The study's records, from ``read_study``.
        metric: The metric compared (a key of the executions' val and test metrics).
    """
    tables = []
    for group in space_groups(study):
        if not group.members:
            continue
        reference = next((m for m in group.members if m.is_reference), None)
        rows = tuple(_row(m, reference, metric) for m in group.members)
        tables.append(
            AblationTable(
                group.name, group.hp, group.description, group.reference_value, metric, rows
            )
        )
    return tables
