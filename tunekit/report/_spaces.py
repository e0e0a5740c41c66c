"""Group a one-factor study's trials by space, with the reference trial in every space.

The reference is trained once (or ``--reference-repeats`` times, which count as
one reference with more executions) and is the control of every space, so each
space's group starts with it, labelled with that space's reference value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from tunekit.records.layout import REFERENCE_SPACE
from tunekit.records.meta import SpaceInfo
from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialRecord, TrialStatus


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
    """The study's reference, all its repeats as one trial; ``None`` before it is recorded.

    Each finished repeat (``--reference-repeats``) adds its executions, in repeat
    order, to those of the first, so every interval and estimate made from the
    reference's executions sees the seed noise of all of them. Its score is the
    mean over those executions. A repeat that failed adds nothing; a reference
    with no finished repeat is its last running trial.
    """
    found = [r for r in study.records if r.space == REFERENCE_SPACE]
    if not found:
        return None
    latest = {r.repeat: r for r in found}  # a rerun trial of a repeat replaces the earlier one
    finished = [latest[k] for k in sorted(latest) if latest[k].status is not TrialStatus.RUNNING]
    results = [r for r in finished if r.status in (TrialStatus.COMPLETED, TrialStatus.DIVERGED)]
    if len(results) > 1:
        return _merged_repeats(results)
    return (results or finished or found)[-1]


def _merged_repeats(repeats: list[TrialRecord]) -> TrialRecord:
    """One record of the reference's repeats: their executions and their mean score.

    It is the first repeat's record otherwise, diverged if one of them diverged.
    """
    first = repeats[0]
    executions = tuple(ex for r in repeats for ex in r.executions)
    scored = [(r.score, len(r.executions)) for r in repeats if r.score is not None]
    weight = sum(n for _, n in scored)
    score = math.fsum(s * n for s, n in scored) / weight if weight else first.score
    worst = next((r for r in repeats if r.status is TrialStatus.DIVERGED), first)
    return replace(
        first,
        executions=executions,
        score=score,
        status=worst.status,
        reason=worst.reason,
        wall_seconds=math.fsum(r.wall_seconds for r in repeats),
    )


def reference_values(study: StudyRecords) -> dict[str, Any]:
    """Every hyper-parameter's reference value, from the metadata or the reference trial."""
    ref = reference_record(study)
    return {**(ref.hyperparameters if ref else {}), **study.meta.reference}


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

    specs = dict(study.meta.spaces)
    if not specs and ref is not None and not study.meta.is_search:
        return [_reference_alone(study, ref)]
    for record in study.records:
        if record.space != REFERENCE_SPACE and record.space not in specs:
            specs[record.space] = SpaceInfo(record.hp, ())

    groups = []
    for name, spec in specs.items():
        hp = spec.hp
        ref_value = reference.get(hp)
        own = [r for r in finished if r.space == name]
        values = list(spec.values)
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
        groups.append(SpaceGroup(name, hp, spec.description, ref_value, tuple(members)))
    return groups


def _reference_alone(study: StudyRecords, ref: TrialRecord) -> SpaceGroup:
    """The one group of a study that trained only its reference (no space, no search)."""
    family = study.meta.family
    return SpaceGroup(
        REFERENCE_SPACE,
        "model",
        "the reference alone: the study varies no hyper-parameter",
        family,
        (SpaceMember(family, ref, True),),
    )


def study_title(study: StudyRecords) -> str:
    """A short title such as ``mlp on fashion_mnist``."""
    family, data = study.meta.family, study.meta.data.name
    return f"{family} on {data}" if data and data != family else family  # not clock on clock
