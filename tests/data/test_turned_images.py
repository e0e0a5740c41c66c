"""Turning whole images about their centre: exact quarter turns, bilinear between, no black."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.data.turned_images import turn_images

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (3, 17, 17), dtype=np.uint8)  # odd: the centre is a pixel
EVEN = RNG.integers(0, 256, (3, 16, 16), dtype=np.uint8)  # even: it is a pixel corner


@pytest.mark.parametrize("images", [IMAGES, EVEN])
def test_no_turn_and_a_full_turn_give_the_image_back(images):
    assert np.array_equal(turn_images(images, 0.0), images)
    assert np.array_equal(turn_images(images, 360.0), images)


@pytest.mark.parametrize("images", [IMAGES, EVEN])
def test_a_quarter_turn_is_rot90_counter_clockwise(images):
    assert np.array_equal(turn_images(images, 90.0), np.rot90(images, 1, axes=(1, 2)))
    assert np.array_equal(turn_images(images, -90.0), np.rot90(images, -1, axes=(1, 2)))


def test_positive_angles_turn_counter_clockwise_as_shown():
    image = np.zeros((1, 9, 9), dtype=np.uint8)
    image[0, 1, 7] = 255  # near the top-right corner (row 0 is the top)
    turned = turn_images(image, 90.0)[0]
    assert turned[1, 1] == 255 and turned.sum() == 255  # now near the top-left corner


@pytest.mark.parametrize("images", [IMAGES, EVEN])
def test_two_half_turns_give_the_image_back(images):
    assert np.array_equal(turn_images(turn_images(images, 180.0), 180.0), images)


def test_between_pixels_a_ramp_turns_into_the_turned_ramp():
    # Bilinear interpolation is exact on a linear ramp, so any angle can be checked
    # against the formula inside the inscribed circle, where nothing comes from outside.
    size, degrees = 41, 37.0
    centre = (size - 1) / 2
    rows, cols = np.mgrid[0:size, 0:size] - centre
    ramp = lambda dx, dy: 128 + 2.5 * dx + 1.0 * dy  # noqa: E731
    image = np.rint(ramp(cols, rows)).astype(np.uint8)[None]
    t = np.radians(degrees)  # the source of (row, col) is that pixel turned back by t
    expected = ramp(np.cos(t) * cols - np.sin(t) * rows, np.sin(t) * cols + np.cos(t) * rows)
    inside = np.hypot(rows, cols) <= centre - 1
    error = np.abs(turn_images(image, degrees)[0].astype(float) - expected)[inside]
    assert error.max() <= 1.0  # the ramp's and the result's rounding


def test_corners_turned_in_from_outside_carry_on_the_border_not_black():
    wall = np.full((2, 32, 32), 200, dtype=np.uint8)
    assert np.array_equal(turn_images(wall, [45.0, 123.0]), wall)


def test_corners_turned_in_from_outside_are_the_border_mirrored():
    # Turning the image with its mirrored surround drawn in, then cutting the surround
    # away, reads the corners from real pixels: it must give the same image.
    margin = 8
    mirrored = np.pad(IMAGES, ((0, 0), (margin, margin), (margin, margin)), mode="symmetric")
    inner = (slice(None), slice(margin, -margin), slice(margin, -margin))
    for degrees in (30.0, 45.0, 200.0):
        assert np.array_equal(turn_images(IMAGES, degrees), turn_images(mirrored, degrees)[inner])


def test_each_image_turns_by_its_own_angle_however_the_batch_is_cut():
    images = RNG.integers(0, 256, (40, 64, 64), dtype=np.uint8)  # over one chunk of pixels
    degrees = RNG.uniform(0.0, 360.0, len(images))
    one_by_one = [turn_images(images[i : i + 1], degrees[i])[0] for i in range(len(images))]
    assert np.array_equal(turn_images(images, degrees), np.stack(one_by_one))


def test_only_square_uint8_image_stacks_are_turned():
    with pytest.raises(ValueError, match=r"\(N, S, S\) uint8"):
        turn_images(IMAGES.astype(np.float32), 10.0)
    with pytest.raises(ValueError, match=r"\(N, S, S\) uint8"):
        turn_images(IMAGES[:, :, :9], 10.0)
