"""Reading one time from the dial model's three angle distributions, and from turned views.

The dial model gives, for each of its ``ANGLES`` angles, how likely the 12, the hour hand
and the minute hand point there. A time ``t`` (minutes on the 12-hour dial) with the 12 at
angle ``a`` puts the minute hand at ``a + 6 t`` degrees and the hour hand at ``a + t / 2``.
:func:`most_likely_times` reads the whole minute whose three angles the three
distributions together make most likely. One 12 serves both hands, so a hand's tail, the
seconds hand or a numeral taken for the 12 must agree with the other two to be believed.

A clock turned in the image keeps its time, and the dial's angles turn with it. Reading
an image at several quarter turns (:func:`read_turned`) and turning each reading back
gives several opinions that fail on different clocks; their average is read as one.

This module needs numpy only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL

ANGLES = 144
"""Columns of the dial strip, 2.5 degrees each (as :mod:`tunekit.hypermodels.clock_dial`)."""

DETECTORS = ("twelve", "hour", "minute")
"""The dial model's outputs that point at an angle and turn with the image."""

BLUR = {"twelve": 2.0, "hour": 4.0, "minute": 2.0}
"""Gaussian blur of each distribution, in angle bins, before the three are combined.

A detector a few degrees off must not veto the right time: the hour hand only has to tell
the hour (12 bins apart), the 12 and the minute hand the minute (2.4 bins apart). Chosen
on validation clocks of another seed than any set reported.
"""

QUARTER_TURNS = 4
"""Views :func:`read_turned` reads by default: the image as given and turned by 90, 180
and 270 degrees (exact turns of the pixel grid, so no view is blurred)."""

_FLOOR = 1e-6  # no angle is impossible: a floor keeps log-probabilities finite
_CHUNK = 64  # clocks scored at once: (64, 144, 720) scores are about 27 MB of float32


def dial_sector(offset: Any, sectors: int, angles: int = ANGLES) -> np.ndarray:
    """The sector of the dial, 0 to ``sectors - 1``, of a point ``offset`` angles (of
    ``angles`` round the dial) clockwise of the 12: sector ``s`` is centred on numeral ``s``
    (0: the 12 itself), and a point halfway between two numerals is in the later one."""
    return np.floor(np.asarray(offset) * sectors / angles + 0.5).astype(np.int64) % sectors


def blurred(distribution: np.ndarray, sigma: float) -> np.ndarray:
    """``(N, ANGLES)`` rows blurred around the ring by a Gaussian of ``sigma`` bins."""
    distribution = np.asarray(distribution, dtype=np.float64)
    if sigma <= 0:
        return distribution
    offset = np.arange(ANGLES) - ANGLES // 2
    kernel = np.roll(np.exp(-0.5 * (offset / sigma) ** 2), -(ANGLES // 2))
    kernel /= kernel.sum()
    spectrum = np.fft.rfft(distribution, axis=1) * np.fft.rfft(kernel)[None, :]
    return np.maximum(np.fft.irfft(spectrum, n=ANGLES, axis=1), 0.0)


def _hand_bins(per_minute: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower bin and weight of the upper one, ``(ANGLES, DIAL)``, of a hand at each time
    for each angle of the 12: the hand lies ``per_minute`` bins further per minute."""
    position = np.arange(ANGLES)[:, None] + np.arange(DIAL)[None, :] * per_minute
    lower = np.floor(position)
    return lower.astype(np.int64) % ANGLES, (position - lower).astype(np.float32)


def _at(log_p: np.ndarray, bins: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``(B, ANGLES, DIAL)`` log-probabilities at fractional bins, interpolated linearly."""
    lower, weight = bins
    return log_p[:, lower] * (1 - weight) + log_p[:, (lower + 1) % ANGLES] * weight


def most_likely_times(
    twelve: Any, hour: Any, minute: Any, blur: Mapping[str, float] = BLUR
) -> np.ndarray:
    """The whole dial minute of each clock that its three angle distributions favour most.

    Args:
        twelve, hour, minute: ``(N, ANGLES)`` distributions over the dial's angles
            (clockwise from up) of the 12 and of each hand.
        blur: Each distribution's Gaussian blur in angle bins (``BLUR``), by detector.

    Returns:
        ``(N,)`` float64 dial minutes in ``[0, DIAL)``, whole minutes.
    """
    logs = [
        np.log(blurred(values, blur[name]) + _FLOOR).astype(np.float32)
        for name, values in zip(DETECTORS, (twelve, hour, minute), strict=True)
    ]
    hour_bins = _hand_bins(ANGLES / DIAL)
    minute_bins = _hand_bins(ANGLES / 60)
    times = np.empty(len(logs[0]), dtype=np.float64)
    for start in range(0, len(times), _CHUNK):
        part = slice(start, start + _CHUNK)
        score = logs[0][part][:, :, None] + _at(logs[1][part], hour_bins)
        score += _at(logs[2][part], minute_bins)
        times[part] = np.argmax(score.reshape(len(score), -1), axis=1) % DIAL
    return times


def turned_back(output: Mapping[str, Any], quarter_turns: int) -> dict[str, np.ndarray]:
    """The angle distributions of a view turned ``quarter_turns`` times anticlockwise
    (``np.rot90``), turned back to the image as given."""
    shift = quarter_turns * ANGLES // 4  # a turn of 90 degrees anticlockwise takes 90 off
    return {name: np.roll(np.asarray(output[name]), shift, axis=1) for name in DETECTORS}


def mean_distributions(outputs: list[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """The average of several dial readers' angle distributions for the same clocks: an
    ensemble, read by :func:`most_likely_times` as one reader's output."""
    return {
        name: sum(np.asarray(o[name], dtype=np.float64) for o in outputs) / len(outputs)
        for name in DETECTORS
    }


def read_turned(
    predict: Callable[[np.ndarray], Mapping[str, Any]],
    images: np.ndarray,
    turns: int = QUARTER_TURNS,
) -> dict[str, np.ndarray]:
    """The dial model's angle distributions averaged over ``turns`` quarter turns.

    Args:
        predict: The model's outputs for a batch of ``(N, S, S)`` images.
        images: The clocks as the model takes them.
        turns: Views to average, 1 (the image as given) to 4 (every quarter turn).

    Returns:
        The averaged ``twelve``, ``hour`` and ``minute`` distributions, for
        :func:`most_likely_times`.
    """
    if not 1 <= turns <= 4:
        raise ValueError(f"turns must be 1 to 4 quarter turns, not {turns}")
    total: dict[str, np.ndarray] = {}
    for quarter in range(turns):
        view = np.ascontiguousarray(np.rot90(images, quarter, axes=(1, 2)))
        for name, values in turned_back(predict(view), quarter).items():
            total[name] = total.get(name, 0.0) + values.astype(np.float64) / turns
    return total
