"""Telling the time from an analogue clock (the seed's task 3), in every label representation.

Each representation (``clock_representations``) encodes the [hour, minute] label
differently and decodes the model's output back to minutes on the 12-hour dial, so
every representation is scored on the same footing: the "common-sense" error, the
circular difference in minutes (11:55 against 0:05 is 10 minutes).

The ``seed`` backbone is the convolutional base from the seed report's appendix; the
``bn`` backbone adds batch normalisation and a deeper, narrower stack, which the seed's
network lacks (it stays at chance on fully rotated clocks).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL, labels_to_minutes, time_error, time_metrics
from tunekit.errors import InvalidConfigError
from tunekit.hypermodels._checks import (
    MODEL_FILE_SUFFIX,
    Check,
    Choice,
    ChoiceOrFile,
    Real,
    Whole,
)
from tunekit.hypermodels._family import DataShape, Family, Space
from tunekit.hypermodels.clock_representations import REPRESENTATIONS_BY_NAME, get_representation
from tunekit.hypermodels.dial_decoding import QUARTER_TURNS

_FINAL_RATE = 0.02  # where the cosine decay ends, as a share of the first rate

#: The representations' names, in the order the ``representation`` space tries them.
REPRESENTATIONS = tuple(REPRESENTATIONS_BY_NAME)

#: How the learning rate moves over the epochs (``learning_rate_at``).
LEARNING_RATE_DECAYS = ("none", "cosine")
#: Where the weights start: at random, or at the reader shipped with tunekit, whose
#: batch-normalisation layers either keep learning their statistics or keep the reader's
#: (``pretrained_frozen_norm``: they run in inference mode, as Keras advises for fine-tuning).
#: A ``start`` may also be a clock reader's ``.keras`` file, whose weights the model takes
#: as it takes the shipped reader's.
STARTS = ("scratch", "pretrained", "pretrained_frozen_norm")
#: Training images as drawn, or half of them blurred, each by its own amount, as an
#: out-of-focus camera would (:mod:`tunekit.data.defocus`).
TRAINING_BLURS = ("none", "defocus")

REFERENCE: dict[str, Any] = {
    "representation": "multihead",  # the seed's best (about 5 minutes mean error)
    "backbone": "seed",  # the appendix's convolutional base
    "learning_rate": 0.001,  # Adam's default
    "learning_rate_decay": "none",  # the seed's: one rate throughout
    "batch_size": 64,
    "training_clocks": "fixed",  # the seed's: one fixed training split
    "training_blur": "none",  # the images as drawn
    "start": "scratch",  # random weights, as the seed's
}

#: The representation of the reader shipped with tunekit (``tunekit/pretrained/``), the
#: network a ``pretrained`` start must have.
SHIPPED_REPRESENTATION = "dial_vote"

#: The reference for a course's fixed files (``--data-dir``), where no new clock can be
#: drawn: the shipped reader, which already finds the dial, its 12 and hands on clocks
#: in general, learns the files' clocks, each image turned anew every epoch (a turned
#: clock keeps its time), at a quarter of its own learning rate, decaying.
FILES_REFERENCE: dict[str, Any] = {
    "representation": SHIPPED_REPRESENTATION,
    "training_clocks": "turned",
    "start": "pretrained",
    "learning_rate": 0.0005,
    "learning_rate_decay": "cosine",
}


def data_reference(data_spec: Any) -> dict[str, Any]:
    """``FILES_REFERENCE`` for clocks read from files; nothing to change for generated ones."""
    return FILES_REFERENCE if getattr(data_spec, "data_dir", None) is not None else {}


_SPACES = (
    Space("representation", "representation", REPRESENTATIONS,
          "how the time is encoded as a target and decoded back to minutes"),
    Space("backbone", "backbone", ("seed", "bn"),
          "convolutional base: the seed's, or a deeper one with batch normalisation"),
    Space("learning_rate", "learning_rate", (0.0003, 0.001, 0.003), "Adam learning rate"),
    Space("learning_rate_decay", "learning_rate_decay", LEARNING_RATE_DECAYS,
          "the rate throughout, or a cosine from it down to 2% of it at the last epoch"),
    Space("batch_size", "batch_size", (32, 64, 128), "mini-batch size"),
    Space("training_clocks", "training_clocks", ("fixed", "fresh", "curriculum", "turned"),
          "training images: the fixed split, a new set each epoch, new sets turned from "
          "upright to any angle over the first half of the epochs (these two: generated "
          "clocks only), or the fixed split with each image turned anew each epoch"),
    Space("training_blur", "training_blur", TRAINING_BLURS,
          "training images as drawn, or half of them blurred by a Gaussian of 0.5-3 px at "
          "128 px, as a camera out of focus (needs training_clocks fresh, curriculum or "
          "turned)"),
    Space("start", "start", STARTS,
          f"random weights, or the reader shipped with tunekit (representation="
          f"{SHIPPED_REPRESENTATION}), "
          "which then learns the clocks at hand (pretrained_frozen_norm: its batch "
          "normalisation keeps the reader's statistics); or FILE.keras, a reader of the "
          "same network exported by tunekit best --export"),
)  # fmt: skip


CHECKS: dict[str, Check] = {
    "representation": Choice(REPRESENTATIONS),
    "backbone": Choice(("seed", "bn")),
    "learning_rate": Real(0.0, 10.0),
    "learning_rate_decay": Choice(LEARNING_RATE_DECAYS),
    "batch_size": Whole(1),
    "training_clocks": Choice(("fixed", "fresh", "curriculum", "turned")),
    "training_blur": Choice(TRAINING_BLURS),
    "start": ChoiceOrFile(
        STARTS, MODEL_FILE_SUFFIX, "a clock reader's FILE.keras (tunekit best --export)"
    ),
}


def encode(representation: str, labels: np.ndarray, geometry: Any = None) -> Any:
    """Encode ``(N, 2)`` [hour, minute] labels as ``representation``'s targets.

    ``geometry`` (a ``DialGeometry`` of generated clocks) serves the representations that
    use it; the others ignore it.
    """
    return get_representation(representation).targets(np.asarray(labels), geometry)


def decode(representation: str, output: Any) -> np.ndarray:
    """Turn a model's predictions back into minutes on the dial (floats in [0, 720))."""
    return get_representation(representation).decode(output)


def reading_turns(representation: str, turns: int | None = None) -> int:
    """The quarter turns ``read_output`` reads each clock at: ``turns``, checked, or for
    None the representation's default (4 for ``dial`` and ``dial_ring``, whose coarse
    finder errs differently at each turn; 1 for ``dial_heat`` and ``dial_fine`` and for
    representations whose output does not turn with the clock).

    Raises:
        InvalidConfigError: ``turns`` is not 1-4, or above 1 for a representation whose
            output does not turn with the clock.
    """
    registered = get_representation(representation)
    turning = registered.read_turned is not None
    if turns is None:
        return registered.turns
    if not (isinstance(turns, int) and 1 <= turns <= QUARTER_TURNS):
        raise InvalidConfigError(f"turns must be 1 to {QUARTER_TURNS} quarter turns, not {turns}.")
    if turns > 1 and not turning:
        raise InvalidConfigError(
            f"turns={turns} needs a dial reader: the {representation} representation's "
            "output does not turn with the clock, so it is read once (turns=1)."
        )
    return turns


def reading_centre_rings(model: Any, rings: int | None = None) -> int:
    """The rings of dial centres ``read_output`` reads a dial model at around its
    finder's centre (``dial_views``): ``rings``, checked, or for None all of
    ``CENTRE_RINGS`` where the model unrolls a dial, else 0.

    Raises:
        InvalidConfigError: ``rings`` is out of range, or above 0 for a model that
            unrolls no dial.
    """
    from tunekit.hypermodels.dial_views import CENTRE_RINGS, has_dial

    dial = has_dial(model)
    if rings is None:
        return CENTRE_RINGS if dial else 0
    if not (isinstance(rings, int) and 0 <= rings <= CENTRE_RINGS):
        raise InvalidConfigError(
            f"centre_rings must be 0 to {CENTRE_RINGS} rings of dial centres, not {rings}."
        )
    if rings and not dial:
        raise InvalidConfigError(
            f"centre_rings={rings} needs a dial reader: this model does not unroll a dial "
            "around a centre it finds, so it is read at its own view only (centre_rings=0)."
        )
    return rings


def reading_dial_scales(representation: str, model: Any, scales: int | None = None) -> int:
    """The sizes of the unrolled dial ``read_output`` reads a dial model at (the first of
    ``dial_views.DIAL_SCALES``): ``scales``, checked, or for None the representation's
    default where the model unrolls a dial (2 for ``dial_vote``), else 1.

    Raises:
        InvalidConfigError: ``scales`` is out of range, or above 1 for a model that
            unrolls no dial.
    """
    from tunekit.hypermodels.dial_views import DIAL_SCALES, has_dial

    dial = has_dial(model)
    if scales is None:
        return get_representation(representation).dial_scales if dial else 1
    if not (isinstance(scales, int) and 1 <= scales <= len(DIAL_SCALES)):
        raise InvalidConfigError(
            f"dial_scales must be 1 to {len(DIAL_SCALES)} sizes of the dial, not {scales}."
        )
    if scales > 1 and not dial:
        raise InvalidConfigError(
            f"dial_scales={scales} needs a dial reader: this model does not unroll a dial "
            "it finds, so it is read at its own view only (dial_scales=1)."
        )
    return scales


def read_output(
    representation: str,
    model: Any,
    images: np.ndarray,
    turns: int | None = None,
    centre_rings: int | None = None,
    dial_scales: int | None = None,
) -> Any:
    """A clock model's output for ``images``, read at several views and averaged.

    A dial reader reads each image at its finder's dial centre and at rings of centres
    around it, each with the dial unrolled at one or more sizes
    (``dial_views.centred_predict``), and, for ``turns`` above 1, also turned by 90, 180
    and 270 degrees (``dial_decoding.read_turned``): the views fail on different clocks,
    and the average of their angle distributions is read as one. ``decode`` turns the
    result into times.

    Args:
        representation: The model's representation.
        model: The Keras model.
        images: The clocks, as the model takes them.
        turns: Quarter turns to average, 1-4; None: ``reading_turns``'s default.
        centre_rings: Rings of 8 dial centres around the finder's, 0 to
            ``CENTRE_RINGS``; None: ``reading_centre_rings``'s default.
        dial_scales: Sizes of the dial to unroll, 1 or 2; None:
            ``reading_dial_scales``'s default.

    Raises:
        InvalidConfigError: ``turns``, ``centre_rings`` or ``dial_scales`` is not one
            this model allows.
    """
    views = reading_turns(representation, turns)
    rings = reading_centre_rings(model, centre_rings)
    sizes = reading_dial_scales(representation, model, dial_scales)
    read_turned = get_representation(representation).read_turned
    if read_turned is None:
        return _predict(model, images)
    if rings or sizes > 1:
        from tunekit.hypermodels.dial_views import centre_offsets, centred_predict, read_scales

        predict = centred_predict(model, centre_offsets(rings), read_scales(sizes))
    else:
        predict = functools.partial(_predict, model)
    return read_turned(predict, images, views)


def averages_readers(representation: str) -> bool:
    """Whether readers of ``representation`` can be averaged
    (``dial_decoding.mean_distributions``): a dial reader's output is three angle
    distributions, which average as its views do."""
    return get_representation(representation).read_turned is not None


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


def build_clock(values: Mapping[str, Any], shape: DataShape) -> Any:
    """Build and compile the clock reader that ``values`` describe."""
    import keras

    representation = get_representation(values["representation"])
    inputs = keras.Input(shape=shape.input_shape[:2])
    if representation.model is not None:  # a network of its own: no backbone
        outputs, loss = representation.model(keras, inputs, int(shape.input_shape[0]))
    else:
        pixels = keras.layers.Reshape((*shape.input_shape[:2], 1))(inputs)
        features = _backbone(keras, pixels, values["backbone"])
        outputs, loss = representation.head(keras, features)
    model = keras.Model(inputs, outputs)
    start = values.get("start", "scratch")
    if start != "scratch":
        start_from_reader(model, start)
    model.compile(optimizer=keras.optimizers.Adam(values["learning_rate"]), loss=loss)
    return model


def start_from_reader(model: Any, start: str) -> None:
    """Give ``model`` the weights of the reader ``start`` names: the one shipped with
    tunekit (``pretrained``, ``pretrained_frozen_norm``) or a ``.keras`` file.

    With ``pretrained_frozen_norm``, every batch-normalisation layer is made untrainable,
    which in Keras 3 also runs it in inference mode: it keeps the reader's statistics and
    scales instead of re-estimating them from the clocks at hand.

    Raises:
        InvalidConfigError: ``model`` is not built as the reader is (another
            representation or input size), or the reader is not installed or not a
            Keras model file.
    """
    from tunekit.clock_reading import pretrained_reader_model
    from tunekit.errors import TunekitError
    from tunekit.modelfile import load_model_file

    from_file = start.endswith(MODEL_FILE_SUFFIX)
    try:
        reader = load_model_file(Path(start)) if from_file else pretrained_reader_model()
    except TunekitError as exc:
        raise InvalidConfigError(f"start={start}: {exc}") from None
    if [w.shape for w in model.weights] != [w.shape for w in reader.weights]:
        network = (
            "the network of that reader"
            if from_file
            else f"the shipped reader's network (representation={SHIPPED_REPRESENTATION})"
        )
        raise InvalidConfigError(
            f"start={start} needs {network} and its image size; this model's weights have "
            "other shapes."
        )
    model.set_weights(reader.get_weights())
    if start == "pretrained_frozen_norm":
        import keras

        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False


def _predict(model: Any, x: np.ndarray) -> Any:
    return model.predict(x, batch_size=256, verbose=0)


def learning_rate_at(epoch: int, epochs: int, rate: float, decay: str) -> float:
    """The learning rate of 0-based ``epoch`` of ``epochs``.

    "cosine" falls from ``rate`` at the first epoch to 2% of it at the last, along half a
    cosine; with early stopping the fall is still planned over ``epochs``.
    """
    if decay == "none" or epochs <= 1:
        return rate
    progress = min(max(epoch / (epochs - 1), 0.0), 1.0)
    return rate * (_FINAL_RATE + (1 - _FINAL_RATE) * 0.5 * (1 + math.cos(math.pi * progress)))


def clock_callbacks(values: Mapping[str, Any], x_val: Any, y_val: Any, epochs: int) -> list[Any]:
    """Callbacks that add ``val_time_error`` (mean minutes) to every epoch's logs and,
    with ``learning_rate_decay``, set each epoch's learning rate."""
    import keras

    representation, true = values["representation"], labels_to_minutes(y_val)

    class _TimeError(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            if logs is not None:
                pred = decode(representation, _predict(self.model, x_val))
                logs["val_time_error"] = float(time_error(true, pred).mean())

    callbacks: list[Any] = [_TimeError()]
    decay = values.get("learning_rate_decay", "none")
    if decay != "none":
        rate = float(values["learning_rate"])
        callbacks.append(
            keras.callbacks.LearningRateScheduler(
                lambda epoch, _now: learning_rate_at(epoch, epochs, rate, decay)
            )
        )
    return callbacks


def evaluate_clock(
    model: Any, values: Mapping[str, Any], x: Any, y: Any
) -> tuple[dict[str, float], dict[str, Any]]:
    """Test metrics decoded to times, and every test image's error for the report.

    The test clocks are read as ``tunekit clocks read`` reads them (``read_output``: a dial
    reader at its own quarter turns, 17 dial centres and dial sizes); validation clocks,
    read every epoch, once.
    """
    true = labels_to_minutes(y)
    representation = values["representation"]
    output = read_output(representation, model, np.asarray(x))
    pred = decode(representation, output)
    extra = {
        "true_minutes": true.astype(int).tolist(),
        "pred_minutes": np.round(np.mod(pred, DIAL), 2).tolist(),
    }
    return time_metrics(true, pred), extra


def fresh_training_clocks(
    values: Mapping[str, Any], data: Any, epochs: int, initial_epoch: int, seed: int
) -> Any:
    """A new training set each epoch, unless ``training_clocks`` is "fixed".

    With ``training_blur`` "defocus", half of each set's images are blurred. "turned"
    needs only the training split, so it serves the course's files too; its angles are
    seeded with the data seed and the training's ``seed``. New clocks are drawn with both
    as well: a reader that starts from trained weights would otherwise train the same way
    under every seed, and its repeats would show no noise.
    """
    kind = values["training_clocks"]
    blur = values.get("training_blur", "none") == "defocus"
    if kind == "fixed":
        if blur:
            raise InvalidConfigError(
                "training_blur=defocus blurs the new images of each epoch, and "
                "training_clocks=fixed makes none (use fresh, curriculum or turned)."
            )
        return None
    if kind == "turned":
        from tunekit.data.fresh_clocks import TurnedClocks

        return TurnedClocks(
            data.train.x,
            data.train.y,
            lambda labels: encode(values["representation"], labels),
            int(values["batch_size"]),
            seed=(int(getattr(data, "info", {}).get("seed", 0)), seed),
            first_epoch=initial_epoch,
            blur=blur,
        )
    if getattr(data, "recipe", None) is None:
        why = (
            "a new set would show the viewpoints held out for testing"
            if getattr(data, "info", {}).get("split") == "viewpoint"
            else "the course's files cannot make new images"
        )
        raise InvalidConfigError(
            f"training_clocks={kind} cannot draw new clocks here: {why} "
            "(use training_clocks=fixed or turned)."
        )
    from tunekit.data.fresh_clocks import FreshClocks, curriculum_rotation

    def max_rotation(epoch: int) -> float:
        return curriculum_rotation(epoch, epochs) if kind == "curriculum" else 180.0

    representation = values["representation"]
    return FreshClocks(
        data.recipe,
        lambda labels, geometry=None: encode(representation, labels, geometry),
        int(values["batch_size"]),
        max_rotation,
        first_epoch=initial_epoch,
        geometry=get_representation(representation).needs_geometry,
        training_seed=seed,
        blur=blur,
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
    callbacks=clock_callbacks,
    evaluate=evaluate_clock,
    worst_score=360.0,
    dataset="clock",
    train_data=fresh_training_clocks,
    checks=CHECKS,
    data_reference=data_reference,
    # The two-headed representations also log each head's loss.
    metrics=("val_time_error", "val_loss", "val_hour_loss", "val_minute_loss"),
)
