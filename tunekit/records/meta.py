"""A study's metadata, typed: what the study was made with, read and written in one place.

``tunekit_study.json`` is written by the runner when a study starts and read by every
other part of tunekit (a rerun that resumes it, the report, the console, the API).
``StudyMeta`` is that file as an object: ``meta.train.epochs``, ``meta.data.test_size``,
``meta.spaces["width"].values``. Older files, and files written by hand in tests, are
read leniently: a missing section takes its default.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

from tunekit.config import (
    DataSpec,
    KeepCheckpoints,
    SearchSettings,
    TrainSettings,
    TunerKind,
)
from tunekit.errors import TunekitError
from tunekit.records.atomic import write_json_atomic
from tunekit.records.layout import STUDY_FILE

#: The sections of the file that are mappings when present.
_SECTIONS = ("reference", "spaces", "data", "train", "data_spec", "search")


class StudyFormatError(TunekitError):
    """A study's metadata file is missing, unreadable or not tunekit's."""


@dataclass(frozen=True)
class SpaceInfo:
    """One space of a study: the hyper-parameter it varies and the values it takes.

    Attributes:
        hp: The hyper-parameter varied.
        values: The values tried, the reference's included.
        description: What the space is about, in words.
    """

    hp: str
    values: tuple[Any, ...]
    description: str = ""


@dataclass(frozen=True)
class DataInfo:
    """What the data said of itself when the study began.

    The loaders describe themselves differently (image data sets give their split
    sizes, clocks their image size and generator seed, the user's arrays their file);
    the fields below are those the rest of tunekit reads, and ``details`` is the whole
    description, as stored.

    Attributes:
        name: The data set's name (``fashion_mnist``, ``clock``, a file's name).
        fingerprint: A hash of the arrays: the same data, or not.
        test_size: Test images (0: the data has no test set; None: not recorded).
        subset: Training images used, if fewer than all.
        permute: Seed of the pixel permutation, if the images were permuted.
        validation_size: Images held out for validation (image data sets).
        image_shape: The shape of one input image (image data sets, the user's data).
        num_classes: Classes of a classification (image data sets, the user's data).
        image_size: Side of the images in pixels (clocks).
        details: The loader's whole description.
    """

    name: str = ""
    fingerprint: str | None = None
    test_size: int | None = None
    subset: int | None = None
    permute: int | None = None
    validation_size: int | None = None
    image_shape: tuple[int, ...] | None = None
    num_classes: int | None = None
    image_size: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataInfo:
        """Read a loader's description (``Dataset.describe()``)."""
        test = next((data[k] for k in ("test_size", "n_test", "test") if k in data), None)
        shape = data.get("image_shape")
        return cls(
            name=str(data.get("name") or ""),
            fingerprint=data.get("fingerprint"),
            test_size=None if test is None else int(test),
            subset=data.get("subset"),
            permute=data.get("permute"),
            validation_size=data.get("validation_size"),
            image_shape=tuple(int(d) for d in shape) if shape else None,
            num_classes=None if data.get("num_classes") is None else int(data["num_classes"]),
            image_size=data.get("image_size"),
            details=dict(data),
        )


@dataclass(frozen=True)
class StudyMeta:
    """A study's metadata (``tunekit_study.json``).

    Attributes:
        family: The model family, or ``FILE.py:NAME`` for the user's own model.
        tuner: One-factor, or the kind of joint search.
        objective: The metric the tuner optimises, e.g. ``val_accuracy``.
        direction: ``max`` or ``min``: which way the objective is better.
        reference: Every hyper-parameter's reference value.
        spaces: The spaces studied, by name.
        data: What the data said of itself.
        train: How each trial is trained.
        data_spec: The data requested, so the same data can be loaded again (None in
            studies made before tunekit stored it).
        search: A joint search's settings (None for a one-factor study).
        created: ISO time the study was made.
        tunekit_version: The tunekit that made it.
    """

    family: str
    tuner: TunerKind = TunerKind.ONE_FACTOR
    objective: str = "val_accuracy"
    direction: str = "max"
    reference: Mapping[str, Any] = field(default_factory=dict)
    spaces: Mapping[str, SpaceInfo] = field(default_factory=dict)
    data: DataInfo = field(default_factory=DataInfo)
    train: TrainSettings = field(default_factory=TrainSettings)
    data_spec: DataSpec | None = None
    search: SearchSettings | None = None
    created: str = ""
    tunekit_version: str = ""

    @property
    def is_search(self) -> bool:
        """Whether the spaces were searched jointly rather than one at a time."""
        return self.tuner.is_search

    @property
    def minimise(self) -> bool:
        """Whether a lower objective is better (clocks' time error, a loss)."""
        return self.direction == "min"

    @property
    def metric(self) -> str:
        """The objective without ``val_``: ``accuracy``, ``time_error``."""
        return self.objective.removeprefix("val_")

    def with_spaces_of(self, older: StudyMeta) -> StudyMeta:
        """This metadata, keeping ``older``'s spaces too and its creation time.

        A one-factor study grows by spaces: a rerun with other spaces adds them.
        """
        return replace(
            self, spaces={**older.spaces, **self.spaces}, created=older.created or self.created
        )

    def to_dict(self) -> dict[str, Any]:
        """The metadata as JSON-ready plain data, as ``tunekit_study.json`` holds it."""
        data: dict[str, Any] = {
            "tunekit_version": self.tunekit_version,
            "family": self.family,
            "tuner": self.tuner.value,
            "objective": self.objective,
            "direction": self.direction,
            "reference": dict(self.reference),
            "spaces": {
                name: {"hp": s.hp, "values": list(s.values), "description": s.description}
                for name, s in self.spaces.items()
            },
            "data": dict(self.data.details),
            "train": self.train.to_dict(),
            "created": self.created,
        }
        if self.data_spec is not None:
            data["data_spec"] = {k: _plain(v) for k, v in asdict(self.data_spec).items()}
        if self.search is not None:
            data["search"] = self.search.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StudyMeta:
        """Read ``to_dict`` output, leniently (older files lack some sections).

        Raises:
            StudyFormatError: A section is there but not as tunekit writes it.
        """
        for key in _SECTIONS:
            if data.get(key) is not None and not isinstance(data[key], Mapping):
                raise StudyFormatError(f"not a study's metadata ({key} is not a mapping)")
        if not isinstance(data.get("train", {}), Mapping):
            raise StudyFormatError("not a study's metadata (train is not a mapping)")
        try:
            return cls(
                family=str(data["family"]),
                tuner=TunerKind(data.get("tuner") or TunerKind.ONE_FACTOR.value),
                objective=str(data.get("objective") or "val_accuracy"),
                direction=str(data.get("direction") or "max"),
                reference=dict(data.get("reference") or {}),
                spaces={
                    str(name): SpaceInfo(
                        str(s["hp"]), tuple(s.get("values", ())), str(s.get("description", ""))
                    )
                    for name, s in (data.get("spaces") or {}).items()
                },
                data=DataInfo.from_dict(data.get("data") or {}),
                train=_train_settings(data.get("train") or {}),
                data_spec=_data_spec(data.get("data_spec")),
                search=SearchSettings(**data["search"]) if data.get("search") else None,
                created=str(data.get("created") or ""),
                tunekit_version=str(data.get("tunekit_version") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError, TunekitError) as exc:
            raise StudyFormatError(
                f"not a study's metadata ({type(exc).__name__}: {exc})"
            ) from None


def _train_settings(train: Mapping[str, Any]) -> TrainSettings:
    defaults = TrainSettings()
    return TrainSettings(
        **{
            key: int(train.get(key, getattr(defaults, key)))
            for key in ("epochs", "patience", "executions", "seed")
        },
        keep_checkpoints=KeepCheckpoints(train.get("keep_checkpoints", defaults.keep_checkpoints)),
        # Studies made before repeats existed trained their reference once.
        reference_repeats=int(train.get("reference_repeats") or 1),
    )


def _plain(value: Any) -> Any:
    """A data spec's value as JSON holds it: paths and enums as their text."""
    if isinstance(value, Enum):
        return value.value
    return str(value) if isinstance(value, Path) else value


def _data_spec(stored: Mapping[str, Any] | None) -> DataSpec | None:
    if not stored:
        return None
    known = {f.name for f in fields(DataSpec)}
    args = {key: value for key, value in stored.items() if key in known}
    data_dir = args.get("data_dir")
    if data_dir and "clock_split" not in stored:
        # Written before image_size applied to clock files: it held 150 whatever their size.
        args.pop("image_size", None)
    return DataSpec(**{**args, "data_dir": Path(data_dir) if data_dir else None})


def read_meta(study_dir: Path) -> StudyMeta:
    """Read a study's metadata.

    Raises:
        StudyFormatError: The file is missing, or corrupt, with what to do.
    """
    path = Path(study_dir) / STUDY_FILE
    try:
        return StudyMeta.from_dict(_load(path))
    except FileNotFoundError:
        raise StudyFormatError(
            f"{study_dir} is not a tunekit study: {STUDY_FILE} is missing."
        ) from None
    except (StudyFormatError, UnicodeDecodeError, json.JSONDecodeError, IsADirectoryError) as exc:
        raise StudyFormatError(
            f"{path} is corrupt ({exc}); run the command that made the study again to "
            "rebuild it from the trials' records."
        ) from None


def stored_meta(study_dir: Path) -> StudyMeta | None:
    """The study's metadata, or None if its file is missing, empty or corrupt."""
    try:
        return read_meta(study_dir)
    except StudyFormatError:
        return None


def write_meta(study_dir: Path, meta: StudyMeta) -> Path:
    """Write ``meta`` into ``study_dir`` atomically and return the file's path."""
    path = Path(study_dir) / STUDY_FILE
    write_json_atomic(path, meta.to_dict())
    return path


def _load(path: Path) -> Mapping[str, Any]:
    loaded = json.loads(path.read_bytes().decode("utf-8"))
    if not isinstance(loaded, dict):
        raise StudyFormatError("not a JSON object")
    return loaded
