"""benchmarks/mpl_renderer.py: a second independent clock renderer (matplotlib)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ._benchmarks import load_benchmark


@pytest.fixture(scope="module")
def renderer():
    yield from load_benchmark("mpl_renderer")


def _darkness_by_angle(image: np.ndarray, start: float, stop: float) -> np.ndarray:
    """Mean darkness (255 - grey) along rays at 0..359 degrees clockwise from 12.

    ``start`` and ``stop`` are fractions of the plain clock's radius, 0.45 of the image.
    """
    size = image.shape[0]
    radii = np.linspace(start, stop, 8) * 0.45 * size
    angles = np.radians(np.arange(360))[:, None]
    cols = np.floor(size / 2 + radii * np.sin(angles)).astype(int)
    rows = np.floor(size / 2 - radii * np.cos(angles)).astype(int)
    return (255.0 - image[rows, cols]).mean(axis=1)


def _angle_gap(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


@pytest.mark.parametrize("rotation", [0.0, 137.0])
@pytest.mark.parametrize(("hour", "minute"), [(3, 0), (10, 48), (1, 12), (8, 5)])
def test_hands_point_at_the_labelled_time(renderer, hour, minute, rotation):
    image = renderer.render_clock(renderer.plain_design(hour, minute, rotation), 128)
    hour_angle, minute_angle = (a + rotation for a in renderer.hand_angles(hour, minute))
    # between the hour hand's tip (0.5) and the numerals (beyond 0.65): the minute hand only
    outer = _darkness_by_angle(image, 0.55, 0.63)
    assert _angle_gap(np.argmax(outer), minute_angle) <= 4, np.argmax(outer)
    assert np.sort(outer)[-30] < 0.3 * outer.max()  # one narrow dark direction, not many
    inner = _darkness_by_angle(image, 0.2, 0.42)
    away = np.array([_angle_gap(a, minute_angle) > 20 for a in range(360)])
    hour_found = np.flatnonzero(away)[np.argmax(inner[away])]
    assert _angle_gap(hour_found, hour_angle) <= 5, hour_found
    opposite = (hour_angle + 180) % 360
    if _angle_gap(opposite, minute_angle) > 20:
        assert inner[int(round(opposite)) % 360] < 0.2 * inner.max()  # no tail on this design


def test_turning_the_clock_turns_the_image(renderer):
    plain = renderer.render_clock(renderer.plain_design(4, 17), 64).astype(float)
    turned = renderer.render_clock(renderer.plain_design(4, 17, rotation=90.0), 64).astype(float)
    assert np.abs(np.rot90(plain, k=-1) - turned).mean() < 1  # a clockwise quarter turn
    assert np.abs(np.rot90(plain, k=1) - turned).mean() > 5  # not anticlockwise
    assert np.abs(plain - turned).mean() > 5


def test_random_designs_cover_the_styles(renderer):
    rng = np.random.default_rng(0)
    many = [renderer.random_design(rng, 0, 0) for _ in range(400)]
    assert {d.face.markers for d in many} == set(renderer.MARKERS)
    assert {d.face.family for d in many} == set(renderer.FAMILIES)
    assert {d.face.style for d in many} == {"normal", "italic", "oblique"}
    assert {d.face.rim for d in many} == {"none", "thin", "thick", "double"}
    assert {d.hands.shape for d in many} == set(renderer.HAND_SHAPES)
    assert {d.scene.background for d in many} == set(renderer.BACKGROUNDS)
    assert {d.face.four for d in many if d.face.markers == "roman"} == {"IV", "IIII"}
    assert 0.3 < np.mean([d.hands.seconds is not None for d in many]) < 0.5
    assert max(d.pose.tilt for d in many) > 25
    for d in many:
        assert 0.5 * d.hands.minute_length <= d.hands.hour_length
        assert d.hands.hour_length <= 0.75 * d.hands.minute_length
        assert 0.6 <= d.pose.diameter <= 0.95 and 0 <= d.pose.tilt <= 30
        assert abs(d.face.ink[0] - d.face.shade[0]) >= 0.3
        if d.face.markers == "ticks":  # no numerals: a geometric mark shows where 12 is
            assert d.face.twelve_mark in {"triangle", "double", "dot"}


def test_tilted_clocks_stay_inside_the_image(renderer):
    rng = np.random.default_rng(1)
    rim = renderer._disc(1.0, sides=90)
    for _ in range(300):
        pose = renderer.random_pose(rng)
        pose = replace(pose, diameter=0.95, offset=(float(rng.choice([-1, 1])), 1.0))
        points = renderer._apply(renderer.placement(pose, 100.0), rim)
        assert points.min() >= -1e-6 and points.max() <= 100 + 1e-6


def test_numerals_keep_apart_and_inside(renderer):
    rng = np.random.default_rng(2)
    for _ in range(200):
        face = renderer.random_face(rng)
        height, placed = renderer.numeral_layout(face, 0.9)
        assert height <= face.numeral_height
        for hour, text, radius in placed:
            outward, _ = renderer._half_extents(face, text, height, hour)
            assert radius >= 0.25 and radius + outward <= 0.9
