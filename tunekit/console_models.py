"""What tunekit shows in a terminal about trained models: the best trial, predictions, clocks.

Like ``tunekit.console``, this is rich code only: it renders info objects that the
library computed and prints nothing itself.
"""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from tunekit.clock_reading import ClockReadings
from tunekit.predict import Predictions
from tunekit.report import fmt_metric, metric_unit
from tunekit.tuning.best import BestTrial


def _metric(value: float, metric: str) -> str:
    if not math.isfinite(value):
        return "—"
    return fmt_metric(value, metric) + metric_unit(metric)


def best_trial_table(best: BestTrial, picked: bool = False) -> Table:
    """A trial, the best one unless ``picked``: its hyper-parameters, metrics and weights."""
    record = best.record
    which = "Trial" if picked else "Best trial"
    table = Table(
        title=f"{which} of {best.study_dir}: trial {record.trial_id} ({record.label})",
        title_justify="left",
        show_header=False,
    )
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    for hp, value in record.hyperparameters.items():
        table.add_row(hp, Text(str(value)))
    table.add_section()
    for metric, value in best.metrics.items():
        table.add_row(metric, _metric(value, metric))
    table.add_section()
    if best.weights is not None:
        table.add_row("weights", str(best.weights))
    else:
        table.add_row("weights", Text(f"none: {best.missing}", style="yellow"))
    return table


def predictions_table(predictions: Predictions, top: int = 10) -> Table:
    """The first ``top`` predictions, without the per-class probabilities."""
    shown = [c for c in predictions.columns if not c.startswith("p_")]
    indices = [predictions.columns.index(c) for c in shown]
    table = Table(title=f"First {min(top, len(predictions.rows))} of {len(predictions.rows)}")
    for column in shown:
        table.add_column(column, justify="right")
    for row in predictions.rows[:top]:
        table.add_row(*(str(row[i]) for i in indices))
    return table


def readings_table(readings: ClockReadings, top: int = 20) -> Table:
    """The time read on each of the first ``top`` clocks, and its error given the true time."""
    count = len(readings.sources)
    title = f"Times read by {readings.model} ({readings.representation}"
    views = []
    if readings.turns > 1:
        views.append(f"{readings.turns} quarter turns")
    if readings.centre_rings:
        views.append(f"{1 + 8 * readings.centre_rings} dial centres")
    if readings.dial_scales > 1:
        views.append(f"{readings.dial_scales} dial sizes")
    title += f", {' x '.join(views)} averaged)" if views else ")"
    if count > top:
        title += f": first {top} of {count}"
    table = Table(title=title, title_justify="left")
    shown = [c for c in readings.columns if c not in ("hour", "minute", "minutes")]
    for column in shown:
        table.add_column(column, justify="left" if column == "source" else "right")
    indices = [readings.columns.index(c) for c in shown]
    for row in readings.rows[:top]:
        table.add_row(*(Text(str(row[i])) for i in indices))
    return table


def reading_errors_table(metrics: dict[str, float]) -> Table:
    """The reading errors as clock studies summarise them (``time_metrics``'s keys)."""
    table = Table(title="Reading errors", title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("mean", f"{metrics['time_error']:.2f} min")
    table.add_row("median", f"{metrics['time_error_median']:.2f} min")
    table.add_row("90th percentile", f"{metrics['time_error_p90']:.2f} min")
    table.add_row("hour right", f"{metrics['hour_accuracy']:.1%}")
    table.add_row("within 1 minute", f"{metrics['within_1_minute']:.1%}")
    return table


def reading_errors_line(metrics: dict[str, float], count: int) -> str:
    """``mean error 3.41 min, median 1.20 min over 1800 clocks``: the summary in one line."""
    return (
        f"mean error {metrics['time_error']:.2f} min, "
        f"median {metrics['time_error_median']:.2f} min over {count} clocks"
    )
