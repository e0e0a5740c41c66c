"""What both independent clock renderers in ``benchmarks/`` promise: the course's format.

``other_renderer.py`` (Pillow) and ``mpl_renderer.py`` (matplotlib) measure whether a reader
reads clocks of a kind it has not seen, so they must share nothing with tunekit and write
exactly what the course's files hold. Each file's own tests check how it draws.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

from ._benchmarks import BENCHMARKS, load_benchmark

RENDERERS = ("other_renderer", "mpl_renderer")


@pytest.fixture(scope="module", params=RENDERERS)
def renderer(request):
    yield from load_benchmark(request.param)


@pytest.mark.parametrize("name", RENDERERS)
def test_imports_nothing_from_tunekit(name):
    tree = ast.parse((BENCHMARKS / f"{name}.py").read_text())
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
