"""Read a study directory into plain records, once, skipping what cannot be read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tunekit.errors import TunekitError
from tunekit.records.atomic import write_json_atomic
from tunekit.records.layout import (
    RECORD_FILE,
    STUDY_FILE,
    TEST_LABELS_FILE,
    TRIAL_FILE,
    is_study_dir,
    trial_dirs,
)
from tunekit.records.layout import trial_dir as trial_path
from tunekit.records.meta import StudyMeta, read_meta
from tunekit.records.trial import UNREADABLE, TrialRecord, decode_ints, encode_ints, read_record


class RecordFormatError(TunekitError):
    """A trial record contradicts its study (e.g. predictions for another test set)."""


@dataclass(frozen=True)
class StudyRecords:
    """A study as plain data: its metadata, its trial records and what was skipped.

    Attributes:
        path: The study directory.
        meta: The study's metadata (``tunekit_study.json``).
        records: One record per readable trial, in trial id order.
        problems: One line per file that was skipped, naming the file.
        test_labels: The test split's class labels, in the order the executions'
            ``test_predicted`` follow (``None``: not a classifier, or an older study).
    """

    path: Path
    meta: StudyMeta
    records: tuple[TrialRecord, ...]
    problems: tuple[str, ...] = field(default_factory=tuple)
    test_labels: tuple[int, ...] | None = None


def find_studies(path: Path) -> list[Path]:
    """Return ``path`` if it is a study directory, else the study directories under it."""
    path = Path(path)
    if is_study_dir(path):
        return [path]
    if not path.is_dir():
        raise TunekitError(f"{path} does not exist. Give a study directory made by tunekit study.")
    studies = sorted(p.parent for p in path.glob(f"*/{STUDY_FILE}"))
    if not studies:
        raise TunekitError(
            f"{path} is not a tunekit study: it holds no {STUDY_FILE}. "
            "Give a directory made by `tunekit study`, e.g. runs/mlp-fashion_mnist."
        )
    return studies


def read_records(study_dir: Path) -> tuple[list[TrialRecord], list[str]]:
    """Every readable trial record of a study, and one line per file skipped."""
    records: list[TrialRecord] = []
    problems: list[str] = []
    for trial_dir in trial_dirs(study_dir):
        path = trial_dir / RECORD_FILE
        if not path.exists():
            if (trial_dir / TRIAL_FILE).exists():
                problems.append(f"{path}: missing, trial skipped (interrupted before it began?)")
            continue
        try:
            records.append(read_record(path))
        except (*UNREADABLE, OSError) as exc:
            problems.append(
                f"{path}: unreadable ({type(exc).__name__}: {exc}), trial skipped; "
                "run the study again (same command) to train it again"
            )
    return records, problems


def read_study(study_dir: Path) -> StudyRecords:
    """Read a study's metadata and every trial record; unreadable files are skipped and named.

    A study that is still running can be read: its finished trials are complete
    records and its running ones say so.

    Raises:
        StudyFormatError: The study's metadata is missing or corrupt.
    """
    study_dir = Path(study_dir)
    meta = read_meta(study_dir)
    records, problems = read_records(study_dir)
    labels = read_test_labels(study_dir, problems)
    if labels is not None:
        check_outcomes(study_dir, records, labels)
    return StudyRecords(study_dir, meta, tuple(records), tuple(problems), labels)


def write_test_labels(study_dir: Path, labels: tuple[int, ...]) -> bool:
    """Keep a study's test labels, unless the same ones are kept already; True if written."""
    path = Path(study_dir) / TEST_LABELS_FILE
    if path.is_file() and read_test_labels(study_dir, []) == tuple(labels):
        return False
    write_json_atomic(path, {"count": len(labels), "labels": encode_ints(tuple(labels))})
    return True


def read_test_labels(study_dir: Path, problems: list[str]) -> tuple[int, ...] | None:
    """A study's test labels; ``None`` if it keeps none, or if the file is unreadable (named)."""
    path = Path(study_dir) / TEST_LABELS_FILE
    if not path.is_file():
        return None
    try:
        return decode_ints(json.loads(path.read_bytes().decode("utf-8"))["labels"])
    except (*UNREADABLE, OSError) as exc:
        problems.append(
            f"{path}: unreadable ({type(exc).__name__}: {exc}); no paired test intervals"
        )
        return None


def check_outcomes(study_dir: Path, records: list[TrialRecord], labels: tuple[int, ...]) -> None:
    """Refuse a record whose predictions are not one per test label.

    Raises:
        RecordFormatError: Naming the first such record file.
    """
    for record in records:
        for index, ex in enumerate(record.executions):
            if ex.test_predicted is not None and len(ex.test_predicted) != len(labels):
                path = trial_path(study_dir, record.trial_id) / RECORD_FILE
                raise RecordFormatError(
                    f"{path}: execution {index + 1} has {len(ex.test_predicted):,} test "
                    f"predictions but the study has {len(labels):,} test labels "
                    f"({TEST_LABELS_FILE}); the record is damaged: delete it and run the "
                    "study again to retrain that trial."
                )
