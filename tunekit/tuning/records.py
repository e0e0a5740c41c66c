"""Trial records: what tunekit keeps of every trial, written as it runs, read once.

keras-tuner keeps only a trial's hyper-parameters and best score. A ``TrialRecord``
adds the per-epoch history of every execution, times, epochs, early stopping, the
parameter count, test metrics and the trial's status, in ``trial_*/tunekit.json``.
Reports, leaderboards and exports use these records only, never keras-tuner objects.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from tunekit.tuning.atomic import write_text_atomic

RECORD_FILE = "tunekit.json"
SCHEMA_VERSION = 1
SEARCH_SPACE = "search"  # the space of every trial of a joint search


class TrialStatus(str, Enum):
    """Where a trial stands; diverged and failed are results, not crashes."""

    RUNNING = "running"
    COMPLETED = "completed"
    DIVERGED = "diverged"  # a loss became NaN or infinite
    FAILED = "failed"  # the model could not be built or trained; ``reason`` says why
    INVALID = "invalid"  # the configuration cannot exist (e.g. a feature map below 1x1)


@dataclass(frozen=True)
class ExecutionRecord:
    """One training run of a trial's model, with its own seed.

    Attributes:
        seed: The seed set before building and training.
        history: Per-epoch values of every metric keras logged (``loss``,
            ``val_accuracy``, ...), one list entry per epoch run.
        epochs_run: Epochs actually trained.
        best_epoch: 1-based epoch with the lowest finite ``val_loss`` (0 if none).
        early_stopped: Whether early stopping ended training before the epoch limit.
        train_seconds: Wall-clock time of ``fit``.
        val_metrics: Validation metrics at ``best_epoch``.
        test_metrics: Test metrics of the best weights.
        status: Completed, diverged or failed.
        reason: Why the execution diverged or failed.
        extra: Family-specific results (for example per-image test errors).
    """

    seed: int
    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_run: int = 0
    best_epoch: int = 0
    early_stopped: bool = False
    train_seconds: float = 0.0
    val_metrics: dict[str, float] = field(default_factory=dict)
    test_metrics: dict[str, float] = field(default_factory=dict)
    status: TrialStatus = TrialStatus.COMPLETED
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrialRecord:
    """Everything tunekit knows about one trial.

    Attributes:
        trial_id: keras-tuner's trial id (``trial_<id>`` is its directory).
        family: Model family name.
        space: The space the trial belongs to, ``"reference"``, or ``"search"`` for a
            trial of a joint search.
        hp: The hyper-parameter varied ("" for the reference); in a search, the free
            hyper-parameters, comma-separated.
        value: The value of ``hp`` in this trial; in a search, ``"a=1, b=x"``.
        hyperparameters: Every hyper-parameter's value.
        status: The trial's status (the worst of its executions).
        reason: Why the trial diverged or failed.
        params: Trainable and non-trainable parameter count.
        wall_seconds: Wall-clock time of the whole trial.
        executions: One record per execution.
        objective: Name of the objective the tuner optimises.
        score: The objective's value (mean over executions).
        started: ISO time the trial started.
        tuner_values: keras-tuner's own ``tuner/*`` values: Hyperband's epochs, initial
            epoch, bracket, round and the trial whose weights this one continues.
        trained_with: Keras version, backend and device of the process that trained
            it ("" in records written before tunekit recorded it).
    """

    trial_id: str
    family: str
    space: str
    hp: str
    value: Any
    hyperparameters: dict[str, Any]
    status: TrialStatus = TrialStatus.RUNNING
    reason: str | None = None
    params: int | None = None
    wall_seconds: float = 0.0
    executions: tuple[ExecutionRecord, ...] = ()
    objective: str = "val_accuracy"
    score: float | None = None
    started: str = ""
    tuner_values: dict[str, Any] = field(default_factory=dict)
    trained_with: str = ""

    @property
    def label(self) -> str:
        """How the trial is named in tables, e.g. ``dropout=0.2`` or ``a=1, b=x``."""
        if self.space == "reference":
            return "reference"
        return str(self.value) if self.space == SEARCH_SPACE else f"{self.hp}={self.value}"

    def finished(self, **changes: Any) -> TrialRecord:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


def _clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN and infinities become ``None``, enums their value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def _nan_if_none(values: list[Any]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def record_to_dict(record: TrialRecord) -> dict[str, Any]:
    """Return the record as JSON-ready plain data."""
    return {"schema": SCHEMA_VERSION, **_clean(asdict(record))}


def record_from_dict(data: dict[str, Any]) -> TrialRecord:
    """Rebuild a record from ``record_to_dict`` output."""
    executions = tuple(
        ExecutionRecord(
            seed=int(ex["seed"]),
            history={k: _nan_if_none(v) for k, v in ex.get("history", {}).items()},
            epochs_run=int(ex.get("epochs_run", 0)),
            best_epoch=int(ex.get("best_epoch", 0)),
            early_stopped=bool(ex.get("early_stopped", False)),
            train_seconds=float(ex.get("train_seconds", 0.0)),
            val_metrics={k: _none_to_nan(v) for k, v in ex.get("val_metrics", {}).items()},
            test_metrics={k: _none_to_nan(v) for k, v in ex.get("test_metrics", {}).items()},
            status=TrialStatus(ex.get("status", "completed")),
            reason=ex.get("reason"),
            extra=ex.get("extra", {}),
        )
        for ex in data.get("executions", [])
    )
    return TrialRecord(
        trial_id=str(data["trial_id"]),
        family=data["family"],
        space=data["space"],
        hp=data.get("hp", ""),
        value=data.get("value"),
        hyperparameters=dict(data.get("hyperparameters", {})),
        status=TrialStatus(data.get("status", "running")),
        reason=data.get("reason"),
        params=data.get("params"),
        wall_seconds=float(data.get("wall_seconds", 0.0)),
        executions=executions,
        objective=data.get("objective", "val_accuracy"),
        score=_none_to_nan(data["score"]) if data.get("score") is not None else None,
        started=data.get("started", ""),
        tuner_values=dict(data.get("tuner_values", {})),
        trained_with=str(data.get("trained_with", "")),
    )


def _none_to_nan(value: Any) -> float:
    return math.nan if value is None else float(value)


#: What reading a damaged record raises (``json.JSONDecodeError`` is a ``ValueError``).
UNREADABLE = (ValueError, KeyError, TypeError, AttributeError)


def read_record(path: Path) -> TrialRecord:
    """Read one record file.

    Raises:
        FileNotFoundError: There is no such file.
        ValueError, KeyError, TypeError, AttributeError: It is empty, truncated or
            not a record (see ``UNREADABLE``).
    """
    return record_from_dict(json.loads(Path(path).read_bytes().decode("utf-8")))


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a reader never sees half a file, even after a kill."""
    write_text_atomic(path, json.dumps(data, indent=1, allow_nan=False))


def write_record(trial_dir: Path, record: TrialRecord) -> Path:
    """Write ``record`` into ``trial_dir`` and return the file's path."""
    trial_dir.mkdir(parents=True, exist_ok=True)
    path = trial_dir / RECORD_FILE
    write_json_atomic(path, record_to_dict(record))
    return path
