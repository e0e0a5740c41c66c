"""Where a study keeps what: every file name of a study directory, in one place.

A study directory looks like this::

    runs/mlp-fashion_mnist/
        tunekit_study.json          the study's metadata (``StudyMeta``)
        tunekit.lock                held by the one process that writes the study
        test_labels.json            the test split's class labels, to score recorded predictions
        oracle.json                 keras-tuner's oracle state
        trial_0000/
            trial.json              keras-tuner's trial: hyper-parameters and score
            tunekit.json            tunekit's record of the trial (``TrialRecord``)
            checkpoint.weights.h5   the trial's best weights (if kept)
        workers/                    heartbeats, logs and the chief's address (--workers)

A permutation folder (``permutation-<dataset>``) holds one such study per model and
order, named ``<family>-original`` and ``<family>-permuted``, and ``permutation.json``,
the models chosen for it.
"""

from __future__ import annotations

from pathlib import Path

STUDY_FILE = "tunekit_study.json"
RECORD_FILE = "tunekit.json"
LOCK_FILE = "tunekit.lock"
TEST_LABELS_FILE = "test_labels.json"  # a classifier study's test labels, in test order
CHECKPOINT_FILE = "checkpoint.weights.h5"  # the name keras-tuner's get_best_models() loads
LEGACY_CHECKPOINT_FILE = "best.weights.h5"  # what older studies named it; still read
ORACLE_FILE = "oracle.json"  # keras-tuner's
TRIAL_FILE = "trial.json"  # keras-tuner's
WORKERS_DIR = "workers"
CHOICE_FILE = "permutation.json"
PERMUTATION_FAMILIES = ("mlp", "cnn")  # the families a permutation folder studies, in order
TRIAL_PREFIX = "trial_"

REFERENCE_SPACE = "reference"  # the space of a one-factor study's reference trials
SEARCH_SPACE = "search"  # the space of every trial of a joint search
ONE_FACTOR = "one-factor"  # the tuner of a one-factor study


def trial_dir(study_dir: Path, trial_id: str) -> Path:
    """The directory of trial ``trial_id`` (keras-tuner's naming, ``trial_<id>``)."""
    return Path(study_dir) / f"{TRIAL_PREFIX}{trial_id}"


def trial_dirs(study_dir: Path) -> list[Path]:
    """Every trial directory of a study, in trial id order."""
    return sorted(p for p in Path(study_dir).glob(f"{TRIAL_PREFIX}*") if p.is_dir())


def record_paths(study_dir: Path) -> list[Path]:
    """Every trial record file of a study, in trial id order."""
    return sorted(Path(study_dir).glob(f"{TRIAL_PREFIX}*/{RECORD_FILE}"))


def is_study_dir(path: Path) -> bool:
    """Whether ``path`` holds a study's metadata file."""
    return (Path(path) / STUDY_FILE).is_file()
