"""Fresh synthetic clocks every epoch, optionally widening the rotation as a curriculum.

A fixed training split of a few thousand clocks is learned by heart long before a
network reads the dial; drawing a new set each epoch removes that ceiling, since the
generator makes 18,000 clocks in seconds. The curriculum starts with upright clocks,
where the hands alone tell the time, and then turns them further and further.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tunekit.data.clocks import ClockRecipe


def curriculum_rotation(epoch: int, epochs: int) -> float:
    """Largest turn from upright, in degrees, for 0-based ``epoch`` of ``epochs``.

    Upright clocks for the first quarter of the epochs, then a range that widens
    linearly to any angle at half-way, and any angle from then on.
    """
    progress = (epoch / max(epochs, 1) - 0.25) / 0.25
    return 180.0 * min(1.0, max(0.0, progress))


class FreshClocks(keras.utils.PyDataset):
    """Endless batches: a new clock set for each epoch, targets encoded for the model.

    Batch ``i`` is batch ``i % steps_per_epoch`` of epoch ``first_epoch + i //
    steps_per_epoch``, so what a batch holds depends on its index alone, never on
    when Keras prefetches it or calls the epoch hooks. Train with
    ``steps_per_epoch=dataset.steps_per_epoch``.

    Args:
        recipe: How the training split was generated; each epoch is another stream.
        encode: Turns ``(N, 2)`` [hour, minute] labels into the model's targets.
        batch_size: Images per batch.
        max_rotation: ``max_rotation(epoch)`` in degrees; 180 for any angle.
        first_epoch: The epoch training starts at (Hyperband continues models).
    """

    def __init__(
        self,
        recipe: ClockRecipe,
        encode: Callable[[np.ndarray], Any],
        batch_size: int,
        max_rotation: Callable[[int], float],
        first_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.recipe, self.encode, self.batch_size = recipe, encode, batch_size
        self.max_rotation = max_rotation
        self.first_epoch = first_epoch
        self.steps_per_epoch = math.ceil(recipe.n / batch_size)
        self._epoch: int | None = None
        self._images = np.empty((0,), dtype=np.uint8)
        self._targets: Any = None
        self.rotations: dict[int, float] = {}  # epoch -> the limit its set was made with

    @property
    def num_batches(self) -> None:
        """None: the batches never run out (Keras then counts ``steps_per_epoch``)."""
        return None

    def __getitem__(self, index: int) -> tuple[np.ndarray, Any]:
        epoch, batch = divmod(index, self.steps_per_epoch)
        if self._epoch != self.first_epoch + epoch:
            self._make_set(self.first_epoch + epoch)
        part = slice(batch * self.batch_size, (batch + 1) * self.batch_size)
        if isinstance(self._targets, dict):
            return self._images[part], {k: v[part] for k, v in self._targets.items()}
        return self._images[part], self._targets[part]

    def _make_set(self, epoch: int) -> None:
        limit = self.max_rotation(epoch)
        self._images, labels = self.recipe.make(stream=epoch + 1, max_rotation=limit)
        self._targets = self.encode(labels)
        self._epoch = epoch
        self.rotations[epoch] = limit
