"""What a report is made of: where the studies lie and which kind each one is.

A report shows three kinds of study directory: one-factor studies (every family,
clocks included), searches (random, Bayesian, Hyperband, grid), and permutation
folders (``permutation-<dataset>``), which hold one-trial studies one level deeper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tunekit.records.layout import CHOICE_FILE, REFERENCE_SPACE, SEARCH_SPACE, STUDY_FILE
from tunekit.records.study import StudyRecords, find_studies
from tunekit.records.trial import TrialRecord

CLOCK_FAMILY = "clock"
PERMUTATION_PREFIX = "permutation-"


@dataclass(frozen=True)
class ReportInputs:
    """The directories a report covers.

    Attributes:
        studies: Study directories (each holds ``tunekit_study.json``).
        permutations: Permutation folders (each holds one-trial studies).
    """

    studies: tuple[Path, ...]
    permutations: tuple[Path, ...]


def is_permutation_dir(path: Path) -> bool:
    """Whether ``path`` is a permutation folder: its choices file, or ``*-original`` studies."""
    path = Path(path)
    if (path / STUDY_FILE).is_file() or not path.is_dir():
        return False
    if (path / CHOICE_FILE).is_file():
        return True
    return any(path.glob(f"*-original/{STUDY_FILE}")) or any(path.glob(f"*-permuted/{STUDY_FILE}"))


def find_report_inputs(path: Path) -> ReportInputs:
    """Return the studies and permutation folders at ``path`` or directly under it.

    Raises:
        TunekitError: ``path`` is missing or holds neither (``find_studies``'s message).
    """
    path = Path(path)
    if is_permutation_dir(path):
        return ReportInputs((), (path,))
    if path.is_dir() and not (path / STUDY_FILE).is_file():
        studies = tuple(sorted(p.parent for p in path.glob(f"*/{STUDY_FILE}")))
        permutations = tuple(sorted(p for p in path.iterdir() if is_permutation_dir(p)))
        if studies or permutations:
            return ReportInputs(studies, permutations)
    return ReportInputs(tuple(find_studies(path)), ())


def is_search(study: StudyRecords) -> bool:
    """Whether ``study`` is a search (its tuner, or its trials' space, says so)."""
    return study.meta.is_search or any(r.space == SEARCH_SPACE for r in study.records)


def is_clock(study: StudyRecords) -> bool:
    """Whether ``study`` trains clock readers (its metric is the time error)."""
    return study.meta.family == CLOCK_FAMILY


def trial_name(record: TrialRecord) -> str:
    """Name a trial in titles: ``reference``, ``dropout=0.2``, or ``trial 0007``."""
    if record.space == REFERENCE_SPACE or (record.hp and record.space != SEARCH_SPACE):
        return record.label
    return f"trial {record.trial_id}"
