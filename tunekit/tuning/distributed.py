"""One study, several processes or machines: keras-tuner's gRPC oracle, a chief and workers.

``tunekit study ... --workers N`` makes its own process the chief: it holds the
study's lock, serves its oracle with keras-tuner's ``OracleServicer`` and starts N
``tunekit worker`` processes on this machine (``tunekit.tuning.worker``). A worker
rebuilds the study from the study directory's metadata, sets ``KERASTUNER_TUNER_ID``,
``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``, and runs keras-tuner's
search as a client of the chief's oracle. Workers on other machines join the same
way; they need the study directory (a shared file system) and the data.

tunekit runs the serving loop itself rather than keras-tuner's ``start_server``, so
that the chief notices a dead worker within a second and hands its trial to the
next worker that asks, shows progress from the records, and stops as soon as the
last trial ends (keras-tuner's loop polls every 20 seconds).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunekit.config import TRIALS_PER_PROCESS
from tunekit.errors import StudyConfigError, TunekitError
from tunekit.records.layout import WORKERS_DIR
from tunekit.records.study import read_records
from tunekit.records.trial import (
    TrialRecord,
    TrialStatus,
    write_json_atomic,
)
from tunekit.tuning.events import StudyObserver

CHIEF_FILE = "chief.json"
POLL_SECONDS = 0.5  # how often the chief looks at its workers and the records
HEARTBEAT_SECONDS = 10.0  # how often a worker says it is alive
DEAD_AFTER = 120.0  # a worker on another machine silent this long is taken for dead
CHIEF_LOST_AFTER = 120.0  # a worker gives up after its chief is unreachable this long
CHIEF_WAIT = 60.0  # how long a starting worker waits for the chief to answer
MAX_RESTARTS = 3  # a local worker that dies is restarted this many times at most
CONFIG_ERROR_EXIT = 2  # a worker's exit code for a TunekitError: restarting cannot help
CHIEF_LOST_EXIT = 3
RECYCLE_EXIT = 4  # a worker's exit code at its trial limit: start a fresh one
CHIEF_PID_ENV = "TUNEKIT_CHIEF_PID"  # set for local workers: they die with this process


def parse_address(text: str) -> tuple[str, int]:
    """Split ``HOST:PORT``.

    Raises:
        TunekitError: ``text`` is not ``HOST:PORT`` with a numeric port.
    """
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise TunekitError(f"Expected HOST:PORT (e.g. 127.0.0.1:8470), got {text!r}.")
    return host, int(port)


@contextlib.contextmanager
def environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block; keras-tuner reads its settings there."""
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def reachable(host: str, port: int, timeout: float) -> bool:
    """Whether something accepts connections at ``host:port`` (cheaper than a gRPC call)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def die_with_chief() -> None:
    """Linux: a local worker is killed with its chief, so a killed study leaves no orphans.

    The chief names itself in ``TUNEKIT_CHIEF_PID``; without it (a worker started by
    hand) this does nothing. The worker asks for the signal itself, after it started,
    rather than in a ``preexec_fn``: that would make the chief fork, which is unsafe
    once TensorFlow or JAX run threads in it. A chief that died before the request
    was made is seen as a changed parent.
    """
    chief = os.environ.get(CHIEF_PID_ENV)
    if not chief or sys.platform != "linux":
        return
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != int(chief):
        os._exit(CHIEF_LOST_EXIT)


@dataclass
class _Worker:
    tuner_id: str
    process: subprocess.Popen[bytes]
    restarts: int = 0
    done: bool = False


class WorkerPool:
    """The chief's local worker processes: started, watched, restarted when they die.

    Args:
        study_dir: The study directory.
        address: ``HOST:PORT`` of the chief, as the workers reach it.
        count: How many workers.
        data_dir: Passed on to the workers (``--data-dir``).
    """

    def __init__(self, study_dir: Path, address: str, count: int, data_dir: Path | None) -> None:
        self.study_dir = Path(study_dir)
        self.address = address
        self.count = count
        self.data_dir = data_dir
        self.workers: dict[str, _Worker] = {}
        # Each worker gets its share of the cores, so they do not fight over them.
        self.threads = max(1, (os.cpu_count() or 1) // count)

    @property
    def ids(self) -> set[str]:
        """The workers' tuner ids."""
        return set(self.workers)

    def log_path(self, tuner_id: str) -> Path:
        """Where a worker's output goes."""
        return self.study_dir / WORKERS_DIR / f"{tuner_id}.log"

    def _spawn(self, tuner_id: str) -> subprocess.Popen[bytes]:
        command = [
            sys.executable, "-m", "tunekit", "worker", str(self.study_dir),
            "--chief", self.address, "--id", tuner_id,
            "--trials-per-process", str(TRIALS_PER_PROCESS),
        ]  # fmt: skip
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        env = {
            **os.environ,
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
            "TF_NUM_INTRAOP_THREADS": str(self.threads),
            "TF_NUM_INTEROP_THREADS": "1",
            CHIEF_PID_ENV: str(os.getpid()),
        }
        with open(self.log_path(tuner_id), "ab") as log:
            return subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self) -> None:
        """Start every worker."""
        (self.study_dir / WORKERS_DIR).mkdir(parents=True, exist_ok=True)
        for number in range(1, self.count + 1):
            tuner_id = f"worker{number}"
            self.workers[tuner_id] = _Worker(tuner_id, self._spawn(tuner_id))

    def exited(self) -> list[tuple[str, int]]:
        """Workers that ended since the last call, with their exit codes."""
        ended = []
        for worker in self.workers.values():
            code = None if worker.done else worker.process.poll()
            if code is not None:
                worker.done = True
                ended.append((worker.tuner_id, code))
        return ended

    def restart(self, tuner_id: str, died: bool = True) -> None:
        """Start a worker again under the same id (one that died, or a fresh process).

        Raises:
            TunekitError: It has died ``MAX_RESTARTS`` times already.
        """
        worker = self.workers[tuner_id]
        if not died:
            worker.process = self._spawn(tuner_id)
            worker.done = False
            return
        if worker.restarts >= MAX_RESTARTS:
            raise TunekitError(
                f"Worker {tuner_id} died {worker.restarts + 1} times; see "
                f"{self.log_path(tuner_id)}. Run the same command again to resume."
            )
        worker.process = self._spawn(tuner_id)
        worker.restarts += 1
        worker.done = False

    def alive(self) -> bool:
        """Whether any worker is still running."""
        return any(not w.done and w.process.poll() is None for w in self.workers.values())

    def last_line(self, tuner_id: str) -> str:
        """The last line a worker wrote, which says why it stopped."""
        try:
            lines = self.log_path(tuner_id).read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def stop(self) -> None:
        """Stop every worker still running."""
        for worker in self.workers.values():
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in self.workers.values():
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()


class _Heartbeats:
    """Tells which workers on other machines stopped beating, by the chief's own clock."""

    def __init__(self, folder: Path, dead_after: float = DEAD_AFTER) -> None:
        self.folder = folder
        self.dead_after = dead_after
        self.seen: dict[str, tuple[Any, float]] = {}

    def dead(self, tuner_ids: set[str]) -> list[str]:
        now = time.monotonic()
        found = []
        for tuner_id in sorted(tuner_ids):
            try:
                beat = json.loads((self.folder / f"{tuner_id}.json").read_text()).get("beat")
            except (OSError, ValueError, AttributeError):  # AttributeError: not an object
                beat = None
            last = self.seen.get(tuner_id)
            if last is None or last[0] != beat:
                self.seen[tuner_id] = (beat, now)
            elif now - last[1] > self.dead_after:
                found.append(tuner_id)
                del self.seen[tuner_id]
        return found


class _RecordWatcher:
    """Reports trials that finished, as the records on disk show them, to an observer."""

    def __init__(self, study_dir: Path, observer: StudyObserver) -> None:
        self.study_dir = study_dir
        self.observer = observer
        self.finished = {r.trial_id for r in self._records() if r.status is not TrialStatus.RUNNING}

    def _records(self) -> list[TrialRecord]:
        return read_records(self.study_dir)[0]  # skipped files: the study's reader names them

    def poll(self) -> None:
        for record in self._records():
            if record.status is not TrialStatus.RUNNING and record.trial_id not in self.finished:
                self.finished.add(record.trial_id)
                self.observer.trial_ended(record)


def run_chief(
    tuner: Any, prepared: Any, *, workers: int, listen: str, observer: StudyObserver
) -> None:
    """Serve the study's oracle to ``workers`` local workers and any that join.

    Returns when the oracle has no more trials and every worker has finished.

    Raises:
        TunekitError: The address cannot be listened on, or a worker keeps dying.
        StudyConfigError: A worker stopped with an error no restart can fix.
    """
    import grpc
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    oracle = tuner.oracle
    host, port = parse_address(listen)
    tuner.save()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = oracle_chief.OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError:
        bound = 0
    if not bound:
        raise TunekitError(f"Cannot listen on {listen}; choose another --listen HOST:PORT.")
    server.start()
    everywhere = host in ("0.0.0.0", "::", "[::]")
    address = f"{socket.gethostname() if everywhere else host}:{bound}"
    folder = prepared.study_dir / WORKERS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(folder / CHIEF_FILE, {"address": address, "pid": os.getpid()})
    local = f"127.0.0.1:{bound}" if everywhere else address
    pool = WorkerPool(prepared.study_dir, local, workers, prepared.spec.data.data_dir)
    watcher = _RecordWatcher(prepared.study_dir, observer)
    beats = _Heartbeats(folder)
    observer.workers_started(address, workers)
    try:
        pool.start()
        while True:
            time.sleep(POLL_SECONDS)
            watcher.poll()
            for tuner_id, code in pool.exited():
                if code == 0:
                    continue  # the oracle told it to stop
                if code == RECYCLE_EXIT:
                    pool.restart(tuner_id, died=False)
                    continue
                oracle.reclaim(tuner_id)
                if code == CONFIG_ERROR_EXIT:
                    raise StudyConfigError(f"Worker {tuner_id}: {pool.last_line(tuner_id)}")
                pool.restart(tuner_id)
            # A worker that died between two trials must not keep the chief waiting either.
            for tuner_id in beats.dead(oracle.active_tuners() - pool.ids):
                oracle.reclaim(tuner_id)
            if servicer.stop_triggered and oracle_chief.exit_chief(oracle) and not pool.alive():
                break
    finally:
        pool.stop()
        server.stop(grace=None)
        watcher.poll()
        (folder / CHIEF_FILE).unlink(missing_ok=True)
