"""Flat export: one row per trial and execution, for pandas, spreadsheets and R."""

from __future__ import annotations

import csv
import io
import json
import math
from enum import Enum
from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError
from tunekit.records.atomic import write_text_atomic
from tunekit.records.study import StudyRecords
from tunekit.records.trial import ExecutionRecord, TrialRecord


class ExportFormat(str, Enum):
    """File formats of ``write_export``."""

    CSV = "csv"
    JSON = "json"


def _number(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _execution_columns(index: int | None, ex: ExecutionRecord | None) -> dict[str, Any]:
    if ex is None:
        return {"execution": None, "seed": None, "execution_status": None}
    row: dict[str, Any] = {
        "execution": index,
        "seed": ex.seed,
        "execution_status": ex.status.value,
        "epochs_run": ex.epochs_run,
        "best_epoch": ex.best_epoch,
        "early_stopped": ex.early_stopped,
        "train_seconds": _number(ex.train_seconds),
    }
    row.update({f"val_{k}": _number(v) for k, v in ex.val_metrics.items()})
    row.update({f"test_{k}": _number(v) for k, v in ex.test_metrics.items()})
    return row


def _trial_columns(study: StudyRecords, record: TrialRecord) -> dict[str, Any]:
    return {
        "study": study.path.name,
        "dataset": study.meta.data.name or None,
        "family": record.family,
        "trial_id": record.trial_id,
        "space": record.space,
        "hp": record.hp,
        "value": record.value,
        "label": record.label,
        "status": record.status.value,
        "reason": record.reason,
        "params": record.params,
        "objective": record.objective,
        "score": _number(record.score),
        "wall_seconds": _number(record.wall_seconds),
    }


def export_rows(study: StudyRecords) -> list[dict[str, Any]]:
    """Return one flat row per trial and execution (one row for a trial with none).

    Each row holds the trial's columns, the execution's seed, epochs, time and
    metrics (``val_<metric>`` at the best epoch, ``test_<metric>``), and every
    hyper-parameter as ``hp.<name>``. Non-finite numbers become ``None``.
    """
    rows = []
    for record in study.records:
        trial = _trial_columns(study, record)
        hps = {f"hp.{k}": v for k, v in record.hyperparameters.items()}
        executions: list[tuple[int | None, ExecutionRecord | None]] = list(
            enumerate(record.executions)
        ) or [(None, None)]
        for index, ex in executions:
            rows.append({**trial, **_execution_columns(index, ex), **hps})
    return rows


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    """Write rows as CSV, columns in order of first appearance, ``None`` as empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_export(study: StudyRecords, path: Path, fmt: ExportFormat | str = "csv") -> Path:
    """Write ``export_rows(study)`` to ``path`` as CSV or JSON and return the path.

    Trials whose record could not be read are not in it; ``study.problems`` names
    them, for the caller to show as the report and leaderboard do.
    """
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise TunekitError(f"Unknown export format {fmt!r}; use csv or json.") from None
    rows = export_rows(study)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ExportFormat.CSV:
        write_text_atomic(path, rows_to_csv(rows))
    else:
        write_text_atomic(path, json.dumps(rows, indent=1, allow_nan=False, default=str) + "\n")
    return path
