"""The dial geometry of generated clocks: centre, stretch, and the angles of the 12 and hands."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes
from tunekit.data.clock_geometry import dial_geometry
from tunekit.data.clocks import EASY, FULL, STYLE_PRESETS, generate_clocks
from tunekit.data.turned_images import turn_images

SIZE = 64


def test_upright_flat_clocks_sit_in_the_middle_with_the_12_up():
    geometry = dial_geometry(20, image_size=SIZE, seed=1, style=EASY)
    _, labels = generate_clocks(20, image_size=SIZE, seed=1, style=EASY)
    minutes = labels_to_minutes(labels)
    np.testing.assert_allclose(geometry.centre, (SIZE - 1) / 2, atol=1e-6)
    np.testing.assert_allclose(
        geometry.stretch, np.broadcast_to(np.eye(2) * 0.85 * SIZE / 2, (20, 2, 2)), atol=1e-6
    )
    twelve, hour, minute = geometry.angles.T
    np.testing.assert_allclose(np.mod(twelve + 1e-9, 2 * math.pi), 1e-9, atol=1e-6)
    np.testing.assert_allclose(minute, 2 * math.pi * (minutes % 60) / 60, atol=1e-6)
    np.testing.assert_allclose(hour, 2 * math.pi * minutes / 720, atol=1e-6)
    targets = geometry.normalised()
    assert targets.shape == (20, 5) and targets.dtype == np.float32
    np.testing.assert_allclose(targets[0], [0, 0, 0.85, 0, 0.85], atol=1e-6)


@pytest.mark.parametrize("style", ["full", "varied", "course"])
def test_the_hands_turn_with_the_12_so_their_differences_are_the_time(style):
    n = 50
    geometry = dial_geometry(n, image_size=SIZE, seed=2, style=STYLE_PRESETS[style])
    _, labels = generate_clocks(n, image_size=SIZE, seed=2, style=STYLE_PRESETS[style])
    minutes = labels_to_minutes(labels)
    twelve, hour, minute = geometry.angles.T
    turns = np.mod(twelve, 2 * math.pi)
    assert turns.std() > 1.0  # the clocks really are turned
    read_minute = np.mod(minute - twelve, 2 * math.pi) / (2 * math.pi) * 60
    read_dial = np.mod(hour - twelve, 2 * math.pi) / (2 * math.pi) * 720
    np.testing.assert_allclose(read_minute, minutes % 60, atol=1e-6)
    np.testing.assert_allclose(read_dial, minutes, atol=1e-6)
    # The stretch is symmetric and positive: it unwarps the ellipse without turning it.
    np.testing.assert_allclose(geometry.stretch, np.transpose(geometry.stretch, (0, 2, 1)))
    assert (np.linalg.eigvalsh(geometry.stretch) > 0).all()


def test_turning_a_clock_back_by_its_12_angle_makes_it_upright():
    turned_only = replace(EASY, rotation=True)
    n = 6
    upright, _ = generate_clocks(n, image_size=SIZE, seed=3, style=EASY)
    turned, _ = generate_clocks(n, image_size=SIZE, seed=3, style=turned_only)
    twelve = dial_geometry(n, image_size=SIZE, seed=3, style=turned_only).angles[:, 0]
    inside = np.hypot(*np.mgrid[:SIZE, :SIZE] - (SIZE - 1) / 2) < 0.8 * SIZE / 2

    def blocks(images: np.ndarray) -> np.ndarray:  # 4x4 means: thin strokes resample unevenly
        return (images * inside).reshape(n, SIZE // 4, 4, SIZE // 4, 4).mean(axis=(2, 4))

    def gap(degrees: np.ndarray) -> float:
        back = turn_images(turned, degrees).astype(float)
        return float(np.abs(blocks(back) - blocks(upright.astype(float))).mean())

    right = gap(np.degrees(twelve))
    assert gap(-np.degrees(twelve)) > 2.5 * right  # the other way round
    assert gap(np.degrees(twelve) + 8) > 1.5 * right  # 8 degrees off


def test_the_centre_moves_with_the_clock():
    geometry = dial_geometry(200, image_size=SIZE, seed=4, style=FULL)
    assert geometry.centre.std(axis=0).min() > 2  # shifted clocks: centres spread over pixels
    assert ((geometry.centre > 0) & (geometry.centre < SIZE - 1)).all()
