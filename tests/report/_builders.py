"""Hand-built trial records and study directories; no keras anywhere."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from tunekit.tuning.records import ExecutionRecord, TrialRecord, TrialStatus, write_record

REFERENCE = {"dropout": 0.0, "optimizer": "sgd"}

META: dict[str, Any] = {
    "tunekit_version": "0.1.0",
    "family": "mlp",
    "tuner": "one-factor",
    "objective": "val_accuracy",
    "direction": "max",
    "reference": REFERENCE,
    "spaces": {
        "dropout": {"hp": "dropout", "values": [0.0, 0.2, 0.5], "description": "dropout rate"},
        "optimizer": {"hp": "optimizer", "values": ["sgd", "adam"], "description": "optimiser"},
    },
    "data": {
        "name": "fashion_mnist",
        "train": 55000,
        "val": 5000,
        "test": 10000,
        "subset": None,
        "permute": None,
        "fingerprint": "f00d",
        "source": "test",
    },
    "train": {"epochs": 3, "patience": 5, "executions": 2, "seed": 7, "checkpoints": False},
    "created": "2024-01-01T00:00:00+00:00",
}


def execution(
    val: tuple[float, ...] = (0.5, 0.75),
    train: tuple[float, ...] | None = None,
    *,
    val_acc: float | None = None,
    test_acc: float | None = None,
    seed: int = 0,
    seconds: float = 10.0,
    status: TrialStatus = TrialStatus.COMPLETED,
) -> ExecutionRecord:
    """One execution; its best epoch is the last, unless given metrics say otherwise."""
    train = val if train is None else train
    best = val[-1] if val else math.nan
    val_acc = best if val_acc is None else val_acc
    return ExecutionRecord(
        seed=seed,
        history={
            "loss": [1.0 - t for t in train],
            "accuracy": list(train),
            "val_loss": [1.0 - v for v in val],
            "val_accuracy": list(val),
        },
        epochs_run=len(val),
        best_epoch=len(val),
        train_seconds=seconds,
        val_metrics={"loss": 1.0 - val_acc, "accuracy": val_acc},
        test_metrics={} if test_acc is None else {"loss": 1.0 - test_acc, "accuracy": test_acc},
        status=status,
    )


def trial(
    trial_id: str,
    space: str = "reference",
    value: Any = None,
    executions: tuple[ExecutionRecord, ...] = (),
    *,
    status: TrialStatus = TrialStatus.COMPLETED,
    params: int | None = 100,
    score: float | None = None,
    wall_seconds: float = 25.0,
) -> TrialRecord:
    """A trial of the test study; ``space`` names the hp it changes (as the plan does)."""
    hp = "" if space == "reference" else space
    values = dict(REFERENCE) if space == "reference" else {**REFERENCE, hp: value}
    if score is None and executions and status is not TrialStatus.RUNNING:
        accs = [ex.val_metrics["accuracy"] for ex in executions]
        score = sum(accs) / len(accs)
    return TrialRecord(
        trial_id=trial_id,
        family="mlp",
        space=space,
        hp=hp,
        value=value,
        hyperparameters=values,
        status=status,
        params=params,
        wall_seconds=wall_seconds,
        executions=executions,
        score=score,
    )


def write_study(path: Path, records: list[TrialRecord], meta: dict[str, Any] | None = None) -> Path:
    """Write a study directory as ``tunekit study`` leaves it."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "tunekit_study.json").write_text(json.dumps(META if meta is None else meta))
    for record in records:
        write_record(path / f"trial_{record.trial_id}", record)
    return path
