"""Image data sets: registry, loading, the train/validation split and permutation.

Finding the files is `tunekit.data._search`'s job. Only numpy is imported here at module level;
keras is imported inside the one function that downloads, so that listing or describing data
sets does not pull in TensorFlow.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from tunekit.data._idx import read_idx
from tunekit.errors import DataFormatError, DataNotFoundError, TunekitError, UnknownNameError

#: Where Debian's dataset-* packages install their files.
DEBIAN_DATASETS_DIR = Path("/usr/share/datasets")

#: The standard MNIST-style file names, without the optional `.gz`.
IDX_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

# Bump when loading or preprocessing changes, so that fingerprints of old studies stop matching.
_FINGERPRINT_VERSION = 1
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class DatasetSpec:
    """What tunekit knows about a data set before any file is read.

    Attributes:
        name: Registry name, also the `keras.datasets` module name.
        num_classes: Number of label values, 0 to num_classes - 1.
        class_names: Human-readable name of each label value.
        image_shape: Height and width of each image.
        keras_subdirs: Folders under `<keras home>/datasets` that Keras downloads into;
            "" is that folder itself.
        npz_name: A single-file Keras download (x_train, y_train, x_test, y_test), if any.
        debian_package: The Debian package that installs the IDX files, if any.
    """

    name: str
    num_classes: int
    class_names: tuple[str, ...]
    image_shape: tuple[int, int]
    keras_subdirs: tuple[str, ...]
    npz_name: str | None
    debian_package: str | None

    @property
    def debian_dir_name(self) -> str:
        """The folder name under /usr/share/datasets (Debian uses dashes)."""
        return self.name.replace("_", "-")


_REGISTRY: dict[str, DatasetSpec] = {
    "fashion_mnist": DatasetSpec(
        name="fashion_mnist",
        num_classes=10,
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        image_shape=(28, 28),
        keras_subdirs=("fashion-mnist",),
        npz_name=None,
        debian_package="dataset-fashion-mnist",
    ),
    "mnist": DatasetSpec(
        name="mnist",
        num_classes=10,
        class_names=tuple(str(digit) for digit in range(10)),
        image_shape=(28, 28),
        # Keras saves mnist as one mnist.npz directly in ~/.keras/datasets.
        keras_subdirs=("mnist", ""),
        npz_name="mnist.npz",
        debian_package=None,
    ),
}


@dataclass(frozen=True, eq=False)
class Split:
    """One part of a data set: images scaled to [0, 1] and integer labels.

    Attributes:
        x: float32 images, shape (n, height, width).
        y: int64 labels, shape (n,).
    """

    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        """Number of examples."""
        return len(self.y)


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded data set split into train, validation and test parts.

    Attributes:
        name: Registry name.
        train: Training images (the first images of the original training set).
        val: Validation images (the last `validation_size` of the original training set).
        test: The original test set.
        num_classes: Number of label values.
        class_names: Name of each label value.
        fingerprint: 16 hex digits identifying the data and the split parameters.
        source: Where the data came from (folder, .npz file or Keras download).
        validation_size: How many training images were held out for validation.
        subset: How many training images were kept, or None for all.
        permute: Seed of the pixel permutation, or None for unpermuted images.
    """

    name: str
    train: Split
    val: Split
    test: Split
    num_classes: int
    class_names: tuple[str, ...]
    fingerprint: str
    source: str
    validation_size: int = 0
    subset: int | None = None
    permute: int | None = None

    def describe(self) -> dict[str, object]:
        """Plain, JSON-ready metadata to store with a study."""
        return {
            "name": self.name,
            "num_classes": self.num_classes,
            "image_shape": [int(d) for d in self.train.x.shape[1:]],
            "train_size": len(self.train),
            "val_size": len(self.val),
            "test_size": len(self.test),
            "validation_size": self.validation_size,
            "subset": self.subset,
            "permute": self.permute,
            "source": self.source,
            "fingerprint": self.fingerprint,
        }


class _RawData(NamedTuple):
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def dataset_names() -> list[str]:
    """Names of the data sets tunekit can load, sorted."""
    return sorted(_REGISTRY)


def dataset_spec(name: str) -> DatasetSpec:
    """Return the registry entry for `name`.

    Raises:
        UnknownNameError: If no data set has that name.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(dataset_names())
        raise UnknownNameError(f"Unknown dataset {name!r}; known datasets: {known}.") from None


def pixel_permutation(seed: int, size: int = 28 * 28) -> np.ndarray:
    """The fixed pixel order used for permuted-pixel studies.

    Args:
        seed: Seed for `np.random.default_rng`; the same seed always gives the same order.
        size: Number of pixels per image.

    Returns:
        A permutation of `range(size)`.
    """
    return np.random.default_rng(seed).permutation(size)


def permute_pixels(images: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """Reorder the pixels of every image the same way.

    Pixel `i` of each result image (in row-major order) is pixel `perm[i]` of the input.

    Args:
        images: Array of shape (n, ...) with `len(perm)` pixels per image.
        perm: A permutation of `range(pixels per image)`.

    Returns:
        A new array with the shape and dtype of `images`.

    Raises:
        ValueError: If `perm` is not a permutation of the image's pixel indices.
    """
    perm = np.asarray(perm)
    flat = images.reshape(len(images), -1)
    if perm.shape != (flat.shape[1],) or not np.array_equal(np.sort(perm), np.arange(len(perm))):
        raise ValueError(
            f"perm must be a permutation of range({flat.shape[1]}) for images of shape "
            f"{images.shape[1:]}."
        )
    return flat[:, perm].reshape(images.shape)


def load_dataset(
    name: str,
    *,
    data_dir: str | Path | None = None,
    subset: int | None = None,
    permute: int | None = None,
    validation_size: int = 5000,
    allow_download: bool = True,
    search_paths: Sequence[str | Path] | None = None,
) -> Dataset:
    """Load a data set, split off validation images, and optionally subset and permute it.

    The last `validation_size` training images become the validation set and the rest the
    training set (as in Geron's book); `subset` then keeps the first `subset` training
    images. Validation and test sets are never subset.

    Args:
        name: Registry name, one of `dataset_names()`.
        data_dir: A folder holding the files; replaces all other places.
        subset: Keep only this many training images.
        permute: Seed of one pixel permutation applied to every image of every split.
        validation_size: How many training images to hold out for validation; at least 1.
        allow_download: Whether to let Keras download the data when no files are found.
        search_paths: Folders to search instead of the default places.

    Returns:
        The loaded data set.

    Raises:
        UnknownNameError: If no data set has that name.
        TunekitError: If `subset`, `permute` or `validation_size` is invalid.
        DataNotFoundError: If the data is neither found nor downloadable.
        DataFormatError: If the files are unreadable or do not match each other.
    """
    spec = dataset_spec(name)
    # An empty validation split would leave nothing to score trials on.
    validation_size = _check_int("validation_size", validation_size, minimum=1)
    if subset is not None:
        subset = _check_int("subset", subset, minimum=1)
    if permute is not None:
        permute = _check_int("permute", permute, minimum=0)

    raw, source = _load_raw(spec, data_dir, allow_download, search_paths)
    raw = _validated(spec, raw, source)

    n_total = len(raw.y_train)
    if validation_size >= n_total:
        raise TunekitError(
            f"validation_size={validation_size} leaves no training images: {spec.name} has "
            f"{n_total} training images; use a smaller validation_size."
        )
    n_train = n_total - validation_size
    if subset is not None and subset > n_train:
        raise TunekitError(
            f"subset={subset} is more than the {n_train} training images left after holding "
            f"out {validation_size} for validation; use subset <= {n_train}."
        )

    perm = None if permute is None else pixel_permutation(permute, int(np.prod(spec.image_shape)))
    stop = n_train if subset is None else subset
    return Dataset(
        name=spec.name,
        train=_make_split(raw.x_train[:stop], raw.y_train[:stop], perm),
        val=_make_split(raw.x_train[n_train:], raw.y_train[n_train:], perm),
        test=_make_split(raw.x_test, raw.y_test, perm),
        num_classes=spec.num_classes,
        class_names=spec.class_names,
        fingerprint=_fingerprint(spec.name, raw, validation_size, subset, permute),
        source=source,
        validation_size=validation_size,
        subset=subset,
        permute=permute,
    )


def _check_int(name: str, value: object, *, minimum: int) -> int:
    """Return `value` as an int, or raise a TunekitError saying what is wrong."""
    # bool is an int subclass, but `subset=True` is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TunekitError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise TunekitError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def _load_raw(
    spec: DatasetSpec,
    data_dir: str | Path | None,
    allow_download: bool,
    search_paths: Sequence[str | Path] | None,
) -> tuple[_RawData, str]:
    """Read the four arrays from local files, or download them; also return their source."""
    # Imported here because _search imports the registry from this module.
    from tunekit.data._search import _not_found_message, _search_places

    found, searched = _search_places(spec, data_dir, None, None, DEBIAN_DATASETS_DIR, search_paths)
    if found is not None:
        if found.suffix == ".npz":
            return _read_npz(found), str(found)
        return _read_idx_folder(found), str(found)

    # An explicit folder that holds nothing is a mistake to report, not a reason to download.
    if data_dir is not None or not allow_download:
        raise DataNotFoundError(_not_found_message(spec, data_dir, searched))
    try:
        raw = _download_with_keras(spec)
    # Any failure (no internet, no keras, a bad cache) means "no data"; the message says why.
    except Exception as error:
        raise DataNotFoundError(
            _not_found_message(spec, None, searched, download_error=error)
        ) from error
    return raw, f"keras.datasets.{spec.name}.load_data()"


def _read_idx_folder(folder: Path) -> _RawData:
    """Read the four IDX files in `folder` (the search has checked they exist)."""
    from tunekit.data._search import _idx_path  # Not at the top: see _load_raw.

    arrays = {}
    for role, stem in IDX_FILES.items():
        path = _idx_path(folder, stem)
        if path is None:  # Removed between search and read.
            raise DataNotFoundError(f"{folder / stem}: IDX file not found.")
        arrays[role] = read_idx(path)
    return _RawData(
        arrays["train_images"], arrays["train_labels"], arrays["test_images"], arrays["test_labels"]
    )


def _read_npz(path: Path) -> _RawData:
    """Read a Keras-style .npz holding x_train, y_train, x_test and y_test."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in _NPZ_KEYS if key not in archive.files]
            if missing:
                raise DataFormatError(
                    f"{path}: missing arrays {', '.join(missing)}; expected "
                    f"{', '.join(_NPZ_KEYS)} as in Keras's mnist.npz."
                )
            return _RawData(*(archive[key] for key in _NPZ_KEYS))
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataFormatError(f"{path}: not a readable .npz file ({error}).") from None


def _download_with_keras(spec: DatasetSpec) -> _RawData:
    """Download through `keras.datasets`, which caches under ~/.keras/datasets."""
    import keras  # Imported here only: it loads TensorFlow, which takes seconds.

    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, spec.name).load_data()
    return _RawData(
        np.asarray(x_train), np.asarray(y_train), np.asarray(x_test), np.asarray(y_test)
    )


def _validated(spec: DatasetSpec, raw: _RawData, source: str) -> _RawData:
    """Check shapes, dtypes and label values; return the data with int64 labels."""
    for part, images, labels in (
        ("training", raw.x_train, raw.y_train),
        ("test", raw.x_test, raw.y_test),
    ):
        if images.ndim != 3 or images.shape[1:] != spec.image_shape:
            height, width = spec.image_shape
            raise DataFormatError(
                f"{source}: {part} images have shape {images.shape}; "
                f"{spec.name} needs (n, {height}, {width})."
            )
        if images.dtype != np.uint8:
            raise DataFormatError(
                f"{source}: {part} images are {images.dtype}; expected uint8 pixels (0-255)."
            )
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise DataFormatError(
                f"{source}: {part} labels have shape {labels.shape} and dtype {labels.dtype}; "
                "expected one integer label per image."
            )
        if len(labels) != len(images):
            raise DataFormatError(
                f"{source}: {len(images)} {part} images but {len(labels)} {part} labels; "
                "the image and label files do not belong together."
            )
        if len(labels) and (labels.min() < 0 or labels.max() >= spec.num_classes):
            raise DataFormatError(
                f"{source}: {part} labels range from {labels.min()} to {labels.max()}; "
                f"{spec.name} labels are 0 to {spec.num_classes - 1}."
            )
    # int64 labels whatever the file held, so the fingerprint does not depend on the format.
    return raw._replace(y_train=raw.y_train.astype(np.int64), y_test=raw.y_test.astype(np.int64))


def _make_split(images: np.ndarray, labels: np.ndarray, perm: np.ndarray | None) -> Split:
    """Copy images to float32 in [0, 1] (permuted if asked) and labels to int64."""
    if perm is not None:
        images = permute_pixels(images, perm)
    x = images.astype(np.float32)
    x /= 255.0
    return Split(x=x, y=labels.astype(np.int64))


def _fingerprint(
    name: str, raw: _RawData, validation_size: int, subset: int | None, permute: int | None
) -> str:
    """16 hex digits of sha256 over the raw arrays and everything that shapes the splits."""
    digest = hashlib.sha256()
    params = {
        "version": _FINGERPRINT_VERSION,
        "name": name,
        "validation_size": validation_size,
        "subset": subset,
        "permute": permute,
    }
    digest.update(json.dumps(params, sort_keys=True).encode())
    for array in raw:
        array = np.ascontiguousarray(array)
        # Shape and dtype are hashed too, so the same bytes in another shape differ.
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()[:16]
