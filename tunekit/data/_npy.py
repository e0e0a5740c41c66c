"""Reading ``.npy`` files safely, and pixels of any numeric type as uint8.

Shared by the course's clock files and the images a model reads; this module needs
numpy alone, so reading an image does not import the clock generator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tunekit.errors import DataFormatError, DataNotFoundError

#: The first bytes of every ``.npy`` file (numpy's format, all versions).
_NPY_MAGIC = b"\x93NUMPY"


def read_npy(path: Path, what: str = "the array") -> np.ndarray:
    """Load one .npy file without pickles, turning failures into one-line errors.

    Args:
        path: The file.
        what: What the file should hold, for the advice to save it with ``numpy.save``
            (``"the labels"``, ``"the images"``).

    Raises:
        DataNotFoundError: There is no file at ``path``.
        DataFormatError: The file is not a numpy .npy array (or holds Python objects).
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path} not found; give a numpy .npy file")
    try:
        with path.open("rb") as file:
            magic = file.read(len(_NPY_MAGIC))
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if magic != _NPY_MAGIC:  # numpy would try it as a pickle and advise allow_pickle
        raise DataFormatError(f"{path} is not a .npy file; save {what} with numpy.save")
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DataFormatError(f"{path}: not a readable numpy .npy array ({exc})") from None


def pixels_as_uint8(raw: np.ndarray, path: Path) -> np.ndarray:
    """Convert pixels to uint8: integers in 0-255 as they are, floats in 0-1 or 0-255 scaled.

    Raises:
        DataFormatError: The pixels are not numbers, or lie outside those ranges.
    """
    if raw.dtype == np.uint8:
        return raw
    if np.issubdtype(raw.dtype, np.integer):
        if raw.size and (raw.min() < 0 or raw.max() > 255):
            raise DataFormatError(f"{path}: {raw.dtype} pixels must lie in 0-255")
        return raw.astype(np.uint8)
    if not np.issubdtype(raw.dtype, np.floating):
        raise DataFormatError(f"{path}: pixels of type {raw.dtype}; expected uint8 or float")
    if not np.isfinite(raw).all() or (raw.size and (raw.min() < 0 or raw.max() > 255)):
        raise DataFormatError(f"{path}: float pixels must be finite and in 0-1 or 0-255")
    scale = 255.0 if raw.size and raw.max() <= 1.0 else 1.0
    return np.round(raw * scale).astype(np.uint8)
