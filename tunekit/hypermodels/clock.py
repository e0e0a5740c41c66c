"""Telling the time from an analogue clock (the seed's task 3), in every label representation.

Each representation encodes the [hour, minute] label differently and decodes the
model's output back to minutes on the 12-hour dial, so every representation is
scored on the same footing: the "common-sense" error, the circular difference in
minutes (11:55 against 0:05 is 10 minutes).

The ``seed`` backbone is the convolutional base from the seed report's appendix; the
``bn`` backbone adds batch normalisation and a deeper, narrower stack, which the seed's
network lacks (it stays at chance on fully rotated clocks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL, labels_to_minutes, time_error, time_metrics
from tunekit.errors import InvalidConfigError
from tunekit.hypermodels._checks import Check, Choice, Real, Whole
from tunekit.hypermodels._family import DataShape, Family, Space

REPRESENTATIONS = (
    "regression",  # (h + m/60) / 12 in [0, 1), circular loss: the seed's first model
    "class24",  # 24 classes of 30 minutes
    "class720",  # one class per minute
    "multihead",  # hour: 12-way softmax; minute: regression (the seed's appendix)
    "periodic",  # cos(pi h / 12), cos(pi m / 60) with a cos output activation (the seed's)
    "sincos",  # beyond the seed: a sin/cos pair per hand, no t / -t ambiguity
    "hour_sincos",  # beyond the seed: hour softmax plus a minute sin/cos head
)

REFERENCE: dict[str, Any] = {
    "representation": "multihead",  # the seed's best (about 5 minutes mean error)
    "backbone": "seed",  # the appendix's convolutional base
    "learning_rate": 0.001,  # Adam's default
    "batch_size": 64,
    "training_clocks": "fixed",  # the seed's: one fixed training split
}

_SPACES = (
    Space("representation", "representation", REPRESENTATIONS,
          "how the time is encoded as a target and decoded back to minutes"),
    Space("backbone", "backbone", ("seed", "bn"),
          "convolutional base: the seed's, or a deeper one with batch normalisation"),
    Space("learning_rate", "learning_rate", (0.0003, 0.001, 0.003), "Adam learning rate"),
    Space("batch_size", "batch_size", (32, 64, 128), "mini-batch size"),
    Space("training_clocks", "training_clocks", ("fixed", "fresh", "curriculum"),
          "training images: the fixed split, a new set each epoch, or new sets turned from "
          "upright to any angle over the first half of the epochs (generated clocks only)"),
)  # fmt: skip


CHECKS: dict[str, Check] = {
    "representation": Choice(REPRESENTATIONS),
    "backbone": Choice(("seed", "bn")),
    "learning_rate": Real(0.0, 10.0),
    "batch_size": Whole(1),
    "training_clocks": Choice(("fixed", "fresh", "curriculum")),
}


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


def encode(representation: str, labels: np.ndarray) -> Any:
    """Encode ``(N, 2)`` [hour, minute] labels as ``representation``'s targets."""
    labels = np.asarray(labels)
    hour, minute = labels[:, 0] % 12, labels[:, 1].astype("float32")
    total = labels_to_minutes(labels)
    if representation == "regression":
        return (total / DIAL).astype("float32")[:, None]
    if representation == "class24":
        return (total // 30).astype("int64")
    if representation == "class720":
        return total.astype("int64")
    if representation == "multihead":
        return {"hour": hour.astype("int64"), "minute": (minute / 60.0)[:, None]}
    if representation == "periodic":
        return np.stack(
            [np.cos(math.pi * hour / 12), np.cos(math.pi * minute / 60)], axis=1
        ).astype("float32")
    turn_h, turn_m = 2 * math.pi * total / DIAL, 2 * math.pi * minute / 60
    minute_pair = np.stack([np.sin(turn_m), np.cos(turn_m)], axis=1).astype("float32")
    if representation == "sincos":
        hour_pair = np.stack([np.sin(turn_h), np.cos(turn_h)], axis=1).astype("float32")
        return np.concatenate([hour_pair, minute_pair], axis=1)
    if representation == "hour_sincos":
        return {"hour": hour.astype("int64"), "minute": minute_pair}
    raise ValueError(f"unknown representation {representation!r}")


def decode(representation: str, output: Any) -> np.ndarray:
    """Turn a model's predictions back into minutes on the dial (floats in [0, 720))."""
    if representation == "regression":
        return np.mod(np.asarray(output)[:, 0], 1.0) * DIAL
    if representation == "class24":
        return np.argmax(output, axis=1) * 30.0 + 15.0
    if representation == "class720":
        return np.argmax(output, axis=1).astype("float64")
    if representation == "multihead":
        minute = np.clip(np.asarray(output["minute"])[:, 0], 0.0, 59.999 / 60) * 60
        return np.argmax(output["hour"], axis=1) * 60.0 + minute
    if representation == "periodic":
        out = np.clip(np.asarray(output, dtype="float64"), -1.0, 1.0)
        hour = np.arccos(out[:, 0]) * 12 / math.pi
        minute = np.arccos(out[:, 1]) * 60 / math.pi
        return np.mod(np.round(hour), 12) * 60 + minute  # the label is the whole hour
    if representation == "sincos":
        out = np.asarray(output, dtype="float64")
        minute = _angle(out[:, 2], out[:, 3]) * 60
        return _hour_and_minute(_angle(out[:, 0], out[:, 1]), minute)
    if representation == "hour_sincos":
        pair = np.asarray(output["minute"], dtype="float64")
        return np.argmax(output["hour"], axis=1) * 60.0 + _angle(pair[:, 0], pair[:, 1]) * 60
    raise ValueError(f"unknown representation {representation!r}")


def _backbone(keras: Any, inputs: Any, name: str) -> Any:
    """The convolutional base, from uint8 pixels to a flat feature vector."""
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    if name == "seed":  # the seed report's appendix, unchanged
        x = keras.layers.Conv2D(32, 3, activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(32, 3, activation="relu")(x)
        x = keras.layers.Conv2D(32, 3, activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(64, 3, activation="relu")(x)
        x = keras.layers.Conv2D(64, 1, activation="relu")(x)
        return keras.layers.Flatten()(x)
    # "bn": a strided stem, then conv-BN-ReLU blocks that halve the map each time.
    x = keras.layers.Conv2D(32, 5, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    for filters in (32, 64, 128, 192):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
        x = keras.layers.MaxPooling2D(2)(x)
    return keras.layers.Flatten()(x)


def _dense(keras: Any, x: Any, layers: int, dropout_after: int | None = None) -> Any:
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


def build_clock(values: Mapping[str, Any], shape: DataShape) -> Any:
    """Build and compile the clock reader that ``values`` describe."""
    import keras

    representation = values["representation"]
    inputs = keras.Input(shape=shape.input_shape[:2])
    pixels = keras.layers.Reshape((*shape.input_shape[:2], 1))(inputs)
    features = _backbone(keras, pixels, values["backbone"])
    if representation in ("multihead", "hour_sincos"):
        hour = _dense(keras, features, 2, dropout_after=0)
        hour = keras.layers.Dense(12, activation="softmax", name="hour")(hour)
        minute = _dense(keras, features, 4, dropout_after=2)
        minute = (
            keras.layers.Dense(1, activation="softplus", name="minute")(minute)
            if representation == "multihead"
            else keras.layers.Dense(2, name="minute")(minute)
        )
        outputs: Any = {"hour": hour, "minute": minute}
        loss: Any = {"hour": "sparse_categorical_crossentropy", "minute": "mse"}
    else:
        head = _dense(keras, features, 2, dropout_after=0)
        outputs, loss = _single_head(keras, head, representation)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(values["learning_rate"]), loss=loss)
    return model


def _single_head(keras: Any, head: Any, representation: str) -> tuple[Any, Any]:
    if representation == "regression":
        return keras.layers.Dense(1)(head), _circular_loss
    if representation in ("class24", "class720"):
        classes = 24 if representation == "class24" else DIAL
        return keras.layers.Dense(classes, activation="softmax")(head), (
            "sparse_categorical_crossentropy"
        )
    if representation == "periodic":
        return keras.layers.Dense(2, activation=keras.ops.cos)(head), "mse"
    return keras.layers.Dense(4)(head), "mse"  # sincos


def _predict(model: Any, x: np.ndarray) -> Any:
    return model.predict(x, batch_size=256, verbose=0)


def time_error_callback(values: Mapping[str, Any], x_val: Any, y_val: Any) -> list[Any]:
    """A callback that adds ``val_time_error`` (mean minutes) to every epoch's logs."""
    import keras

    representation, true = values["representation"], labels_to_minutes(y_val)

    class _TimeError(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            if logs is not None:
                pred = decode(representation, _predict(self.model, x_val))
                logs["val_time_error"] = float(time_error(true, pred).mean())

    return [_TimeError()]


def evaluate_clock(
    model: Any, values: Mapping[str, Any], x: Any, y: Any
) -> tuple[dict[str, float], dict[str, Any]]:
    """Test metrics decoded to times, and every test image's error for the report."""
    true = labels_to_minutes(y)
    pred = decode(values["representation"], _predict(model, x))
    extra = {
        "true_minutes": true.astype(int).tolist(),
        "pred_minutes": np.round(np.mod(pred, DIAL), 2).tolist(),
    }
    return time_metrics(true, pred), extra


def fresh_training_clocks(
    values: Mapping[str, Any], data: Any, epochs: int, initial_epoch: int
) -> Any:
    """A new training set each epoch, unless ``training_clocks`` is "fixed"."""
    kind = values["training_clocks"]
    if kind == "fixed":
        return None
    if getattr(data, "recipe", None) is None:
        raise InvalidConfigError(
            f"training_clocks={kind} needs generated clocks; the course's files cannot "
            "make new images (use training_clocks=fixed)."
        )
    from tunekit.data.fresh_clocks import FreshClocks, curriculum_rotation

    def max_rotation(epoch: int) -> float:
        return curriculum_rotation(epoch, epochs) if kind == "curriculum" else 180.0

    return FreshClocks(
        data.recipe,
        lambda labels: encode(values["representation"], labels),
        int(values["batch_size"]),
        max_rotation,
        first_epoch=initial_epoch,
    )


CLOCK = Family(
    name="clock",
    description="a CNN that reads the time from an analogue clock, the seed's task 3",
    reference=REFERENCE,
    spaces={space.name: space for space in _SPACES},
    build=build_clock,
    prepare_targets=lambda values, y, num_classes: encode(values["representation"], y),
    batch_size=lambda values: int(values["batch_size"]),
    objective="val_time_error",
    aliases={"representations": "representation", "lr": "learning_rate"},
    callbacks=time_error_callback,
    evaluate=evaluate_clock,
    worst_score=360.0,
    dataset="clock",
    train_data=fresh_training_clocks,
    checks=CHECKS,
    # The two-headed representations also log each head's loss.
    metrics=("val_time_error", "val_loss", "val_hour_loss", "val_minute_loss"),
)
