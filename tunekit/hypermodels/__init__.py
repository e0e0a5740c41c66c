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


__all__ = ["FAMILIES", "DataShape", "Family", "HPValue", "Space", "get_family"]
