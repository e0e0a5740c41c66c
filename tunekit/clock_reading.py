"""Read the time on photos of analogue clocks with a clock reader, a ``.keras`` clock model.

The reader is a clock model exported by ``tunekit best --export``, or the pretrained
one shipped in the package once there is one. :func:`read_clocks` checks the reader's
info, reads and fits every image and the labels before keras is imported, so a bad
input fails at once and nothing is written; it returns one :class:`ClockReadings` with
every time and, given the true times, the errors as clock studies record them.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tunekit.clocktime import (
    format_dial_minutes,
    labels_to_minutes,
    time_cells,
    time_error,
    time_metrics,
)
from tunekit.data._npy import read_npy
from tunekit.data.clock_files import check_labels
from tunekit.data.image_files import load_images
from tunekit.errors import DataFormatError, TunekitError
from tunekit.modelfile import ModelInfo, load_model_file, read_model_info
from tunekit.predict import clock_output, decode_times

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: Where the pretrained reader lies inside the ``tunekit`` package.
PRETRAINED_READER = ("pretrained", "clock-reader.keras")
_EXPORT_HINT = "give a clock model exported by tunekit best --export"


@dataclass(frozen=True)
class ClockReadings:
    """The time read on each image, and the errors when the true times are known.

    Attributes:
        model: The reader: its file, or ``pretrained`` for the one shipped with tunekit.
        representation: How the reader encodes times (``multihead``, ``periodic``, ...);
            an ensemble's representations are joined by `` + ``.
        input_size: ``(height, width)`` every image was resized to.
        sources: Where each image came from: its file, or ``file.npy[i]``.
        minutes: Each image's time as dial minutes in ``[0, 720)``.
        true_minutes: The true times as dial minutes, or None without labels.
        metrics: The errors summarised by :func:`tunekit.clocktime.time_metrics`
            (``time_error`` is the mean), or None without labels.
        turns: Quarter turns each image was read at (a dial reader averages the views).
        centre_rings: Rings of 8 dial centres each view was also read at, around the
            one the reader's finder gives (0: its centre only).
        dial_scales: Sizes of the dial each centre was unrolled at (1: the finder's only;
            for an ensemble, the most any of its readers was read at).
    """

    model: str
    representation: str
    input_size: tuple[int, int]
    sources: tuple[str, ...]
    minutes: tuple[float, ...]
    true_minutes: tuple[int, ...] | None = None
    metrics: dict[str, float] | None = None
    turns: int = 1
    centre_rings: int = 0
    dial_scales: int = 1

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names of :attr:`rows`; ``true_time`` and ``error`` only with labels."""
        columns = ("index", "source", "time", "hour", "minute", "minutes")
        return columns if self.true_minutes is None else (*columns, "true_time", "error")

    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]:
        """One row per image, in input order; hour 0-11 as the labels hold it."""
        true = self.true_minutes
        errors = None if true is None else time_error(np.array(true), np.array(self.minutes))
        rows = []
        for index, (source, value) in enumerate(zip(self.sources, self.minutes, strict=True)):
            row: tuple[Any, ...] = (index, source, *time_cells(value))
            if true is not None and errors is not None:
                row += (format_dial_minutes(true[index]), round(float(errors[index]), 2))
            rows.append(row)
        return tuple(rows)


def pretrained_reader() -> Traversable:
    """The pretrained reader's place in the package (a file only once one is shipped)."""
    return resources.files("tunekit").joinpath(*PRETRAINED_READER)


def pretrained_reader_model() -> Any:
    """The pretrained reader, loaded uncompiled (for its weights: a start for training).

    Raises:
        TunekitError: No pretrained reader is installed with tunekit.
    """
    with _reader_file(None) as path:
        return load_model_file(path)


def read_clocks(
    inputs: Sequence[Path],
    model: Path | Sequence[Path] | None = None,
    labels: Path | None = None,
    turns: int | None = None,
    centre_rings: int | None = None,
    dial_scales: int | None = None,
) -> ClockReadings:
    """Read the time on every image of ``inputs`` with a clock reader, or several.

    Args:
        inputs: PNG/JPG files or ``.npy`` arrays of square images (see
            :func:`tunekit.data.image_files.load_images`); colour becomes grey and every
            image is resized to the reader's input.
        model: A clock model's ``.keras`` file; None for the pretrained reader. Several
            files are an ensemble: dial readers of one input size (of any dial
            representation), each read as alone, whose angle distributions are averaged
            and read as one.
        labels: A ``.npy`` file of the true times, ``(N, 2)`` [hour 0-23, minute 0-59],
            one per image in order; hours are read modulo 12.
        turns: Quarter turns to read each image at, 1-4 (a dial reader averages what the
            views say); None: the reader's default (``reading_turns``), and for an
            ensemble the most any of its readers reads at.
        centre_rings: Rings of 8 dial centres to read each view at around the one a dial
            reader finds, 0 to 2; None: 2 for a dial reader (17 centres), else 0.
        dial_scales: Sizes of the dial to unroll at each centre, 1 or 2 (the finder's,
            then 0.85 of it); None: the reader's default (2 for a ``dial_vote`` reader,
            else 1).

    Raises:
        TunekitError: A reader is not a clock model, or none is installed, or it gave
            no time for an image (its output is not a number), or it cannot read
            ``turns``, ``centre_rings`` or ``dial_scales`` views, or several readers
            cannot be averaged.
        DataNotFoundError: An input or the labels file does not exist.
        DataFormatError: An input is not an image or array of images, or the labels are
            not one valid [hour, minute] per image.
    """
    from tunekit.hypermodels.clock import (
        reading_centre_rings,
        reading_dial_scales,
        reading_turns,
    )
    from tunekit.hypermodels.dial_decoding import mean_distributions

    models = _model_files(model)
    with contextlib.ExitStack() as files:
        paths = [files.enter_context(_reader_file(m)) for m in models]
        infos = [reader_info(path) for path in paths]
        info = _ensemble_info(paths, infos)
        # Every reader is read at the same views: the most any reads at by default.
        views = max(reading_turns(str(i.representation), turns) for i in infos)
        size = (int(info.input_shape[0]), int(info.input_shape[1]))
        images, sources = load_images(inputs, size)
        true = None if labels is None else _read_labels(Path(labels), len(images))
        outputs, scales_read = [], []
        for path, own_info in zip(paths, infos, strict=True):
            reader = load_model_file(path)
            rings = reading_centre_rings(reader, centre_rings)
            sizes = reading_dial_scales(str(own_info.representation), reader, dial_scales)
            scales_read.append(sizes)
            outputs.append(clock_output(reader, images, own_info, views, rings, sizes))
    output = outputs[0] if len(outputs) == 1 else mean_distributions(outputs)
    minutes = decode_times(str(info.representation), output, sources)
    return ClockReadings(
        model=" + ".join("pretrained" if m is None else str(m) for m in models),
        representation=" + ".join(dict.fromkeys(str(i.representation) for i in infos)),
        input_size=size,
        turns=views,
        centre_rings=rings,
        dial_scales=max(scales_read),
        sources=sources,
        minutes=tuple(minutes.tolist()),
        true_minutes=None if true is None else tuple(true.tolist()),
        metrics=None if true is None else time_metrics(true, minutes),
    )


def _model_files(model: Path | Sequence[Path] | None) -> list[Path | None]:
    """The readers to read with: ``[None]`` (the pretrained one) for None or none given."""
    if model is None or isinstance(model, str | Path):
        return [None if model is None else Path(model)]
    return [Path(m) for m in model] or [None]


def _ensemble_info(paths: Sequence[Path], infos: Sequence[ModelInfo]) -> ModelInfo:
    """The readers' common info: several must be dial readers, of any dial representation
    (each gives the same three angle distributions, which average), of one input size.

    Raises:
        TunekitError: Several are given and one is not a dial reader, or their sizes differ.
    """
    from tunekit.hypermodels.clock import averages_readers

    first = infos[0]
    if len(infos) == 1:
        return first
    for path, info in zip(paths, infos, strict=True):
        if not averages_readers(str(info.representation)):
            raise TunekitError(
                f"{path} is a {info.representation} reader, which cannot be averaged: only "
                "dial readers, whose outputs are angle distributions, read as an ensemble; "
                "give it alone as --model."
            )
        if info.input_shape[:2] != first.input_shape[:2]:
            raise TunekitError(
                f"{path} is a reader of {_size(info)} images, {paths[0]} one of "
                f"{_size(first)}: several --model files are averaged, so give readers of "
                "one input size."
            )
    return first


def _size(info: ModelInfo) -> str:
    return f"{info.input_shape[0]}x{info.input_shape[1]}"


@contextlib.contextmanager
def _reader_file(model: Path | None) -> Iterator[Path]:
    """The reader's file on disk: ``model``, or the pretrained one (extracted if zipped)."""
    if model is not None:
        yield Path(model)
        return
    resource = pretrained_reader()
    if not resource.is_file():
        raise TunekitError(
            "No pretrained clock reader is installed with tunekit; pass --model FILE.keras, "
            "a clock model exported by tunekit best --export."
        )
    with resources.as_file(resource) as path:
        yield path


def reader_info(path: Path) -> ModelInfo:
    """The tunekit info of a clock reader's ``.keras`` file, read without keras.

    Raises:
        TunekitError: The file is missing, not a ``.keras`` file, has no tunekit info,
            or holds a model of another family.
    """
    path = Path(path)
    if not path.is_file():
        raise TunekitError(f"{path} does not exist; {_EXPORT_HINT}.")
    if not zipfile.is_zipfile(path):
        raise TunekitError(f"{path} is not a Keras model file; {_EXPORT_HINT}.")
    info = read_model_info(path)
    if info is None:
        raise TunekitError(f"{path} is a Keras file without tunekit's model info; {_EXPORT_HINT}.")
    if info.family != "clock" or info.representation is None:
        raise TunekitError(f"{path} is a {info.family} model, not a clock reader; {_EXPORT_HINT}.")
    shape = info.input_shape
    if len(shape) < 2 or not all(isinstance(d, int) and d > 0 for d in shape[:2]):
        raise TunekitError(f"{path} has no image input size in its tunekit info; {_EXPORT_HINT}.")
    return info


def _read_labels(path: Path, count: int) -> np.ndarray:
    """The labels as whole dial minutes, one per image."""
    labels = check_labels(read_npy(path, "the labels"), path, max_hour=23)
    if len(labels) != count:
        raise DataFormatError(
            f"{path} holds {len(labels)} labels but {count} images were given; give one "
            "[hour, minute] per image, in the same order"
        )
    return labels_to_minutes(labels)
