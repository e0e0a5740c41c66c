"""One error hierarchy for tunekit: every message says what was wrong and what to do."""

from __future__ import annotations


class TunekitError(Exception):
    """Base class for errors a user can act on; the CLI prints them on one line."""


class DataNotFoundError(TunekitError):
    """A data set's files were not found in any of the places tunekit looks."""


class DataFormatError(TunekitError):
    """A data file exists but cannot be read as what it claims to be."""


class UnknownNameError(TunekitError):
    """An unknown family, space, dataset, tuner or value was asked for."""


class StudyConfigError(TunekitError):
    """A study directory holds a study with another configuration."""


class StudyLockedError(TunekitError):
    """Another live process is running a study in the same directory."""


class InvalidConfigError(TunekitError):
    """A model configuration cannot be built (for example a feature map below 1x1)."""
