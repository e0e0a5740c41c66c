"""A study's metadata: what it was made with, so a rerun can resume it or refuse."""

from __future__ import annotations

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
            data=DataSpec(**{**requested, "data_dir": here}),
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
