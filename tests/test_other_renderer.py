"""benchmarks/other_renderer.py: an independent clock renderer in the course format."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ._benchmarks import load_benchmark


@pytest.fixture(scope="module")
def renderer():
    yield from load_benchmark("other_renderer")


def _ray(image: np.ndarray, angle: float, start: float, stop: float, radius: float) -> np.ndarray:
    """Pixels from ``start`` to ``stop`` (fractions of ``radius``) towards ``angle`` from 12."""
    centre = image.shape[0] / 2
    steps = np.linspace(start, stop, 12) * radius
    a = np.radians(angle)
    cols = np.floor(centre + steps * np.sin(a)).astype(int)
    rows = np.floor(centre - steps * np.cos(a)).astype(int)
    return image[rows, cols].astype(float)


def test_three_oclock_hands_point_at_twelve_and_three(renderer):
    size = 96
    params = renderer.plain_params(3, 0)
    image = renderer.render_clock(params, size)
    radius = params.pose.diameter * size / 2
    face = float(params.face.shade)
    minute_reach = params.hands.minute_length
    hour_reach = params.hands.hour_length
    twelve = _ray(image, 0, 0.25, 0.9 * minute_reach, radius)
    three = _ray(image, 90, 0.25, 0.9 * hour_reach, radius)
    six = _ray(image, 180, 0.25, 0.9 * hour_reach, radius)
    nine = _ray(image, 270, 0.25, 0.9 * hour_reach, radius)
    assert (face - twelve > 100).all(), twelve  # the minute hand, dark on a light face
    assert (face - three > 100).all(), three  # the hour hand
    assert (np.abs(face - six) < 30).all(), six  # no hand towards 6
    assert (np.abs(face - nine) < 30).all(), nine  # nor towards 9
    # past the hour hand's tip towards 3 there is face again, before the numerals
    beyond = _ray(image, 90, hour_reach + 0.06, hour_reach + 0.12, radius)
    assert (np.abs(face - beyond) < 30).all(), beyond


def test_a_turned_clock_turns_its_hands(renderer):
    size = 96
    params = renderer.plain_params(3, 0)
    turned = replace(params, pose=replace(params.pose, rotation=90.0))
    image = renderer.render_clock(turned, size)
    radius = params.pose.diameter * size / 2
    face = float(params.face.shade)
    assert (face - _ray(image, 90, 0.25, 0.7, radius) > 100).all()  # minute hand now at 3
    assert (face - _ray(image, 180, 0.25, 0.45, radius) > 100).all()  # hour hand now at 6


def test_random_params_cover_the_styles(renderer):
    rng = np.random.default_rng(0)
    many = [renderer.random_params(rng, 0, 0) for _ in range(300)]
    assert {p.face.markers for p in many} == {"arabic", "roman", "quarters", "ticks"}
    assert {p.hands.shape for p in many} == {"bar", "taper", "arrow", "leaf"}
    assert {p.scene.background for p in many} >= {"plain", "gradient", "blotches", "stripes"}
    seconds = np.mean([p.hands.seconds is not None for p in many])
    assert 0.3 < seconds < 0.5
    for p in many:
        assert p.hands.hour_length < p.hands.minute_length
        assert 0.55 <= p.pose.diameter <= 0.95 and 0 <= p.pose.tilt <= 35
        assert abs(p.face.ink - p.face.shade) >= 95
