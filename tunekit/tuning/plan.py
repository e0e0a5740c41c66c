"""Plans: the one-factor list of variants, and the lazy cross product of a grid search."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from tunekit.hypermodels import HPValue, Space
from tunekit.records.layout import REFERENCE_SPACE, SEARCH_SPACE
from tunekit.records.trial import trial_label

__all__ = [
    "REPEAT_KEY",
    "GridPlan",
    "Variant",
    "find_variant",
    "free_choices",
    "gained_filled",
    "one_factor_plan",
    "search_label",
    "space_values",
    "trial_values",
    "values_key",
    "with_gained",
]

#: The trial value that tells a one-factor study's reference repeats apart. Like
#: keras-tuner's ``tuner/`` values it is no model hyper-parameter: the model never
#: sees it. Repeat 0 has none, so it is the reference of studies made before repeats.
REPEAT_KEY = "tunekit/repeat"


@dataclass(frozen=True)
class Variant:
    """One model to train.

    Attributes:
        space: The space this variant belongs to, ``"reference"``, or ``"search"``
            for a point of a grid search.
        hp: The hyper-parameter changed (empty for the reference; the free ones,
            comma-separated, in a search).
        value: The value ``hp`` takes here (``None`` for the reference; a label such
            as ``"dropout=0.2, optimizer=adam"`` in a search).
        values: Every hyper-parameter's value for this variant.
        repeat: Which training of the reference this is (0-based); 0 for every
            other variant.
    """

    space: str
    hp: str
    value: HPValue | None
    values: Mapping[str, HPValue]
    repeat: int = 0

    @property
    def trial_values(self) -> dict[str, Any]:
        """The values its keras-tuner trial holds: ``values``, and the repeat if not 0."""
        return trial_values(self.values, self.repeat)

    @property
    def key(self) -> str:
        """A short hash of ``trial_values``: the identity of the trial."""
        return values_key(self.trial_values)

    @property
    def label(self) -> str:
        """How the variant is named in tables, e.g. ``dropout=0.2``."""
        return trial_label(self.space, self.hp, self.value, self.repeat)


def values_key(values: Mapping[str, Any]) -> str:
    """Hash hyper-parameter values independently of their order."""
    text = json.dumps(dict(values), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def trial_values(values: Mapping[str, Any], repeat: int = 0) -> dict[str, Any]:
    """A trial's values: the model's, with ``REPEAT_KEY`` added for a repeat above 0."""
    return {**values, REPEAT_KEY: repeat} if repeat else dict(values)


def space_values(space: Space, reference: Mapping[str, HPValue]) -> tuple[HPValue, ...]:
    """The values a space tries, with the reference value included where it is missing."""
    ref = reference[space.hp]
    return space.values if ref in space.values else (ref, *space.values)


def one_factor_plan(
    spaces: Iterable[Space], reference: Mapping[str, HPValue], repeats: int = 1
) -> list[Variant]:
    """List the variants of a one-factor study, reference first, each model once.

    The reference is the control of every space, so it is trained ``repeats`` times
    however many spaces are studied, each repeat a trial with its own seeds, right
    after one another; a space's reference value maps onto repeat 0.
    """
    variants = [Variant(REFERENCE_SPACE, "", None, dict(reference), r) for r in range(repeats)]
    seen = {variants[0].key}
    for space in spaces:
        for value in space_values(space, reference):
            variant = Variant(space.name, space.hp, value, {**reference, space.hp: value})
            if variant.key not in seen:
                seen.add(variant.key)
                variants.append(variant)
    return variants


def free_choices(
    spaces: Iterable[Space], reference: Mapping[str, HPValue]
) -> dict[str, tuple[HPValue, ...]]:
    """The values each free hyper-parameter of a joint search takes, reference first.

    Reference first makes a grid's first point the reference model. Two spaces over
    the same hyper-parameter pool their values.
    """
    choices: dict[str, list[HPValue]] = {}
    for space in spaces:
        values = choices.setdefault(space.hp, [reference[space.hp]])
        values += [v for v in space.values if v not in values]
    return {hp: tuple(values) for hp, values in choices.items()}


def search_label(values: Mapping[str, Any], hps: Iterable[str]) -> str:
    """Name a search trial by its free values, e.g. ``dropout=0.2, optimizer=adam``."""
    return ", ".join(f"{hp}={values[hp]}" for hp in hps)


class GridPlan(Sequence[Variant]):
    """Every combination of the free values, the rest at the reference, built on demand.

    A grid over all of the MLP's spaces has hundreds of thousands of points, so
    points are computed from their index (the last hyper-parameter varies fastest,
    as in ``itertools.product``) rather than held in a list.

    Args:
        spaces: The spaces searched jointly.
        reference: Every hyper-parameter's reference value.
    """

    def __init__(self, spaces: Iterable[Space], reference: Mapping[str, HPValue]) -> None:
        self.reference = dict(reference)
        self.choices = free_choices(spaces, reference)
        self.hps = tuple(self.choices)

    def __len__(self) -> int:
        return math.prod(len(values) for values in self.choices.values())

    @overload
    def __getitem__(self, index: int) -> Variant: ...

    @overload
    def __getitem__(self, index: slice) -> list[Variant]: ...

    def __getitem__(self, index: int | slice) -> Variant | list[Variant]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"grid point {index} of {size}")
        picked: dict[str, HPValue] = {}
        for hp in reversed(self.hps):
            index, position = divmod(index, len(self.choices[hp]))
            picked[hp] = self.choices[hp][position]
        return self._variant(picked)

    def __iter__(self) -> Iterator[Variant]:
        for combination in itertools.product(*self.choices.values()):
            yield self._variant(dict(zip(self.hps, combination, strict=True)))

    def _variant(self, free: Mapping[str, HPValue]) -> Variant:
        values = {**self.reference, **free}
        return Variant(SEARCH_SPACE, ",".join(self.hps), search_label(values, self.hps), values)

    def find(self, values: Mapping[str, Any]) -> tuple[int, Variant] | None:
        """Return the index and variant with exactly ``values``, or ``None``."""
        index = 0
        for hp in self.hps:
            options = self.choices[hp]
            if hp not in values or values[hp] not in options:
                return None
            index = index * len(options) + options.index(values[hp])
        variant = self[index]
        return (index, variant) if variant.key == values_key(values) else None


def with_gained(values: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with ``reference``'s value of each hyper-parameter they do not name.

    A trial or study recorded before its family gained a hyper-parameter was trained as
    the reference value of it now trains (a study whose reference differs there is
    refused as made differently), so it counts at that value and is never trained again.
    """
    return {**{hp: v for hp, v in reference.items() if hp not in values}, **values}


def gained_filled(plan: Sequence[Variant], values: Mapping[str, Any]) -> dict[str, Any]:
    """A trial's ``values`` :func:`with_gained` the plan's reference: it is the plan's
    variant at the reference value of each hyper-parameter it predates."""
    if isinstance(plan, GridPlan):
        return with_gained(values, plan.reference)
    if plan and plan[0].space == REFERENCE_SPACE:
        return with_gained(values, plan[0].values)
    return dict(values)


def find_variant(plan: Sequence[Variant], values: Mapping[str, Any]) -> tuple[int, Variant] | None:
    """Return the index and variant of ``plan`` with exactly ``values``, or ``None``.

    ``values`` are a trial's (``trial_values``): a reference repeat is found by its repeat.
    A hyper-parameter the trial predates counts at the reference value (``gained_filled``).
    """
    values = gained_filled(plan, values)
    if isinstance(plan, GridPlan):
        return plan.find(values)
    key = values_key(values)
    return next(((i, v) for i, v in enumerate(plan) if v.key == key), None)
