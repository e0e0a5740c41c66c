"""The course's clock files (``images.npy``, ``labels.npy``), checks, and a seeded split.

The course data set is 18,000 grayscale 150x150 photos of one wall clock with labels
[hour 0-11, minute 0-59], stored sorted by time. It is not public; :func:`make_clock_data`
builds a synthetic stand-in with the same layout from :mod:`tunekit.data.clocks`.

The split shuffles the images into train, validation and test parts, or, for clocks
seen from a few fixed viewpoints (the ``course`` style), holds whole viewpoints out, so
that the test tells reading a clock from remembering how each viewpoint looks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunekit.config import ClockSplit
from tunekit.data._npy import pixels_as_uint8, read_npy
from tunekit.data.clocks import (
    FULL,
    STYLE_PRESETS,
    ClockStyle,
    clock_style,
    clock_viewpoints,
    generate_clocks,
)
from tunekit.errors import DataFormatError, DataNotFoundError

IMAGES_FILE = "images.npy"
LABELS_FILE = "labels.npy"


@dataclass(frozen=True, eq=False)
class ClockData:
    """A clock data set split into train, validation and test parts.

    Attributes:
        train: ``(images, labels)``; images (N, S, S) uint8, labels (N, 2) [hour, minute].
        val: Validation part, taken from the training part.
        test: Test part.
        fingerprint: 16 hex digits of sha256 over the data and the split parameters; equal
            fingerprints mean the same images in the same parts.
        test_fraction: Share of all images in the test part.
        validation_fraction: Share of the non-test images in the validation part.
        seed: Seed of the shuffle before splitting.
        source: Where the images came from, for reports.
        split: ``random`` (images shuffled into the parts) or ``viewpoint`` (whole
            viewpoints held out for test and for validation).
        test_viewpoints: The viewpoints of the test part (``viewpoint`` split only).
        val_viewpoints: The viewpoints of the validation part (``viewpoint`` split only).
    """

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    fingerprint: str
    test_fraction: float
    validation_fraction: float
    seed: int
    source: str = "arrays"
    split: str = ClockSplit.RANDOM.value
    test_viewpoints: tuple[int, ...] = ()
    val_viewpoints: tuple[int, ...] = ()

    @property
    def image_size(self) -> int:
        """Side of the square images in pixels."""
        return int(self.train[0].shape[1])

    def describe(self) -> dict[str, object]:
        """Plain-data summary (sizes, split parameters, fingerprint) for records and reports."""
        held_out = {}
        if self.split == ClockSplit.VIEWPOINT.value:
            held_out = {
                "test_viewpoints": list(self.test_viewpoints),
                "val_viewpoints": list(self.val_viewpoints),
            }
        return {
            "source": self.source,
            "image_size": self.image_size,
            "n_train": len(self.train[1]),
            "n_val": len(self.val[1]),
            "n_test": len(self.test[1]),
            "split": self.split,
            **held_out,
            "test_fraction": self.test_fraction,
            "validation_fraction": self.validation_fraction,
            "seed": self.seed,
            "fingerprint": self.fingerprint,
        }


def load_clock_files(data_dir: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read and check the course layout: ``images.npy`` and ``labels.npy`` in ``data_dir``.

    Images must be (N, S, S) grayscale, or (N, S, S, 1), which is squeezed. uint8 is used as
    is. Other integer types are accepted when every value is in 0-255. Floats are accepted
    when every value is finite and in 0-1 (scaled by 255) or in 0-255 (rounded); a float
    set whose largest value is at most 1 is always read as 0-1. Labels must be (N, 2)
    integers (or integral floats) with hours 0-11 and minutes 0-59.

    Returns:
        ``images`` (N, S, S) uint8 and ``labels`` (N, 2) int64, in file order.

    Raises:
        DataNotFoundError: A file is missing.
        DataFormatError: A file is unreadable or holds the wrong shape, type or values.
    """
    data_dir = Path(data_dir)
    images = _images(_read(data_dir / IMAGES_FILE), data_dir / IMAGES_FILE)
    labels = check_labels(_read(data_dir / LABELS_FILE), data_dir / LABELS_FILE)
    if len(images) != len(labels):
        raise DataFormatError(
            f"{data_dir}: {IMAGES_FILE} holds {len(images)} images but {LABELS_FILE} holds "
            f"{len(labels)} labels; they must match one to one"
        )
    return images, labels


def save_clock_files(data_dir: str | Path, images: np.ndarray, labels: np.ndarray) -> Path:
    """Write ``images.npy`` and ``labels.npy`` in the course layout; returns ``data_dir``.

    Each file is written whole or not at all, so a reader never finds half an array.
    """
    import io

    from tunekit.records.atomic import write_bytes_atomic

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, array in ((IMAGES_FILE, np.asarray(images, dtype=np.uint8)),
                        (LABELS_FILE, np.asarray(labels, dtype=np.int64))):  # fmt: skip
        buffer = io.BytesIO()
        np.save(buffer, array)
        write_bytes_atomic(data_dir / name, buffer.getvalue())
    return data_dir


def existing_clock_files(data_dir: str | Path) -> list[Path]:
    """The course files already in ``data_dir`` (none when it does not exist)."""
    return [Path(data_dir) / name for name in (IMAGES_FILE, LABELS_FILE)
            if (Path(data_dir) / name).exists()]  # fmt: skip


def _read(path: Path) -> np.ndarray:
    """Load one of the course's files; a missing one names both files it needs."""
    if not path.is_file():
        raise DataNotFoundError(
            f"{path} not found: the clock data needs {IMAGES_FILE} and {LABELS_FILE} in "
            f"{path.parent}"
        )
    return read_npy(path, "the images" if path.name == IMAGES_FILE else "the labels")


def _images(raw: np.ndarray, path: Path) -> np.ndarray:
    """Check image shape and convert the pixel type to uint8 as documented."""
    if raw.ndim == 4 and raw.shape[-1] == 1:
        raw = raw[..., 0]
    if raw.ndim != 3 or raw.shape[1] != raw.shape[2] or raw.shape[1] == 0:
        raise DataFormatError(
            f"{path}: images have shape {raw.shape}; expected (N, S, S) square grayscale"
        )
    return pixels_as_uint8(raw, path)


def check_labels(raw: np.ndarray, path: Path, *, max_hour: int = 11) -> np.ndarray:
    """Check label shape, type and ranges; returns int64 [hour, minute] pairs.

    Args:
        raw: The labels as loaded.
        path: The file they came from, for the messages.
        max_hour: The largest hour allowed: 11 for the course's files, 23 where a
            24-hour label is read modulo 12.

    Raises:
        DataFormatError: The labels are not (N, 2) whole numbers in range.
    """
    if raw.ndim != 2 or raw.shape[1] != 2:
        raise DataFormatError(f"{path}: labels have shape {raw.shape}; expected (N, 2)")
    if np.issubdtype(raw.dtype, np.floating):
        if not (np.isfinite(raw).all() and (raw == np.round(raw)).all()):
            raise DataFormatError(f"{path}: labels must be whole numbers [hour, minute]")
    elif not np.issubdtype(raw.dtype, np.integer):
        raise DataFormatError(f"{path}: labels of type {raw.dtype}; expected integers")
    labels = raw.astype(np.int64)
    for col, name, top in ((0, "hours", max_hour), (1, "minutes", 59)):
        bad = (labels[:, col] < 0) | (labels[:, col] > top)
        if bad.any():
            row = int(np.argmax(bad))
            raise DataFormatError(
                f"{path}: {name} must be 0-{top}; row {row} holds {labels[row].tolist()}"
            )
    return labels


def split_clocks(
    images: np.ndarray,
    labels: np.ndarray,
    *,
    test_fraction: float = 0.2,
    validation_fraction: float = 0.1,
    seed: int = 0,
    source: str = "arrays",
    viewpoints: np.ndarray | None = None,
) -> ClockData:
    """Shuffle with a fixed seed, then split train:test and take validation from train.

    The course files are sorted by time, so an unshuffled split would test on times never
    seen in training. Given each image's viewpoint, whole viewpoints are split instead:
    ``test_fraction`` of them (drawn with ``seed``) for testing and ``validation_fraction``
    of the rest for validation, so no viewpoint of either part is seen in training.

    Args:
        images: (N, S, S) uint8 images.
        labels: (N, 2) [hour, minute] labels.
        test_fraction: Share of all images (or viewpoints) held out for testing (0.2 gives
            80:20).
        validation_fraction: Share of the remaining training images (or viewpoints) used
            for validation.
        seed: Seed of the shuffle.
        source: A note on where the images came from, kept in :meth:`ClockData.describe`.
        viewpoints: (N,) each image's viewpoint number, for the ``viewpoint`` split; None
            shuffles the images.

    Raises:
        ValueError: The arrays differ in length, a fraction is out of range, or there are
            too few viewpoints to leave one in each part.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    if not 0.0 <= validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in [0, 1), got {validation_fraction}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    split, test_views, val_views = ClockSplit.RANDOM, np.empty(0), np.empty(0)
    if viewpoints is None:
        n_test = round(len(order) * test_fraction)
        rest = order[n_test:]
        n_val = round(len(rest) * validation_fraction)
        parts = [order[:n_test], rest[:n_val], rest[n_val:]]
    else:
        viewpoints = np.asarray(viewpoints, dtype=np.int64)
        if viewpoints.shape != (len(labels),):
            raise ValueError(f"{len(labels)} images but viewpoints of shape {viewpoints.shape}")
        test_views, val_views = _held_out_viewpoints(
            viewpoints, test_fraction, validation_fraction, rng
        )
        seen = viewpoints[order]
        in_test, in_val = np.isin(seen, test_views), np.isin(seen, val_views)
        parts = [order[in_test], order[in_val], order[~(in_test | in_val)]]
        split = ClockSplit.VIEWPOINT
    test, val, train = ((images[p], labels[p]) for p in parts)
    return ClockData(
        train=train,
        val=val,
        test=test,
        fingerprint=_fingerprint(
            images, labels, test_fraction, validation_fraction, seed, viewpoints
        ),
        test_fraction=test_fraction,
        validation_fraction=validation_fraction,
        seed=seed,
        source=source,
        split=split.value,
        test_viewpoints=tuple(int(v) for v in test_views),
        val_viewpoints=tuple(int(v) for v in val_views),
    )


def _held_out_viewpoints(
    viewpoints: np.ndarray,
    test_fraction: float,
    validation_fraction: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the test viewpoints, then the validation ones from the rest; both sorted."""
    drawn = rng.permutation(np.unique(viewpoints))
    n_test = round(len(drawn) * test_fraction)
    n_val = round((len(drawn) - n_test) * validation_fraction)
    if n_test < 1 or len(drawn) - n_test - n_val < 1:
        raise ValueError(
            f"{len(drawn)} viewpoints cannot be split into test ({test_fraction}), "
            f"validation ({validation_fraction}) and train parts of at least one viewpoint"
        )
    return np.sort(drawn[:n_test]), np.sort(drawn[n_test : n_test + n_val])


def _fingerprint(
    images: np.ndarray,
    labels: np.ndarray,
    test: float,
    val: float,
    seed: int,
    viewpoints: np.ndarray | None = None,
) -> str:
    """sha256 (16 hex digits) of shapes, bytes and split parameters."""
    digest = hashlib.sha256()
    arrays = [np.ascontiguousarray(images), np.ascontiguousarray(labels, dtype=np.int64)]
    if viewpoints is not None:  # the random split hashes as it did before viewpoints existed
        arrays.append(np.ascontiguousarray(viewpoints, dtype=np.int64))
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(memoryview(array).cast("B"))
    digest.update(f"test={test!r};val={val!r};seed={seed}".encode())
    if viewpoints is not None:
        digest.update(b";split=viewpoint")
    return digest.hexdigest()[:16]


def load_clock_data(
    data_dir: str | Path,
    *,
    test_fraction: float = 0.2,
    validation_fraction: float = 0.1,
    seed: int = 0,
) -> ClockData:
    """Load the course files from ``data_dir`` and split them with :func:`split_clocks`."""
    images, labels = load_clock_files(data_dir)
    return split_clocks(
        images,
        labels,
        test_fraction=test_fraction,
        validation_fraction=validation_fraction,
        seed=seed,
        source=f"clock files in {Path(data_dir)}",
    )


def make_clock_data(
    n: int = 18_000,
    image_size: int = 150,
    seed: int = 0,
    style: ClockStyle | str = FULL,
    *,
    test_fraction: float = 0.2,
    validation_fraction: float = 0.1,
    split: ClockSplit | str = ClockSplit.RANDOM,
) -> ClockData:
    """Generate a synthetic clock set and split it like the course files.

    Args:
        n: Number of images (the course has 18,000).
        image_size: Side of the square images (150 as in the course; 75 is common too).
        seed: Seed for the generator and the split.
        style: A :class:`ClockStyle` or the name of a preset ("easy", "medium", "full").
        test_fraction: Share of all images (or viewpoints) held out for testing.
        validation_fraction: Share of the remaining training images (or viewpoints) used
            for validation.
        split: ``random``, or ``viewpoint`` to hold whole viewpoints out (a style with
            fixed viewpoints only, such as ``course``).

    Raises:
        ValueError: ``viewpoint`` for a style whose clocks each have a viewpoint of their own.
    """
    if isinstance(style, str):
        name, style = style, clock_style(style)
    else:
        name = next((k for k, v in STYLE_PRESETS.items() if v == style), repr(style))
    viewpoints = None
    if ClockSplit(split) is ClockSplit.VIEWPOINT:
        if not style.viewpoints:
            raise ValueError(f"the viewpoint split needs fixed viewpoints; style {name} has none")
        viewpoints = clock_viewpoints(n, seed=seed, style=style)
    images, labels = generate_clocks(n, image_size=image_size, seed=seed, style=style)
    return split_clocks(
        images,
        labels,
        test_fraction=test_fraction,
        validation_fraction=validation_fraction,
        seed=seed,
        source=f"synthetic clocks (style={name}, seed={seed})",
        viewpoints=viewpoints,
    )
