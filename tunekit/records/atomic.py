"""Write a file so that a reader, or a rerun after a kill, never sees half of it."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tunekit.errors import FileAccessError


def _umask() -> int:
    """The process's umask, read once at import (setting it is not thread-safe)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: a temporary file, fsync, then rename over ``path``.

    A kill at any moment leaves either the old file or the new one, never an empty
    or truncated one. The temporary file is hidden and lives next to ``path`` so the
    rename stays on one file system.

    Raises:
        OSError: The file cannot be written; its ``filename`` is ``path``, never the
            temporary file, which the user has never heard of.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _about(exc, path) from None
    try:
        # mkstemp makes the file private (0600); the file it becomes gets the mode a
        # plain ``open`` would give it, so a shared study stays readable by others.
        with contextlib.suppress(AttributeError, OSError):
            os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _about(exc, path) from None
        raise
    _fsync_dir(path.parent)


def _about(exc: OSError, path: Path) -> OSError:
    """``exc`` told against ``path``, the file the caller asked for."""
    exc.filename, exc.filename2 = str(path), None
    return exc


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see ``write_bytes_atomic``)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a reader never sees half a file, even after a kill."""
    write_text_atomic(path, json.dumps(data, indent=1, allow_nan=False))


def write_csv_atomic(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a table as CSV, whole or not at all, making its folder; returns ``path``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, out.getvalue())
    return path


def check_writable(path: Path) -> None:
    """Check, writing nothing, that a file could be written at ``path``.

    For a command that works long before it writes: it fails at once, not after
    the work. Folders missing on the way count as writable when the nearest folder
    that exists is, as ``write_csv_atomic`` makes them.

    Raises:
        FileAccessError: ``path`` is a folder, a file stands where a folder on the way
            should be, or the nearest existing folder is not writable.
    """
    path = Path(path)
    if path.is_dir():
        raise FileAccessError(f"{path} is a folder; give the name of a file to write in it")
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise FileAccessError(f"Cannot write {path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileAccessError(f"Cannot write {path}: {folder} is not writable")


def replace_durably(written: Path, path: Path) -> None:
    """Flush a fully written temporary file to disk, then rename it over ``path``.

    For files another library writes (Keras weights): write them to a temporary
    name in ``path``'s folder, then call this.
    """
    fd = os.open(written, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(written, path)
    _fsync_dir(Path(path).parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot open a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


#: A temporary file this old was left by a writer that was killed; a live writer
#: renames its file within moments.
ORPHAN_AGE_SECONDS = 60.0


#: Names of files still being written: ``write_bytes_atomic``'s, and the checkpoints'
#: ``.partial-<pid>-checkpoint.weights.h5`` (``tuning.checkpoints.save_checkpoint``).
TEMPORARY_PATTERNS = (".*.tmp", ".partial-*")


def remove_orphaned_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the temporary files killed writers left under ``folder``; return them.

    Call it while holding the study's lock: no other writer of the study is running.
    """
    now = time.time() if now is None else now
    removed = []
    found = (path for pattern in TEMPORARY_PATTERNS for path in Path(folder).rglob(pattern))
    for path in found:
        with contextlib.suppress(OSError):
            if path.is_file() and now - path.stat().st_mtime > ORPHAN_AGE_SECONDS:
                path.unlink()
                removed.append(path)
    return removed
