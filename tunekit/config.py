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

    ONE_FACTOR = "one-factor"  # each space's values in turn, the rest at the reference
    GRID = "grid"  # every combination of the spaces' values
    RANDOM = "random"  # --max-trials random combinations
    BAYESIAN = "bayesian"  # --max-trials combinations proposed by a Gaussian process
    HYPERBAND = "hyperband"  # successive halving over epochs (Li et al., 2018)

    @property
    def is_search(self) -> bool:
        """Whether the spaces are searched jointly rather than one at a time."""
        return self is not TunerKind.ONE_FACTOR


class KeepCheckpoints(str, Enum):
    """Which trained weights a study keeps on disk (of each trial's first execution)."""

    BEST = "best"  # the best trial's only: older ones are deleted as a better one appears
    ALL = "all"  # every trial's
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
        keep_checkpoints: Which weights are kept on disk; a Hyperband search keeps
            every trial's until it ends, as later rounds continue from them.
    """

    epochs: int = 100
    patience: int = 5
    executions: int = 1
    seed: int = 42
    keep_checkpoints: KeepCheckpoints = KeepCheckpoints.BEST

    def __post_init__(self) -> None:
        for name in ("epochs", "patience", "executions"):
            value = getattr(self, name)
            if value < 1:
                raise TunekitError(f"--{name} must be at least 1, got {value}.")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready plain data."""
        data = asdict(self)
        data["keep_checkpoints"] = self.keep_checkpoints.value
        return data


@dataclass(frozen=True)
class SearchSettings:
    """How a joint search (``--tuner grid|random|bayesian|hyperband``) runs.

    Attributes:
        max_trials: Random and Bayesian searches end with this many completed or
            diverged trials; failed and invalid ones do not count.
        objective: The ``val_`` metric optimised; ``None`` means the family's own.
        max_epochs: Hyperband: epochs of the longest-trained models (``None``: ``--epochs``).
        factor: Hyperband: each round keeps one model in ``factor`` and trains it
            ``factor`` times longer.
    """

    max_trials: int = 20
    objective: str | None = None
    max_epochs: int | None = None
    factor: int = 3

    def __post_init__(self) -> None:
        if self.max_trials < 1:
            raise TunekitError(f"--max-trials must be at least 1, got {self.max_trials}.")
        if self.max_epochs is not None and self.max_epochs < 1:
            raise TunekitError(f"--max-epochs must be at least 1, got {self.max_epochs}.")
        if self.factor < 2:
            raise TunekitError(f"--factor must be at least 2, got {self.factor}.")
        if self.objective is not None and not self.objective.startswith("val_"):
            raise TunekitError(
                f"--objective must be a validation metric such as val_accuracy or val_loss, "
                f"got {self.objective!r}."
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready plain data."""
        return asdict(self)


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
        search: Trial budget, objective and Hyperband settings.
    """

    family: str
    spaces: tuple[str, ...]
    data: DataSpec = field(default_factory=DataSpec)
    train: TrainSettings = field(default_factory=TrainSettings)
    reference_overrides: tuple[tuple[str, Any], ...] = ()
    tuner: TunerKind = TunerKind.ONE_FACTOR
    search: SearchSettings = field(default_factory=SearchSettings)
