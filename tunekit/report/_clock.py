"""Clock studies: how wrong each model's test predictions are, and which images they miss.

Every clock execution keeps ``true_minutes`` and ``pred_minutes`` of each test image
(in test-split order) in its ``extra``. From them come the error histograms and the
gallery of images read 55-65 minutes wrong: an hour hand taken for its neighbour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tunekit.clocktime import format_dial_minutes, labels_to_minutes, time_error
from tunekit.errors import TunekitError
from tunekit.records.meta import StudyMeta
from tunekit.records.study import StudyRecords
from tunekit.records.trial import ExecutionRecord, TrialRecord, TrialStatus
from tunekit.report._comparison import value_label
from tunekit.report._kinds import is_search, trial_name
from tunekit.report._spaces import space_groups

#: Bin edges in minutes: fine near 0, one bin for the hour-off errors, coarse beyond.
ERROR_EDGES = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0, 55.0, 65.0, 90.0, 120.0, 180.0, 360.0)
GALLERY_RANGE = (55.0, 65.0)  # an hour hand read as its neighbour
GALLERY_LIMIT = 24
REPRESENTATION = "representation"


@dataclass(frozen=True)
class ErrorHistogram:
    """One trial's test errors, counted in ``ErrorHistogramInfo.edges`` bins.

    Attributes:
        label: Panel title, e.g. ``class24`` or ``multihead (reference)``.
        trial_id: The trial.
        counts: Test images per bin, over every execution.
        total: Test images counted (executions times test images).
        mean: Mean error in minutes.
        median: Median error in minutes.
        is_best: Whether this is the trial with the lowest mean error.
    """

    label: str
    trial_id: str
    counts: tuple[int, ...]
    total: int
    mean: float
    median: float
    is_best: bool


@dataclass(frozen=True)
class ErrorHistogramInfo:
    """The test-error figure: the best trial large, then one small panel per representation.

    Attributes:
        title: The study, e.g. ``clock``.
        edges: Bin edges in minutes, from 0 to 360.
        best: The trial with the lowest mean error (``None`` without predictions).
        panels: The representation space's trials (reference first) or, without such a
            space, the best trial of each representation.
        problems: Executions whose predictions could not be used, one line each.
    """

    title: str
    edges: tuple[float, ...]
    best: ErrorHistogram | None
    panels: tuple[ErrorHistogram, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class GalleryImage:
    """One test image read wrong by 55-65 minutes.

    Attributes:
        index: Its position in the test split.
        true_minutes: The true time, minutes on the dial (0-719).
        pred_minutes: The predicted time, minutes on the dial.
        error: The common-sense error in minutes.
        title: ``true 11:05 / pred 12:02`` (hour 0 is shown as 12, as on the dial).
    """

    index: int
    true_minutes: int
    pred_minutes: float
    error: float
    title: str


@dataclass(frozen=True)
class ClockGalleryInfo:
    """The best trial's test images read 55-65 minutes wrong.

    Attributes:
        title: Which trial, e.g. ``trial 05: representation=sincos``.
        trial_id: The trial.
        execution: Index of the execution whose predictions are shown.
        low: Smallest error shown, in minutes.
        high: Largest error shown, in minutes.
        matches: Test images in that range.
        total: Test images.
        images: The first ``GALLERY_LIMIT`` matches, in test order.
    """

    title: str
    trial_id: str
    execution: int
    low: float
    high: float
    matches: int
    total: int
    images: tuple[GalleryImage, ...]


def recorded_times(
    record: TrialRecord, index: int, ex: ExecutionRecord, problems: list[str]
) -> tuple[np.ndarray, np.ndarray] | None:
    """An execution's (true, predicted) minutes, or ``None`` with a problem if unusable."""
    true, pred = ex.extra.get("true_minutes"), ex.extra.get("pred_minutes")
    if true is None and pred is None:
        return None  # an execution that failed before its test, or an older record
    where = f"trial {record.trial_id} execution {index}"
    try:
        true_a = np.array([math.nan if t is None else t for t in true], dtype=float)
        pred_a = np.array([math.nan if p is None else p for p in pred], dtype=float)
    except (TypeError, ValueError):
        problems.append(f"{where}: test predictions are not lists of numbers; left out")
        return None
    if true_a.ndim != 1 or true_a.shape != pred_a.shape:
        problems.append(
            f"{where}: {true_a.size} true times but {pred_a.size} predictions; left out"
        )
        return None
    return true_a, pred_a


def _errors(record: TrialRecord, problems: list[str]) -> np.ndarray | None:
    """Every finite test error of a trial, over its executions (``None`` without any)."""
    found = []
    for index, ex in enumerate(record.executions):
        pair = recorded_times(record, index, ex, problems)
        if pair is not None:
            errors = time_error(*pair)
            found.append(errors[np.isfinite(errors)])
    return np.concatenate(found) if found else None


def _histogram(label: str, record: TrialRecord, errors: np.ndarray, best: bool) -> ErrorHistogram:
    counts, _ = np.histogram(errors, bins=np.array(ERROR_EDGES))
    return ErrorHistogram(
        label=label,
        trial_id=record.trial_id,
        counts=tuple(int(c) for c in counts),
        total=int(errors.size),
        mean=float(errors.mean()),
        median=float(np.median(errors)),
        is_best=best,
    )


def _best(scored: dict[str, tuple[TrialRecord, np.ndarray]]) -> TrialRecord | None:
    ranked = sorted(scored.values(), key=lambda pair: float(pair[1].mean()))
    return ranked[0][0] if ranked else None


def best_title(record: TrialRecord) -> str:
    """``trial 05: representation=sincos``, naming the representation when it is not said."""
    name = trial_name(record)
    representation = record.hyperparameters.get(REPRESENTATION)
    if representation is not None and f"{REPRESENTATION}=" not in name:
        name += f" ({representation})"
    return f"trial {record.trial_id}: {name}" if not name.startswith("trial") else name


def error_histogram_info(study: StudyRecords) -> ErrorHistogramInfo:
    """Count every trial's test errors; running trials are left out."""
    problems: list[str] = []
    scored: dict[str, tuple[TrialRecord, np.ndarray]] = {}
    for record in study.records:
        if record.status is TrialStatus.RUNNING:
            continue
        errors = _errors(record, problems)
        if errors is not None and errors.size:
            scored[record.trial_id] = (record, errors)
    best = _best(scored)
    best_id = None if best is None else best.trial_id
    panels = []
    groups = [] if is_search(study) else space_groups(study)
    group = next((g for g in groups if g.hp == REPRESENTATION and g.members), None)
    if group is not None:
        for member in group.members:
            if member.record.trial_id in scored:
                label = value_label(
                    member.value,
                    is_reference=member.is_reference,
                    status=member.record.status.value,
                )
                record, errors = scored[member.record.trial_id]
                panels.append(_histogram(label, record, errors, record.trial_id == best_id))
    else:  # a search, or a study without a representation space: each one's best trial
        by_representation: dict[Any, tuple[TrialRecord, np.ndarray]] = {}
        for record, errors in sorted(scored.values(), key=lambda pair: float(pair[1].mean())):
            by_representation.setdefault(
                record.hyperparameters.get(REPRESENTATION), (record, errors)
            )
        for value, (record, errors) in by_representation.items():
            label = f"{value}: {trial_name(record)}" if value is not None else trial_name(record)
            panels.append(_histogram(label, record, errors, record.trial_id == best_id))
    big = None if best is None else _histogram(best_title(best), *scored[best.trial_id], True)
    title = study.meta.family
    return ErrorHistogramInfo(title, ERROR_EDGES, big, tuple(panels), tuple(problems))


def clock_gallery_info(
    study: StudyRecords,
    low: float = GALLERY_RANGE[0],
    high: float = GALLERY_RANGE[1],
    limit: int = GALLERY_LIMIT,
) -> ClockGalleryInfo | None:
    """Pick the best trial's test images read ``low``-``high`` minutes wrong.

    The best trial is the one with the lowest mean test error; its first execution
    with predictions is shown. ``None`` when no trial recorded predictions.
    """
    histograms = error_histogram_info(study)
    if histograms.best is None:
        return None
    record = next(r for r in study.records if r.trial_id == histograms.best.trial_id)
    for index, ex in enumerate(record.executions):
        pair = recorded_times(record, index, ex, [])
        if pair is None:
            continue
        true, pred = pair
        errors = time_error(true, pred)
        hits = np.flatnonzero((errors >= low) & (errors <= high))
        images = tuple(
            GalleryImage(
                index=int(i),
                true_minutes=int(true[i]),
                pred_minutes=float(pred[i]),
                error=float(errors[i]),
                title=f"true {format_dial_minutes(true[i])} / pred {format_dial_minutes(pred[i])}",
            )
            for i in hits[:limit]
        )
        return ClockGalleryInfo(
            best_title(record), record.trial_id, index, low, high, hits.size, true.size, images
        )
    return None


def load_test_images(meta: StudyMeta, trial: TrialRecord, execution: int) -> np.ndarray:
    """Load a clock study's test images again, checked against the recorded true times.

    The data is regenerated (or read from ``data_dir``) with the study's own
    ``data_spec``, so the test split comes out in the order the predictions were kept.

    Raises:
        TunekitError: The study has no ``data_spec``, the data cannot be loaded, or it
            is not the data the study was trained on. The message says which.
    """
    from tunekit.data.loading import load_data

    if meta.data_spec is None:
        raise TunekitError(
            "the study's metadata has no data_spec (made by an older tunekit), so its test "
            "images cannot be loaded again"
        )
    try:
        data = load_data(meta.data_spec)
    except (TunekitError, OSError, ValueError, TypeError) as exc:
        raise TunekitError(f"its test images cannot be loaded ({exc})") from None
    recorded = meta.data.fingerprint
    if recorded and getattr(data, "fingerprint", recorded) != recorded:
        raise TunekitError(
            f"the data loaded now (fingerprint {data.fingerprint}) is not the data the study "
            f"was trained on ({recorded})"
        )
    images, labels = data.test.x, np.asarray(data.test.y)
    true = trial.executions[execution].extra.get("true_minutes", [])
    if labels.ndim != 2 or not _same_times(labels, true):
        raise TunekitError(
            "the test images loaded now do not match the true times the study recorded"
        )
    return np.asarray(images)


def _same_times(labels: np.ndarray, true: Sequence[Any]) -> bool:
    minutes = labels_to_minutes(labels)
    return len(true) == len(minutes) and all(
        t is not None and int(t) == int(m) for t, m in zip(true, minutes, strict=True)
    )
