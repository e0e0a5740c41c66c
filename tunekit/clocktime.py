"""Times on a 12-hour analogue dial: minutes, the common-sense error, and text.

A clock time is held in one of two forms:

* a label, ``[hour, minute]`` with hour 0-11 and minute 0-59, as the clock data sets
  store it (an ``(N, 2)`` array);
* dial minutes, ``hour * 60 + minute`` in ``[0, DIAL)``, the form every model's
  predictions are decoded to (floats are allowed: 11:59.5 is 719.5).

On a dial, 11:55 and 0:05 are ten minutes apart, not 710: :func:`time_error` is that
circular "common-sense" error, 0 to 360 minutes, and :func:`time_metrics` summarises
a set of them the way clock studies record their test results. Text is written as an
analogue clock reads, so minute 5 of the dial is ``12:05``, never ``0:05``.

This module needs numpy only, so data previews and reports can use it without
importing keras or the model families.
"""

from __future__ import annotations

import numpy as np

DIAL = 720
"""Minutes on a 12-hour dial; dial minutes lie in ``[0, DIAL)``."""


def labels_to_minutes(labels: np.ndarray) -> np.ndarray:
    """Turn ``(..., 2)`` [hour, minute] labels into whole dial minutes (int64, 0-719).

    The hour is taken modulo 12, so a 24-hour label such as [13, 5] reads as 1:05.
    """
    labels = np.asarray(labels)
    return (labels[..., 0].astype(np.int64) % 12) * 60 + labels[..., 1].astype(np.int64)


def minutes_to_labels(minutes: np.ndarray) -> np.ndarray:
    """Split whole dial minutes (0-719) into ``(N, 2)`` int64 [hour, minute] labels."""
    return np.stack(np.divmod(np.asarray(minutes).astype(np.int64), 60), axis=-1)


def as_dial_minutes(times: np.ndarray) -> np.ndarray:
    """Accept ``(N, 2)`` [hour, minute] labels or ``(N,)`` dial minutes; return whole dial minutes.

    Dial minutes are rounded to the nearest minute and wrapped into ``[0, DIAL)``.

    Raises:
        ValueError: ``times`` has neither shape.
    """
    times = np.asarray(times)
    if times.ndim == 2 and times.shape[1] == 2:
        return labels_to_minutes(times)
    if times.ndim == 1:
        return np.mod(np.round(times).astype(np.int64), DIAL)
    raise ValueError(f"times must be (N, 2) [hour, minute] or (N,) minutes, got {times.shape}")


def time_error(true_minutes: np.ndarray, pred_minutes: np.ndarray) -> np.ndarray:
    """The common-sense error in minutes: the circular difference on the dial.

    11:55 against 0:05 is 10 minutes, either way round; the error is between 0 and
    ``DIAL / 2`` (360).

    Args:
        true_minutes: True times as dial minutes; any shape, int or float.
        pred_minutes: Predicted dial minutes, broadcastable against ``true_minutes``;
            values outside ``[0, DIAL)`` are wrapped.

    Returns:
        The errors as float64, with the broadcast shape.
    """
    diff = np.mod(
        np.asarray(pred_minutes, dtype=np.float64) - np.asarray(true_minutes, dtype=np.float64),
        DIAL,
    )
    return np.minimum(diff, DIAL - diff)


def time_metrics(true_minutes: np.ndarray, pred_minutes: np.ndarray) -> dict[str, float]:
    """Mean, median and 90th-percentile error, hour accuracy and share within 1 minute.

    The keys are those clock studies record: ``time_error`` (the mean),
    ``time_error_median``, ``time_error_p90``, ``hour_accuracy`` and ``within_1_minute``.
    """
    true_minutes = np.asarray(true_minutes, dtype=np.float64)
    pred_minutes = np.asarray(pred_minutes, dtype=np.float64)
    errors = time_error(true_minutes, pred_minutes)
    same_hour = np.floor(np.mod(pred_minutes, DIAL) / 60) == np.floor(true_minutes / 60)
    return {
        "time_error": float(errors.mean()),
        "time_error_median": float(np.median(errors)),
        "time_error_p90": float(np.percentile(errors, 90)),
        "hour_accuracy": float(same_hour.mean()),
        "within_1_minute": float((errors <= 1.0).mean()),
    }


def format_dial_minutes(minutes: float) -> str:
    """Write dial minutes as an analogue clock reads them, ``hh:mm``; hour 0 is 12.

    The time is rounded to the nearest minute and wrapped onto the dial, so
    ``format_dial_minutes(5) == "12:05"``, ``format_dial_minutes(665) == "11:05"`` and
    ``format_dial_minutes(719.6) == "12:00"``.
    """
    hour, minute = divmod(int(round(float(minutes))) % DIAL, 60)
    return f"{hour or 12:02d}:{minute:02d}"


def time_cells(minutes: float) -> tuple[str, int, int, float]:
    """A reading's cells in a table: ``hh:mm``, hour 0-11, minute, and minutes to 0.01.

    The hour is 0-11 as the labels hold it; ``time_cells(187.234)`` is
    ``("03:07", 3, 7, 187.23)``.
    """
    hour, minute = divmod(int(round(float(minutes))) % DIAL, 60)
    return format_dial_minutes(minutes), hour, minute, round(float(minutes), 2)
