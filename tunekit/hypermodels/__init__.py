"""Model families: reference configurations and named search spaces."""

from __future__ import annotations

from tunekit.errors import UnknownNameError
from tunekit.hypermodels._family import DataShape, Family, HPValue, Space
from tunekit.hypermodels.clock import CLOCK
from tunekit.hypermodels.cnn import CNN
from tunekit.hypermodels.mlp import MLP

FAMILIES: dict[str, Family] = {family.name: family for family in (MLP, CNN, CLOCK)}


def get_family(name: str) -> Family:
    """Return the family called ``name``, or say which families exist."""
    if name not in FAMILIES:
        raise UnknownNameError(f"Unknown family {name!r}. Known families: {', '.join(FAMILIES)}.")
    return FAMILIES[name]


#: keras-tuner HyperModels of the families; they import keras, so only when asked for.
_HYPERMODELS = ("CNNHyperModel", "ClockHyperModel", "MLPHyperModel", "TunekitHyperModel")


def __getattr__(name: str) -> object:
    if name in _HYPERMODELS:
        from tunekit.hypermodels import _hypermodels

        return getattr(_hypermodels, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FAMILIES",
    "CNNHyperModel",
    "ClockHyperModel",
    "DataShape",
    "Family",
    "HPValue",
    "MLPHyperModel",
    "Space",
    "TunekitHyperModel",
    "get_family",
]
