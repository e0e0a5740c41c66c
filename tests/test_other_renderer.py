"""benchmarks/other_renderer.py: an independent clock renderer in the course format."""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "other_renderer.py"


@pytest.fixture(scope="module")
def renderer():
    """The script loaded as a module (benchmarks is not a package)."""
    spec = importlib.util.spec_from_file_location("other_renderer", SCRIPT)
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
    images, labels = renderer.render_dataset(30, seed=3, size=64)
    assert images.shape == (30, 64, 64) and images.dtype == np.uint8
    assert labels.shape == (30, 2) and labels.dtype == np.int64
    assert labels[:, 0].min() >= 0 and labels[:, 0].max() <= 11
    assert labels[:, 1].min() >= 0 and labels[:, 1].max() <= 59
    assert images.std() > 10  # not blank
    again_images, again_labels = renderer.render_dataset(30, seed=3, size=64)
    np.testing.assert_array_equal(images, again_images)
    np.testing.assert_array_equal(labels, again_labels)
    other_images, other_labels = renderer.render_dataset(30, seed=4, size=64)
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


def test_cli_writes_and_refuses_to_overwrite(renderer, tmp_path, capsys):
    out = tmp_path / "clocks"
    assert renderer.main([str(out), "--n", "5", "--size", "32", "--seed", "1"]) == 0
    images, labels = np.load(out / "images.npy"), np.load(out / "labels.npy")
    assert images.shape == (5, 32, 32) and labels.shape == (5, 2)
    before = {name: (out / name).read_bytes() for name in ("images.npy", "labels.npy")}
    capsys.readouterr()
    assert renderer.main([str(out), "--n", "3", "--size", "32"]) == 2
    message = capsys.readouterr().err.strip()
    assert "--overwrite" in message and "\n" not in message
    assert {name: (out / name).read_bytes() for name in before} == before
    assert renderer.main([str(out), "--n", "3", "--size", "32", "--overwrite"]) == 0
    assert np.load(out / "images.npy").shape == (3, 32, 32)
