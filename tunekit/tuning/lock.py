"""One run per study directory: a lock file naming its process, taken over when stale."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tunekit.errors import StudyLockedError

LOCK_FILE = "tunekit.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _holder(path: Path) -> dict[str, object] | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@contextmanager
def study_lock(study_dir: Path) -> Iterator[Path]:
    """Hold the study's lock for the duration of the block.

    Raises:
        StudyLockedError: A live process on this host holds the lock. A lock from a
            process that died, on this host, is taken over.
    """
    path = Path(study_dir) / LOCK_FILE
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            holder = _holder(path)
            same_host = holder is not None and holder.get("host") == me["host"]
            if holder is not None and (not same_host or _alive(int(holder["pid"]))):
                raise StudyLockedError(
                    f"{study_dir} is in use by process {holder['pid']} on {holder['host']}. "
                    f"Wait for it to finish, or delete {path} if that process is gone."
                ) from None
            path.unlink(missing_ok=True)  # stale: its process died
            continue
        with os.fdopen(fd, "w") as handle:
            json.dump(me, handle)
        break
    try:
        yield path
    finally:
        if _holder(path) == me:
            path.unlink(missing_ok=True)
