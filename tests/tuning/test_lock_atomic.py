"""The study lock under contention: never two holders, and a garbled lock is named."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tunekit.errors import StudyLockedError
from tunekit.records.layout import LOCK_FILE
from tunekit.tuning.lock import study_lock

from ._lock_contender import contend

ROUNDS = 100


def _round(folder: Path, processes: int, stale_pid: int | None) -> int:
    # Not "fork": the test process may have started TensorFlow's threads by now.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([contend.__module__])
    if stale_pid is not None:
        stale = {"pid": stale_pid, "host": socket.gethostname()}
        (folder / LOCK_FILE).write_text(json.dumps(stale))
    barrier = context.Barrier(processes)
    holders, overlaps = context.Value("i", 0), context.Value("i", 0)
    workers = [
        context.Process(target=contend, args=(str(folder), barrier, holders, overlaps))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    return overlaps.value


@pytest.fixture(scope="module")
def dead_pid() -> int:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return dead.pid


@pytest.mark.parametrize("stale", [False, True], ids=["free", "stale"])
def test_simultaneous_starts_never_both_hold_the_lock(tmp_path, dead_pid, stale):
    overlaps = 0
    for number in range(ROUNDS):
        folder = tmp_path / f"round{number}"
        folder.mkdir()
        overlaps += _round(folder, 2 + number % 2, dead_pid if stale else None)
        assert not (folder / LOCK_FILE).exists()
        assert [p.name for p in folder.iterdir()] == []  # no temporary files left
    assert overlaps == 0


def test_the_lock_file_never_appears_empty(tmp_path):
    with study_lock(tmp_path) as path:
        assert json.loads(path.read_text()) == {"pid": os.getpid(), "host": socket.gethostname()}


@pytest.mark.parametrize(
    "contents",
    [b'{"host": "x"}', b"[1, 2]", b'{"pid": "12", "host": "x"}', b"", b"\xff\xfe\x00", b"null"],
)
def test_a_garbled_lock_is_refused_with_one_clear_line(tmp_path, contents):
    (tmp_path / LOCK_FILE).write_bytes(contents)
    with pytest.raises(StudyLockedError, match="garbled") as caught, study_lock(tmp_path):
        pass
    message = str(caught.value)
    assert "\n" not in message
    assert str(tmp_path / LOCK_FILE) in message
    assert (tmp_path / LOCK_FILE).exists()  # not the lock's to delete: the user decides


def test_a_lock_in_a_missing_directory_is_a_tunekit_error(tmp_path):
    from tunekit.errors import TunekitError

    with pytest.raises(TunekitError, match="Cannot take the lock"), study_lock(tmp_path / "gone"):
        pass


def test_an_old_empty_lock_left_by_an_older_tunekit_is_taken_over(tmp_path):
    import os
    import time

    from tunekit.tuning.lock import EMPTY_LOCK_SECONDS

    lock = tmp_path / LOCK_FILE
    lock.write_bytes(b"")
    past = time.time() - EMPTY_LOCK_SECONDS - 1
    os.utime(lock, (past, past))
    with study_lock(tmp_path):
        assert str(os.getpid()) in lock.read_text()
    assert not lock.exists()
