"""A study's metadata made from a command, and compared with a stored study's.

The metadata itself, and its file, belong to ``tunekit.records.meta``; this module
is the runner's side: it builds ``StudyMeta`` from a ``StudySpec``, says whether a
rerun may continue a stored study, and rebuilds a spec from a stored study so that a
worker can join it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tunekit import __version__
from tunekit.config import DataSpec, SearchSettings, StudySpec
from tunekit.errors import StudyConfigError, TunekitError
from tunekit.hypermodels import Family, HPValue, Space, get_family
from tunekit.records.layout import REFERENCE_SPACE, SEARCH_SPACE, record_paths
from tunekit.records.meta import DataInfo, SpaceInfo, StudyMeta
from tunekit.records.study import read_records
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.tuning.plan import space_values, with_gained
from tunekit.tuning.search import objective_of

#: Settings that must match for a rerun to continue a study (``keep_checkpoints``,
#: ``reference_repeats`` and a search's ``max_trials`` may change: a rerun with more
#: trials extends the search, one with more repeats trains only the new repeats).
_TRAIN_KEYS = ("epochs", "patience", "executions", "seed")
_DATA_KEYS = ("name", "subset", "permute", "validation_size", "fingerprint")
#: Compared only where both studies record them: older studies did not (their
#: fingerprint still tells a different split apart).
_RECORDED_DATA_KEYS = ("split",)
_SEARCH_KEYS = ("max_epochs", "factor")


def build_meta(
    spec: StudySpec,
    family: Family,
    reference: Mapping[str, HPValue],
    spaces: Sequence[Space],
    data: Mapping[str, Any],
) -> StudyMeta:
    """Describe the study ``spec`` asks for, with the data's own description ``data``."""
    objective, direction = objective_of(spec, family)
    return StudyMeta(
        family=family.name,
        tuner=spec.tuner,
        objective=objective,
        direction=direction,
        reference=dict(reference),
        spaces={
            space.name: SpaceInfo(
                space.hp, tuple(space_values(space, reference)), space.description
            )
            for space in spaces
        },
        data=DataInfo.from_dict(data),
        train=spec.train,
        data_spec=spec.data,  # so reports can load the same data again (clock galleries)
        search=spec.search if spec.tuner.is_search else None,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        tunekit_version=__version__,
    )


def differences(old: StudyMeta, new: StudyMeta) -> list[str]:
    """Say how ``new`` differs from the study ``old`` in ways that forbid mixing them.

    In a one-factor study, spaces that only one of them has, or values that only one of
    them tries, are not a difference: a study can grow by spaces and values, and the
    reference it already trained is reused. A search's spaces and values are its search
    space, so they must match. A hyper-parameter that a family gained after the study was
    made is no difference at the family's reference value: that value keeps what tunekit
    did before it existed.
    """
    found = [
        f"{key}: {before!r} in the study, {now!r} now"
        for key, before, now in (
            ("family", old.family, new.family),
            ("tuner", old.tuner.value, new.tuner.value),
            ("objective", old.objective, new.objective),
        )
        if before != now
    ]
    for key in _RECORDED_DATA_KEYS:
        before, now = old.data.details.get(key), new.data.details.get(key)
        if before is not None and now is not None and before != now:
            found.append(f"{key}: {before!r} in the study, {now!r} now")
    sections = (
        (old.train, new.train, _TRAIN_KEYS),
        (old.data.details, new.data.details, _DATA_KEYS),
        (_search_settings(old), _search_settings(new), _SEARCH_KEYS),
    )
    for before_section, now_section, keys in sections:
        for key in keys:
            before, now = _field(before_section, key), _field(now_section, key)
            if before != now:
                found.append(f"{key}: {before!r} in the study, {now!r} now")
    recorded = _with_gained_reference(old, new)
    for hp, value in new.reference.items():
        before = recorded.get(hp)
        if before != value:
            found.append(f"reference {hp}: {before!r} in the study, {value!r} now")
    for name, space in new.spaces.items():
        stored = old.spaces.get(name)
        if new.is_search and stored is not None and list(stored.values) != list(space.values):
            found.append(
                f"space {name} values: {list(stored.values)} in the study, {list(space.values)} now"
            )
    if new.is_search and sorted(old.spaces) != sorted(new.spaces):
        before, now = ",".join(sorted(old.spaces)), ",".join(sorted(new.spaces))
        found.append(f"searched spaces: {before} in the study, {now} now")
    return found


def _with_gained_reference(old: StudyMeta, new: StudyMeta) -> Mapping[str, Any]:
    """``old``'s reference :func:`with_gained` the family's values of what it predates."""
    if not old.reference:
        return {}
    try:
        family = get_family(new.family)
    except TunekitError:
        return old.reference
    return with_gained(old.reference, family.reference)


def _grown_values(old: StudyMeta, new: StudyMeta) -> dict[str, SpaceInfo]:
    """Each space of both, trying ``old``'s values and then ``new``'s others."""
    grown = {}
    for name, space in new.spaces.items():
        stored = old.spaces.get(name)
        if stored is not None:
            values = list(stored.values)
            values += [v for v in space.values if v not in values]
            grown[name] = replace(space, values=tuple(values))
    return grown


def _search_settings(meta: StudyMeta) -> Mapping[str, Any]:
    return meta.search.to_dict() if meta.search is not None else {}


def _field(section: Any, key: str) -> Any:
    return section.get(key) if isinstance(section, Mapping) else getattr(section, key)


def merged(old: StudyMeta, new: StudyMeta) -> StudyMeta:
    """Return ``new`` with the spaces of ``old`` kept and its creation time preserved.

    The reference repeats are the most ever asked for: a rerun with fewer keeps
    (and reports) the repeats already trained.
    """
    grown = new.with_spaces_of(old)
    if not new.is_search:  # a space keeps the values it tried before, then the new ones
        grown = replace(grown, spaces={**grown.spaces, **_grown_values(old, new)})
    repeats = max(old.train.reference_repeats or 1, new.train.reference_repeats or 1)
    return replace(grown, train=replace(grown.train, reference_repeats=repeats))


def spec_from_meta(meta: StudyMeta, data_dir: Path | None = None) -> StudySpec:
    """Rebuild the spec of the study that ``meta`` describes (a worker joins it so).

    Args:
        meta: The study's metadata, ``tunekit_study.json``.
        data_dir: Where this machine keeps the data, searched first (default: the
            folder the study was started with).

    Raises:
        StudyConfigError: The metadata lacks what a study needs.
    """
    try:
        requested = meta.data_spec or DataSpec(
            dataset=meta.data.name,
            subset=meta.data.subset,
            permute=meta.data.permute,
            validation_size=int(meta.data.validation_size or 5000),
        )
        # The user's own file is stored absolute; data_dir is for the IDX data sets.
        here = None if requested.file else (data_dir or requested.data_dir)
        search = meta.search or SearchSettings()
        return StudySpec(
            family=meta.family,
            spaces=tuple(meta.spaces),
            data=replace(requested, data_dir=here),
            train=meta.train,
            reference_overrides=tuple(meta.reference.items()),
            space_values=tuple((name, tuple(s.values)) for name, s in meta.spaces.items()),
            tuner=meta.tuner,
            search=replace(search, objective=meta.objective),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StudyConfigError(
            f"The study's {exc} is missing or wrong in its metadata; rerun `tunekit study`."
        ) from None


def has_trials(study_dir: Path) -> bool:
    """Whether ``study_dir`` holds at least one trial record."""
    return bool(record_paths(study_dir))


def recovery_problems(study_dir: Path, meta: StudyMeta) -> list[str]:
    """Why the study in ``study_dir`` cannot be recovered from ``meta``; empty if it can.

    When ``tunekit_study.json`` is missing, empty or corrupt, a rerun of the command
    writes it again from the command (``meta``), provided every trial record agrees
    with it: same family and objective, same kind of tuner, and no hyper-parameter
    changed from the reference outside the spaces studied now. The records do not
    hold the data's fingerprint, so the data is taken on trust from the command.

    Args:
        study_dir: The study directory.
        meta: The metadata the command now running would write (``build_meta``).

    Returns:
        One line per trial that disagrees, e.g. ``trial 03 is a cnn model, not mlp``.
    """
    return _disagreements(_records(Path(study_dir)), meta)


def _records(study_dir: Path) -> list[TrialRecord]:
    return read_records(study_dir)[0]  # skipped files: the study's reader names them


def _disagreements(records: Sequence[TrialRecord], meta: StudyMeta) -> list[str]:
    """How the records differ from the study ``meta`` describes, one line per trial."""
    studied = {space.hp for space in meta.spaces.values()}
    train = meta.train
    found = []
    for record in records:
        trial = f"trial {record.trial_id}"
        ran = [ex.epochs_run for ex in record.executions]
        if record.status is TrialStatus.COMPLETED and len(ran) != train.executions:
            found.append(f"{trial} ran {len(ran)} execution(s), not {train.executions}")
            continue
        if not meta.is_search and max(ran, default=0) > train.epochs:
            found.append(f"{trial} trained {max(ran)} epochs, more than {train.epochs}")
            continue
        free = studied if meta.is_search else _varied(meta, record.space)
        outside = sorted(
            hp
            for hp, value in record.hyperparameters.items()
            if meta.reference.get(hp) != value and hp not in free
        )
        if record.family != meta.family:
            found.append(f"{trial} is a {record.family} model, not {meta.family}")
        elif record.objective != meta.objective:
            found.append(f"{trial} optimised {record.objective}, not {meta.objective}")
        elif set(record.hyperparameters) != set(meta.reference):
            found.append(f"{trial} has other hyper-parameters than the {record.family} family")
        elif (record.space == SEARCH_SPACE) != meta.is_search:
            kind = "one-factor" if meta.is_search else "search"
            found.append(f"{trial} belongs to a {kind} study")
        elif not meta.is_search and record.space not in (REFERENCE_SPACE, *meta.spaces):
            found.append(f"{trial} belongs to space {record.space}, not studied now")
        elif outside:
            values = ", ".join(f"{hp}={record.hyperparameters[hp]}" for hp in outside)
            found.append(f"{trial} was trained with {values}")
    return found


def _varied(meta: StudyMeta, space: str) -> set[str]:
    """The hyper-parameter a one-factor trial of ``space`` may change (none: the reference)."""
    return {meta.spaces[space].hp} if space in meta.spaces else set()
