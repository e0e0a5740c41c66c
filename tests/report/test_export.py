from __future__ import annotations

import csv
import json
import math

import pytest

from tunekit.errors import TunekitError
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import export_rows, write_export

from ._builders import execution, trial, write_study


def _study(tmp_path):
    two = (execution(val_acc=0.5, test_acc=0.25), execution(val_acc=0.75, test_acc=0.5, seed=1))
    return read_study(
        write_study(
            tmp_path / "s",
            [
                trial("00", executions=two),
                trial("01", "dropout", 0.2, two),
                trial(
                    "02",
                    "dropout",
                    0.5,
                    (
                        execution((0.5, math.nan), status=TrialStatus.DIVERGED),
                        execution((0.5, math.nan), status=TrialStatus.DIVERGED, seed=1),
                    ),
                    status=TrialStatus.DIVERGED,
                ),
            ],
        )
    )


def test_one_row_per_trial_and_execution(tmp_path):
    rows = export_rows(_study(tmp_path))
    assert len(rows) == 3 * 2
    assert [(r["trial_id"], r["execution"], r["seed"]) for r in rows[:2]] == [
        ("00", 0, 0),
        ("00", 1, 1),
    ]
    expected = {
        "study": "s",
        "dataset": "fashion_mnist",
        "space": "reference",
        "label": "reference",
        "status": "completed",
        "val_accuracy": 0.75,
        "test_accuracy": 0.5,
        "hp.dropout": 0.0,
        "hp.optimizer": "sgd",
    }
    assert {key: rows[1][key] for key in expected} == expected
    assert rows[4]["val_accuracy"] is None  # NaN from a diverged run


def test_trial_without_executions_still_gets_a_row(tmp_path):
    study = write_study(tmp_path / "s", [trial("00", status=TrialStatus.FAILED)])
    (row,) = export_rows(read_study(study))
    assert (row["trial_id"], row["execution"], row["status"]) == ("00", None, "failed")


def test_write_csv_and_json(tmp_path):
    study = _study(tmp_path)
    with write_export(study, tmp_path / "out" / "x.csv", "csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    assert rows[0]["test_accuracy"] == "0.25"
    data = json.loads(write_export(study, tmp_path / "x.json", "json").read_text())
    assert data == export_rows(study)


def test_unknown_format(tmp_path):
    with pytest.raises(TunekitError, match="csv or json"):
        write_export(_study(tmp_path), tmp_path / "x.xls", "xls")
