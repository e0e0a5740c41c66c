"""The ``tunekit`` command: parse options, call the library, show the result.

One module per command group; each command parses its options, calls one library
function and prints its result. Heavy imports (keras, tensorflow, matplotlib) happen
inside the commands that need them, so ``tunekit --help`` and ``tunekit spaces``
answer at once.
"""

from __future__ import annotations

# Commands are listed in --help in the order they are registered.
# isort: off
from tunekit.cli import _study  # noqa: F401  study, permutation, run, worker
from tunekit.cli import _results  # noqa: F401  report, leaderboard, export, best, predict, ...
from tunekit.cli import _clocks  # noqa: F401  the clocks group

# isort: on
from tunekit.cli._app import app
from tunekit.native_logs import silence_tensorflow_startup

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``tunekit`` console script."""
    silence_tensorflow_startup()
    app()
