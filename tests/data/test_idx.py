"""Tests for the IDX reader and writer."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from tunekit.data import read_idx, write_idx
from tunekit.errors import DataFormatError, DataNotFoundError


def _images(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_raw_and_gzip(tmp_path: Path, name: str) -> None:
    images = _images()
    path = write_idx(tmp_path / name, images)

    result = read_idx(path)

    assert result.dtype == np.uint8
    assert result.shape == (5, 28, 28)
    np.testing.assert_array_equal(result, images)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip_every_type_code_in_native_order(tmp_path: Path, dtype: type) -> None:
    values = np.arange(-3, 9).reshape(3, 4).astype(dtype) if dtype != np.uint8 else _images()

    result = read_idx(write_idx(tmp_path / "values.idx", values))

    assert result.dtype == np.dtype(dtype)
    assert result.dtype.isnative
    np.testing.assert_array_equal(result, values)


def test_result_is_writable(tmp_path: Path) -> None:
    result = read_idx(write_idx(tmp_path / "a.idx", _images()))

    result[0, 0, 0] = 7

    assert result[0, 0, 0] == 7


def test_gzip_is_detected_by_content_not_extension(tmp_path: Path) -> None:
    images = _images()
    gz_without_suffix = write_idx(tmp_path / "a.gz", images).rename(tmp_path / "gzipped-idx")
    raw_with_suffix = write_idx(tmp_path / "b", images).rename(tmp_path / "raw.gz")

    np.testing.assert_array_equal(read_idx(gz_without_suffix), images)
    np.testing.assert_array_equal(read_idx(raw_with_suffix), images)


def test_labels_file_has_one_dimension(tmp_path: Path) -> None:
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)

    result = read_idx(write_idx(tmp_path / "labels-idx1-ubyte.gz", labels))

    assert result.shape == (5,)
    np.testing.assert_array_equal(result, labels)


def _error_for(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(DataFormatError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    return message


def test_bad_magic_names_file_and_problem(tmp_path: Path) -> None:
    message = _error_for(tmp_path / "bad", b"\x01\x02\x08\x01" + b"\x00" * 20)

    assert "magic" in message


def test_unknown_type_code(tmp_path: Path) -> None:
    message = _error_for(tmp_path / "bad", b"\x00\x00\x07\x01\x00\x00\x00\x01\x00")

    assert "type code 0x07" in message


def test_zero_dimensions(tmp_path: Path) -> None:
    assert "zero dimensions" in _error_for(tmp_path / "bad", b"\x00\x00\x08\x00")


def test_too_short_for_header(tmp_path: Path) -> None:
    assert "too short" in _error_for(tmp_path / "bad", b"\x00\x00")


def test_truncated_in_header(tmp_path: Path) -> None:
    assert "truncated" in _error_for(tmp_path / "bad", b"\x00\x00\x08\x03\x00\x00\x00\x05")


def test_truncated_payload(tmp_path: Path) -> None:
    whole = write_idx(tmp_path / "whole", _images()).read_bytes()

    message = _error_for(tmp_path / "cut", whole[:-100])

    assert "truncated" in message
    assert "(5, 28, 28)" in message


def test_truncated_payload_inside_gzip(tmp_path: Path) -> None:
    whole = write_idx(tmp_path / "whole", _images()).read_bytes()

    assert "truncated" in _error_for(tmp_path / "cut.gz", gzip.compress(whole[:-1]))


def test_trailing_bytes(tmp_path: Path) -> None:
    whole = write_idx(tmp_path / "whole", _images()).read_bytes()

    assert "unexpected bytes" in _error_for(tmp_path / "long", whole + b"\x00\x00")


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    whole = write_idx(tmp_path / "whole.gz", _images()).read_bytes()

    assert "gzip" in _error_for(tmp_path / "cut.gz", whole[: len(whole) // 2])


def test_corrupt_gzip_stream(tmp_path: Path) -> None:
    assert "gzip" in _error_for(tmp_path / "junk.gz", b"\x1f\x8b" + b"\xff" * 40)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="not found"):
        read_idx(tmp_path / "absent-idx3-ubyte")


def test_write_rejects_dtype_without_type_code(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="int64"):
        write_idx(tmp_path / "a", np.zeros(3, dtype=np.int64))


def test_write_rejects_scalar(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "a", np.uint8(3))
