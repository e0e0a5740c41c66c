"""benchmarks/mpl_renderer.py: a second independent clock renderer (matplotlib)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "mpl_renderer.py"


@pytest.fixture(scope="module")
def renderer():
    """The script loaded as a module (benchmarks is not a package)."""
    spec = importlib.util.spec_from_file_location("mpl_renderer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_imports_nothing_from_tunekit():
    tree = ast.parse(SCRIPT.read_text())
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert names and not any(name.split(".")[0] == "tunekit" for name in names)


def test_dataset_shapes_labels_and_determinism(renderer):
    images, labels = renderer.render_dataset(12, seed=3, size=48)
    assert images.shape == (12, 48, 48) and images.dtype == np.uint8
    assert labels.shape == (12, 2) and labels.dtype == np.int64
    assert labels[:, 0].min() >= 0 and labels[:, 0].max() <= 11
    assert labels[:, 1].min() >= 0 and labels[:, 1].max() <= 59
    assert images.std() > 10  # not blank
    again_images, again_labels = renderer.render_dataset(12, seed=3, size=48)
    np.testing.assert_array_equal(images, again_images)
    np.testing.assert_array_equal(labels, again_labels)
    other_images, other_labels = renderer.render_dataset(12, seed=4, size=48)
    assert not np.array_equal(images, other_images)
    assert not np.array_equal(labels, other_labels)


@pytest.mark.parametrize("n", [1440, 1000, 7])
def test_plan_times_is_balanced_and_shuffled(renderer, n):
    labels = renderer.plan_times(n, np.random.default_rng(0))
    assert labels.shape == (n, 2) and labels.dtype == np.int64
    counts = np.bincount(labels[:, 0] * 60 + labels[:, 1], minlength=720)
    assert counts.sum() == n
    assert set(np.unique(counts)) <= {n // 720, n // 720 + 1}
    if n == 1440:
        assert (counts == 2).all()
        assert not np.array_equal(labels[:720], labels[720:])  # shuffled, not two copies


def test_hand_angles_include_the_minutes(renderer):
    assert renderer.hand_angles(3, 0) == (90.0, 0.0)
    assert renderer.hand_angles(6, 30) == (195.0, 180.0)
    assert renderer.hand_angles(11, 59) == pytest.approx((359.5, 354.0))


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


def test_cli_writes_and_refuses_to_overwrite(renderer, tmp_path, capsys):
    out = tmp_path / "clocks"
    preview = tmp_path / "sheet.png"
    args = [str(out), "--n", "5", "--size", "32", "--seed", "1", "--preview", str(preview)]
    assert renderer.main(args) == 0
    images, labels = np.load(out / "images.npy"), np.load(out / "labels.npy")
    assert images.shape == (5, 32, 32) and labels.shape == (5, 2)
    assert preview.stat().st_size > 0
    before = {name: (out / name).read_bytes() for name in ("images.npy", "labels.npy")}
    capsys.readouterr()
    assert renderer.main([str(out), "--n", "3", "--size", "32"]) == 2
    message = capsys.readouterr().err.strip()
    assert "--overwrite" in message and "\n" not in message
    assert {name: (out / name).read_bytes() for name in before} == before
    assert renderer.main([str(out), "--n", "3", "--size", "32", "--overwrite"]) == 0
    assert np.load(out / "images.npy").shape == (3, 32, 32)
