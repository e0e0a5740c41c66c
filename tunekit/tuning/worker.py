"""A worker of a distributed study: join the chief, train the trials it hands out.

``tunekit worker STUDY_DIR`` runs ``run_worker``. The chief (``tunekit.tuning.
distributed``) starts its local workers so; on another machine a worker joins the
same way, with the study directory shared and the data at hand.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from tunekit.errors import StudyConfigError, TunekitError
from tunekit.records.atomic import write_json_atomic
from tunekit.records.layout import WORKERS_DIR
from tunekit.records.meta import StudyMeta, read_meta
from tunekit.records.trial import TrialRecord
from tunekit.tuning.distributed import (
    CHIEF_FILE,
    CHIEF_LOST_AFTER,
    CHIEF_LOST_EXIT,
    CHIEF_WAIT,
    HEARTBEAT_SECONDS,
    die_with_chief,
    environ,
    parse_address,
    reachable,
)
from tunekit.tuning.events import NullObserver, StudyObserver, StudyStart
from tunekit.tuning.heap import frozen_heap

if TYPE_CHECKING:
    from tunekit.tuning.study import PreparedStudy


def worker_start(prepared: PreparedStudy, meta: StudyMeta) -> StudyStart:
    """What a worker announces when it joins: the study's own objective and direction."""
    spec = prepared.spec
    return StudyStart(
        study_dir=prepared.study_dir,
        total=prepared.cost.trials,
        done=0,
        resumed=True,
        epochs=prepared.cost.trial_epochs,  # Hyperband: its longest round
        executions=spec.train.executions,
        objective=meta.objective,
        direction=meta.direction,  # clocks: lower error is better
    )


def chief_address(study_dir: Path) -> str:
    """The address the chief of a running study wrote into the study directory.

    Raises:
        TunekitError: No chief is running this study.
    """
    path = Path(study_dir) / WORKERS_DIR / CHIEF_FILE
    try:
        return str(json.loads(path.read_text())["address"])
    except (OSError, ValueError, KeyError):
        raise TunekitError(
            f"No chief is running {study_dir} ({path} is missing). Start one with "
            "`tunekit study ... --workers N --listen 0.0.0.0:PORT`, or give --chief HOST:PORT."
        ) from None


class _Heartbeat:
    """A worker's sign of life in the study directory, and its watch on the chief.

    A background thread rewrites ``workers/<id>.json`` every ``HEARTBEAT_SECONDS``;
    the chief takes a worker on another machine for dead when it stops changing.
    If the chief cannot be reached for ``CHIEF_LOST_AFTER`` seconds the worker
    exits: its gRPC calls would otherwise wait an hour for a chief that is gone.
    """

    def __init__(self, path: Path, host: str, port: int) -> None:
        self.path = path
        self.host, self.port = host, port
        self.count = 0
        self.trial: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tunekit-heartbeat", daemon=True)

    def write(self) -> None:
        self.count += 1
        write_json_atomic(
            self.path,
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "beat": self.count,
                "trial": self.trial,
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            },
        )

    def _run(self) -> None:
        lost_since: float | None = None
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self.write()
            if reachable(self.host, self.port, timeout=5.0):
                lost_since = None
                continue
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since > CHIEF_LOST_AFTER:
                os._exit(CHIEF_LOST_EXIT)

    def __enter__(self) -> _Heartbeat:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.write()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=1)
        self.path.unlink(missing_ok=True)


class _Announcing:
    """An observer that also names the running trial in the worker's heartbeat."""

    def __init__(self, inner: StudyObserver, heartbeat: _Heartbeat) -> None:
        self.inner = inner
        self.heartbeat = heartbeat

    def study_started(self, start: StudyStart) -> None:
        self.inner.study_started(start)

    def workers_started(self, address: str, workers: int) -> None:
        self.inner.workers_started(address, workers)

    def trial_started(self, record: TrialRecord, number: int) -> None:
        self.heartbeat.trial = record.trial_id
        self.heartbeat.write()
        self.inner.trial_started(record, number)

    def epoch_ended(
        self, record: TrialRecord, execution: int, epoch: int, logs: dict[str, float]
    ) -> None:
        self.inner.epoch_ended(record, execution, epoch, logs)

    def trial_ended(self, record: TrialRecord) -> None:
        self.heartbeat.trial = None
        self.inner.trial_ended(record)


def run_worker(
    study_dir: Path,
    *,
    chief: str | None = None,
    tuner_id: str | None = None,
    data_dir: Path | None = None,
    observer: StudyObserver | None = None,
    trial_limit: int | None = None,
) -> bool:
    """Join the chief of a running study and train the trials it hands out.

    Returns when the chief has no more trials for this worker. A worker takes no
    lock: the chief holds the study's lock for all of its workers.

    Args:
        study_dir: The study directory, shared with the chief.
        chief: ``HOST:PORT`` of the chief; by default the address it wrote in the
            study directory.
        tuner_id: This worker's name, unique in the study (default ``host-pid``). A
            worker restarted under the name of one that died takes over its trial.
        data_dir: Where this machine keeps the data.
        observer: Receives progress.
        trial_limit: Return after this many trials, so that a fresh process (which
            the chief starts) continues with fresh memory.

    Returns:
        True when the chief had no more trials, False at the trial limit.

    Raises:
        TunekitError: The chief cannot be reached or the name is not allowed.
        StudyConfigError: This machine's data differs from the study's.
    """
    die_with_chief()
    from tunekit.data.loading import load_data
    from tunekit.tuning.meta import spec_from_meta
    from tunekit.tuning.study import make_tuner, prepare_study

    study_dir = Path(study_dir)
    meta = read_meta(study_dir)
    spec = spec_from_meta(meta, data_dir)
    address = chief or chief_address(study_dir)
    host, port = parse_address(address)
    tuner_id = tuner_id or f"{socket.gethostname()}-{os.getpid()}"
    if "chief" in tuner_id or not tuner_id.replace("-", "").replace("_", "").isalnum():
        raise TunekitError(
            f"--id {tuner_id!r}: use letters, digits, - and _ only, and not the word chief."
        )
    deadline = time.monotonic() + CHIEF_WAIT
    while not reachable(host, port, timeout=5.0):
        if time.monotonic() > deadline:
            raise TunekitError(
                f"No chief answers at {address}. Start `tunekit study ... --workers N` first, "
                "and check --chief and the firewall."
            )
        time.sleep(1.0)
    data = load_data(spec.data)
    if data.fingerprint != meta.data.fingerprint:
        raise StudyConfigError(
            f"The data on this machine differs from the study's (fingerprint {data.fingerprint}, "
            f"the study has {meta.data.fingerprint}); give --data-dir."
        )
    prepared = prepare_study(spec, study_dir.parent, study_dir.name)
    inner = observer or NullObserver()
    env = {
        "KERASTUNER_TUNER_ID": tuner_id,
        "KERASTUNER_ORACLE_IP": host,
        "KERASTUNER_ORACLE_PORT": str(port),
    }
    with (
        environ(env),
        _Heartbeat(study_dir / WORKERS_DIR / f"{tuner_id}.json", host, port) as heartbeat,
    ):
        watched = _Announcing(inner, heartbeat)
        watched.study_started(worker_start(prepared, meta))
        tuner = make_tuner(prepared, data, watched, trial_limit)
        # keras: imported only once the chief answers
        from tunekit.tuning.ktfiles import quiet_failed_trials
        from tunekit.tuning.tuner import StudyAborted, TrialLimitReached

        try:
            # frozen_heap: each trial's garbage collection skips the libraries' objects.
            with frozen_heap(), quiet_failed_trials():
                tuner.search(data=data)
        except StudyAborted as exc:
            raise StudyConfigError(f"{exc}.") from None
        except TrialLimitReached:
            return False
    return True
