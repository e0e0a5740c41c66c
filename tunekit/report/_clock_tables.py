"""Clock ablation tables: every value's time errors against the reference; lower is better."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.report._ablation import (
    Change,
    Estimate,
    change_between,
    estimate,
    floor_note,
    judge,
    metric_values,
)
from tunekit.report._comparison import value_label
from tunekit.report._paired import PairedChange, clock_change, seed_floor
from tunekit.report._spaces import SpaceMember, space_groups
from tunekit.report._stats import finite, mean
from tunekit.report._tables import (
    MISSING,
    TIME_HEADER,
    VERDICT_KINDS,
    DisplayTable,
    TableFormat,
    flat_paired,
    fmt_number,
    fmt_params,
    fmt_seconds,
    render_tables,
    row_kind,
)

#: The test metrics of a clock row, as (metric key, attribute of ``ClockRow``).
CLOCK_METRICS = (
    ("time_error", "mean_error"),
    ("time_error_median", "median_error"),
    ("time_error_p90", "p90_error"),
    ("hour_accuracy", "hour_accuracy"),
    ("within_1_minute", "within_1_minute"),
)


@dataclass(frozen=True)
class ClockRow:
    """One value of a space, measured on the test clocks.

    Attributes:
        trial_id: The trial that trained it.
        value: The hyper-parameter's value.
        is_reference: Whether this row is the reference trial.
        status: The trial's status.
        executions: Executions recorded.
        mean_error: Mean test error in minutes.
        median_error: Median test error in minutes.
        p90_error: 90th percentile of the test error in minutes.
        hour_accuracy: Share of test clocks whose hour is right.
        within_1_minute: Share of test clocks read to within a minute.
        change: Change from the reference in mean test error (negative is better).
        val_error: Validation mean error at the best epoch, in minutes.
        epochs: Mean epochs run.
        seconds: Mean training time of one execution, in seconds.
        params: Parameter count of the model.
        paired: The change in mean test error measured clock by clock, with its
            95% paired bootstrap interval (``None`` without recorded readings).
        floor: The seed-noise floor of the change (``None`` with a reference
            trained once).
        verdict: ``better`` (lower error), ``worse`` or ``within noise``.
    """

    trial_id: str
    value: Any
    is_reference: bool
    status: str
    executions: int
    mean_error: Estimate
    median_error: Estimate
    p90_error: Estimate
    hour_accuracy: Estimate
    within_1_minute: Estimate
    change: Change | None
    val_error: Estimate
    epochs: float | None
    seconds: float | None
    params: int | None
    paired: PairedChange | None = None
    floor: float | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class ClockTable:
    """One space's table: the reference row first, then the space's values in order."""

    space: str
    hp: str
    description: str
    reference_value: Any
    rows: tuple[ClockRow, ...]
    note: str = ""  # what the verdicts rest on when it is less than the full rule


def _row(member: SpaceMember, reference: SpaceMember | None) -> ClockRow:
    record = member.record
    test = {attr: metric_values(record, "test", key) for key, attr in CLOCK_METRICS}
    change = paired = floor = judged = None
    if reference is not None and not member.is_reference:
        ref_test = metric_values(reference.record, "test", "time_error")
        change = change_between(test["mean_error"], ref_test)
        paired = clock_change(record, reference.record)
        floor = seed_floor(ref_test, len(test["mean_error"]))
        judged = judge(paired, change, floor, higher_is_better=False)
    return ClockRow(
        trial_id=record.trial_id,
        value=member.value,
        is_reference=member.is_reference,
        status=record.status.value,
        executions=len(record.executions),
        **{attr: estimate(values) for attr, values in test.items()},
        change=change,
        val_error=estimate(metric_values(record, "val", "time_error")),
        epochs=mean([float(ex.epochs_run) for ex in record.executions]),
        seconds=mean(finite(ex.train_seconds for ex in record.executions)),
        params=record.params,
        paired=paired,
        floor=floor,
        verdict=judged,
    )


def clock_table_info(study: StudyRecords) -> list[ClockTable]:
    """Compute one clock table per space of ``study``; running trials are left out."""
    tables = []
    for group in space_groups(study):
        if not group.members:
            continue
        reference = next((m for m in group.members if m.is_reference), None)
        rows = tuple(_row(m, reference) for m in group.members)
        paired = [r for r in rows if r.paired is not None]
        note = floor_note(len(paired), sum(r.floor is not None for r in paired))
        tables.append(
            ClockTable(group.name, group.hp, group.description, group.reference_value, rows, note)
        )
    return tables


# --- formatting --------------------------------------------------------------------------


def fmt_minutes(value: float | None) -> str:
    """Minutes to a tenth."""
    return MISSING if value is None else f"{value:.1f}"


def _fmt(estimate: Estimate, percent: bool) -> str:
    def one(value: float | None) -> str:
        return (
            (MISSING if value is None else f"{100 * value:.1f}")
            if percent
            else (fmt_minutes(value))
        )

    text = one(estimate.mean)
    return text if estimate.std is None else f"{text} ± {one(estimate.std)}"


def _change_kind(change: Change | None) -> str:
    """How a change in error reads: ``better`` (lower), ``worse``, or ``noise``."""
    if change is None:
        return ""
    if change.within_noise:
        return "noise"
    return "better" if change.delta < 0 else "worse" if change.delta > 0 else ""


def clock_display(table: ClockTable) -> DisplayTable:
    """Format one clock table; the interval column appears only when there is one."""
    with_ci = any(r.change and r.change.lo is not None for r in table.rows)
    with_paired = any(r.paired is not None for r in table.rows)
    headers = [
        table.hp,
        "mean error (min)",
        "median (min)",
        "p90 (min)",
        "hour right (%)",
        "within 1 min (%)",
        "Δ mean error (min)",
        *(["95% CI Δ (min)"] if with_ci else []),
        *(["paired 95% CI Δ (min)"] if with_paired else []),
        "verdict",
        "val error (min)",
        "epochs",
        TIME_HEADER,
        "params",
        "status",
    ]
    rows, kinds = [], []
    for row in table.rows:
        delta = None if row.change is None else row.change.delta
        kind = _change_kind(row.change)
        cells = [
            value_label(row.value, is_reference=row.is_reference, status="completed"),
            _fmt(row.mean_error, False),
            _fmt(row.median_error, False),
            _fmt(row.p90_error, False),
            _fmt(row.hour_accuracy, True),
            _fmt(row.within_1_minute, True),
            "0 (control)" if row.is_reference else (MISSING if delta is None else f"{delta:+.1f}"),
            *([_interval(row.change)] if with_ci else []),
            *([_interval(row.paired)] if with_paired else []),
            "control" if row.is_reference else row.verdict or MISSING,
            _fmt(row.val_error, False),
            fmt_number(row.epochs),
            fmt_seconds(row.seconds),
            fmt_params(row.params),
            row.status,
        ]
        rows.append(tuple(cells))
        verdict = VERDICT_KINDS.get(row.verdict or "", "")
        kinds.append(("", "", "", "", "", "", kind, *([kind] if with_ci else []),
                      *([verdict] if with_paired else []), verdict) + ("",) * 5)  # fmt: skip
    caption = f"{table.space}: {table.description}" if table.description else table.space
    note = f"; {table.note}" if table.note else ""
    return DisplayTable(
        caption=caption + f" (test clocks; lower error is better{note})",
        headers=tuple(headers),
        align=tuple("l" if h in (table.hp, "verdict", "status") else "r" for h in headers),
        rows=tuple(rows),
        row_kinds=tuple(row_kind(r.status, r.is_reference) for r in table.rows),
        cell_kinds=tuple(kinds),
    )


def _interval(change: Change | PairedChange | None) -> str:
    """A 95% interval in minutes, ``[-1.2, +0.4]`` (the verdict column judges it)."""
    if change is None or change.lo is None or change.hi is None:
        return MISSING
    return f"[{change.lo:+.1f}, {change.hi:+.1f}]"


def clock_rows(tables: list[ClockTable]) -> list[dict[str, Any]]:
    """Flatten clock tables into one dict per row (fractions, not percentages)."""
    out = []
    for table in tables:
        for row in table.rows:
            flat: dict[str, Any] = {
                "space": table.space,
                "hp": table.hp,
                "value": row.value,
                "is_reference": row.is_reference,
                "trial_id": row.trial_id,
                "status": row.status,
                "executions": row.executions,
            }
            for key, attr in CLOCK_METRICS:
                value: Estimate = getattr(row, attr)
                flat.update({f"test_{key}": value.mean, f"test_{key}_std": value.std})
            change = row.change
            flat.update(
                {
                    "time_error_change": None if change is None else change.delta,
                    "time_error_change_lo": None if change is None else change.lo,
                    "time_error_change_hi": None if change is None else change.hi,
                    "within_noise": None if change is None else change.within_noise,
                    **flat_paired(row.paired),
                    "seed_floor": row.floor,
                    "verdict": row.verdict,
                    "val_time_error": row.val_error.mean,
                    "epochs": row.epochs,
                    "seconds": row.seconds,
                    "params": row.params,
                }
            )
            out.append(flat)
    return out


def render_clock_tables(tables: list[ClockTable], fmt: TableFormat | str) -> str:
    """Render every clock table of a study in one text of the given format."""
    return render_tables(tables, fmt, clock_rows, clock_display)
