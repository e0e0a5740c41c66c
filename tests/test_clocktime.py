"""Dial arithmetic: labels and minutes, the common-sense error, text, and a light import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tunekit.clocktime import (
    DIAL,
    as_dial_minutes,
    format_dial_minutes,
    labels_to_minutes,
    minutes_to_labels,
    time_error,
    time_metrics,
)


def test_the_dial_has_twelve_hours_of_minutes() -> None:
    assert DIAL == 12 * 60


def test_labels_to_minutes_and_back() -> None:
    labels = np.array([[0, 0], [11, 59], [3, 7], [12, 5]])
    minutes = labels_to_minutes(labels)
    assert minutes.dtype == np.int64
    np.testing.assert_array_equal(minutes, [0, 719, 187, 5])  # hour 12 is hour 0
    every = np.arange(DIAL)
    np.testing.assert_array_equal(labels_to_minutes(minutes_to_labels(every)), every)
    np.testing.assert_array_equal(minutes_to_labels(np.array([187])), [[3, 7]])


def test_as_dial_minutes_takes_labels_or_minutes() -> None:
    np.testing.assert_array_equal(as_dial_minutes(np.array([[11, 55], [0, 5]])), [715, 5])
    np.testing.assert_array_equal(as_dial_minutes(np.array([5.4, 725.0, -1.0])), [5, 5, 719])
    with pytest.raises(ValueError, match="times must be"):
        as_dial_minutes(np.zeros((2, 3)))


def test_time_error_wraps_at_twelve_o_clock() -> None:
    eleven_55, zero_05 = labels_to_minutes(np.array([[11, 55], [0, 5]]))
    assert time_error(eleven_55, zero_05) == 10
    assert time_error(zero_05, eleven_55) == 10
    assert time_error(0, 360) == 360  # half the dial is the largest error
    assert time_error(100, 100) == 0
    assert time_error(np.array([719.5]), np.array([0.5]))[0] == pytest.approx(1.0)
    assert time_error(10, 10 + DIAL) == 0  # predictions off the dial are wrapped


def test_time_error_is_symmetric_and_between_0_and_360() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, DIAL, 1000), rng.uniform(0, DIAL, 1000)
    err = time_error(a, b)
    np.testing.assert_allclose(err, time_error(b, a))
    assert err.min() >= 0 and err.max() <= 360
    assert err.max() > 350  # the random pairs do reach the far side of the dial
    np.testing.assert_allclose(err, np.minimum(np.abs(a - b), DIAL - np.abs(a - b)))


def test_time_metrics_summarise_the_errors() -> None:
    true = [0, 60, 120, 700, 300]
    pred = [0.5, 90.0, 120.0, 10.0, 660.0]  # errors 0.5, 30, 0, 30, 360
    metrics = time_metrics(true, pred)
    assert metrics["time_error"] == pytest.approx((0.5 + 30 + 0 + 30 + 360) / 5)
    assert metrics["time_error_median"] == pytest.approx(30.0)
    assert metrics["time_error_p90"] == pytest.approx(np.percentile([0.5, 30, 0, 30, 360], 90))
    assert metrics["within_1_minute"] == pytest.approx(0.4)
    assert metrics["hour_accuracy"] == pytest.approx(0.6)  # 11:40 as 0:10 and 5:00 as 11:00


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "12:00"),
        (5, "12:05"),  # an analogue clock has no hour 0
        (187, "03:07"),
        (665, "11:05"),
        (719, "11:59"),
        (719.6, "12:00"),  # rounded to the minute, then wrapped
        (722.0, "12:02"),
        (-1, "11:59"),
    ],
)
def test_format_dial_minutes_reads_like_the_clock(minutes: float, text: str) -> None:
    assert format_dial_minutes(minutes) == text


def test_importing_clocktime_does_not_import_keras_or_tensorflow() -> None:
    code = (
        "import sys, tunekit.clocktime\n"
        "heavy = sorted(m for m in ('keras', 'tensorflow', 'tunekit.hypermodels', 'tunekit.tuning')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
