"""Trial records: what tunekit keeps of every trial, written as it runs, read once.

keras-tuner keeps only a trial's hyper-parameters and best score. A ``TrialRecord``
adds the per-epoch history of every execution, times, epochs, early stopping, the
parameter count, test metrics and the trial's status, in ``trial_*/tunekit.json``.
Reports, leaderboards and exports use these records only, never keras-tuner objects.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from tunekit.records.atomic import write_json_atomic
from tunekit.records.layout import RECORD_FILE, REFERENCE_SPACE, SEARCH_SPACE

SCHEMA_VERSION = 1


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
        test_predicted: A classifier's predicted class of every test image, in the
            test split's order (``None`` when not recorded: not a classifier, no
            test split, or a record written before tunekit kept it).
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
    test_predicted: tuple[int, ...] | None = None


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
        repeat: Which training of a one-factor study's reference this is, 0-based
            (``--reference-repeats``); 0 for every other trial.
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
    repeat: int = 0

    @property
    def label(self) -> str:
        """How the trial is named in tables, e.g. ``dropout=0.2``, ``reference (repeat 2)``."""
        return trial_label(self.space, self.hp, self.value, self.repeat)

    def finished(self, **changes: Any) -> TrialRecord:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


def trial_label(space: str, hp: str, value: Any, repeat: int = 0) -> str:
    """A trial's name: ``reference``, ``reference (repeat 2)``, ``dropout=0.2``, ``a=1, b=x``."""
    if space == REFERENCE_SPACE:
        return f"{REFERENCE_SPACE} (repeat {repeat})" if repeat else REFERENCE_SPACE
    return str(value) if space == SEARCH_SPACE else f"{hp}={value}"


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


#: The smallest little-endian unsigned type that holds every value, by upper bound.
_INT_TYPES = ((1 << 8, "uint8", "<u1"), (1 << 16, "uint16", "<u2"), (1 << 32, "uint32", "<u4"))


def encode_ints(values: tuple[int, ...] | list[int] | None) -> dict[str, Any] | None:
    """Pack non-negative integers (class indices) as base64 of little-endian bytes.

    10,000 test images of fewer than 256 classes take 13,336 characters, not the
    ~20,000 of a JSON list, and the file stays one readable JSON document.

    Raises:
        ValueError: A value is negative or does not fit in 32 bits.
    """
    if values is None:
        return None
    top = max(values, default=0)
    if min(values, default=0) < 0:
        raise ValueError("class indices must be 0 or more")
    for bound, name, code in _INT_TYPES:
        if top < bound:
            packed = np.asarray(values, dtype=code).tobytes()
            return {"dtype": name, "n": len(values), "data": base64.b64encode(packed).decode()}
    raise ValueError(f"class index {top} does not fit in 32 bits")


def decode_ints(data: Any) -> tuple[int, ...] | None:
    """Unpack ``encode_ints`` output; a plain list is read too, ``None`` stays ``None``.

    Raises:
        ValueError, KeyError, TypeError: The data is damaged (see ``UNREADABLE``).
    """
    if data is None:
        return None
    if isinstance(data, list):
        return tuple(int(v) for v in data)
    code = {name: code for _, name, code in _INT_TYPES}[data["dtype"]]
    width = int(code[-1])
    raw = base64.b64decode(data["data"], validate=True)
    if len(raw) % width or ("n" in data and len(raw) // width != int(data["n"])):
        raise ValueError(f"{len(raw)} bytes of {data['dtype']} do not make {data.get('n')} values")
    return tuple(np.frombuffer(raw, dtype=code).tolist())


def record_to_dict(record: TrialRecord) -> dict[str, Any]:
    """Return the record as JSON-ready plain data."""
    # The predictions are packed, not copied and cleaned value by value (10,000 a run).
    light = replace(
        record, executions=tuple(replace(ex, test_predicted=None) for ex in record.executions)
    )
    data = {"schema": SCHEMA_VERSION, **_clean(asdict(light))}
    for plain, ex in zip(data["executions"], record.executions, strict=True):
        plain["test_predicted"] = encode_ints(ex.test_predicted)
    return data


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
            test_predicted=decode_ints(ex.get("test_predicted")),
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
        repeat=int(data.get("repeat") or 0),
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


def write_record(trial_dir: Path, record: TrialRecord) -> Path:
    """Write ``record`` into ``trial_dir`` and return the file's path."""
    trial_dir.mkdir(parents=True, exist_ok=True)
    path = trial_dir / RECORD_FILE
    write_json_atomic(path, record_to_dict(record))
    return path
