"""A study as TensorBoard logs, from its records alone: HParams and per-epoch scalars.

``tensorboard_info`` turns the records into plain data: one session per trial and
execution, with its hyper-parameters and scalars. ``write_tensorboard`` writes them
with TensorBoard's own event writer, so no model is trained again:

- ``LOGDIR/`` holds the experiment: every hyper-parameter with the values the
  trials took, and the metrics the HParams table and parallel coordinates show;
- ``LOGDIR/trial_<id>/execution_<k>/`` holds one execution: its hyper-parameters
  (executions of one trial form one session group), its status, and the scalars
  ``epoch/<metric>`` per epoch, ``best/val_<metric>`` at the best epoch and
  ``test/<metric>`` of the best weights.

tensorboard is imported only when writing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.records.trial import ExecutionRecord, TrialRecord, TrialStatus

#: Tag prefixes: a section each in TensorBoard's scalar dashboard.
EPOCH, BEST, TEST = "epoch/", "best/", "test/"
_EVENTS = "events.out.tfevents."


@dataclass(frozen=True)
class Scalar:
    """One scalar value: its tag, its step (an epoch) and its value."""

    tag: str
    step: int
    value: float


@dataclass(frozen=True)
class Session:
    """One execution of a trial, as TensorBoard's HParams plugin sees it.

    Attributes:
        run: Its folder under the log directory, e.g. ``trial_0003/execution_0``.
        group: The trial (``trial_0003``): a trial's executions form one group.
        hparams: The trial's hyper-parameters.
        started: Seconds since the epoch when the trial started (0 if unknown).
        success: Whether it completed (diverged and failed ones did not).
        scalars: Its values, in the order they are written.
    """

    run: str
    group: str
    hparams: dict[str, Any]
    started: float
    success: bool
    scalars: tuple[Scalar, ...]


@dataclass(frozen=True)
class TensorBoardInfo:
    """A study's HParams experiment and its sessions.

    Attributes:
        domains: Per hyper-parameter, the values the trials took (sorted), or an empty
            tuple when they are of mixed kinds and no domain can be declared.
        metrics: The tags the HParams table shows, the objective first.
        sessions: One per trial and execution; one without scalars for a trial that
            never trained.
    """

    domains: dict[str, tuple[Any, ...]]
    metrics: tuple[str, ...]
    sessions: tuple[Session, ...]


def _started(record: TrialRecord) -> float:
    try:
        return datetime.fromisoformat(record.started).timestamp()
    except (TypeError, ValueError):  # no start time: records from before it was kept
        return 0.0


def _scalars(ex: ExecutionRecord, first_epoch: int) -> tuple[Scalar, ...]:
    scalars = [
        Scalar(f"{EPOCH}{metric}", first_epoch + offset, float(value))
        for metric, values in ex.history.items()
        for offset, value in enumerate(values)
    ]
    step = ex.best_epoch or first_epoch + max(ex.epochs_run - 1, 0)
    scalars += [Scalar(f"{BEST}val_{k}", step, float(v)) for k, v in ex.val_metrics.items()]
    scalars += [Scalar(f"{TEST}{k}", step, float(v)) for k, v in ex.test_metrics.items()]
    return tuple(s for s in scalars if math.isfinite(s.value))


def _kind(value: Any) -> type:
    if isinstance(value, bool):
        return bool
    return float if isinstance(value, (int, float)) else type(value)


def _plain(value: Any) -> Any:
    """A value TensorBoard can hold: a bool, a number or a string."""
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def _domain(values: list[Any]) -> tuple[Any, ...]:
    """The sorted distinct values, or () if they are of mixed kinds (no domain then)."""
    kinds = {_kind(v) for v in values}
    if len(kinds) != 1 or not kinds <= {bool, float, str}:
        return ()
    (kind,) = kinds
    return tuple(sorted({kind(v) for v in values}))


def tensorboard_info(study: StudyRecords) -> TensorBoardInfo:
    """Describe a study's trials as TensorBoard HParams sessions, from the records only."""
    sessions = []
    values: dict[str, list[Any]] = {}
    metrics: dict[str, None] = {}
    objective = study.meta.objective
    metrics[f"{BEST}{objective}"] = None
    for record in study.records:
        if record.status is TrialStatus.RUNNING:
            continue  # its executions are not recorded until it ends
        for hp, value in record.hyperparameters.items():
            values.setdefault(hp, []).append(value)
        group = f"trial_{record.trial_id}"
        first = int(record.tuner_values.get("tuner/initial_epoch", 0)) + 1
        executions = record.executions or (None,)
        for index, ex in enumerate(executions):
            scalars = _scalars(ex, first) if ex is not None else ()
            metrics.update(dict.fromkeys(s.tag for s in scalars))
            sessions.append(
                Session(
                    run=f"{group}/execution_{index}" if ex is not None else group,
                    group=group,
                    hparams={k: _plain(v) for k, v in record.hyperparameters.items()},
                    started=_started(record),
                    success=ex is not None and ex.status is TrialStatus.COMPLETED,
                    scalars=scalars,
                )
            )
    ordered = [m for m in metrics if not m.startswith(EPOCH)]
    ordered += [m for m in metrics if m.startswith(EPOCH)]
    domains = {hp: _domain(found) for hp, found in values.items()}
    return TensorBoardInfo(domains, tuple(ordered), tuple(sessions))


def _clear_events(folder: Path) -> None:
    """Remove the event files of an earlier export, so TensorBoard shows each value once."""
    for old in folder.glob(f"{_EVENTS}*"):
        old.unlink(missing_ok=True)


def write_tensorboard(info: TensorBoardInfo, logdir: Path) -> list[Path]:
    """Write the experiment and every session's events under ``logdir``.

    Event files of an earlier export in the same folders are replaced; nothing else
    in ``logdir`` is touched.

    Returns:
        The run folders written, the experiment's (``logdir``) first.
    """
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.hparams import api_pb2
    from tensorboard.plugins.hparams import summary as hparams_v1
    from tensorboard.plugins.hparams import summary_v2 as hparams
    from tensorboard.plugins.scalar.summary_v2 import scalar_pb
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    logdir = Path(logdir)

    def write(folder: Path, events: list[tuple[float, int, Any]]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        _clear_events(folder)
        writer = EventFileWriter(str(folder))
        try:
            for wall_time, step, summary in events:
                # hparams' v1 helpers build TensorFlow's Summary class when TF is there.
                summary = Summary.FromString(summary.SerializeToString())
                writer.add_event(Event(wall_time=wall_time, step=step, summary=summary))
        finally:
            writer.close()

    config = hparams.hparams_config_pb(
        hparams=[
            hparams.HParam(hp, hparams.Discrete(list(domain)) if domain else None)
            for hp, domain in info.domains.items()
        ],
        metrics=[hparams.Metric(tag) for tag in info.metrics],
    )
    first = min((s.started for s in info.sessions if s.started), default=0.0)
    write(logdir, [(first, 0, config)])
    written = [logdir]
    for session in info.sessions:
        start = hparams.hparams_pb(
            session.hparams, trial_id=session.group, start_time_secs=session.started
        )
        status = api_pb2.STATUS_SUCCESS if session.success else api_pb2.STATUS_FAILURE
        last = max((s.step for s in session.scalars), default=0)
        events = [(session.started, 0, start)]
        events += [(session.started, s.step, scalar_pb(s.tag, s.value)) for s in session.scalars]
        events.append((session.started, last, hparams_v1.session_end_pb(status, session.started)))
        write(logdir / session.run, events)
        written.append(logdir / session.run)
    return written


def export_tensorboard(study: StudyRecords, logdir: Path) -> Path:
    """Write ``study`` as TensorBoard logs under ``logdir`` and return ``logdir``.

    Open them with ``tensorboard --logdir LOGDIR``: the HParams tab shows the table
    and parallel coordinates of the trials, the Scalars tab every epoch.
    """
    write_tensorboard(tensorboard_info(study), Path(logdir))
    return Path(logdir)
