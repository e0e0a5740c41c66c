"""Predict with an exported model: classes and probabilities, or the times on clocks.

``predict_file`` checks the input against the model before it predicts, and the
table is written whole or not at all (``tunekit.records.atomic.write_csv_atomic``),
so a bad input leaves no file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tunekit.clocktime import DIAL, time_cells
from tunekit.errors import TunekitError
from tunekit.modelfile import ModelInfo, load_model_file, read_model_info

_BATCH = 256  # prediction batch size: changes no result, bounds memory


@dataclass(frozen=True)
class Predictions:
    """A model's predictions as a table, one row per input image.

    Attributes:
        kind: ``classes`` (class, label, probabilities) or ``times`` (clock readings).
        columns: Column names.
        rows: One tuple of values per image, in input order.
    """

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def load_inputs(path: Path, input_shape: tuple[int | None, ...]) -> np.ndarray:
    """Read a ``.npy`` array of images and check it against the model's input.

    A single image (the model's input shape) counts as a batch of one.

    Raises:
        TunekitError: The file is missing, not a numeric ``.npy`` array, or of
            another shape than the model takes; the message names the file.
    """
    path = Path(path)
    try:
        x = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise TunekitError(f"{path} does not exist; give a .npy file of images.") from None
    except (OSError, ValueError) as exc:
        raise TunekitError(f"{path} is not a .npy array ({exc}).") from None
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        raise TunekitError(f"{path} holds {x.dtype} values; it must hold numbers (pixels).")
    expected = tuple(input_shape[1:])
    if x.shape == expected:
        x = x[None]
    if x.ndim != len(expected) + 1 or any(
        want is not None and got != want for got, want in zip(x.shape[1:], expected, strict=True)
    ):
        wanted = " x ".join("N" if d is None else str(d) for d in (None, *expected))
        raise TunekitError(
            f"{path} holds an array of shape {x.shape}, but the model takes images of shape "
            f"{expected}: give an array of shape {wanted}."
        )
    return x


def prepare_inputs(x: np.ndarray, info: ModelInfo | None) -> np.ndarray:
    """Turn images as saved into what the model was trained on.

    uint8 pixels are scaled to [0, 1] for the models trained on scaled pixels, and
    a study with ``--permute`` had its pixels permuted: the same order is applied.
    """
    if info is None:
        return x
    if info.scaled and x.dtype == np.uint8:
        x = x.astype(np.float32) / 255.0
    if info.permute is not None:
        from tunekit.data import permute_pixels, pixel_permutation

        x = permute_pixels(x, pixel_permutation(int(info.permute), math.prod(x.shape[1:])))
    return x


def model_output(model: Any, x: np.ndarray, info: ModelInfo | None) -> Any:
    """The model's raw output for images as saved: prepared, then predicted in batches."""
    return model.predict(prepare_inputs(x, info), batch_size=_BATCH, verbose=0)


def clock_output(
    model: Any,
    x: np.ndarray,
    info: ModelInfo,
    turns: int | None = None,
    centre_rings: int | None = None,
    dial_scales: int | None = None,
) -> Any:
    """A clock model's raw output for images as saved, read at ``turns`` quarter turns,
    ``centre_rings`` rings of dial centres and ``dial_scales`` sizes of the dial
    (``tunekit.hypermodels.clock.read_output``; None: the model's defaults)."""
    from tunekit.hypermodels.clock import read_output

    return read_output(
        str(info.representation),
        model,
        prepare_inputs(x, info),
        turns,
        centre_rings,
        dial_scales,
    )


def decode_times(
    representation: str, output: Any, sources: Sequence[str] | None = None
) -> np.ndarray:
    """A clock model's output as dial minutes in ``[0, 720)``, one per image.

    Args:
        representation: How the model encodes times (``multihead``, ...).
        output: The model's raw output.
        sources: Where each image came from, to name the image a message is about.

    Raises:
        TunekitError: The model gave no finite time for an image, as a model whose
            training diverged does.
    """
    from tunekit.hypermodels.clock import decode

    minutes = np.asarray(decode(representation, output), dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(minutes))
    if bad.size:
        index = int(bad[0])
        where = f" ({sources[index]})" if sources is not None else ""
        raise TunekitError(
            f"The model gave no time for image {index}{where}: its output is not a number, "
            "as a diverged model's is; use a model that trained to a finite loss."
        )
    return np.mod(minutes, float(DIAL))


def _clock_rows(minutes: np.ndarray) -> tuple[tuple[Any, ...], ...]:
    return tuple((index, *time_cells(value)) for index, value in enumerate(minutes))


def _class_rows(output: np.ndarray, names: list[str]) -> tuple[tuple[Any, ...], ...]:
    rows = []
    for index, scores in enumerate(output):
        best = int(np.argmax(scores))
        label = names[best] if best < len(names) else str(best)
        probabilities = tuple(round(float(s), 6) for s in scores)
        rows.append((index, best, label, probabilities[best], *probabilities))
    return tuple(rows)


def predictions_of(output: Any, info: ModelInfo | None) -> Predictions:
    """Turn a model's raw output into a table: clock times, or classes and probabilities.

    Raises:
        TunekitError: The output is neither a clock's nor a classifier's, or a clock
            model gave no time for an image.
    """
    if info is not None and info.representation is not None:
        columns = ("index", "time", "hour", "minute", "minutes")
        return Predictions("times", columns, _clock_rows(decode_times(info.representation, output)))
    output = np.asarray(output) if not isinstance(output, (dict, list)) else output
    if not isinstance(output, np.ndarray) or output.ndim != 2:
        raise TunekitError(
            "The model's output is not one row of class scores per image; tunekit predict "
            "reads classifiers and tunekit's clock models only."
        )
    names = list(info.class_names) if info is not None else []
    columns = ("index", "class", "label", "probability")
    columns += tuple(f"p_{k}" for k in range(output.shape[1]))
    return Predictions("classes", columns, _class_rows(output, names))


def predict_file(model_path: Path, input_path: Path) -> Predictions:
    """Predict every image of a ``.npy`` file with a ``.keras`` model.

    Raises:
        TunekitError: The model or the input cannot be read, or the input's shape is
            not the model's.
    """
    model = load_model_file(model_path)
    x = load_inputs(input_path, tuple(model.input_shape))
    info = read_model_info(model_path)
    is_clock = info is not None and info.representation is not None
    output = clock_output(model, x, info) if is_clock else model_output(model, x, info)
    return predictions_of(output, info)
