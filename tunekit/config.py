"""Plain, frozen descriptions of a study: what data, which model family, how to train.

Nothing here imports keras or tensorflow, so the CLI can parse and validate a study
before any heavy import happens.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError


class TunerKind(str, Enum):
    """How the values of a study's spaces are chosen."""

    ONE_FACTOR = "one-factor"


class Checkpoints(str, Enum):
    """Which trained weights a study keeps on disk."""

    ALL = "all"  # best weights of every trial's first execution
    NONE = "none"  # records only; the smallest study directory


@dataclass(frozen=True)
class DataSpec:
    """Which data a study trains on.

    Attributes:
        dataset: Registered dataset name, e.g. ``fashion_mnist``.
        data_dir: Folder searched first for the data files.
        subset: Train on the first ``subset`` training images only.
        permute: Seed of a fixed pixel permutation applied to every image.
        validation_size: The last this-many training images are the validation set
            (Geron's split: 5,000 of 60,000).
        clock_count: Synthetic clocks to generate (the course set has 18,000).
        image_size: Side of the clock images in pixels (150 as in the course; 75 is
            four times cheaper).
        clock_style: Difficulty preset of synthetic clocks (``easy``, ``medium``, ``full``).
        data_seed: Seed of the clock generator and of the clocks' train/test shuffle.
    """

    dataset: str = "fashion_mnist"
    data_dir: Path | None = None
    subset: int | None = None
    permute: int | None = None
    validation_size: int = 5000
    clock_count: int = 18_000
    image_size: int = 150
    clock_style: str = "full"
    data_seed: int = 0

    def __post_init__(self) -> None:
        if self.subset is not None and self.subset < 1:
            raise TunekitError(f"--subset must be a positive number of images, got {self.subset}.")


@dataclass(frozen=True)
class TrainSettings:
    """How every trial of a study is trained.

    Attributes:
        epochs: Maximum epochs per execution; early stopping usually ends sooner.
        patience: Epochs without a lower ``val_loss`` before early stopping.
        executions: Repeats of every trial, each with its own seed.
        seed: Seed of the first execution; execution ``i`` uses ``seed + i``, so every
            variant sees the same seeds and differences are not seed noise.
        checkpoints: Which weights are kept on disk.
    """

    epochs: int = 100
    patience: int = 5
    executions: int = 1
    seed: int = 42
    checkpoints: Checkpoints = Checkpoints.ALL

    def __post_init__(self) -> None:
        for name in ("epochs", "patience", "executions"):
            value = getattr(self, name)
            if value < 1:
                raise TunekitError(f"--{name} must be at least 1, got {value}.")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready plain data."""
        data = asdict(self)
        data["checkpoints"] = self.checkpoints.value
        return data


@dataclass(frozen=True)
class StudySpec:
    """Everything that defines a study, as the study directory records it.

    Attributes:
        family: Model family name, e.g. ``mlp``.
        spaces: Names of the spaces studied, in the order they run.
        data: The data the study trains on.
        train: How each trial is trained.
        reference_overrides: Reference values changed by the user (``--set``).
        tuner: How the spaces' values are chosen.
    """

    family: str
    spaces: tuple[str, ...]
    data: DataSpec = field(default_factory=DataSpec)
    train: TrainSettings = field(default_factory=TrainSettings)
    reference_overrides: tuple[tuple[str, Any], ...] = ()
    tuner: TunerKind = TunerKind.ONE_FACTOR
