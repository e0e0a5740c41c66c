"""Shared fixtures: tiny IDX datasets that the tests write themselves."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TINY_TRAIN = 320  # 256 train + 64 validation with --val-size 64
TINY_TEST = 64
TINY_VAL = 64


def tiny_images(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` learnable 28x28 uint8 images: each class lights its own 4-pixel band."""
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    images = rng.integers(0, 60, size=(n, 28, 28))
    for i, label in enumerate(labels):
        images[i, 2 + 2 * label : 6 + 2 * label, 4:24] += 180
    return images.clip(0, 255).astype(np.uint8), labels.astype(np.uint8)


def write_tiny_mnist(folder: Path, seed: int = 0, train: int = TINY_TRAIN) -> Path:
    """Write the four IDX files of a tiny, learnable 10-class dataset to ``folder``.

    Each class lights a different 4-pixel-high band of the 28x28 image, plus noise,
    so a model can learn it in an epoch or two.
    """
    from tunekit.data import write_idx

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", train), ("t10k", TINY_TEST)):
        images, labels = tiny_images(rng, n)
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return folder


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a tiny MNIST-format dataset."""
    return write_tiny_mnist(tmp_path_factory.mktemp("tiny-mnist"))
