"""Import a user's Python file or module: ``FILE.py:NAME`` and ``package.module:NAME``.

Both ``--data`` and a user's own model name an object this way; this module finds it
and turns any failure of the user's code into one line naming the file.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError


def import_file(path: Path, error: type[TunekitError] = TunekitError) -> Any:
    """Import a Python file by path; it stays out of ``sys.modules`` afterwards.

    Raises:
        error: The file cannot be imported (a syntax error, a missing module, ...).
    """
    module_name = f"_tunekit_user_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise error(f"{path}: cannot be imported as a Python file.")
    module = importlib.util.module_from_spec(spec)
    # Registered while it runs (dataclasses and pickling look it up), and its folder on
    # the path so that it can import its neighbours.
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's code: a syntax error, a missing module, ...
        raise error(f"{path}: cannot be imported ({one_line(exc)}).") from None
    finally:
        sys.modules.pop(module_name, None)
        if str(path.parent) in sys.path:
            sys.path.remove(str(path.parent))
    return module


def import_module(name: str, error: type[TunekitError] = TunekitError) -> Any:
    """Import ``package.module`` from Python's path.

    Raises:
        error: The module cannot be imported.
    """
    try:
        return importlib.import_module(name)
    except Exception as exc:  # the user's code: any error means "cannot import"
        raise error(f"{name}: cannot be imported ({one_line(exc)}).") from None


def one_line(exc: BaseException) -> str:
    """An exception as ``Type: message`` on one line."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())
