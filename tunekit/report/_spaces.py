"""Group a one-factor study's trials by space, with the reference trial in every space.

The reference trial is trained once and is the control of every space, so each
space's group starts with it, labelled with that space's reference value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tunekit.tuning.plan import REFERENCE_SPACE
from tunekit.tuning.reading import StudyRecords
from tunekit.tuning.records import TrialRecord, TrialStatus


@dataclass(frozen=True)
class SpaceMember:
    """One value of a space and the trial that trained it."""

    value: Any
    record: TrialRecord
    is_reference: bool


@dataclass(frozen=True)
class SpaceGroup:
    """A space with its trials: the reference first, then the space's values in order."""

    name: str
    hp: str
    description: str
    reference_value: Any
    members: tuple[SpaceMember, ...]


def same_value(a: Any, b: Any) -> bool:
    """Compare hyper-parameter values as JSON leaves them (``0`` and ``0.0`` are one value)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def reference_record(study: StudyRecords) -> TrialRecord | None:
    """The study's reference trial, or ``None`` before it has been recorded."""
    found = [r for r in study.records if r.space == REFERENCE_SPACE]
    return found[-1] if found else None


def reference_values(study: StudyRecords) -> dict[str, Any]:
    """Every hyper-parameter's reference value, from the metadata or the reference trial."""
    ref = reference_record(study)
    return {**(ref.hyperparameters if ref else {}), **study.meta.get("reference", {})}


def running_count(study: StudyRecords) -> int:
    """How many trials are still running (and so left out of figures and tables)."""
    return sum(r.status is TrialStatus.RUNNING for r in study.records)


def space_groups(study: StudyRecords) -> list[SpaceGroup]:
    """Group the finished trials of ``study`` by space, in the study's space order.

    Spaces come from the metadata, followed by any space found only in the records.
    Running trials are left out: their numbers are not final.
    """
    finished = [r for r in study.records if r.status is not TrialStatus.RUNNING]
    reference = reference_values(study)
    ref = reference_record(study)
    if ref is not None and ref.status is TrialStatus.RUNNING:
        ref = None

    specs: dict[str, dict[str, Any]] = {
        name: dict(spec) for name, spec in study.meta.get("spaces", {}).items()
    }
    for record in study.records:
        if record.space != REFERENCE_SPACE and record.space not in specs:
            specs[record.space] = {"hp": record.hp, "values": [], "description": ""}

    groups = []
    for name, spec in specs.items():
        hp = spec.get("hp", name)
        ref_value = reference.get(hp)
        own = [r for r in finished if r.space == name]
        values = list(spec.get("values", []))
        for record in own:
            if not any(same_value(record.value, v) for v in values):
                values.append(record.value)
        members = []
        if ref is not None:
            members.append(SpaceMember(ref_value, ref, True))
        for value in values:
            if same_value(value, ref_value):
                continue
            matches = [r for r in own if same_value(r.value, value)]
            if matches:  # a rerun trial of the same value replaces the earlier one
                members.append(SpaceMember(value, matches[-1], False))
        groups.append(SpaceGroup(name, hp, spec.get("description", ""), ref_value, tuple(members)))
    return groups


def study_title(study: StudyRecords) -> str:
    """A short title such as ``mlp on fashion_mnist``."""
    family = study.meta.get("family", "model")
    data = study.meta.get("data", {}).get("name")
    return f"{family} on {data}" if data and data != family else str(family)  # not clock on clock
