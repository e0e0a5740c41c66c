"""Read a study directory into plain records, once, skipping what cannot be read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError
from tunekit.tuning.records import RECORD_FILE, UNREADABLE, TrialRecord, read_record

STUDY_FILE = "tunekit_study.json"


@dataclass(frozen=True)
class StudyRecords:
    """A study as plain data: its metadata, its trial records and what was skipped.

    Attributes:
        path: The study directory.
        meta: The study's metadata (``tunekit_study.json``).
        records: One record per readable trial, in trial id order.
        problems: One line per file that was skipped, naming the file.
    """

    path: Path
    meta: dict[str, Any]
    records: tuple[TrialRecord, ...]
    problems: tuple[str, ...] = field(default_factory=tuple)


def find_studies(path: Path) -> list[Path]:
    """Return ``path`` if it is a study directory, else the study directories under it."""
    path = Path(path)
    if (path / STUDY_FILE).is_file():
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


def read_meta(study_dir: Path) -> dict[str, Any]:
    """Read a study's metadata, with a clear error if it is missing or corrupt."""
    path = Path(study_dir) / STUDY_FILE
    try:
        meta = json.loads(path.read_text())
    except FileNotFoundError:
        raise TunekitError(
            f"{study_dir} is not a tunekit study: {STUDY_FILE} is missing."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        meta, why = None, str(exc)
    else:
        why = "not a study's metadata"
    if not isinstance(meta, dict):
        raise TunekitError(
            f"{path} is corrupt ({why}); run the command that made the study again to "
            "rebuild it from the trials' records."
        )
    return meta


def read_study(study_dir: Path) -> StudyRecords:
    """Read every trial record of a study; unreadable files are skipped and named.

    A study that is still running can be read: its finished trials are complete
    records and its running ones say so.
    """
    study_dir = Path(study_dir)
    meta = read_meta(study_dir)
    records: list[TrialRecord] = []
    problems: list[str] = []
    for trial_dir in sorted(study_dir.glob("trial_*")):
        path = trial_dir / RECORD_FILE
        if not path.exists():
            if (trial_dir / "trial.json").exists():
                problems.append(f"{path}: missing, trial skipped (interrupted before it began?)")
            continue
        try:
            records.append(read_record(path))
        except UNREADABLE as exc:
            problems.append(
                f"{path}: unreadable ({type(exc).__name__}: {exc}), trial skipped; "
                "run the study again (same command) to train it again"
            )
    return StudyRecords(study_dir, meta, tuple(records), tuple(problems))
