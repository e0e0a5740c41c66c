"""What values a hyper-parameter accepts: names, ranges and patterns, checked without keras.

Every hyper-parameter of every family has one check. A check returns what is wrong
with a value (``"must be between 0 and 1, got 2.0"``) or None, so a bad ``--set`` or
``[reference]`` value is refused before a study directory is touched, instead of
failing every trial, or being saved into the study first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

#: Keras optimisers usable by name, each with its default learning rate.
OPTIMIZERS = ("sgd", "rmsprop", "adam", "nadam", "adamw", "adamax", "adagrad", "adadelta",
              "ftrl", "lion")  # fmt: skip


class Check(Protocol):
    """Says what is wrong with a value of one hyper-parameter, or None if nothing is."""

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value``, as the end of ``"<hp> ..."``; None if it is fine."""


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of names (initialisers, optimisers, activations...)."""

    names: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        """Refuse a name not in ``names``."""
        if value in self.names:
            return None
        return f"must be one of {', '.join(self.names)}; got {value!r}"


#: How a hyper-parameter's value names a model file (a clock reader to start from).
MODEL_FILE_SUFFIX = ".keras"


def model_file_value(value: Any, base: Path) -> Any:
    """``value`` made an absolute path, relative to ``base``, if it names a ``.keras`` file;
    any other value as it is. A study records it so, wherever it is resumed from."""
    if isinstance(value, str) and value.endswith(MODEL_FILE_SUFFIX):
        return str((base / Path(value).expanduser()).resolve())
    return value


@dataclass(frozen=True)
class ChoiceOrFile:
    """One of a fixed set of names, or the path of an existing file ending in ``suffix``."""

    names: tuple[str, ...]
    suffix: str
    what: str

    def problem(self, value: Any) -> str | None:
        """Refuse a name not in ``names`` and a path that is not such a file."""
        if value in self.names:
            return None
        if isinstance(value, str) and value.endswith(self.suffix):
            if Path(value).is_file():
                return None
            return f"names {value}, which is not a file; give {self.what}"
        return f"must be one of {', '.join(self.names)}, or {self.what}; got {value!r}"


@dataclass(frozen=True)
class Whole:
    """A whole number in ``[low, high]`` (``high`` None: no upper bound)."""

    low: int
    high: int | None = None

    def problem(self, value: Any) -> str | None:
        """Refuse a non-integer or a number outside the range."""
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {value!r}"
        if value < self.low:
            return f"must be at least {self.low}, got {value}"
        if self.high is not None and value > self.high:
            return f"must be at most {self.high}, got {value}"
        return None


@dataclass(frozen=True)
class Real:
    """A finite number in ``low < value <= high`` (``low <= value`` if ``low_included``)."""

    low: float
    high: float
    low_included: bool = False
    high_included: bool = True

    def problem(self, value: Any) -> str | None:
        """Refuse a non-number, NaN, infinity or a number outside the range."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, got {value!r}"
        above = value >= self.low if self.low_included else value > self.low
        below = value <= self.high if self.high_included else value < self.high
        if math.isfinite(value) and above and below:
            return None
        left = "[" if self.low_included else "("
        right = "]" if self.high_included else ")"
        return f"must be in {left}{self.low:g}, {self.high:g}{right}, got {value!r}"


@dataclass(frozen=True)
class Dashed:
    """Whole numbers of at least ``low`` joined by ``-``, e.g. ``100-30-10``."""

    low: int = 1
    high: int = 100_000

    def problem(self, value: Any) -> str | None:
        """Refuse anything but ``N-N-...`` with every ``N`` in range."""
        parts = str(value).split("-")
        if not all(part.isdigit() for part in parts):
            return f"must be whole numbers joined by '-', e.g. 100-30-10; got {value!r}"
        numbers = [int(part) for part in parts]
        if min(numbers) < self.low or max(numbers) > self.high:
            return f"must have every number between {self.low} and {self.high}; got {value!r}"
        return None


@dataclass(frozen=True)
class Pattern:
    """Text matching a regular expression, described by an example."""

    regex: str
    example: str
    flags: int = re.IGNORECASE

    def problem(self, value: Any) -> str | None:
        """Refuse text that does not match the whole pattern."""
        if isinstance(value, str) and re.fullmatch(self.regex, value, self.flags):
            return None
        return f"must look like {self.example}; got {value!r}"
