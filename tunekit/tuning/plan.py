"""One-factor plans: the reference, then each space's other values, one at a time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tunekit.hypermodels import HPValue, Space

REFERENCE_SPACE = "reference"


@dataclass(frozen=True)
class Variant:
    """One model to train: the reference with at most one hyper-parameter changed.

    Attributes:
        space: The space this variant belongs to, or ``"reference"``.
        hp: The hyper-parameter changed (empty for the reference).
        value: The value ``hp`` takes here (``None`` for the reference).
        values: Every hyper-parameter's value for this variant.
    """

    space: str
    hp: str
    value: HPValue | None
    values: Mapping[str, HPValue]

    @property
    def key(self) -> str:
        """A short hash of ``values``: the identity of the trained model."""
        return values_key(self.values)

    @property
    def label(self) -> str:
        """How the variant is named in tables, e.g. ``dropout=0.2``."""
        return REFERENCE_SPACE if self.space == REFERENCE_SPACE else f"{self.hp}={self.value}"


def values_key(values: Mapping[str, Any]) -> str:
    """Hash hyper-parameter values independently of their order."""
    text = json.dumps(dict(values), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def space_values(space: Space, reference: Mapping[str, HPValue]) -> tuple[HPValue, ...]:
    """The values a space tries, with the reference value included where it is missing."""
    ref = reference[space.hp]
    return space.values if ref in space.values else (ref, *space.values)


def one_factor_plan(spaces: Iterable[Space], reference: Mapping[str, HPValue]) -> list[Variant]:
    """List the variants of a one-factor study, reference first, each model once.

    The reference is the control of every space, so it is trained once however many
    spaces are studied; a space's reference value maps onto that same variant.
    """
    variants = [Variant(REFERENCE_SPACE, "", None, dict(reference))]
    seen = {variants[0].key}
    for space in spaces:
        for value in space_values(space, reference):
            variant = Variant(space.name, space.hp, value, {**reference, space.hp: value})
            if variant.key not in seen:
                seen.add(variant.key)
                variants.append(variant)
    return variants
