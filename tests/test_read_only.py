"""A study that cannot be written to is refused in one line, before anything is written.

Tests run as root in CI, and root ignores permission bits, so where the process is
root the fixture also refuses writes below the folder as the kernel would for anyone
else: every ``open`` for writing, ``mkdir``, ``link`` and ``unlink`` there raises
``PermissionError``. A file where a folder should be (``NotADirectoryError``) is real
for root too.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.errors import FileAccessError, TunekitError
from tunekit.tuning.lock import study_lock

from .conftest import TINY_VAL
from .report._builders import execution, trial, write_study

runner = CliRunner()


def _denied(target: object) -> PermissionError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))


@pytest.fixture
def read_only(monkeypatch):
    """``read_only(folder)`` makes ``folder`` and everything below it unwritable."""

    def make(folder: Path) -> None:
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o555 if path.is_dir() else 0o444)
        if os.geteuid() != 0:
            return
        root = str(folder.resolve())

        def below(target: object) -> bool:
            try:
                return os.path.abspath(os.fspath(target)).startswith(root)
            except TypeError:
                return False  # a file descriptor

        writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
        real_open, real_io_open, real_mkdir = os.open, io.open, os.mkdir

        def guarded_os_open(path, flags, *args, **kwargs):
            if flags & writing and below(path):
                raise _denied(path)
            return real_open(path, flags, *args, **kwargs)

        def guarded_io_open(file, mode="r", *args, **kwargs):
            if any(c in mode for c in "wax+") and below(file):
                raise _denied(file)
            return real_io_open(file, mode, *args, **kwargs)

        def guard(real):
            def guarded(path, *args, **kwargs):
                if below(path):
                    if real is real_mkdir and os.path.exists(path):
                        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
                    raise _denied(path)
                return real(path, *args, **kwargs)

            return guarded

        monkeypatch.setattr(os, "open", guarded_os_open)
        monkeypatch.setattr(io, "open", guarded_io_open)
        for name in ("mkdir", "link", "unlink", "rename", "replace", "rmdir"):
            monkeypatch.setattr(os, name, guard(getattr(os, name)))

    yield make


def _study_args(tmp_path, tiny_data_dir):
    args = ["study", "mlp", "--space", "width", "--dataset", "mnist", "--data-dir"]
    args += [str(tiny_data_dir), "--val-size", str(TINY_VAL), "--dir", str(tmp_path / "runs")]
    return [*args, "--name", "s"]


@pytest.fixture
def no_training(monkeypatch):
    from tunekit.tuning import study

    def stop(*args, **kwargs):
        raise TunekitError("reached training")

    monkeypatch.setattr(study, "make_tuner", stop)


def test_rerunning_a_read_only_study_is_one_line(tmp_path, tiny_data_dir, read_only, no_training):
    args = _study_args(tmp_path, tiny_data_dir)
    first = runner.invoke(app, args)  # writes the study's metadata, then stops
    assert "reached training" in first.output, first.output
    study_dir = tmp_path / "runs" / "s"
    before = {p: p.read_bytes() for p in study_dir.rglob("*") if p.is_file()}
    read_only(study_dir)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"Cannot write to {study_dir}" in " ".join(result.output.split())
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in study_dir.rglob("*") if p.is_file()} == before


def test_taking_the_lock_of_a_read_only_study_is_a_tunekit_error(tmp_path, read_only):
    read_only(tmp_path)
    with pytest.raises(TunekitError, match="Cannot take the lock"), study_lock(tmp_path):
        pass


def test_an_os_error_becomes_one_line_that_names_the_file():
    error = FileAccessError.from_os_error(_denied("/data/runs/s/trials.csv"))
    assert str(error) == (
        "/data/runs/s/trials.csv: Permission denied. Check the path and its permissions."
    )
    error = FileAccessError.from_os_error(_denied("/data/runs/s"), "write to")
    assert str(error).startswith("Cannot write to /data/runs/s (Permission denied).")


def test_exporting_into_a_file_path_is_one_line(tmp_path):
    study = write_study(tmp_path / "s", [trial("00", executions=(execution(),))])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["export", str(study), "--out", str(blocker / "trials.csv")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and str(blocker) in result.output


def test_exporting_a_read_only_study_is_one_line(tmp_path, read_only):
    study = write_study(tmp_path / "s", [trial("00", executions=(execution(),))])
    read_only(study)
    result = runner.invoke(app, ["export", str(study)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and str(study) in result.output
