"""Reading the dial model's angles as one time, and from quarter turns of each image."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes, time_error
from tunekit.data.clock_geometry import dial_geometry
from tunekit.data.clocks import FULL, generate_clocks
from tunekit.errors import InvalidConfigError
from tunekit.hypermodels.clock import decode, reading_turns
from tunekit.hypermodels.clock_dial import VOTE_BLUR, encode_dial, soft_angles
from tunekit.hypermodels.dial_decoding import (
    ANGLES,
    BLUR,
    DETECTORS,
    blurred,
    most_likely_times,
    read_turned,
)


def _clock_angles(minutes: np.ndarray, twelve: np.ndarray) -> dict[str, np.ndarray]:
    """Soft distributions of the 12 at ``twelve`` (radians) and of the hands at ``minutes``."""
    hour = twelve + 2 * math.pi * minutes / 720
    minute = twelve + 2 * math.pi * (minutes % 60) / 60
    return {
        name: soft_angles(np.mod(angle, 2 * math.pi))
        for name, angle in zip(DETECTORS, (twelve, hour, minute), strict=True)
    }


def test_every_time_at_any_turn_reads_back_to_the_minute():
    minutes = np.arange(720, dtype=float)
    twelve = np.random.default_rng(0).uniform(0, 2 * math.pi, 720)
    angles = _clock_angles(minutes, twelve)
    np.testing.assert_array_equal(most_likely_times(**angles), minutes)


def test_every_time_reads_back_at_the_vote_readers_sharper_blur_too():
    minutes = np.arange(720, dtype=float)
    twelve = np.random.default_rng(1).uniform(0, 2 * math.pi, 720)
    angles = _clock_angles(minutes, twelve)
    np.testing.assert_array_equal(decode("dial_vote", angles), minutes)


def test_a_vote_reader_is_decoded_at_its_own_blur():
    rng = np.random.default_rng(4)
    output = {name: rng.dirichlet(np.full(ANGLES, 0.3), size=300) for name in DETECTORS}
    vote = decode("dial_vote", output)
    np.testing.assert_array_equal(vote, most_likely_times(**output, blur=VOTE_BLUR))
    np.testing.assert_array_equal(decode("dial_fine", output), most_likely_times(**output))
    assert VOTE_BLUR != BLUR
    assert (vote != decode("dial_fine", output)).any()  # the blur changes noisy readings


def test_generated_clocks_targets_decode_to_their_labels():
    _, labels = generate_clocks(40, image_size=32, seed=2, style=FULL)
    geometry = dial_geometry(40, image_size=32, seed=2, style=FULL)
    pred = decode("dial", encode_dial(labels, geometry))
    assert time_error(labels_to_minutes(labels), pred).max() <= 1.0


def test_a_numeral_taken_for_the_12_is_outvoted_by_the_hands():
    minutes = np.array([130.0, 505.0, 47.0])
    twelve = np.array([0.3, 2.0, 4.5])
    angles = _clock_angles(minutes, twelve)
    # The hands fit a 12 at 11 angles, 360/11 degrees apart (the hour hand turns 11 times
    # less than the minute hand relative to it): a second, stronger peak of the 12 halfway
    # between two of them fits neither hand.
    decoy = soft_angles(np.mod(twelve + 2 * math.pi * 3.5 / 11, 2 * math.pi))
    angles["twelve"] = 0.4 * angles["twelve"] + 0.6 * decoy
    assert (np.argmax(angles["twelve"], axis=1) == np.argmax(decoy, axis=1)).all()
    np.testing.assert_array_equal(most_likely_times(**angles), minutes)


def test_blurring_keeps_the_mass_and_the_peak_and_spreads_it():
    one = np.zeros((1, ANGLES))
    one[0, 3] = 1.0
    wide = blurred(one, 3.0)
    assert wide.sum() == pytest.approx(1.0)
    assert np.argmax(wide) == 3 and wide.max() < 0.2
    assert wide[0, ANGLES - 1] > 0  # round the ring, past angle 0
    np.testing.assert_array_equal(blurred(one, 0.0), one)


def _bright_spot_images(angles: np.ndarray, size: int = 33) -> np.ndarray:
    """One bright pixel per image at ``angles`` (clockwise from up) around the centre."""
    images = np.zeros((len(angles), size, size), dtype=np.uint8)
    centre = size // 2
    rows = np.round(centre - 12 * np.cos(angles)).astype(int)
    cols = np.round(centre + 12 * np.sin(angles)).astype(int)
    images[np.arange(len(angles)), rows, cols] = 255
    return images


def _spot_detector(images: np.ndarray) -> dict[str, np.ndarray]:
    """A stand-in dial model: every detector points at the image's bright pixel."""
    centre = images.shape[1] // 2
    flat = images.reshape(len(images), -1).argmax(axis=1)
    rows, cols = np.divmod(flat, images.shape[2])
    angle = np.mod(np.arctan2(cols - centre, centre - rows), 2 * math.pi)
    return dict.fromkeys(DETECTORS, soft_angles(angle))


@pytest.mark.parametrize("turns", [1, 2, 3, 4])
def test_each_quarter_turn_is_turned_back_to_the_image_as_given(turns):
    angles = np.array([0.0, 0.9, 2.5, 4.0, 5.6])
    images = _bright_spot_images(angles)
    seen = []
    read = read_turned(lambda view: seen.append(view) or _spot_detector(view), images, turns)
    assert len(seen) == turns
    assert not np.array_equal(seen[-1], images) or turns == 1
    want = _spot_detector(images)["twelve"]
    for name in DETECTORS:
        np.testing.assert_allclose(read[name], want, atol=0.02)


def test_the_views_that_agree_outvote_one_that_errs():
    minutes = np.array([200.0, 611.0])
    right = _clock_angles(minutes, np.array([1.0, 3.0]))
    wrong = _clock_angles(minutes + 180, np.array([2.0, 0.5]))
    calls = []

    def predict(view: np.ndarray) -> dict[str, np.ndarray]:
        quarter = len(calls)
        calls.append(view)
        # What a model sees turned by ``quarter`` quarter turns: the angles 90 degrees less.
        angles = wrong if quarter == 1 else right
        return {n: np.roll(a, -quarter * ANGLES // 4, axis=1) for n, a in angles.items()}

    images = np.zeros((2, 8, 8), dtype=np.uint8)
    np.testing.assert_array_equal(most_likely_times(**wrong), (minutes + 180) % 720)
    together = read_turned(predict, images, 4)
    assert len(calls) == 4
    np.testing.assert_array_equal(most_likely_times(**together), minutes)


def test_reading_turns_defaults_to_the_representations_own():
    assert reading_turns("dial") == 4 and reading_turns("dial_ring", 2) == 2
    assert reading_turns("dial_heat") == 1 and reading_turns("dial_heat", 4) == 4
    assert reading_turns("multihead") == 1 and reading_turns("multihead", 1) == 1
    with pytest.raises(InvalidConfigError, match="needs a dial reader"):
        reading_turns("multihead", 4)
    for bad in (0, 5, -1, 2.0):
        with pytest.raises(InvalidConfigError, match="1 to 4 quarter turns"):
            reading_turns("dial", bad)
