"""Keep TensorFlow's native start-up lines out of the user's terminal.

TensorFlow's C++ core writes notes straight to file descriptor 2 while it is imported
(``absl::InitializeLog``, CUDA probing, oneDNN and CPU-feature notes), and
``TF_CPP_MIN_LOG_LEVEL`` does not stop all of them. They would land inside the live
progress bar. ``silence_tensorflow_startup`` points descriptor 2 at a temporary file
for the duration of ``import tensorflow`` only, wherever that import happens; if the
import fails, what TensorFlow wrote is attached to the error. ``--verbose`` (or
``TUNEKIT_VERBOSE=1``) leaves everything as it is.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from types import ModuleType
from typing import Any

#: Set to 1 to see TensorFlow's native log lines; worker processes inherit it.
VERBOSE_ENV = "TUNEKIT_VERBOSE"
_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # the Python-side and most C++ logging
    "GRPC_VERBOSITY": "ERROR",  # gRPC's notes on forking workers
}
_set_here: list[str] = []  # the variables above that this process set, not the user


def verbose() -> bool:
    """Whether the user asked to see native log lines."""
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


def _flush_stderr() -> None:
    with suppress(AttributeError, OSError, ValueError):  # None or closed: nothing to flush
        sys.stderr.flush()


@contextmanager
def native_stderr_captured() -> Iterator[Any]:
    """Send file descriptor 2 to a temporary file for the block; yield that file.

    Yields None, and leaves descriptor 2 alone, when it cannot be redirected (a
    closed stderr, no usable temporary folder): hiding lines must never stop an import.
    """
    _flush_stderr()
    try:
        saved = os.dup(2)
    except OSError:
        saved = None
    sink = None
    if saved is not None:
        try:
            sink = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - closed below
            os.dup2(sink.fileno(), 2)
        except OSError:
            if sink is not None:
                sink.close()
            sink = None
            os.close(saved)
            saved = None
    try:
        yield sink
    finally:
        if saved is not None:
            _flush_stderr()
            os.dup2(saved, 2)
            os.close(saved)
        if sink is not None:
            sink.close()


class _QuietLoader(importlib.abc.Loader):
    """Runs the real loader of ``tensorflow`` with native stderr captured."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.loader.create_module(spec)

    def __getattr__(self, name: str) -> Any:
        # ``tensorflow.__loader__`` is this object: get_filename, get_resource_reader,
        # is_package, ... are the real loader's.
        if name == "loader":  # not set yet (a copy): no recursion
            raise AttributeError(name)
        return getattr(self.loader, name)

    def exec_module(self, module: ModuleType) -> None:
        with native_stderr_captured() as sink:
            try:
                self.loader.exec_module(module)
            except BaseException as exc:
                if sink is None:
                    raise
                sink.seek(0)
                written = sink.read().decode(errors="replace").strip()
                if written and hasattr(exc, "add_note"):  # Python 3.11+
                    exc.add_note(f"TensorFlow wrote while importing:\n{written}")
                raise


class _QuietFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` the usual way, then wraps its loader once."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # one import only; also keeps find_spec below normal
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def silence_tensorflow_startup() -> None:
    """Hide TensorFlow's start-up lines in this process and the workers it starts.

    Does nothing when ``TUNEKIT_VERBOSE`` is set, or when TensorFlow is already imported.
    """
    if verbose():
        return
    for key, value in _QUIET_ENV.items():
        if key not in os.environ:
            os.environ[key] = value
            _set_here.append(key)
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietFinder())


def show_native_logs() -> None:
    """Undo ``silence_tensorflow_startup``: native lines reach stderr, here and in workers."""
    os.environ[VERBOSE_ENV] = "1"
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietFinder)]
    while _set_here:
        os.environ.pop(_set_here.pop(), None)
