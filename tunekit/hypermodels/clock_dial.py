"""The ``dial`` representation: find the dial, unroll it, read the 12 and the hands as angles.

A clock turned in its frame is hard for a plain CNN, which has to learn every turn of every
numeral. This representation makes the turn a shift instead:

1. a small network finds the dial's centre and the stretch that makes its ellipse round
   (targets from :mod:`tunekit.data.clock_geometry`; it needs no turn, so it learns fast);
2. :class:`~tunekit.hypermodels.dial_layers.DialStrip` unrolls the dial into a strip of
   radii by angles, in which a turn shifts every column alike;
3. a convolutional network that wraps around the angle axis gives, for each angle, the
   chance that the 12, the hour hand or the minute hand points there;
4. the time is the angle from the 12 to each hand
   (:class:`~tunekit.hypermodels.dial_layers.CircularCorrelation`), the same at every turn:
   the model learns through these two readings, and a reading is the one time the 12 and
   both hands agree on best (:mod:`tunekit.hypermodels.dial_decoding`).

Generated clocks supply the geometry and the three angles as targets. Clocks from files
have only their labels: those targets are NaN and masked out, and the two readings (hand
minus 12), which the labels give, still train the model end to end.

This module needs numpy only until a model is built.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL, labels_to_minutes
from tunekit.hypermodels.dial_decoding import ANGLES, dial_sector, most_likely_times

RADII = 24
"""Rows of the dial strip; its ``ANGLES`` columns are 2.5 degrees, half a minute of the
minute hand."""

SECTORS = 12
"""Sectors of the dial a ``dial_vote`` reader tells apart: one around each hour's place."""

GEOMETRY_WEIGHT = 50.0
"""The geometry's squared error is a few hundredths; this brings it level with the angles."""

_GEOMETRY_SIZE = 32  # the coarse finder sees the image averaged down to about this size
_HEAT_SIZE = 64  # the heat-map finder sees it averaged down to about this size


def soft_angles(angles: np.ndarray) -> np.ndarray:
    """``(N, ANGLES)`` float32 targets: a Gaussian one bin wide around each angle (radians).

    A soft target rewards a near miss, so the network learns a smooth ring of detectors.
    """
    bins = np.arange(ANGLES)[None, :] - np.asarray(angles)[:, None] / (2 * math.pi) * ANGLES
    distance = np.mod(bins + ANGLES / 2, ANGLES) - ANGLES / 2
    weight = np.exp(-0.5 * distance**2)
    return (weight / weight.sum(axis=1, keepdims=True)).astype("float32")


def encode_dial(labels: np.ndarray, geometry: Any = None) -> dict[str, np.ndarray]:
    """Targets of the dial model; without ``geometry`` (a ``DialGeometry``) those are NaN."""
    labels = np.asarray(labels)
    minutes = labels_to_minutes(labels).astype("float64")
    n = len(minutes)
    targets = {
        "minute_reading": soft_angles(2 * math.pi * (minutes % 60) / 60),
        "hour_reading": soft_angles(2 * math.pi * minutes / DIAL),
    }
    if geometry is None:
        targets["geometry"] = np.full((n, 5), np.nan, dtype="float32")
        unknown = np.full((n, ANGLES), np.nan, dtype="float32")
        targets.update(twelve=unknown, hour=unknown, minute=unknown)
    else:
        targets["geometry"] = geometry.normalised()
        for column, name in enumerate(("twelve", "hour", "minute")):
            targets[name] = soft_angles(geometry.angles[:, column])
    return targets


def sector_targets(twelve: np.ndarray) -> np.ndarray:
    """``(N, ANGLES, SECTORS)`` float32 one-hot rows: the sector of the dial each angle lies
    in, for a 12 at ``twelve`` (radians); sector ``s`` is the nearest numeral ``s`` (0: 12)."""
    past_twelve = np.arange(ANGLES)[None, :] - np.asarray(twelve)[:, None] / (2 * math.pi) * ANGLES
    return np.eye(SECTORS, dtype="float32")[dial_sector(past_twelve, SECTORS)]


def encode_dial_vote(labels: np.ndarray, geometry: Any = None) -> dict[str, np.ndarray]:
    """:func:`encode_dial`'s targets and each angle's sector (NaN without ``geometry``)."""
    targets = encode_dial(labels, geometry)
    if geometry is None:
        targets["sector"] = np.full((len(labels), ANGLES, SECTORS), np.nan, dtype="float32")
    else:
        targets["sector"] = sector_targets(geometry.angles[:, 0])
    return targets


def decode_dial(output: Any) -> np.ndarray:
    """Dial minutes from the 12 and the two hands together (``most_likely_times``)."""
    return most_likely_times(output["twelve"], output["hour"], output["minute"])


VOTE_BLUR = {"twelve": 1.0, "hour": 2.0, "minute": 1.0}
"""The blur, in angle bins, of a ``dial_vote`` reader's three distributions before they are
combined: half of ``dial_decoding.BLUR``, which the older readers keep. Chosen on the 900
``varied``, ``broad`` and ``assorted`` validation clocks that chose
``dial_views.DIAL_SCALES`` (read at its two sizes), among 1-3 bins for the 12 and the
minute hand and 2-6 for the hour hand: each style read better than at ``BLUR``
(reports/README.md, "A sharper blur for ``dial_vote``")."""


def decode_dial_vote(output: Any) -> np.ndarray:
    """:func:`decode_dial` with the vote reader's sharper blur (``VOTE_BLUR``)."""
    return most_likely_times(output["twelve"], output["hour"], output["minute"], VOTE_BLUR)


def _masked(per_image: Any, y_true: Any, y_pred: Any, keras: Any) -> Any:
    """``per_image(y_true, y_pred)`` where the target is known, 0 where it is NaN."""
    known = keras.ops.logical_not(keras.ops.any(keras.ops.isnan(y_true), axis=-1))
    safe = keras.ops.where(keras.ops.isnan(y_true), keras.ops.zeros_like(y_true), y_true)
    return keras.ops.where(known, per_image(safe, y_pred), 0.0)


def masked_geometry_loss(y_true: Any, y_pred: Any) -> Any:
    """Weighted squared error of the geometry; 0 for clocks whose geometry is unknown."""
    import keras

    def squared(t: Any, p: Any) -> Any:
        return GEOMETRY_WEIGHT * keras.ops.mean(keras.ops.square(t - p), axis=-1)

    return _masked(squared, y_true, y_pred, keras)


def masked_angle_loss(y_true: Any, y_pred: Any) -> Any:
    """Cross-entropy of an angle distribution; 0 for clocks whose angles are unknown."""
    import keras

    return _masked(keras.losses.categorical_crossentropy, y_true, y_pred, keras)


def _conv(keras: Any, x: Any, filters: int, dilation: int = 1, padding: str = "same") -> Any:
    """A 3x3 convolution, batch normalisation and ReLU."""
    x = keras.layers.Conv2D(filters, 3, padding=padding, dilation_rate=dilation, use_bias=False)(x)
    return keras.layers.ReLU()(keras.layers.BatchNormalization()(x))


def _block(keras: Any, x: Any, filters: int, pool: Any, padding: str = "same") -> Any:
    """``_conv`` then max pooling by ``pool``."""
    return keras.layers.MaxPooling2D(pool)(_conv(keras, x, filters, padding=padding))


def angle_scores(keras: Any, features: Any, source: str = "near") -> Any:
    """``(B, ANGLES)`` scores from ``(B, ANGLES, C)`` ring features.

    ``near``: each angle's score is its own features'. ``ring``: each angle's score also
    adds a vote from every angle of the ring, weighted by how far round it lies (a
    convolution around the whole ring), so a turn of the features turns the scores.
    """
    from tunekit.hypermodels.dial_layers import CircularPad

    score = keras.layers.Conv1D(1, 1)(features)
    if source == "ring":
        ring = CircularPad(ANGLES // 2, axis=1)(features)
        score = keras.layers.Add()([score, keras.layers.Conv1D(1, ANGLES + 1)(ring)])
    return keras.layers.Reshape((ANGLES,))(score)


def coarse_finder(keras: Any, pixels: Any, image_size: int) -> Any:
    """``(B, 5)`` dial geometry regressed from a view averaged down to about 32 pixels."""
    g = keras.layers.AveragePooling2D(max(1, image_size // _GEOMETRY_SIZE))(pixels)
    for filters in (16, 32, 64):
        g = _block(keras, g, filters, 2)
    g = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(g))
    return keras.layers.Dense(5, name="geometry")(g)


def heat_finder(keras: Any, pixels: Any, image_size: int) -> Any:
    """``(B, 5)`` dial geometry whose centre is where a heat map points.

    A view of about 64 pixels goes down to a quarter of its size, where dilated
    convolutions see the whole dial, and back up to half its size beside the features
    found there; a 1x1 convolution scores every cell as the centre and
    :class:`~tunekit.hypermodels.dial_layers.SoftArgmax2D` takes the scores' mean. A
    convolution finds the hub where the hands meet at any place in the image, which a
    dense regression of the coordinates must learn place by place. The stretch is
    regressed from the coarse features.
    """
    from tunekit.hypermodels.dial_layers import SoftArgmax2D

    view = keras.layers.AveragePooling2D(max(1, image_size // _HEAT_SIZE))(pixels)
    fine = _conv(keras, keras.layers.MaxPooling2D(2)(_conv(keras, view, 16)), 32)
    coarse = _conv(keras, keras.layers.MaxPooling2D(2)(fine), 64)
    coarse = _conv(keras, _conv(keras, coarse, 64, 2), 64, 4)
    up = keras.layers.UpSampling2D(2, interpolation="bilinear")(coarse)
    heat = keras.layers.Conv2D(1, 1)(_conv(keras, keras.layers.Concatenate()([up, fine]), 32))
    centre = SoftArgmax2D()(heat)
    shape = keras.layers.Concatenate()(
        [
            keras.layers.GlobalAveragePooling2D()(coarse),
            keras.layers.Flatten()(keras.layers.AveragePooling2D(4)(coarse)),
        ]
    )
    stretch = keras.layers.Dense(3)(keras.layers.Dense(64, activation="relu")(shape))
    return keras.layers.Concatenate(name="geometry")([centre, stretch])


def dial_model(
    keras: Any,
    inputs: Any,
    image_size: int,
    twelve_from: str = "near",
    finder: str = "coarse",
    fine: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dial reader's outputs on ``(S, S)`` uint8 ``inputs``, and their losses.

    ``twelve_from`` is where the 12 is looked for: ``near`` scores each angle by what lies
    within about 40 degrees of it; ``ring`` lets every angle of the dial vote for where the
    12 is, so the 12 is also found from the other numerals, which on a turned clock keep
    their places and their slant relative to it; ``sectors`` adds to ``near`` a vote
    (:class:`~tunekit.hypermodels.dial_layers.SectorVote`) of every angle's sector of the
    dial, an output trained on its own: each numeral is told which it is, and says where
    the 12 lies. ``finder`` finds the dial:
    ``coarse_finder`` or ``heat_finder``. ``fine`` unrolls the dial at twice the rows and
    columns, about one sample per pixel of a 128-px clock, and a learned convolution pools
    the strip back to its ``RADII`` by ``ANGLES``: at the plain strip's spacing of about two
    pixels a numeral is 3-5 rows tall, and a thin stroke can fall between samples.
    """
    from tunekit.hypermodels.dial_layers import (
        CircularCorrelation,
        CircularPad,
        DialStrip,
        SectorVote,
    )

    pixels = keras.layers.Reshape((image_size, image_size, 1))(inputs)
    pixels = keras.layers.Rescaling(1 / 255.0)(pixels)
    # 1. Where the dial is.
    geometry = (heat_finder if finder == "heat" else coarse_finder)(keras, pixels, image_size)
    # 2-3. The dial unrolled, read by convolutions that wrap around the angles.
    scale = 2 if fine else 1
    x = DialStrip(RADII * scale, ANGLES * scale)([pixels, geometry])
    stages = [(16, (2, 2))] if fine else []  # the fine strip pooled back to RADII x ANGLES
    for filters, pool in stages + [(16, (2, 1)), (32, (2, 1)), (64, (2, 1))]:
        x = keras.layers.ZeroPadding2D(((1, 1), (0, 0)))(CircularPad(1)(x))
        x = _block(keras, x, filters, pool, padding="valid")
    x = keras.layers.Reshape((ANGLES, (RADII // 8) * 64))(keras.layers.Permute((2, 1, 3))(x))
    for _ in range(2):
        x = keras.layers.Conv1D(96, 5, activation="relu")(CircularPad(2, axis=1)(x))
    outputs: dict[str, Any] = {"geometry": geometry}
    losses: dict[str, Any] = {}
    for name in ("twelve", "hour", "minute"):  # one score per angle, then a ring softmax
        score = angle_scores(keras, x, twelve_from if name == "twelve" else "near")
        if name == "twelve" and twelve_from == "sectors":
            sectors = keras.layers.Conv1D(SECTORS, 1)(x)
            outputs["sector"] = keras.layers.Softmax(name="sector")(sectors)
            losses["sector"] = masked_angle_loss
            score = keras.layers.Add()([score, SectorVote()(outputs["sector"])])
        outputs[name] = keras.layers.Softmax(name=name)(score)
    # 4. The time: each hand's angle from the 12.
    outputs["minute_reading"] = CircularCorrelation(name="minute_reading")(
        [outputs["twelve"], outputs["minute"]]
    )
    outputs["hour_reading"] = CircularCorrelation(name="hour_reading")(
        [outputs["twelve"], outputs["hour"]]
    )
    losses |= {
        "geometry": masked_geometry_loss,
        "twelve": masked_angle_loss,
        "hour": masked_angle_loss,
        "minute": masked_angle_loss,
        "minute_reading": "categorical_crossentropy",
        "hour_reading": "categorical_crossentropy",
    }
    return outputs, losses


def ring_dial_model(
    keras: Any, inputs: Any, image_size: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dial reader whose 12 is found by a vote of the whole ring (``dial_model``)."""
    return dial_model(keras, inputs, image_size, twelve_from="ring")


def heat_dial_model(
    keras: Any, inputs: Any, image_size: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dial reader whose dial centre is where a heat map points (``heat_finder``)."""
    return dial_model(keras, inputs, image_size, finder="heat")


def fine_dial_model(
    keras: Any, inputs: Any, image_size: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The heat-map dial reader on a strip sampled as finely as the image (``dial_model``)."""
    return dial_model(keras, inputs, image_size, finder="heat", fine=True)


def vote_dial_model(
    keras: Any, inputs: Any, image_size: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fine dial reader whose 12 is also found by every angle's sector (``dial_model``)."""
    return dial_model(keras, inputs, image_size, twelve_from="sectors", finder="heat", fine=True)
