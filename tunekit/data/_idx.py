"""Read and write IDX files, the format MNIST and Fashion-MNIST are published in.

An IDX file is a 4-byte magic number (two zero bytes, a dtype code, the number of
dimensions), one big-endian uint32 per dimension, then the values in C order, big-endian.
Files are often gzip-compressed; we detect that from the gzip magic bytes, because files
get renamed and the extension is not to be trusted.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from tunekit.errors import DataFormatError, DataNotFoundError

_GZIP_MAGIC = b"\x1f\x8b"

# The standard IDX type codes; multi-byte values are big-endian on disk.
_CODE_TO_DTYPE: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KIND_SIZE_TO_CODE: dict[tuple[str, int], int] = {
    (dtype.kind, dtype.itemsize): code for code, dtype in _CODE_TO_DTYPE.items()
}


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file, raw or gzip-compressed, into a native-byte-order array.

    Args:
        path: The IDX file to read.

    Returns:
        A writable array with the file's shape and dtype in native byte order.

    Raises:
        DataNotFoundError: If the file does not exist.
        DataFormatError: If the file is not a complete, well-formed IDX file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataNotFoundError(f"{path}: IDX file not found.") from None
    except OSError as error:
        raise DataFormatError(f"{path}: cannot read file ({error.strerror or error}).") from None

    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except EOFError:
            raise DataFormatError(
                f"{path}: gzip stream is truncated; download the file again."
            ) from None
        except (OSError, zlib.error) as error:
            raise DataFormatError(
                f"{path}: corrupt gzip data ({error}); download the file again."
            ) from None
    return _parse_idx(data, path)


def _parse_idx(data: bytes, path: Path) -> np.ndarray:
    """Parse the bytes of an uncompressed IDX file; `path` is only used in messages."""
    if len(data) < 4:
        raise DataFormatError(f"{path}: file too short for an IDX header ({len(data)} bytes).")
    if data[0] != 0 or data[1] != 0:
        raise DataFormatError(
            f"{path}: bad magic number 0x{data[:4].hex()}; not an IDX file "
            "(expected 0x0000 followed by a type code and a dimension count)."
        )
    code, ndim = data[2], data[3]
    if code not in _CODE_TO_DTYPE:
        raise DataFormatError(f"{path}: unknown IDX type code 0x{code:02x}.")
    if ndim == 0:
        raise DataFormatError(f"{path}: IDX header declares zero dimensions.")

    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise DataFormatError(
            f"{path}: file truncated inside the header "
            f"({len(data)} bytes, header needs {header_size})."
        )
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _CODE_TO_DTYPE[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_size
    if actual < expected:
        raise DataFormatError(
            f"{path}: file truncated: shape {shape} needs {expected} data bytes, found {actual}."
        )
    if actual > expected:
        raise DataFormatError(
            f"{path}: {actual - expected} unexpected bytes after the data for shape {shape}."
        )
    values = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header_size)
    # astype copies, which also makes the result writable (frombuffer over bytes is not).
    return values.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray) -> Path:
    """Write an array as an IDX file, gzip-compressed when the path ends in `.gz`.

    Args:
        path: Where to write; parent folders must exist.
        array: An array of at least one dimension whose dtype has an IDX type code
            (uint8, int8, int16, int32, float32 or float64).

    Returns:
        The path written.

    Raises:
        TypeError: If the dtype has no IDX type code.
        ValueError: If the array has no dimensions or a dimension does not fit in uint32.
    """
    path = Path(path)
    array = np.asarray(array)
    code = _KIND_SIZE_TO_CODE.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise TypeError(f"IDX has no type code for dtype {array.dtype}.")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}.")
    if any(d >= 2**32 for d in array.shape):
        raise ValueError(f"IDX dimensions must fit in uint32, got shape {array.shape}.")

    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = np.ascontiguousarray(array, dtype=_CODE_TO_DTYPE[code]).tobytes()
    data = header + payload
    if path.name.endswith(".gz"):
        # mtime=0 keeps the bytes reproducible, so written fixtures compare equal.
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path
