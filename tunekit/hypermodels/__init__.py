"""Model families: reference configurations and named search spaces."""

from __future__ import annotations

from tunekit.errors import UnknownNameError
from tunekit.hypermodels._family import DataShape, Family, HPValue, Space
from tunekit.hypermodels.clock import CLOCK
from tunekit.hypermodels.cnn import CNN
from tunekit.hypermodels.mlp import MLP
from tunekit.hypermodels.user import (
    absolute_model_spec,
    is_model_spec,
    load_user_family,
    model_dir_name,
)

FAMILIES: dict[str, Family] = {family.name: family for family in (MLP, CNN, CLOCK)}


def get_family(name: str) -> Family:
    """Return the family called ``name``, loading a user's ``FILE.py:NAME`` model.

    Raises:
        UnknownNameError: No family has that name, and it names no user's model.
        ModelFileError: The user's model cannot be loaded (see ``load_user_family``).
    """
    if name in FAMILIES:
        return FAMILIES[name]
    if is_model_spec(name):
        return load_user_family(name)
    raise UnknownNameError(
        f"Unknown family {name!r}. Known families: {', '.join(FAMILIES)}, "
        "or your own model as FILE.py:NAME or package.module:NAME."
    )


def family_name(name: str) -> str:
    """The name a study records for ``name``: a user's model file made absolute.

    Raises:
        UnknownNameError: No family has that name, and it names no user's model.
    """
    if name in FAMILIES:
        return name
    if is_model_spec(name):
        return absolute_model_spec(name)
    return get_family(name).name  # raises, naming the families


def family_dir_name(name: str) -> str:
    """A family's name as a study directory starts with it (``my_model-build``)."""
    return name if name in FAMILIES or not is_model_spec(name) else model_dir_name(name)


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
    "family_dir_name",
    "family_name",
    "get_family",
]
