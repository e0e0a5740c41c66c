"""What tunekit shows in a terminal about trained models: the best trial, predictions.

Like ``tunekit.console``, this is rich code only: it renders info objects that the
library computed and prints nothing itself.
"""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from tunekit.predict import Predictions
from tunekit.report import fmt_metric, metric_unit
from tunekit.tuning.best import BestTrial


def _metric(value: float, metric: str) -> str:
    if not math.isfinite(value):
        return "—"
    return fmt_metric(value, metric) + metric_unit(metric)


def best_trial_table(best: BestTrial) -> Table:
    """The best trial: its hyper-parameters, its metrics and where its weights are."""
    record = best.record
    table = Table(
        title=f"Best trial of {best.study_dir}: trial {record.trial_id} ({record.label})",
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
