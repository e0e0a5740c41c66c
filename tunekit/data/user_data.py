"""The user's own data: arrays from a ``.npz`` file, or from a Python file's function or dict.

``DataSpec.file`` (``--data``) is one of ``FILE.npz``, ``FILE.py:NAME`` or
``package.module:NAME``. Either way the arrays are ``x_train`` and ``y_train``, and
optionally ``x_val``/``y_val`` and ``x_test``/``y_test``. Without validation arrays the
last ``validation_size`` training images are held out, as for the IDX data sets;
without test arrays the study has no test metrics.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tunekit.data._datasets import Dataset, Split, permute_pixels, pixel_permutation
from tunekit.errors import DataFormatError, DataNotFoundError, InvalidValueError
from tunekit.pyfile import import_file, import_module, one_line

if TYPE_CHECKING:
    from tunekit.config import DataSpec

# Bump when loading or preprocessing changes, so that fingerprints of old studies stop matching.
_FINGERPRINT_VERSION = 1
_PAIRS = (("x_train", "y_train"), ("x_val", "y_val"), ("x_test", "y_test"))
_KEYS = tuple(key for pair in _PAIRS for key in pair)
_FORMS = "FILE.npz, FILE.py:NAME or package.module:NAME"


def absolute_data_file(file: str, base: Path | None = None) -> str:
    """``file`` with its path made absolute (relative to ``base``, default the working dir).

    A worker or a rerun from another folder then finds the same file. A
    ``package.module:NAME`` is left as it is: Python finds it on its path.
    """
    path, name = _split(file)
    if path is None:
        return file
    path = Path(path).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    resolved = str(Path(path).resolve())
    return resolved if name is None else f"{resolved}:{name}"


def data_file_name(file: str) -> str:
    """A short name for the data in ``file``: the study directory is ``<family>-<name>``."""
    path, name = _split(file)
    stem = Path(path).stem if path is not None else file.partition(":")[0].rpartition(".")[2]
    return stem if name is None else f"{stem}-{name}"


def load_user_data(spec: DataSpec) -> Dataset:
    """Load ``spec.file`` as a data set: scaled images, integer labels, three splits.

    ``uint8`` images are scaled to [0, 1] as the IDX data sets are; images of any other
    number type are used as they are. The classes are ``0`` to the largest label.

    Raises:
        DataNotFoundError: The file does not exist.
        DataFormatError: The file cannot be read or imported, or its arrays are missing,
            of mismatched lengths or shapes, or its labels are not class numbers.
        InvalidValueError: ``validation_size`` or ``subset`` leaves no training images.
    """
    assert spec.file is not None
    arrays, source = _read(spec.file)
    arrays = _checked(arrays, source)
    labels = [arrays[y] for _, y in _PAIRS if y in arrays]
    num_classes = int(max(int(y.max()) for y in labels if len(y))) + 1
    if num_classes < 2:
        raise DataFormatError(
            f"{source}: every label is 0; a classifier needs two classes or more."
        )
    x, y = arrays["x_train"], arrays["y_train"]
    validation_size = 0  # the file's own validation split
    if "x_val" in arrays:
        val_x, val_y = arrays["x_val"], arrays["y_val"]
    else:
        validation_size = spec.validation_size
        if validation_size >= len(y):
            raise InvalidValueError(
                "data",
                "validation_size",
                f"is {validation_size} but {source} has only {len(y)} training images; "
                f"hold out fewer, or give x_val and y_val",
            )
        x, val_x = x[: len(y) - validation_size], x[len(y) - validation_size :]
        y, val_y = y[: len(y) - validation_size], y[len(y) - validation_size :]
    if spec.subset is not None:
        if spec.subset > len(y):
            raise InvalidValueError(
                "data",
                "subset",
                f"is {spec.subset} but {source} leaves {len(y)} training images",
            )
        x, y = x[: spec.subset], y[: spec.subset]
    perm = None
    if spec.permute is not None:
        perm = pixel_permutation(spec.permute, int(np.prod(x.shape[1:])))
    empty = np.zeros((0, *x.shape[1:]), x.dtype)
    test_x, test_y = arrays.get("x_test", empty), arrays.get("y_test", np.zeros(0, np.int64))
    return Dataset(
        name=data_file_name(spec.file),
        train=_split_of(x, y, perm),
        val=_split_of(val_x, val_y, perm),
        test=_split_of(test_x, test_y, perm),
        num_classes=num_classes,
        class_names=tuple(str(label) for label in range(num_classes)),
        fingerprint=_fingerprint(arrays, spec, validation_size),
        source=source,
        validation_size=validation_size,
        subset=spec.subset,
        permute=spec.permute,
    )


def _split(file: str) -> tuple[str | None, str | None]:
    """(path, NAME) of ``file``; path None for ``package.module:NAME``.

    Raises:
        InvalidValueError: ``file`` has none of the three forms.
    """
    if file.endswith(".npz"):
        return file, None
    target, sep, name = file.rpartition(":")
    if not sep or not target or not name.isidentifier():
        raise InvalidValueError("data", "file", f"must be {_FORMS}, got {file!r}")
    if target.endswith(".py") or "/" in target or "\\" in target:
        return target, name
    if not all(part.isidentifier() for part in target.split(".")):
        raise InvalidValueError("data", "file", f"must be {_FORMS}, got {file!r}")
    return None, name


def _read(file: str) -> tuple[dict[str, Any], str]:
    """The file's arrays by name, and how to name the file in a message."""
    path, name = _split(file)
    if path is not None and not Path(path).is_file():
        raise DataNotFoundError(f"{path}: no such file; give {_FORMS}.")
    if name is None:
        return _read_npz(Path(path)), path  # type: ignore[arg-type]
    if path is not None:
        source = path
        module = import_file(Path(path), DataFormatError)
    else:
        source = file.partition(":")[0]
        module = import_module(source, DataFormatError)
    found = getattr(module, name, None)
    if found is None:
        raise DataFormatError(
            f"{source}: has no {name}; define {name}() returning a dict of arrays, or a dict."
        )
    if callable(found):
        try:
            found = found()
        except Exception as exc:  # the user's code
            raise DataFormatError(f"{source}: {name}() failed ({one_line(exc)}).") from None
    if not isinstance(found, Mapping):
        raise DataFormatError(
            f"{source}: {name} gave an object of type {type(found).__name__}, not a dict of arrays "
            "(x_train, y_train, ...)."
        )
    return dict(found), f"{source}:{name}"


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataFormatError(f"{path}: not a readable .npz file ({one_line(exc)}).") from None


def _checked(found: dict[str, Any], source: str) -> dict[str, np.ndarray]:
    """The arrays as numpy arrays with int64 labels, or one line saying what is wrong."""
    unknown = sorted(str(key) for key in found if key not in _KEYS)
    if unknown:
        raise DataFormatError(
            f"{source}: unknown arrays {', '.join(unknown)}; allowed: {', '.join(_KEYS)}."
        )
    missing = [key for key in ("x_train", "y_train") if key not in found]
    if missing:
        raise DataFormatError(
            f"{source}: missing {' and '.join(missing)}; the training images and labels are "
            "needed (x_val/y_val and x_test/y_test are optional)."
        )
    arrays: dict[str, np.ndarray] = {}
    for x_key, y_key in _PAIRS:
        if (x_key in found) != (y_key in found):
            has, lacks = (x_key, y_key) if x_key in found else (y_key, x_key)
            raise DataFormatError(f"{source}: has {has} but no {lacks}; give both or neither.")
        if x_key not in found:
            continue
        x, y = _array(found[x_key], x_key, source), _array(found[y_key], y_key, source)
        if x.ndim not in (3, 4) or x.dtype.kind not in "uif" or x.dtype == np.bool_:
            raise DataFormatError(
                f"{source}: {x_key} has shape {x.shape} and dtype {x.dtype}; expected numeric "
                "images of shape (n, height, width) or (n, height, width, channels)."
            )
        if len(x) != len(y):
            raise DataFormatError(
                f"{source}: {x_key} has {len(x)} images but {y_key} has {len(y)} labels; "
                "give one label per image."
            )
        arrays[x_key], arrays[y_key] = x, _labels(y, y_key, source)
    shape = arrays["x_train"].shape[1:]
    for x_key in ("x_val", "x_test"):
        if x_key in arrays and arrays[x_key].shape[1:] != shape:
            raise DataFormatError(
                f"{source}: {x_key} images have shape {arrays[x_key].shape[1:]} but x_train "
                f"images {shape}; every split needs images of one shape."
            )
    if not len(arrays["y_train"]):
        raise DataFormatError(f"{source}: x_train holds no images.")
    return arrays


def _array(value: Any, key: str, source: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except Exception as exc:  # anything the user returned
        raise DataFormatError(f"{source}: {key} is not an array ({one_line(exc)}).") from None
    if array.dtype == object:
        raise DataFormatError(f"{source}: {key} is not an array of numbers.")
    return array


def _labels(y: np.ndarray, key: str, source: str) -> np.ndarray:
    """Labels as int64 class numbers, or one line saying why they are not."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.dtype.kind not in "uif" or y.dtype == np.bool_:
        raise DataFormatError(
            f"{source}: {key} has shape {y.shape} and dtype {y.dtype}; expected one class "
            "number (0, 1, 2, ...) per image."
        )
    if y.dtype.kind == "f" and len(y) and not np.all(np.isfinite(y) & (y == np.round(y))):
        raise DataFormatError(
            f"{source}: {key} holds non-integer labels; a classifier needs class numbers "
            "0, 1, 2, ..."
        )
    if len(y) and y.min() < 0:
        raise DataFormatError(
            f"{source}: {key} holds negative labels (down to {y.min()}); a classifier needs "
            "class numbers 0, 1, 2, ..."
        )
    return y.astype(np.int64)


def _split_of(x: np.ndarray, y: np.ndarray, perm: np.ndarray | None) -> Split:
    """float32 images (uint8 scaled to [0, 1], permuted if asked) and int64 labels."""
    if perm is not None:
        x = permute_pixels(x, perm)
    images = x.astype(np.float32)
    if x.dtype == np.uint8:
        images /= 255.0
    return Split(x=images, y=y.astype(np.int64))


def _fingerprint(arrays: Mapping[str, np.ndarray], spec: DataSpec, validation_size: int) -> str:
    """16 hex digits of sha256 over the arrays and everything that shapes the splits.

    The file's path is left out: the same arrays elsewhere are the same study's data.
    """
    digest = hashlib.sha256()
    params = {
        "version": _FINGERPRINT_VERSION,
        "kind": "user",
        "validation_size": validation_size,
        "subset": spec.subset,
        "permute": spec.permute,
    }
    digest.update(json.dumps(params, sort_keys=True).encode())
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()[:16]
