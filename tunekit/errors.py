"""One error hierarchy for tunekit: every message says what was wrong and what to do."""

from __future__ import annotations


class TunekitError(Exception):
    """Base class for errors a user can act on; the CLI prints them on one line."""


class DataNotFoundError(TunekitError):
    """A data set's files were not found in any of the places tunekit looks."""


class DataFormatError(TunekitError):
    """A data file exists but cannot be read as what it claims to be."""


class ModelFileError(TunekitError):
    """A user's own model file cannot be imported, or gives no compiled model or no values."""


class UnknownNameError(TunekitError):
    """An unknown family, space, dataset, tuner or value was asked for."""


class StudyConfigError(TunekitError):
    """A study directory holds a study with another configuration."""


class StudyLockedError(TunekitError):
    """Another live process is running a study in the same directory."""


class InvalidConfigError(TunekitError):
    """A model configuration cannot be built (for example a feature map below 1x1)."""


class InvalidValueError(TunekitError):
    """A setting or hyper-parameter has a value tunekit cannot use.

    The message names the value in the library's terms (``subset must be at least 1``);
    ``section`` and ``name`` let the CLI or the study-file reader name it as the user
    typed it (``--subset``, ``[data] subset``, ``--set dropout=...``).

    Attributes:
        section: ``data``, ``train``, ``search`` or ``reference`` (a hyper-parameter).
        name: The field or hyper-parameter, e.g. ``subset`` or ``dropout``.
        problem: What is wrong, e.g. ``must be at least 1, got 0``.
    """

    def __init__(self, section: str, name: str, problem: str) -> None:
        super().__init__(f"{name} {problem}.")
        self.section, self.name, self.problem = section, name, problem

    def renamed(self, shown: str) -> TunekitError:
        """The same error with the value named ``shown`` (``--subset``, ``[data] subset``)."""
        return TunekitError(f"{shown} {self.problem}.")


class FileAccessError(TunekitError):
    """A file or folder cannot be read or written (permissions, a file in the path)."""

    @classmethod
    def from_os_error(cls, exc: OSError, doing: str | None = None) -> FileAccessError:
        """One line from an ``OSError``: where, why, and (if given) what could not be done.

        Args:
            exc: The error, e.g. ``PermissionError`` writing into a read-only study.
            doing: What was tried, e.g. ``"write to"``; None when the caller cannot tell.
        """
        where = exc.filename if exc.filename is not None else "a file"
        why = exc.strerror or type(exc).__name__
        if doing:
            return cls(f"Cannot {doing} {where} ({why}). Check the path and its permissions.")
        return cls(f"{where}: {why}. Check the path and its permissions.")
