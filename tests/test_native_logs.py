"""Hiding TensorFlow's start-up lines never stops an import, and fd 2 always comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from tunekit import native_logs


def _same_file(fd_a: int, fd_b: int) -> bool:
    a, b = os.fstat(fd_a), os.fstat(fd_b)
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def test_fd2_is_captured_and_restored_even_when_the_block_raises():
    before = os.dup(2)
    try:
        with pytest.raises(RuntimeError), native_logs.native_stderr_captured() as sink:
            os.write(2, b"native note\n")
            raise RuntimeError("import failed")
        assert _same_file(2, before)
        assert sink.closed
    finally:
        os.close(before)


def test_no_temporary_folder_leaves_fd2_alone_instead_of_failing(monkeypatch):
    def no_temp(*args, **kwargs):
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_temp)
    before = os.dup(2)
    try:
        with native_logs.native_stderr_captured() as sink:
            assert sink is None
            assert _same_file(2, before)
        assert _same_file(2, before)
    finally:
        os.close(before)


def test_a_closed_stderr_does_not_break_the_import():
    # `tunekit ... 2>&-`: fd 2 is closed and sys.stderr is None.
    code = (
        "import sys, types\n"
        "from tunekit.native_logs import _QuietLoader\n"
        "class Real:\n"
        "    def create_module(self, spec): return None\n"
        "    def exec_module(self, module): module.ok = True\n"
        "    def get_filename(self, name): return 'real'\n"
        "loader = _QuietLoader(Real())\n"
        "module = types.ModuleType('tensorflow')\n"
        "loader.exec_module(module)\n"
        "assert module.ok and loader.get_filename('tensorflow') == 'real'\n"
        "print('imported')\n"
    )
    result = subprocess.run(
        f'{sys.executable} -c "$CODE" 2>&-',
        shell=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CODE": code},
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == "imported"
