"""Clock label representations: each one's target, its reading back, its output head and loss.

A representation is one way of writing the [hour, minute] label as a model's target.
It carries everything that depends on that choice: ``encode`` (labels to targets),
``decode`` (the model's output back to dial minutes, so every representation is
scored on the same common-sense error), and ``head`` (the output layers on the
backbone's features, with the loss they train on). Adding a representation means
adding one entry to ``_REGISTERED``; the clock family's space and checks follow.

Encoding and decoding need numpy only, so predictions and data pipelines can use
them without keras; ``head`` imports nothing and is handed keras by the builder.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL, labels_to_minutes
from tunekit.errors import UnknownNameError
from tunekit.hypermodels.clock_dial import (
    decode_dial,
    decode_dial_vote,
    dial_model,
    encode_dial,
    encode_dial_vote,
    fine_dial_model,
    heat_dial_model,
    ring_dial_model,
    vote_dial_model,
)
from tunekit.hypermodels.dial_decoding import read_turned

#: ``head(keras, features) -> (outputs, loss)``: output layers and the loss they train on.
Head = Callable[[Any, Any], tuple[Any, Any]]
#: ``model(keras, inputs, image_size) -> (outputs, loss)``: a whole network from the pixels.
WholeModel = Callable[[Any, Any, int], tuple[Any, Any]]
#: ``layer(keras)``: a new output layer, made once the head's hidden layers exist.
OutputLayer = Callable[[Any], Any]

#: Softmax outputs train on class indices (hours, half-hours, minutes), not one-hot rows.
_CLASS_LOSS = "sparse_categorical_crossentropy"


@dataclass(frozen=True)
class Representation:
    """One way of writing a clock time as a model's target, and of reading it back.

    Attributes:
        name: The hyper-parameter value, e.g. ``multihead``.
        description: What the target is, in one line.
        encode: ``(N, 2)`` [hour, minute] labels to the model's targets (numpy only).
        decode: The model's output to dial minutes, floats in ``[0, DIAL)`` (numpy only).
        head: Builds the output layers on the backbone's features and names their loss.
        model: Instead of ``head``, builds the whole network from the pixels (the backbone
            is not used): ``model(keras, inputs, image_size) -> (outputs, loss)``.
        needs_geometry: ``encode(labels, geometry)`` also takes the dial geometry of
            generated clocks (a ``DialGeometry``, or None where it is unknown).
        read_turned: ``read_turned(predict, images, turns)``: the output averaged over
            ``turns`` quarter turns of the images, for a representation whose output turns
            with the clock; None where it does not.
        turns: The quarter turns it is read at by default (chosen on validation clocks).
        dial_scales: The sizes of the unrolled dial it is read at by default, 1 or 2 of
            ``dial_views.DIAL_SCALES`` (chosen on validation clocks).
    """

    name: str
    description: str
    encode: Callable[..., Any]
    decode: Callable[[Any], np.ndarray]
    head: Head | None = None
    model: WholeModel | None = None
    needs_geometry: bool = False
    read_turned: Callable[..., Any] | None = None
    turns: int = 1
    dial_scales: int = 1

    def targets(self, labels: np.ndarray, geometry: Any = None) -> Any:
        """The model's targets for ``labels``; ``geometry`` is used where it is wanted."""
        if self.needs_geometry:
            return self.encode(labels, geometry)
        return self.encode(labels)


# --- Reading the labels and the hands --------------------------------------------------


def _hour(labels: np.ndarray) -> np.ndarray:
    """The whole hour 0-11, in the labels' own integer dtype."""
    return np.asarray(labels)[:, 0] % 12


def _minute(labels: np.ndarray) -> np.ndarray:
    """The minute as float32, the dtype every minute target is trained in."""
    return np.asarray(labels)[:, 1].astype("float32")


def _pair(turn: np.ndarray) -> np.ndarray:
    """``(N, 2)`` float32 [sin, cos] of an angle in radians: a hand with no wrap-around."""
    return np.stack([np.sin(turn), np.cos(turn)], axis=1).astype("float32")


def _minute_pair(labels: np.ndarray) -> np.ndarray:
    return _pair(2 * math.pi * _minute(labels) / 60)


def _angle(sin: np.ndarray, cos: np.ndarray) -> np.ndarray:
    """Angle of (sin, cos) as a fraction of a turn in [0, 1)."""
    return np.mod(np.arctan2(sin, cos) / (2 * math.pi), 1.0)


def _hour_and_minute(hour_fraction: np.ndarray, minute: np.ndarray) -> np.ndarray:
    """Combine a continuous hour hand (fraction of a turn) with a minute reading.

    The hour hand sits ``minute / 60`` of the way to the next hour, so the hour is
    the nearest whole hour once that offset is taken out.
    """
    hour = np.mod(np.round(hour_fraction * 12 - minute / 60.0), 12)
    return hour * 60 + minute


# --- Output heads (keras is handed in: this module must not import it) ------------------


def _dense(keras: Any, x: Any, layers: int, dropout_after: int | None = None) -> Any:
    """A stack of 200-unit ReLU layers, with dropout after layer ``dropout_after``."""
    for index in range(layers):
        x = keras.layers.Dense(200, activation="relu")(x)
        if index == dropout_after:
            x = keras.layers.Dropout(0.1)(x)
    return x


def _circular_loss(y_true: Any, y_pred: Any) -> Any:
    """Mean circular distance between fractions of a turn: 0.95 and 0.05 are 0.1 apart."""
    import keras

    diff = keras.ops.abs(y_true - y_pred)
    diff = diff - keras.ops.floor(diff)
    return keras.ops.mean(keras.ops.minimum(diff, 1.0 - diff), axis=-1)


def _one_head(output: OutputLayer, loss: Any) -> Head:
    """One output on two hidden layers: the seed's head for a single target."""

    def head(keras: Any, features: Any) -> tuple[Any, Any]:
        hidden = _dense(keras, features, 2, dropout_after=0)
        return output(keras)(hidden), loss

    return head


def _two_heads(minute: OutputLayer) -> Head:
    """An hour softmax and a minute output, each on its own hidden stack (seed's appendix).

    The outputs are named ``hour`` and ``minute``: the targets' keys, the per-head
    losses keras logs (``val_hour_loss``) and the names exported models keep.
    """

    def head(keras: Any, features: Any) -> tuple[Any, Any]:
        hour = _dense(keras, features, 2, dropout_after=0)
        hour = keras.layers.Dense(12, activation="softmax", name="hour")(hour)
        hidden = _dense(keras, features, 4, dropout_after=2)
        outputs = {"hour": hour, "minute": minute(keras)(hidden)}
        return outputs, {"hour": _CLASS_LOSS, "minute": "mse"}

    return head


# --- Each representation's encoding and decoding ---------------------------------------


def _encode_regression(labels: np.ndarray) -> np.ndarray:
    return (labels_to_minutes(labels) / DIAL).astype("float32")[:, None]


def _decode_regression(output: Any) -> np.ndarray:
    return np.mod(np.asarray(output)[:, 0], 1.0) * DIAL


def _encode_class24(labels: np.ndarray) -> np.ndarray:
    return (labels_to_minutes(labels) // 30).astype("int64")


def _decode_class24(output: Any) -> np.ndarray:
    return np.argmax(output, axis=1) * 30.0 + 15.0  # a class's midpoint


def _encode_class720(labels: np.ndarray) -> np.ndarray:
    return labels_to_minutes(labels).astype("int64")


def _decode_class720(output: Any) -> np.ndarray:
    return np.argmax(output, axis=1).astype("float64")


def _encode_multihead(labels: np.ndarray) -> dict[str, np.ndarray]:
    return {"hour": _hour(labels).astype("int64"), "minute": (_minute(labels) / 60.0)[:, None]}


def _decode_multihead(output: Any) -> np.ndarray:
    # softplus can overshoot 1; clipping below 60 keeps the reading inside its hour.
    minute = np.clip(np.asarray(output["minute"])[:, 0], 0.0, 59.999 / 60) * 60
    return np.argmax(output["hour"], axis=1) * 60.0 + minute


def _encode_periodic(labels: np.ndarray) -> np.ndarray:
    hour, minute = _hour(labels), _minute(labels)
    return np.stack([np.cos(math.pi * hour / 12), np.cos(math.pi * minute / 60)], axis=1).astype(
        "float32"
    )


def _decode_periodic(output: Any) -> np.ndarray:
    out = np.clip(np.asarray(output, dtype="float64"), -1.0, 1.0)  # arccos's domain
    hour = np.arccos(out[:, 0]) * 12 / math.pi
    minute = np.arccos(out[:, 1]) * 60 / math.pi
    return np.mod(np.round(hour), 12) * 60 + minute  # the label is the whole hour


def _encode_sincos(labels: np.ndarray) -> np.ndarray:
    hour_pair = _pair(2 * math.pi * labels_to_minutes(labels) / DIAL)
    return np.concatenate([hour_pair, _minute_pair(labels)], axis=1)


def _decode_sincos(output: Any) -> np.ndarray:
    out = np.asarray(output, dtype="float64")
    minute = _angle(out[:, 2], out[:, 3]) * 60
    return _hour_and_minute(_angle(out[:, 0], out[:, 1]), minute)


def _encode_hour_sincos(labels: np.ndarray) -> dict[str, np.ndarray]:
    return {"hour": _hour(labels).astype("int64"), "minute": _minute_pair(labels)}


def _decode_hour_sincos(output: Any) -> np.ndarray:
    pair = np.asarray(output["minute"], dtype="float64")
    return np.argmax(output["hour"], axis=1) * 60.0 + _angle(pair[:, 0], pair[:, 1]) * 60


# --- The registry: its order is the search space's order -------------------------------

_REGISTERED = (
    Representation(
        "regression",
        "(h + m/60) / 12 in [0, 1) with a circular loss: the seed's first model",
        _encode_regression,
        _decode_regression,
        _one_head(lambda keras: keras.layers.Dense(1), _circular_loss),
    ),
    Representation(
        "class24",
        "24 classes of 30 minutes",
        _encode_class24,
        _decode_class24,
        _one_head(lambda keras: keras.layers.Dense(24, activation="softmax"), _CLASS_LOSS),
    ),
    Representation(
        "class720",
        "one class per minute",
        _encode_class720,
        _decode_class720,
        _one_head(lambda keras: keras.layers.Dense(DIAL, activation="softmax"), _CLASS_LOSS),
    ),
    Representation(
        "multihead",
        "hour: 12-way softmax; minute: regression (the seed's appendix)",
        _encode_multihead,
        _decode_multihead,
        _two_heads(lambda keras: keras.layers.Dense(1, activation="softplus", name="minute")),
    ),
    Representation(
        "periodic",
        "cos(pi h / 12), cos(pi m / 60) with a cos output activation (the seed's)",
        _encode_periodic,
        _decode_periodic,
        _one_head(lambda keras: keras.layers.Dense(2, activation=keras.ops.cos), "mse"),
    ),
    Representation(
        "sincos",
        "beyond the seed: a sin/cos pair per hand, no t / -t ambiguity",
        _encode_sincos,
        _decode_sincos,
        _one_head(lambda keras: keras.layers.Dense(4), "mse"),
    ),
    Representation(
        "hour_sincos",
        "beyond the seed: hour softmax plus a minute sin/cos head",
        _encode_hour_sincos,
        _decode_hour_sincos,
        _two_heads(lambda keras: keras.layers.Dense(2, name="minute")),
    ),
    Representation(
        "dial",
        "beyond the seed: find the dial, unroll it, read the 12 and each hand as angles",
        encode_dial,
        decode_dial,
        model=dial_model,
        needs_geometry=True,
        read_turned=read_turned,
        turns=4,  # its coarse finder errs differently at each quarter turn
    ),
    Representation(
        "dial_ring",
        "beyond the seed: the dial, with the 12 found by a vote of every angle of the ring",
        encode_dial,
        decode_dial,
        model=ring_dial_model,
        needs_geometry=True,
        read_turned=read_turned,
        turns=4,
    ),
    Representation(
        "dial_heat",
        "beyond the seed: the dial, its centre found where a heat map of the image points",
        encode_dial,
        decode_dial,
        model=heat_dial_model,
        needs_geometry=True,
        read_turned=read_turned,
        turns=1,  # read at rings of centres, four turns read worse on validation clocks
    ),
    Representation(
        "dial_fine",
        "beyond the seed: dial_heat on a strip sampled at one point per pixel, then pooled",
        encode_dial,
        decode_dial,
        model=fine_dial_model,
        needs_geometry=True,
        read_turned=read_turned,
        turns=1,
    ),
    Representation(
        "dial_vote",
        "beyond the seed: dial_fine, each angle also told its sector of the dial and voting "
        "for the 12",
        encode_dial_vote,
        decode_dial_vote,
        model=vote_dial_model,
        needs_geometry=True,
        read_turned=read_turned,
        turns=1,  # four turns read the shipped reader's validation clocks worse (5.77 vs 3.75)
        dial_scales=2,  # also at 0.85 of the finder's size: short hands read better
    ),
)

REPRESENTATIONS_BY_NAME: dict[str, Representation] = {r.name: r for r in _REGISTERED}
"""Every representation by name, in the order the ``representation`` space tries them."""


def get_representation(name: str) -> Representation:
    """Return the representation called ``name``.

    Raises:
        UnknownNameError: No representation has that name.
    """
    # A model file's hyper-parameters may hold anything; only a known string is a name.
    if isinstance(name, str) and name in REPRESENTATIONS_BY_NAME:
        return REPRESENTATIONS_BY_NAME[name]
    raise UnknownNameError(
        f"Unknown clock representation {name!r}. "
        f"Known representations: {', '.join(REPRESENTATIONS_BY_NAME)}."
    )
