"""Ablation tables: each value of a space against the reference, with the noise in the change."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialRecord
from tunekit.report._paired import (
    BETTER,
    CLASS_ACCURACY,
    NO_FLOOR,
    NOISE,
    WORSE,
    PairedChange,
    class_change,
    seed_floor,
    verdict,
)
from tunekit.report._spaces import SpaceMember, space_groups
from tunekit.report._stats import finite, mean, std, welch_interval


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
        paired: The change in test accuracy measured image by image on the test set,
            with its 95% interval (``None`` without recorded predictions).
        floor: The seed-noise floor of the change (``None`` with a reference trained
            once).
        verdict: ``better``, ``worse`` or ``within noise`` (``None`` for the reference,
            or when there is neither a paired nor a Welch interval).
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
    paired: PairedChange | None = None
    floor: float | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class AblationTable:
    """One space's table: the reference row first, then the space's values in order.

    ``note`` says what the verdicts rest on when it is less than the full rule (e.g.
    no seed-noise floor); "" otherwise.
    """

    space: str
    hp: str
    description: str
    reference_value: Any
    metric: str
    rows: tuple[AblationRow, ...]
    note: str = ""


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


def judge(
    paired: PairedChange | None,
    welch: Change | None,
    floor: float | None,
    higher_is_better: bool,
) -> str | None:
    """The row's verdict: by the paired interval and the floor, else by the Welch interval.

    Records without per-image outcomes (written before tunekit kept them) fall back to
    the Welch interval over executions, which holds the seed noise already.
    """
    if paired is not None:
        return verdict(paired, floor, higher_is_better)
    if welch is None or welch.within_noise is None:
        return None
    if welch.within_noise:
        return NOISE
    return BETTER if (welch.delta > 0) == higher_is_better else WORSE


def _row(
    member: SpaceMember,
    reference: SpaceMember | None,
    metric: str,
    labels: tuple[int, ...] | None = None,
    higher_is_better: bool = True,
) -> AblationRow:
    record = member.record
    val, test = metric_values(record, "val", metric), metric_values(record, "test", metric)
    val_change = test_change = paired = floor = judged = None
    if reference is not None and not member.is_reference:
        ref_test = metric_values(reference.record, "test", metric)
        val_change = change_between(val, metric_values(reference.record, "val", metric))
        test_change = change_between(test, ref_test)
        if metric in CLASS_ACCURACY:
            paired = class_change(record, reference.record, labels)
        floor = seed_floor(ref_test, len(test))
        judged = judge(paired, test_change, floor, higher_is_better)
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
        paired=paired,
        floor=floor,
        verdict=judged,
    )


def floor_note(paired_rows: int, floors: int) -> str:
    """The table's note when some paired verdicts had no seed-noise floor to clear."""
    return (
        f"{NO_FLOOR}; verdicts rest on the test-set interval alone" if paired_rows > floors else ""
    )


def _higher_is_better(study: StudyRecords, metric: str) -> bool:
    """The objective's own direction; another metric is better low if a loss or an error."""
    if metric == study.meta.metric:
        return not study.meta.minimise
    return "loss" not in metric and "error" not in metric


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
        higher = _higher_is_better(study, metric)
        rows = tuple(_row(m, reference, metric, study.test_labels, higher) for m in group.members)
        paired = [r for r in rows if r.paired is not None]
        note = floor_note(len(paired), sum(r.floor is not None for r in paired))
        tables.append(
            AblationTable(
                group.name, group.hp, group.description, group.reference_value, metric, rows, note
            )
        )
    return tables
