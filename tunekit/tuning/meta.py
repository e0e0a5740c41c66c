"""A study's metadata: what it was made with, so a rerun can resume it or refuse."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tunekit import __version__
from tunekit.config import (
    DataSpec,
    KeepCheckpoints,
    SearchSettings,
    StudySpec,
    TrainSettings,
    TunerKind,
)
from tunekit.errors import StudyConfigError
from tunekit.hypermodels import Family, HPValue, Space
from tunekit.tuning.plan import space_values
from tunekit.tuning.reading import STUDY_FILE
from tunekit.tuning.records import (
    RECORD_FILE,
    SEARCH_SPACE,
    UNREADABLE,
    TrialRecord,
    TrialStatus,
    read_record,
)
from tunekit.tuning.search import objective_of

#: Metadata that must match for a rerun to continue a study (``keep_checkpoints`` and a
#: search's ``max_trials`` may change: a rerun with more trials extends the search).
_TRAIN_KEYS = ("epochs", "patience", "executions", "seed")
_DATA_KEYS = ("name", "subset", "permute", "validation_size", "fingerprint")
_SEARCH_KEYS = ("max_epochs", "factor")


def build_meta(
    spec: StudySpec,
    family: Family,
    reference: Mapping[str, HPValue],
    spaces: Sequence[Space],
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """Describe a study as plain JSON-ready data."""
    objective, direction = objective_of(spec, family)
    meta: dict[str, Any] = {
        "tunekit_version": __version__,
        "family": family.name,
        "tuner": spec.tuner.value,
        "objective": objective,
        "direction": direction,
        "reference": dict(reference),
        "spaces": {
            space.name: {
                "hp": space.hp,
                "values": list(space_values(space, reference)),
                "description": space.description,
            }
            for space in spaces
        },
        "data": dict(data),
        # The request itself, so reports can load the same data again (clock galleries).
        "data_spec": {
            k: str(v) if isinstance(v, Path) else v for k, v in asdict(spec.data).items()
        },
        "train": spec.train.to_dict(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if spec.tuner.is_search:
        meta["search"] = spec.search.to_dict()
    return meta


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Say how ``new`` differs from the study ``old`` in ways that forbid mixing them.

    In a one-factor study, spaces that only one of them has are not a difference: a
    study can grow by spaces, and the reference it already trained is reused. A
    search's spaces are its search space, so they must match.
    """
    found = [
        f"{key}: {old.get(key)!r} in the study, {new.get(key)!r} now"
        for key in ("family", "tuner", "objective")
        if old.get(key) != new.get(key)
    ]
    for section, keys in (("train", _TRAIN_KEYS), ("data", _DATA_KEYS), ("search", _SEARCH_KEYS)):
        for key in keys:
            before, now = old.get(section, {}).get(key), new.get(section, {}).get(key)
            if before != now:
                found.append(f"{key}: {before!r} in the study, {now!r} now")
    for hp, value in new.get("reference", {}).items():
        before = old.get("reference", {}).get(hp)
        if before != value:
            found.append(f"reference {hp}: {before!r} in the study, {value!r} now")
    for name, space in new.get("spaces", {}).items():
        before = old.get("spaces", {}).get(name)
        if before is not None and before["values"] != space["values"]:
            found.append(
                f"space {name} values: {before['values']} in the study, {space['values']} now"
            )
    if new.get("tuner") != TunerKind.ONE_FACTOR.value:
        before, now = sorted(old.get("spaces", {})), sorted(new.get("spaces", {}))
        if before != now:
            found.append(f"searched spaces: {','.join(before)} in the study, {','.join(now)} now")
    return found


def merged(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``new`` with the spaces of ``old`` kept and its creation time preserved."""
    return {
        **new,
        "spaces": {**old.get("spaces", {}), **new.get("spaces", {})},
        "created": old.get("created", new["created"]),
    }


def spec_from_meta(meta: Mapping[str, Any], data_dir: Path | None = None) -> StudySpec:
    """Rebuild the spec of the study that ``meta`` describes (a worker joins it so).

    Args:
        meta: The study's metadata, ``tunekit_study.json``.
        data_dir: Where this machine keeps the data, searched first (default: the
            folder the study was started with).

    Raises:
        StudyConfigError: The metadata lacks what a study needs.
    """
    try:
        data, train = meta["data"], meta["train"]
        search = dict(meta.get("search") or {})
        search["objective"] = meta.get("objective")
        requested = meta.get("data_spec") or {
            "dataset": data["name"],
            "subset": data.get("subset"),
            "permute": data.get("permute"),
            "validation_size": int(data.get("validation_size", 5000)),
        }
        here = data_dir or (Path(requested["data_dir"]) if requested.get("data_dir") else None)
        return StudySpec(
            family=meta["family"],
            spaces=tuple(meta["spaces"]),
            # The user's own file is stored absolute; data_dir is for the IDX data sets.
            data=DataSpec(**{**requested, "data_dir": None if requested.get("file") else here}),
            train=TrainSettings(
                **{key: int(train[key]) for key in _TRAIN_KEYS},
                keep_checkpoints=KeepCheckpoints(train.get("keep_checkpoints", "best")),
            ),
            reference_overrides=tuple(meta["reference"].items()),
            tuner=TunerKind(meta.get("tuner", TunerKind.ONE_FACTOR.value)),
            search=SearchSettings(**search),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StudyConfigError(
            f"The study's {exc} is missing or wrong in its metadata; rerun `tunekit study`."
        ) from None


def stored_meta(study_dir: Path) -> dict[str, Any] | None:
    """The study's metadata, or None if its file is missing, empty or corrupt."""
    try:
        loaded = json.loads((Path(study_dir) / STUDY_FILE).read_bytes().decode("utf-8"))
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(loaded, dict) or "family" not in loaded:
        return None
    sections = ("reference", "spaces", "data", "train", "search")
    if any(not isinstance(loaded.get(key, {}), dict) for key in sections):
        return None  # parses, but not as tunekit wrote it
    return loaded


def has_trials(study_dir: Path) -> bool:
    """Whether ``study_dir`` holds at least one trial record."""
    return any(Path(study_dir).glob(f"trial_*/{RECORD_FILE}"))


def recovery_problems(study_dir: Path, meta: Mapping[str, Any]) -> list[str]:
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
    records = []
    for path in sorted(study_dir.glob(f"trial_*/{RECORD_FILE}")):
        try:
            records.append(read_record(path))
        except (*UNREADABLE, OSError):
            continue  # the study's reader names it; it says nothing about the command
    return records


def _disagreements(records: Sequence[TrialRecord], meta: Mapping[str, Any]) -> list[str]:
    """How the records differ from the study ``meta`` describes, one line per trial."""
    reference = meta.get("reference", {})
    spaces = meta.get("spaces", {})
    studied = {space["hp"] for space in spaces.values()}
    search = meta.get("tuner") != TunerKind.ONE_FACTOR.value
    train = meta.get("train", {})
    found = []
    for record in records:
        trial = f"trial {record.trial_id}"
        ran = [ex.epochs_run for ex in record.executions]
        if record.status is TrialStatus.COMPLETED and len(ran) != train.get("executions"):
            found.append(f"{trial} ran {len(ran)} execution(s), not {train.get('executions')}")
            continue
        if not search and max(ran, default=0) > train.get("epochs", 0):
            found.append(f"{trial} trained {max(ran)} epochs, more than {train.get('epochs')}")
            continue
        free = studied if search else _varied(spaces, record.space)
        outside = sorted(
            hp
            for hp, value in record.hyperparameters.items()
            if reference.get(hp) != value and hp not in free
        )
        if record.family != meta.get("family"):
            found.append(f"{trial} is a {record.family} model, not {meta.get('family')}")
        elif record.objective != meta.get("objective"):
            found.append(f"{trial} optimised {record.objective}, not {meta.get('objective')}")
        elif set(record.hyperparameters) != set(reference):
            found.append(f"{trial} has other hyper-parameters than the {record.family} family")
        elif (record.space == SEARCH_SPACE) != search:
            found.append(f"{trial} belongs to a {'search' if not search else 'one-factor'} study")
        elif not search and record.space not in ("reference", *spaces):
            found.append(f"{trial} belongs to space {record.space}, not studied now")
        elif outside:
            values = ", ".join(f"{hp}={record.hyperparameters[hp]}" for hp in outside)
            found.append(f"{trial} was trained with {values}")
    return found


def _varied(spaces: Mapping[str, Any], space: str) -> set[str]:
    """The hyper-parameter a one-factor trial of ``space`` may change (none: the reference)."""
    return {spaces[space]["hp"]} if space in spaces else set()
