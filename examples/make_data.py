"""Write examples/tiny.npz: 1,200 learnable 28x28 images of 10 classes, for examples/my_model.py.

Each class is a faint horizontal band at its own height under heavy noise, so a small
model learns it in a few epochs, and its hyper-parameters make a difference. The arrays
are x_train, y_train, x_test and y_test; tunekit holds out the last --val-size training
images for validation.
"""

from pathlib import Path

import numpy as np


def make(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` uint8 images and their class numbers."""
    labels = np.arange(count) % 10
    rng.shuffle(labels)
    images = rng.integers(0, 200, size=(count, 28, 28))  # heavy noise: not too easy
    for i, label in enumerate(labels):
        images[i, 2 + 2 * label : 4 + 2 * label, 4:24] += 50
    return images.clip(0, 255).astype(np.uint8), labels.astype(np.int64)


if __name__ == "__main__":
    rng = np.random.default_rng(0)  # fixed: the same file every time
    x_train, y_train = make(1000, rng)
    x_test, y_test = make(200, rng)
    path = Path(__file__).with_name("tiny.npz")
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"Wrote {path}")
