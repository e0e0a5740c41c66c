"""Plain, frozen descriptions of a study: what data, which model family, how to train.

Nothing here imports keras or tensorflow, so the CLI can parse and validate a study
before any heavy import happens.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from tunekit.errors import InvalidValueError

#: Seeds feed numpy's and keras's generators, which take 0 to 2**32 - 1.
SEED_LIMIT = 2**32 - 1
#: Generated clocks: the bn backbone needs 32 pixels; the generator's atlas stops at 256.
CLOCK_IMAGE_SIZES = (32, 256)
#: Side of generated clocks when no image size is given: the course's photos are 150x150.
CLOCK_IMAGE_SIZE = 150
#: Largest side of clock files when no image size is given: the shipped reader's input,
#: which the files recipe starts from. It learned numerals and hands at this scale, and
#: reads 150-pixel files as ``tunekit clocks read`` does only once they are brought to it.
FILES_IMAGE_SIZE = 128
#: Fewest generated clocks that leave images in each of train, validation and test.
MIN_CLOCKS = 20
#: A local worker hands over to a fresh process after this many trials: TensorFlow keeps
#: a few MB of every model's graphs however the session is cleared (benchmarks/README.md).
TRIALS_PER_PROCESS = 20
#: A study with more trials than this still to train runs, unless told how, in one local
#: worker process that a fresh one replaces every ``TRIALS_PER_PROCESS`` trials.
#: TensorFlow keeps about 6 MB of every trained model however the session is cleared,
#: so one process grows by about 0.6 GB per 100 trials; a worker costs a second
#: TensorFlow process (about 0.7 GB) and a 10 s start-up per 20 trials, which pays only
#: for long studies (benchmarks/memory_trials.py, benchmarks/README.md).
LONG_STUDY_TRIALS = 100


def check_whole(section: str, name: str, value: object, low: int, high: int | None = None) -> None:
    """Refuse a field that is not a whole number in ``[low, high]``.

    This is the one range check of every numeric setting, so a bad value is refused
    when its settings are made, before any data is loaded or any file written.

    Raises:
        InvalidValueError: Naming the field in the library's terms (``subset``); the
            CLI and the study-file reader name it as the user typed it.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(section, name, f"must be a whole number, got {value!r}")
    if value < low:
        raise InvalidValueError(section, name, f"must be at least {low}, got {value}")
    if high is not None and value > high:
        raise InvalidValueError(section, name, f"must be at most {high}, got {value}")


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


class ClockSplit(str, Enum):
    """How clocks are split into train, validation and test parts."""

    RANDOM = "random"  # shuffled images, 80:20 train:test, 10% of train for validation
    # Whole viewpoints (course style): 5 of 25 for test, 2 of the other 20 for validation,
    # so a model is tested on viewpoints it never saw.
    VIEWPOINT = "viewpoint"


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
        image_size: Side of the clock images in pixels (75 is four times cheaper than
            150). ``None``: ``CLOCK_IMAGE_SIZE`` (150) for generated clocks; for
            ``data_dir``, ``FILES_IMAGE_SIZE`` (128, the shipped reader's input) or the
            files' own size if smaller. Files larger than the size are area-averaged
            down to it.
        clock_style: Preset of synthetic clocks (``easy``, ``medium``, ``full``, ``course``,
            ``varied``, ``wide``, ``broad``, ``assorted``, ``lettered``; see
            ``tunekit.data.clocks.STYLE_PRESETS``).
        data_seed: Seed of the clock generator and of the clocks' train/test shuffle.
        file: The user's own data instead of ``dataset``: ``FILE.npz``, ``FILE.py:NAME``
            or ``package.module:NAME`` (``tunekit.data.user_data``); a path is made
            absolute, so that a worker or a rerun elsewhere loads the same file.
        clock_split: ``random`` shuffles the clocks into the parts; ``viewpoint`` (the
            ``course`` style only) holds whole viewpoints out for test and validation.
    """

    dataset: str = "fashion_mnist"
    data_dir: Path | None = None
    subset: int | None = None
    permute: int | None = None
    validation_size: int = 5000
    clock_count: int = 18_000
    image_size: int | None = None
    clock_style: str = "full"
    data_seed: int = 0
    file: str | None = None
    clock_split: ClockSplit = ClockSplit.RANDOM

    def __post_init__(self) -> None:
        if not isinstance(self.dataset, str) or not self.dataset:
            raise InvalidValueError("data", "dataset", f"must be a name, got {self.dataset!r}")
        if self.file is not None:
            if not isinstance(self.file, str) or not self.file:
                raise InvalidValueError("data", "file", f"must be a file name, got {self.file!r}")
            if self.data_dir is not None:
                raise InvalidValueError(
                    "data", "file", "replaces dataset and data_dir; give one or the other"
                )
            from tunekit.data.user_data import absolute_data_file  # numpy: only when used

            object.__setattr__(self, "file", absolute_data_file(self.file))
        if self.subset is not None:
            check_whole("data", "subset", self.subset, 1)
        if self.permute is not None:
            check_whole("data", "permute", self.permute, 0, SEED_LIMIT)
        check_whole("data", "validation_size", self.validation_size, 1)
        check_whole("data", "clock_count", self.clock_count, MIN_CLOCKS)
        if self.image_size is not None:
            check_whole("data", "image_size", self.image_size, *CLOCK_IMAGE_SIZES)
        check_whole("data", "data_seed", self.data_seed, 0, SEED_LIMIT)
        self._check_clock_split()

    def _check_clock_split(self) -> None:
        """Take the split's name as well as its member; refuse a split the data cannot make."""
        try:
            object.__setattr__(self, "clock_split", ClockSplit(self.clock_split))
        except ValueError:
            allowed = ", ".join(split.value for split in ClockSplit)
            raise InvalidValueError(
                "data", "clock_split", f"must be one of {allowed}, got {self.clock_split!r}"
            ) from None
        if self.clock_split is not ClockSplit.VIEWPOINT:
            return
        if self.dataset != "clock" or self.file is not None:
            problem = f"applies to the clock data set only, not {self.name}"
        elif self.data_dir is not None:
            problem = (
                "needs generated clocks: the clock files do not say which viewpoint each "
                "image shows; use the random split"
            )
        else:
            from tunekit.data.clocks import clock_style  # numpy: only when used

            if clock_style(self.clock_style).viewpoints:
                return
            problem = (
                f"needs clocks seen from fixed viewpoints (the course style); {self.clock_style} "
                "clocks each have a viewpoint of their own"
            )
        raise InvalidValueError("data", "clock_split", f"viewpoint {problem}")

    @property
    def name(self) -> str:
        """The data's short name: ``dataset``, or one made from ``file`` (``tiny.npz``: tiny)."""
        if self.file is None:
            return self.dataset
        from tunekit.data.user_data import data_file_name

        return data_file_name(self.file)


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
        reference_repeats: Trainings of a one-factor study's reference, each a trial
            of its own: repeat ``r`` trains execution ``i`` with seed
            ``seed + r * executions + i``, so repeat 0 is the reference every variant
            shares seeds with, and the others measure the seed noise. ``None`` until
            ``StudySpec`` chooses the tuner's default (``default_reference_repeats``).
    """

    epochs: int = 100
    patience: int = 5
    executions: int = 1
    seed: int = 42
    keep_checkpoints: KeepCheckpoints = KeepCheckpoints.BEST
    reference_repeats: int | None = None

    def __post_init__(self) -> None:
        for name in ("epochs", "patience", "executions"):
            check_whole("train", name, getattr(self, name), 1)
        if self.reference_repeats is not None:
            check_whole("train", "reference_repeats", self.reference_repeats, 1)
        # The last repeat's last execution trains with the highest seed; it must be valid too.
        runs = (self.reference_repeats or 1) * self.executions
        check_whole("train", "seed", self.seed, 0, SEED_LIMIT - (runs - 1))
        if not isinstance(self.keep_checkpoints, KeepCheckpoints):
            allowed = ", ".join(k.value for k in KeepCheckpoints)
            raise InvalidValueError(
                "train",
                "keep_checkpoints",
                f"must be one of {allowed}, got {self.keep_checkpoints!r}",
            )

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
        check_whole("search", "max_trials", self.max_trials, 1)
        if self.max_epochs is not None:
            check_whole("search", "max_epochs", self.max_epochs, 1)
        check_whole("search", "factor", self.factor, 2)
        if self.objective is not None and (
            not isinstance(self.objective, str) or not self.objective.startswith("val_")
        ):
            raise InvalidValueError(
                "search",
                "objective",
                f"must be a validation metric such as val_accuracy or val_loss, "
                f"got {self.objective!r}",
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
        space_values: Values a space tries instead of its own (``--values``), as
            ``(space, values)`` pairs.
        tuner: How the spaces' values are chosen.
        search: Trial budget, objective and Hyperband settings.
    """

    family: str
    spaces: tuple[str, ...]
    data: DataSpec = field(default_factory=DataSpec)
    train: TrainSettings = field(default_factory=TrainSettings)
    reference_overrides: tuple[tuple[str, Any], ...] = ()
    space_values: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    tuner: TunerKind = TunerKind.ONE_FACTOR
    search: SearchSettings = field(default_factory=SearchSettings)

    def __post_init__(self) -> None:
        repeats = self.train.reference_repeats
        if repeats is None:
            repeats = default_reference_repeats(self.tuner, self.spaces)
            object.__setattr__(self, "train", replace(self.train, reference_repeats=repeats))
        elif repeats > 1 and self.tuner.is_search:
            raise InvalidValueError(
                "train",
                "reference_repeats",
                f"applies to one-factor studies only; a {self.tuner.value} search has no "
                f"reference trial to repeat (executions repeats every trial), got {repeats}",
            )
        if self.data.file is not None and self.family == "clock":
            raise InvalidValueError(
                "data",
                "file",
                "holds class labels for the mlp and cnn families; the clock family reads "
                "clock images with data_dir",
            )


def default_reference_repeats(tuner: TunerKind, spaces: tuple[str, ...]) -> int:
    """How often a study trains its reference unless told: 3 in a one-factor study.

    There every difference is measured against one reference trial, and one seed can
    move it by several points; two more trainings of the reference show that noise.
    A search has no reference trial, and a study of no space (a permutation run)
    compares nothing with it.
    """
    return 3 if tuner is TunerKind.ONE_FACTOR and spaces else 1


def check_study_name(name: str) -> str:
    """Return ``name`` if it is one plain folder name, so a study stays inside its folder.

    Raises:
        InvalidValueError: The name is empty, ``.`` or ``..``, has a ``/`` or ``\\``
            (which would write outside the folder or nest folders), or a control
            character.
    """
    if (
        not isinstance(name, str)
        or name.strip() in ("", ".", "..")
        or any(c in name for c in "/\\")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
    ):
        raise InvalidValueError(
            "study",
            "name",
            f"must be one folder name, not . or .., without / or \\ or control characters; "
            f"got {name!r}",
        )
    return name
