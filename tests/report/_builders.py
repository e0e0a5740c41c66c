"""Hand-built trial records and study directories; no keras anywhere."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from tunekit.records.trial import ExecutionRecord, TrialRecord, TrialStatus, write_record

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


# --- clock studies ---------------------------------------------------------------------------

#: A tiny clock data set that generates in about a second: 360 easy clocks of 32 pixels,
#: 72 of them in the test split.
CLOCK_SPEC: dict[str, Any] = {
    "dataset": "clock",
    "data_dir": None,
    "subset": None,
    "permute": None,
    "validation_size": 5000,
    "clock_count": 360,
    "image_size": 32,
    "clock_style": "easy",
    "data_seed": 0,
}
CLOCK_REFERENCE = {"representation": "multihead", "backbone": "seed"}

CLOCK_META: dict[str, Any] = {
    **META,
    "family": "clock",
    "objective": "val_time_error",
    "direction": "min",
    "reference": CLOCK_REFERENCE,
    "spaces": {
        "representation": {
            "hp": "representation",
            "values": ["regression", "multihead", "periodic"],
            "description": "target encoding",
        },
        "backbone": {"hp": "backbone", "values": ["seed", "bn"], "description": "conv base"},
    },
    "data": {"name": "clock", "n_train": 259, "n_val": 29, "n_test": 72},
    "data_spec": CLOCK_SPEC,
}


def clock_execution(
    true: list[int],
    pred: list[float | None],
    *,
    val: tuple[float, ...] = (120.0, 30.0),
    seed: int = 0,
    test: dict[str, float] | None = None,
) -> ExecutionRecord:
    """A clock execution whose test predictions are ``pred`` for the true times ``true``."""
    return ExecutionRecord(
        seed=seed,
        history={
            "loss": [1.0] * len(val),
            "val_loss": [1.0] * len(val),
            "val_time_error": list(val),
        },
        epochs_run=len(val),
        best_epoch=len(val),
        train_seconds=4.0,
        val_metrics={"time_error": val[-1], "loss": 1.0},
        test_metrics=test or {},
        extra={"true_minutes": list(true), "pred_minutes": list(pred)},
    )


def clock_trial(
    trial_id: str,
    space: str = "reference",
    value: Any = None,
    executions: tuple[ExecutionRecord, ...] = (),
    *,
    status: TrialStatus = TrialStatus.COMPLETED,
) -> TrialRecord:
    """A trial of the clock test study."""
    hp = "" if space == "reference" else space
    values = dict(CLOCK_REFERENCE) if space == "reference" else {**CLOCK_REFERENCE, hp: value}
    scores = [ex.val_metrics["time_error"] for ex in executions]
    return TrialRecord(
        trial_id=trial_id,
        family="clock",
        space=space,
        hp=hp,
        value=value,
        hyperparameters=values,
        status=status,
        params=500,
        wall_seconds=5.0,
        executions=executions,
        objective="val_time_error",
        score=sum(scores) / len(scores) if scores and status is not TrialStatus.RUNNING else None,
    )


# --- searches ----------------------------------------------------------------------------------

SEARCH_META: dict[str, Any] = {
    **META,
    "tuner": "random",
    "reference": {},
    "spaces": {
        "lr": {"hp": "learning_rate", "values": [0.0001, 0.1], "description": "log range"},
        "optimizer": {"hp": "optimizer", "values": ["sgd", "adam"], "description": "optimiser"},
    },
}


def search_trial(
    trial_id: str,
    score: float | None,
    status: TrialStatus = TrialStatus.COMPLETED,
    **hyperparameters: Any,
) -> TrialRecord:
    """A search trial: only its id, score, status and hyper-parameters matter."""
    return TrialRecord(
        trial_id=trial_id,
        family="mlp",
        space="search",
        hp="",
        value=None,
        hyperparameters=hyperparameters,
        status=status,
        executions=(execution(test_acc=0.5),) if score is not None else (),
        score=score,
    )


# --- permutation studies -------------------------------------------------------------------


def write_permutation(
    folder: Path,
    tests: dict[tuple[str, str], tuple[float, ...]],
    *,
    test_size: int = 10000,
    choices: Any = None,
) -> Path:
    """Write a permutation folder: one one-trial study per (family, kind) in ``tests``.

    Each run gets one execution per test accuracy given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if choices is None:
        choices = [
            {"family": f, "values": {}, "source": f"best of {f}", "fallback": f == "cnn"}
            for f in ("mlp", "cnn")
        ]
    (folder / "permutation.json").write_text(json.dumps(choices))
    for (family, kind), accs in tests.items():
        executions = tuple(
            execution((0.5, acc), val_acc=acc, test_acc=acc, seed=i) for i, acc in enumerate(accs)
        )
        meta = {
            **META,
            "family": family,
            "spaces": {},
            "data": {
                **META["data"],
                "test_size": test_size,
                "permute": 7 if kind == "permuted" else None,
            },
        }
        record = trial("00", executions=executions).finished(family=family)
        write_study(folder / f"{family}-{kind}", [record], meta)
    return folder


# --- recorded test predictions ---------------------------------------------------------------


def predicting(labels: list[int], wrong: int, *, seed: int = 0, test_acc: float | None = None):
    """An execution whose prediction is right on every test image but the first ``wrong``."""
    from dataclasses import replace

    predicted = tuple((y + 1) % 10 if i < wrong else y for i, y in enumerate(labels))
    acc = 1 - wrong / len(labels) if test_acc is None else test_acc
    return replace(execution(seed=seed, test_acc=acc), test_predicted=predicted)


def write_labels(path: Path, labels: list[int]) -> None:
    """Keep a study's test labels as ``tunekit study`` does."""
    from tunekit.records.study import write_test_labels

    write_test_labels(path, tuple(labels))
