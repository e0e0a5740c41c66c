"""New training images every epoch: fresh clocks, a rotation curriculum, or turned files.

A fixed training split of a few thousand clocks is learned by heart long before a
network reads the dial; drawing a new set each epoch removes that ceiling, since the
generator makes 18,000 clocks in seconds. The curriculum starts with upright clocks,
where the hands alone tell the time, and then turns them further and further. Fixed
images (the course's files) cannot be drawn again, but turning a whole clock keeps its
time, so each epoch shows them at new angles. Either may blur half of its images, each by
its own amount (:mod:`tunekit.data.defocus`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tunekit.data.clocks import ClockRecipe
from tunekit.data.defocus import defocus, defocus_rng
from tunekit.data.turned_images import turn_images


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
        geometry: Also hand each set's dial geometry to ``encode(labels, geometry)``.
        training_seed: The training's seed: epoch ``e``'s set is stream ``(e + 1,
            training_seed)`` of the recipe, so that two trainings of other seeds see other
            clocks. None: stream ``e + 1``, the same for every training.
        blur: Blur half of each set's images, each by its own amount (``defocus``), drawn
            from the set's stream.
    """

    def __init__(
        self,
        recipe: ClockRecipe,
        encode: Callable[..., Any],
        batch_size: int,
        max_rotation: Callable[[int], float],
        first_epoch: int = 0,
        geometry: bool = False,
        training_seed: int | None = None,
        blur: bool = False,
    ) -> None:
        super().__init__()
        self.recipe, self.encode, self.batch_size = recipe, encode, batch_size
        self.training_seed, self.blur = training_seed, blur
        self.max_rotation = max_rotation
        self.first_epoch = first_epoch
        self.geometry = geometry
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
        return self._images[part], _pick(self._targets, part)

    def _make_set(self, epoch: int) -> None:
        limit = self.max_rotation(epoch)
        stream = epoch + 1 if self.training_seed is None else (epoch + 1, self.training_seed)
        images, labels = self.recipe.make(stream=stream, max_rotation=limit)
        self._images = defocus(images, defocus_rng(stream)) if self.blur else images
        if self.geometry:
            dial = self.recipe.geometry(stream=stream, max_rotation=limit)
            self._targets = self.encode(labels, dial)
        else:
            self._targets = self.encode(labels)
        self._epoch = epoch
        self.rotations[epoch] = limit


class TurnedClocks(keras.utils.PyDataset):
    """Endless batches of the fixed training images, each turned anew every epoch.

    Each epoch shuffles the images and turns each by its own angle, uniform in 0-360
    degrees (``turn_images``: bilinear, corners filled by the mirrored border). The
    order and the angles come from a generator seeded with ``(*seed, epoch)``, so, as
    with ``FreshClocks``, a batch depends on its index alone. The labels are kept:
    turning the whole clock does not change its time.

    Args:
        images: ``(N, S, S)`` uint8 training images.
        labels: Their ``(N, 2)`` [hour, minute] labels.
        encode: Turns ``(N, 2)`` [hour, minute] labels into the model's targets.
        batch_size: Images per batch.
        seed: With the epoch, seeds each epoch's order and angles: a number, or numbers
            such as the data seed and the training's seed, so that trainings of other
            seeds see other turns in another order.
        first_epoch: The epoch training starts at (Hyperband continues models).
        blur: After turning, blur half of each batch's images, each by its own amount
            (``defocus``), drawn from the seed, the epoch and the batch.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        encode: Callable[[np.ndarray], Any],
        batch_size: int,
        seed: int | tuple[int, ...],
        first_epoch: int = 0,
        blur: bool = False,
    ) -> None:
        super().__init__()
        self.images, self.targets = images, encode(np.asarray(labels))
        self.seed = seed if isinstance(seed, tuple) else (seed,)
        self.batch_size, self.first_epoch, self.blur = batch_size, first_epoch, blur
        self.steps_per_epoch = math.ceil(len(images) / batch_size)
        self._draws: tuple[int, np.ndarray, np.ndarray] | None = None

    @property
    def num_batches(self) -> None:
        """None: the batches never run out (Keras then counts ``steps_per_epoch``)."""
        return None

    def epoch_draws(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """The order of the images in ``epoch`` and the turn of each, in degrees."""
        rng = np.random.default_rng([*self.seed, epoch])
        n = len(self.images)
        return rng.permutation(n), rng.uniform(0.0, 360.0, n)

    def __getitem__(self, index: int) -> tuple[np.ndarray, Any]:
        epoch, batch = divmod(index, self.steps_per_epoch)
        epoch += self.first_epoch
        if self._draws is None or self._draws[0] != epoch:
            self._draws = (epoch, *self.epoch_draws(epoch))  # one assignment: never half-made
        _, order, degrees = self._draws
        part = slice(batch * self.batch_size, (batch + 1) * self.batch_size)
        ids = order[part]
        turned = turn_images(self.images[ids], degrees[part])
        if self.blur:
            turned = defocus(turned, defocus_rng(self.seed, epoch, batch))
        return turned, _pick(self.targets, ids)


def _pick(targets: Any, part: slice | np.ndarray) -> Any:
    """Targets ``part`` (a slice or indices) of one array or of every head of a dict."""
    if isinstance(targets, dict):
        return {name: head[part] for name, head in targets.items()}
    return targets[part]
