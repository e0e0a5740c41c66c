"""Keras layers that unroll a clock's dial into a strip in which a turn is a shift.

:class:`DialStrip` samples an image along circles around the dial's centre, through the
stretch that makes the tilted dial round again (see :mod:`tunekit.data.clock_geometry`).
Its output has one row per radius and one column per angle, so turning the clock shifts
every row by the same number of columns. :class:`CircularPad` pads the angle axis with the
columns from its other end, so convolutions along it see the strip as the ring it is, and
a detector of "the 12" or "a hand" works the same at every angle.

The layers are registered with keras under the package name ``tunekit``: a saved model that
uses them loads after ``import tunekit.hypermodels.dial_layers``.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
from keras import ops

from tunekit.hypermodels.dial_decoding import dial_sector

#: Radii of the strip's rows, as fractions of the dial's radius: the hands' hub to the rim.
INNER_RADIUS, OUTER_RADIUS = 0.08, 1.0


def strip_offsets(radii: int, angles: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit-dial offsets (x right, y down) of the strip's samples: ``(radii, angles)`` each.

    Column ``j`` lies at ``2 pi j / angles`` clockwise from up; row 0 is the innermost circle.
    """
    rho = np.linspace(INNER_RADIUS, OUTER_RADIUS, radii)[:, None]
    alpha = np.arange(angles)[None, :] * 2 * math.pi / angles
    return (rho * np.sin(alpha)).astype("float32"), (-rho * np.cos(alpha)).astype("float32")


@keras.saving.register_keras_serializable(package="tunekit")
class DialStrip(keras.layers.Layer):
    """Sample ``(B, S, S, 1)`` images along the dial into ``(B, radii, angles, 1)`` strips.

    Called on ``[images, geometry]``, where ``geometry`` is ``(B, 5)``: the centre and the
    stretch ``P11, P12, P22`` in half-images, as :meth:`DialGeometry.normalised` writes
    them. No gradient flows into the geometry: the strip's reader must not move the dial
    to suit itself. Samples outside the image repeat its edge.

    Args:
        radii: Rows of the strip.
        angles: Columns of the strip (the angular resolution).
    """

    def __init__(self, radii: int = 24, angles: int = 144, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.radii, self.angles = int(radii), int(angles)
        self._dx, self._dy = strip_offsets(self.radii, self.angles)

    def call(self, inputs: list[Any]) -> Any:
        """Bilinear samples of each image at its own dial's points."""
        images, geometry = inputs
        size = ops.shape(images)[1]
        half = ops.cast(size, "float32") / 2
        g = ops.stop_gradient(ops.cast(geometry, "float32"))[:, :, None, None]
        cx, cy = g[:, 0] * half + half - 0.5, g[:, 1] * half + half - 0.5
        p11, p12, p22 = g[:, 2] * half, g[:, 3] * half, g[:, 4] * half
        top = ops.cast(size, "float32") - 1.001
        x = ops.clip(cx + p11 * self._dx + p12 * self._dy, 0.0, top)
        y = ops.clip(cy + p12 * self._dx + p22 * self._dy, 0.0, top)
        x0, y0 = ops.floor(x), ops.floor(y)
        fx, fy = x - x0, y - y0
        x0, y0 = ops.cast(x0, "int32"), ops.cast(y0, "int32")
        base = ops.arange(ops.shape(images)[0], dtype="int32")[:, None, None] * size * size
        flat = ops.reshape(images, (-1,))

        def at(row: Any, col: Any) -> Any:
            return ops.take(flat, base + row * size + col)

        top_row = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
        bottom_row = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
        return (top_row * (1 - fy) + bottom_row * fy)[..., None]

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        """``(batch, radii, angles, 1)``."""
        return (input_shape[0][0], self.radii, self.angles, 1)

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, for saving."""
        return {**super().get_config(), "radii": self.radii, "angles": self.angles}


@keras.saving.register_keras_serializable(package="tunekit")
class CircularPad(keras.layers.Layer):
    """Pad ``axis`` with ``width`` entries from its other end on each side (a ring's wrap).

    Args:
        width: Entries added on each side.
        axis: The axis to pad (the strip's angle axis).
    """

    def __init__(self, width: int, axis: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.width, self.axis = int(width), int(axis)

    def call(self, inputs: Any) -> Any:
        """``inputs`` with its last ``width`` entries before it and its first after it."""
        n = ops.shape(inputs)[self.axis]
        before = ops.take(inputs, ops.arange(n - self.width, n), axis=self.axis)
        after = ops.take(inputs, ops.arange(0, self.width), axis=self.axis)
        return ops.concatenate([before, inputs, after], axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        """The input's shape, ``2 * width`` longer along ``axis``."""
        shape = list(input_shape)
        if shape[self.axis] is not None:
            shape[self.axis] += 2 * self.width
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, for saving."""
        return {**super().get_config(), "width": self.width, "axis": self.axis}


@keras.saving.register_keras_serializable(package="tunekit")
class CircularCorrelation(keras.layers.Layer):
    """How far ``b`` lies clockwise of ``a``: ``out[d] = sum_k a[k] * b[(k + d) % n]``.

    Called on ``[a, b]``, two ``(B, n)`` distributions over the same ring of angles, it
    returns the ``(B, n)`` distribution of their difference. The difference between the
    minute hand and the 12 is the minute, whatever the clock's turn.
    """

    def call(self, inputs: list[Any]) -> Any:
        """The distribution of the angle from ``a`` to ``b``."""
        a, b = inputs
        n = a.shape[-1]
        shifts = (np.arange(n)[:, None] + np.arange(n)[None, :]) % n  # [d, k] -> k + d
        rolled = ops.take(b, ops.convert_to_tensor(shifts.reshape(-1)), axis=1)
        rolled = ops.reshape(rolled, (-1, n, n))
        return ops.einsum("bk,bdk->bd", a, rolled)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        """The shape of ``a``."""
        return tuple(input_shape[0])


@keras.saving.register_keras_serializable(package="tunekit")
class SoftArgmax2D(keras.layers.Layer):
    """Where a ``(B, H, W, 1)`` heat map points: its softmax's mean (x, y) in half-images.

    The image's middle is (0, 0) and its edges -1 and 1, as the dial geometry writes a
    centre, so a map of any size points into the same frame. The mean of a softmax moves
    smoothly with the scores, so the point is finer than the map's cells.
    """

    def call(self, heat: Any) -> Any:
        """``(B, 2)``: the mean x and y under the softmax of ``heat``."""
        height, width = heat.shape[1], heat.shape[2]
        weights = ops.softmax(ops.reshape(heat, (-1, height * width)), axis=-1)
        ys, xs = np.meshgrid(
            (np.arange(height) + 0.5) / height * 2 - 1,
            (np.arange(width) + 0.5) / width * 2 - 1,
            indexing="ij",
        )
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1).astype("float32")
        return ops.matmul(weights, ops.convert_to_tensor(grid))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        """``(batch, 2)``."""
        return (input_shape[0], 2)


@keras.saving.register_keras_serializable(package="tunekit")
class SectorVote(keras.layers.Layer):
    """Where the 12 is, by a vote of every angle of the ring: ``(B, n, k)`` to ``(B, n)``.

    Called on the chance that each of ``n`` angles lies in each of the dial's ``k`` sectors
    (sector ``s`` is centred ``s * n / k`` angles clockwise of the 12: the numeral ``s``,
    "1" to "11", or the 12 itself), it scores each angle ``a`` as the 12 by the mean
    log-chance of the sectors a 12 at ``a`` gives the whole ring, times a learnt scale. A
    turn of the sectors turns the scores; every numeral read points at the 12.
    """

    def build(self, input_shape: Any) -> None:
        """The learnt scale of the vote, 1 at first."""
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, sectors: Any) -> Any:
        """The score of each angle as the 12."""
        n, k = sectors.shape[1], sectors.shape[2]
        offset = np.arange(n)
        sector_of = dial_sector(offset, k, n)
        index = ((offset[:, None] + offset[None, :]) % n) * k + sector_of[None, :]  # [a, d]
        logs = ops.log(ops.reshape(sectors, (-1, n * k)) + 1e-6)
        votes = ops.take(logs, ops.convert_to_tensor(index.reshape(-1)), axis=1)
        return self.scale * ops.mean(ops.reshape(votes, (-1, n, n)), axis=-1)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        """``(batch, n)``."""
        return (input_shape[0], input_shape[1])
