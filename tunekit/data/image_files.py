"""Images from files for a model to read: PNG/JPG or ``.npy``, made grey and resized.

A photo of a clock may be any size and in colour; a clock reader takes grey images of
its own input size (64x64, 150x150, ...). :func:`load_images` reads the files, turned
upright as their EXIF orientation says (a phone stores a portrait photo sideways),
turns colour into grey with PIL's luminance weights (so a colour PNG and the same
pixels in a ``.npy`` give the same grey), and cuts a photo that is not square to its
centred square: stretching it instead would move the hands' angles. :func:`fit_images`
then resizes them: area averaging when shrinking, so a 150x150 course image read at
64x64 keeps every pixel's share, and bilinear interpolation when enlarging.

This module needs numpy, and PIL only when an image file is read; never keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tunekit.data._npy import pixels_as_uint8, read_npy
from tunekit.errors import DataFormatError, DataNotFoundError

#: PIL's ITU-R 601-2 luminance in 16-bit fixed point: L = (19595 R + 38470 G + 7471 B) >> 16.
_LUMA = np.array([19595, 38470, 7471], dtype=np.uint32)
_CHUNK = 256  # images resized per step: bounds the float copy, changes no result
_ARRAY_SUFFIX = ".npy"


def load_images(paths: Sequence[Path], size: tuple[int, int]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Read image files and ``.npy`` arrays as one batch of grey ``size`` images.

    A ``.npy`` file holds square images: ``(N, S, S)`` grey, ``(N, S, S, 1)``,
    ``(N, S, S, 3)`` RGB or ``(N, S, S, 4)`` RGBA, or one ``(S, S)`` image; pixels are
    uint8, integers in 0-255 or floats in 0-1 or 0-255. Any other file is read with
    PIL (PNG, JPG, ...), of any size, and cut to its largest centred square.

    Args:
        paths: The files, in the order their images are wanted.
        size: ``(height, width)`` of the images returned.

    Returns:
        ``images`` of shape ``(N, height, width)`` uint8 and, for each image, where it
        came from: the file, or ``file[i]`` for the i-th image of an array.

    Raises:
        DataNotFoundError: A file does not exist.
        DataFormatError: A file is not an image or an array of images, or holds none, or
            a folder was given.
    """
    batches, sources = [], []
    for path in map(Path, paths):
        if path.is_dir():
            raise DataFormatError(f"{path} is a folder; give its images, e.g. {path}/*.png")
        if path.suffix.lower() == _ARRAY_SUFFIX:
            images = read_image_array(path)
            sources += [f"{path}[{i}]" for i in range(len(images))]
        else:
            images = centre_square(read_image_file(path))[None]
            sources.append(str(path))
        batches.append(fit_images(images, size))
    if not batches:
        raise DataFormatError("no images given; give PNG or JPG files or a .npy array")
    return np.concatenate(batches), tuple(sources)


def read_image_file(path: Path) -> np.ndarray:
    """Read one image file with PIL as an ``(H, W)`` uint8 grey image, upright.

    A photo whose EXIF orientation says it is stored turned or mirrored (as phones
    store portrait photos) is turned as a viewer shows it.

    Raises:
        DataNotFoundError: The file does not exist.
        DataFormatError: PIL cannot read it as an image.
    """
    from PIL import Image, ImageOps

    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path} not found; give PNG or JPG files or a .npy array")
    try:
        with Image.open(path) as file:
            file.load()  # a truncated file fails here, not later
            image = ImageOps.exif_transpose(file)
            if image.mode.startswith("I"):  # 16- or 32-bit grey: scale, not clip
                return _wide_to_uint8(np.asarray(image))
            return np.asarray(image.convert("L"), dtype=np.uint8)
    # PIL's format plugins report some broken files as SyntaxError.
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise DataFormatError(
            f"{path} is not an image PIL can read ({type(exc).__name__}); give PNG or JPG "
            "files or a .npy array of images"
        ) from None


def centre_square(image: np.ndarray) -> np.ndarray:
    """The largest centred square of an ``(H, W)`` image; a square one as it is.

    Resizing a wide photo to a square input would squash it, which moves the hands'
    angles; cutting keeps them, and a clock photo has its clock in the middle.
    """
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image[top : top + side, left : left + side]


def _wide_to_uint8(pixels: np.ndarray) -> np.ndarray:
    top = 255 if pixels.max(initial=0) <= 255 else 65535
    return np.round(np.clip(pixels, 0, top) * (255 / top)).astype(np.uint8)


def read_image_array(path: Path) -> np.ndarray:
    """Read a ``.npy`` array of square images as ``(N, S, S)`` uint8 grey images.

    Raises:
        DataNotFoundError: The file does not exist.
        DataFormatError: It is not a numeric array of square grey or colour images.
    """
    path = Path(path)
    raw = read_npy(path, "the images")
    shape = raw.shape
    if raw.ndim == 2:
        raw = raw[None]
    colour = raw.ndim == 4 and raw.shape[-1] in (3, 4)
    if raw.ndim == 4 and raw.shape[-1] == 1:
        raw = raw[..., 0]
    if not (raw.ndim == 3 or colour) or raw.shape[1] != raw.shape[2] or raw.shape[1] == 0:
        raise DataFormatError(
            f"{path} holds an array of shape {shape}; give square images: N x S x S grey, "
            "N x S x S x 3 colour, or one S x S image"
        )
    if len(raw) == 0:
        raise DataFormatError(f"{path} holds no images")
    pixels = pixels_as_uint8(raw, path)
    return to_grey(pixels) if colour else pixels


def to_grey(pixels: np.ndarray) -> np.ndarray:
    """Turn ``(..., 3)`` RGB or ``(..., 4)`` RGBA uint8 pixels into grey as PIL does.

    The alpha channel is ignored, as PIL's ``convert("L")`` ignores it.
    """
    rgb = pixels[..., :3].astype(np.uint32)
    return ((rgb @ _LUMA + 0x8000) >> 16).astype(np.uint8)


def fit_images(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize ``(N, H, W)`` uint8 images to ``size`` and round back to uint8.

    Images already of that size are returned as they are.
    """
    height, width = size
    if images.shape[1:] == (height, width):
        return images
    fitted = np.empty((len(images), height, width), dtype=np.uint8)
    for start in range(0, len(images), _CHUNK):
        part = resize_images(images[start : start + _CHUNK], size)
        fitted[start : start + _CHUNK] = np.clip(np.rint(part), 0, 255)
    return fitted


def resize_images(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize ``(N, H, W)`` images to ``(N, *size)`` floats, one axis after the other.

    Along an axis that shrinks, each new pixel is the mean of the old pixels it
    covers, weighted by how much of each it covers (area averaging; 4 to 2 averages
    pairs). Along an axis that grows, it is interpolated linearly between the two
    nearest old pixel centres.
    """
    images = np.asarray(images, dtype=np.float64)
    rows = _axis_weights(images.shape[1], size[0])
    cols = _axis_weights(images.shape[2], size[1])
    return rows @ images @ cols.T


def _axis_weights(old: int, new: int) -> np.ndarray:
    """The ``(new, old)`` matrix that resamples one axis of ``old`` pixels to ``new``."""
    if new == old:
        return np.eye(new)
    scale = old / new
    if new < old:  # area: the overlap of each new pixel's span with each old pixel
        edges = np.arange(new + 1) * scale
        pixel = np.arange(old)
        lo = np.maximum(edges[:-1, None], pixel[None, :])
        hi = np.minimum(edges[1:, None], pixel[None, :] + 1)
        return np.clip(hi - lo, 0.0, None) / scale
    centre = np.clip((np.arange(new) + 0.5) * scale - 0.5, 0, old - 1)
    left = np.floor(centre).astype(int)
    right = np.minimum(left + 1, old - 1)
    weights = np.zeros((new, old))
    np.add.at(weights, (np.arange(new), left), 1 - (centre - left))
    np.add.at(weights, (np.arange(new), right), centre - left)
    return weights
