"""A study's metadata: what it was made with, so a rerun can resume it or refuse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tunekit import __version__
from tunekit.config import StudySpec
from tunekit.hypermodels import Family, HPValue, Space
from tunekit.tuning.plan import space_values

#: Metadata that must match for a rerun to continue a study (``checkpoints`` may change).
_TRAIN_KEYS = ("epochs", "patience", "executions", "seed")
_DATA_KEYS = ("name", "subset", "permute", "validation_size", "fingerprint")


def build_meta(
    spec: StudySpec,
    family: Family,
    reference: Mapping[str, HPValue],
    spaces: Sequence[Space],
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """Describe a study as plain JSON-ready data."""
    return {
        "tunekit_version": __version__,
        "family": family.name,
        "tuner": spec.tuner.value,
        "objective": family.objective,
        "direction": family.direction,
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


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Say how ``new`` differs from the study ``old`` in ways that forbid mixing them.

    Spaces that only one of them has are not a difference: a study can grow by
    spaces, and the reference it already trained is reused.
    """
    found = [
        f"{key}: {old.get(key)!r} in the study, {new.get(key)!r} now"
        for key in ("family", "tuner", "objective")
        if old.get(key) != new.get(key)
    ]
    for section, keys in (("train", _TRAIN_KEYS), ("data", _DATA_KEYS)):
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
    return found


def merged(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``new`` with the spaces of ``old`` kept and its creation time preserved."""
    return {
        **new,
        "spaces": {**old.get("spaces", {}), **new.get("spaces", {})},
        "created": old.get("created", new["created"]),
    }
