"""Reading a dial model at several dial centres around the one its finder gives.

The dial model unrolls the dial around the centre its finder estimates. A few pixels off,
the unrolled hands and numerals bend, and the detectors can take a numeral for the 12. The
strip read around the true centre is much better, and so is the average of strips read
around points near it: their errors differ. :func:`centred_predict` reads each image at
the finder's centre and at ``centre_offsets`` around it, and averages the three angle
distributions. It can also read each centre with the dial unrolled smaller than the finder
sizes it (``read_scales``): a strip that stops short of the rim gives short hands more rows.

This module imports keras only when a model is read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from tunekit.hypermodels.dial_decoding import DETECTORS

CENTRE_RADII = (0.06, 0.09)
"""Rings of dial centres read around the finder's, in half-images (about 4 and 6 pixels at
128 px), eight points on each. Chosen on 1,800 ``full`` and 1,800 ``varied`` validation
clocks of another data seed than any set reported, among rings of 0.02-0.09: the wider
rings helped more, and one ring of 0.06 gave most of the gain."""

CENTRE_RINGS = len(CENTRE_RADII)
"""Rings read by default."""

DIAL_SCALES = (1.0, 0.85)
"""Sizes of the unrolled dial, as shares of the one the finder gives, that a reader read at
``n`` scales reads: the first ``n``. Chosen for the ``dial_vote`` reader on 900 ``varied``,
900 ``broad`` and 900 ``assorted`` validation clocks of another data seed than any set
reported, among 0.7-1.1 alone and in twos, threes and fours: 0.9 or 0.85 alone read
``assorted`` (short hands) better and the others worse; 1 and 0.85 together read all three
better than 1 alone (reports/README.md, "Two sizes of the dial")."""

_POINTS_PER_RING = 8
_BATCH = 256


def centre_offsets(rings: int = CENTRE_RINGS) -> np.ndarray:
    """``(1 + 8 * rings, 2)`` float32 offsets (x, y, half-images) from the finder's centre.

    Raises:
        ValueError: ``rings`` is not 0 to ``CENTRE_RINGS``.
    """
    if not 0 <= rings <= CENTRE_RINGS:
        raise ValueError(f"rings must be 0 to {CENTRE_RINGS}, not {rings}")
    points = [(0.0, 0.0)]
    for radius in CENTRE_RADII[:rings]:
        for k in range(_POINTS_PER_RING):
            angle = 2 * math.pi * k / _POINTS_PER_RING
            points.append((radius * math.cos(angle), radius * math.sin(angle)))
    return np.asarray(points, dtype=np.float32)


def read_scales(count: int) -> tuple[float, ...]:
    """The first ``count`` of ``DIAL_SCALES``.

    Raises:
        ValueError: ``count`` is not 1 to ``len(DIAL_SCALES)``.
    """
    if not 1 <= count <= len(DIAL_SCALES):
        raise ValueError(f"dial scales must be 1 to {len(DIAL_SCALES)}, not {count}")
    return DIAL_SCALES[:count]


def _strip_layer(model: Any) -> Any:
    from tunekit.hypermodels.dial_layers import DialStrip

    strips = [layer for layer in getattr(model, "layers", ()) if isinstance(layer, DialStrip)]
    return strips[0] if len(strips) == 1 else None


def has_dial(model: Any) -> bool:
    """Whether ``model`` unrolls one dial (a ``DialStrip``) that ``centred_predict`` can move."""
    return _strip_layer(model) is not None


def centred_predict(
    model: Any, offsets: np.ndarray, scales: tuple[float, ...] = (1.0,)
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """A function from images to the dial model's angle distributions, averaged over
    dial centres at ``offsets`` from the finder's (``centre_offsets``), each with the dial
    unrolled at every size in ``scales`` (shares of the finder's, ``read_scales``).

    Raises:
        ValueError: ``model`` has no single ``DialStrip`` layer.
    """
    import keras

    strip = _strip_layer(model)
    if strip is None:
        raise ValueError("the model has no dial strip to read at other centres")
    pixels, geometry = strip.input
    finder = keras.Model(model.input, [pixels, geometry])
    reader = keras.Model([pixels, geometry], [model.get_layer(n).output for n in DETECTORS])
    offsets = np.asarray(offsets, dtype=np.float32)
    views = [(offset, float(scale)) for scale in scales for offset in offsets]

    def predict(images: np.ndarray) -> dict[str, np.ndarray]:
        seen, found = finder.predict(images, batch_size=_BATCH, verbose=0)
        total = dict.fromkeys(DETECTORS, 0.0)
        for offset, scale in views:
            moved = np.array(found, dtype=np.float32)
            moved[:, :2] += offset
            moved[:, 2:] *= scale  # the stretch P: pixels per dial radius
            outputs = reader.predict([seen, moved], batch_size=_BATCH, verbose=0)
            for name, output in zip(DETECTORS, outputs, strict=True):
                total[name] = total[name] + np.asarray(output, dtype=np.float64)
        return {name: values / len(views) for name, values in total.items()}

    return predict
