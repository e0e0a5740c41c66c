"""One run per study directory: a lock file naming its process, taken over when stale.

The lock file appears with its contents already in place: they are written to a
private file first, which is then hard-linked to the lock's name (``link`` fails if
the name exists, atomically). Deciding that a lock is stale and replacing it happens
under an ``flock`` of the study directory, so two processes can never both take over
the same dead lock.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tunekit.errors import StudyLockedError, TunekitError
from tunekit.records.layout import LOCK_FILE

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read(path: Path) -> str | None:
    """The lock file's text, or None once it is gone."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return ""


def _holder(text: str) -> tuple[int, str] | None:
    """``(pid, host)`` from a lock file's text, or None if it is garbled."""
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(holder, dict):
        return None
    pid, host = holder.get("pid"), holder.get("host")
    if isinstance(pid, bool) or not isinstance(pid, int) or not isinstance(host, str):
        return None
    return pid, host


#: An empty lock file this old was left by a killed process of an older tunekit.
EMPTY_LOCK_SECONDS = 10.0


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


@contextmanager
def _directory_guard(study_dir: Path) -> Iterator[None]:
    """Serialise lock takeovers in ``study_dir`` between processes (best effort on NFS)."""
    fd = None
    if fcntl is not None:
        with suppress(OSError):
            fd = os.open(study_dir, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the flock


def _create(path: Path, text: str) -> bool:
    """Make ``path`` hold ``text`` if it does not exist yet; False if it does."""
    tmp = path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


@contextmanager
def study_lock(study_dir: Path) -> Iterator[Path]:
    """Hold the study's lock for the duration of the block.

    Raises:
        StudyLockedError: A live process on this host, or any process on another
            host, holds the lock; or the lock file is garbled. A lock from a process
            that died, on this host, is taken over.
        TunekitError: The study directory cannot be written.
    """
    study_dir = Path(study_dir)
    path = study_dir / LOCK_FILE
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    mine = json.dumps(me)
    try:
        _acquire(study_dir, path, me, mine)
    except OSError as exc:
        raise TunekitError(
            f"Cannot take the lock {path} ({exc.strerror}); check that the study "
            "directory is writable."
        ) from None
    try:
        yield path
    finally:
        if _read(path) == mine:
            path.unlink(missing_ok=True)


def _acquire(study_dir: Path, path: Path, me: dict[str, object], mine: str) -> None:
    while not _create(path, mine):
        with _directory_guard(study_dir):
            text = _read(path)
            if text is None:
                continue  # released meanwhile: try again
            holder = _holder(text)
            if holder is None and not text.strip() and _older_than(path, EMPTY_LOCK_SECONDS):
                # tunekit before 0.2 created the file, then wrote it: a kill in between
                # left it empty. This lock is never empty, so such a file is stale.
                path.unlink(missing_ok=True)
                continue
            if holder is None:
                raise StudyLockedError(
                    f"The lock file {path} is garbled (not a tunekit lock). If no tunekit "
                    "process is running this study, delete it and run the command again."
                )
            pid, host = holder
            if host != me["host"] or _alive(pid):
                raise StudyLockedError(
                    f"{study_dir} is in use by process {pid} on {host}. "
                    f"Wait for it to finish, or delete {path} if that process is gone."
                )
            path.unlink(missing_ok=True)  # stale: its process died
            if _create(path, mine):
                return
