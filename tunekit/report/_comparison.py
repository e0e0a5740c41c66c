"""The comparison figure's data: one panel per space, one history curve per value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialStatus
from tunekit.report._spaces import SpaceMember, running_count, space_groups, study_title
from tunekit.report._stats import finite, mean, std

#: Statuses named in a legend: these values did not train to the end normally.
_FLAGGED = frozenset(
    status.value for status in (TrialStatus.DIVERGED, TrialStatus.FAILED, TrialStatus.INVALID)
)


@dataclass(frozen=True)
class Curve:
    """One value's training history, averaged over its executions.

    Missing or non-finite points are ``None`` (a diverged run's NaN, an epoch that
    no execution reached), so info objects compare with ``==``.

    Attributes:
        label: Legend text, e.g. ``0.2``, ``0.0 (reference)``, ``exponential (diverged)``.
        value: The space's value in this trial.
        status: The trial's status (``completed``, ``diverged`` or ``failed``).
        is_reference: Whether this is the reference trial.
        executions: Executions recorded for the trial.
        epochs: 1-based epoch numbers, up to the longest execution.
        val_mean: Mean validation metric per epoch over the executions that reached it.
        val_lo: Mean minus one sample deviation; empty with a single execution.
        val_hi: Mean plus one sample deviation; empty with a single execution.
        train_mean: Mean training metric per epoch.
    """

    label: str
    value: Any
    status: str
    is_reference: bool
    executions: int
    epochs: tuple[int, ...]
    val_mean: tuple[float | None, ...]
    val_lo: tuple[float | None, ...]
    val_hi: tuple[float | None, ...]
    train_mean: tuple[float | None, ...]


@dataclass(frozen=True)
class Panel:
    """One space: the hyper-parameter it varies and one curve per value, reference first."""

    space: str
    hp: str
    description: str
    curves: tuple[Curve, ...]


@dataclass(frozen=True)
class ComparisonInfo:
    """Everything the comparison figure shows.

    Attributes:
        title: The study, e.g. ``mlp on fashion_mnist``.
        metric: The metric drawn (``accuracy``: ``val_accuracy`` solid, ``accuracy`` dashed).
        panels: One panel per space that has at least one finished trial.
        running: Trials still running, left out of the figure.
        direction: ``max`` when higher values are better, ``min`` when lower are.
        chance: The metric of a random guess, drawn as a dotted line (``None``: not drawn).
    """

    title: str
    metric: str
    panels: tuple[Panel, ...]
    running: int = 0
    direction: str = "max"
    chance: float | None = None


#: Axis labels of metrics whose name does not say their unit.
METRIC_LABELS = {"time_error": "mean error (minutes)"}
#: The value of a uniformly random guess, where it does not depend on the data:
#: on a 12-hour dial a random time is 180 minutes off on average.
CHANCE = {"time_error": 180.0}


def metric_label(metric: str) -> str:
    """How a metric is named on an axis, e.g. ``mean error (minutes)`` for ``time_error``."""
    return METRIC_LABELS.get(metric, metric)


def value_label(value: Any, *, is_reference: bool, status: str) -> str:
    """Name a value in legends: the reference and unfinished results say what they are."""
    notes = (["reference"] if is_reference else []) + ([status] if status in _FLAGGED else [])
    return f"{value} ({', '.join(notes)})" if notes else str(value)


def per_epoch(histories: list[list[float]]) -> list[list[float]]:
    """Transpose histories of different lengths: the finite values at each epoch."""
    longest = max((len(h) for h in histories), default=0)
    return [finite(h[i] for h in histories if i < len(h)) for i in range(longest)]


def _band(
    epochs: list[list[float]],
) -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """Mean minus and plus one sample deviation; ``None`` where fewer than two values."""
    lo, hi = [], []
    for values in epochs:
        m, s = mean(values), std(values)
        lo.append(None if m is None or s is None else m - s)
        hi.append(None if m is None or s is None else m + s)
    return tuple(lo), tuple(hi)


def _curve(member: SpaceMember, metric: str) -> Curve:
    record = member.record
    status = record.status.value
    val = per_epoch([list(ex.history.get(f"val_{metric}", [])) for ex in record.executions])
    train = per_epoch([list(ex.history.get(metric, [])) for ex in record.executions])
    longest = max(len(val), len(train))
    val += [[]] * (longest - len(val))
    train += [[]] * (longest - len(train))
    val_mean = tuple(mean(v) for v in val)
    lo: tuple[float | None, ...] = ()
    hi: tuple[float | None, ...] = ()
    if len(record.executions) > 1:
        lo, hi = _band(val)
    return Curve(
        label=value_label(member.value, is_reference=member.is_reference, status=status),
        value=member.value,
        status=status,
        is_reference=member.is_reference,
        executions=len(record.executions),
        epochs=tuple(range(1, longest + 1)),
        val_mean=val_mean,
        val_lo=lo,
        val_hi=hi,
        train_mean=tuple(mean(t) for t in train),
    )


def comparison_info(study: StudyRecords, metric: str | None = None) -> ComparisonInfo:
    """Compute the comparison figure's curves for every space of ``study``.

    Args:
        study: The study's records, from ``read_study``.
        metric: The keras metric to draw; ``val_<metric>`` is the validation curve. By
            default the study's objective without ``val_`` (``accuracy``, ``time_error``).
    """
    metric = metric or study.meta.metric
    direction = study.meta.direction
    panels = tuple(
        Panel(
            group.name, group.hp, group.description, tuple(_curve(m, metric) for m in group.members)
        )
        for group in space_groups(study)
        if group.members
    )
    return ComparisonInfo(
        study_title(study), metric, panels, running_count(study), direction, CHANCE.get(metric)
    )
