"""Turning whole images about their centre, each by its own angle, in numpy.

Turning a whole clock photo keeps its time, so the fixed training images of the
course's files can be shown at a new angle every epoch, the one variation that
applies to files as well as to generated clocks.

Each output pixel is read from the source at the pixel turned back by the angle, with
bilinear interpolation. The corners that turn in from outside the frame come from a
mirror image of the border (numpy's ``"symmetric"`` padding, mirrored about the outer
pixel edge, so the border pixel repeats once): it carries on the wall's texture, grain and
noise, so the filled corners look like more wall. Black corners, or the streaks that
repeating the edge pixels draws, would outline the original frame, which shows the
network the angle of the turn without its reading the dial. Where a dial reaches the
frame, the mirror shows a piece of its rim in a corner; the dial itself, inside the
inscribed circle, is never filled in.
"""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tunekit.data.clocks import _cpus

#: Pixels turned at once. Work arrays of this size stay in the cache; at 150 px a chunk
#: of 5 images turns about twice as fast as one of 128.
_CHUNK_PIXELS = 2**17


def turn_images(images: np.ndarray, degrees: np.ndarray | float) -> np.ndarray:
    """Turn each image counter-clockwise (as shown, row 0 at the top) about its centre.

    A turn by 90 degrees is ``np.rot90(image)``; the corners that come in from outside
    are the border mirrored.

    Args:
        images: ``(N, S, S)`` uint8 images.
        degrees: The turn of each image, ``(N,)``, or one angle for all, in degrees.

    Returns:
        ``(N, S, S)`` uint8 turned images.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1] != images.shape[2] or images.dtype != np.uint8:
        raise ValueError(f"images must be (N, S, S) uint8, not {images.shape} {images.dtype}")
    angles = np.broadcast_to(np.radians(np.asarray(degrees, dtype=np.float64)), len(images))
    out = np.empty_like(images)
    step = max(1, _CHUNK_PIXELS // images.shape[1] ** 2)
    parts = [slice(start, start + step) for start in range(0, len(images), step)]

    def turn(part: slice) -> None:
        out[part] = _turn(images[part], angles[part])

    workers = min(_cpus(), len(parts))
    if workers <= 1:
        for part in parts:
            turn(part)
    else:  # numpy lets go of the GIL in the gathers and the arithmetic
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(turn, parts))
    return out


@functools.lru_cache(maxsize=8)
def _grid(size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Pixel offsets from the centre (columns, rows) and the margin that turned corners need.

    A corner turned by 45 degrees lands ``(sqrt(2) - 1) / 2`` of the side outside the
    frame, plus one pixel for the interpolation's second neighbour.
    """
    offsets = np.arange(size, dtype=np.float32) - (size - 1) / 2
    margin = math.ceil((math.sqrt(2) - 1) / 2 * size) + 2
    return offsets[None, :], offsets[:, None], margin


def _turn(images: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Turn a chunk of images: inverse-map every output pixel, then interpolate bilinearly.

    The work is done in place on a few float32 and int32 arrays, which makes it about
    twice as fast as allocating a new array for every step.
    """
    n, size, _ = images.shape
    dx, dy, margin = _grid(size)
    # "symmetric" mirrors about the outer pixel edge, so the border pixel repeats once and
    # the mirrored wall joins the image without a seam.
    padded = np.pad(images, ((0, 0), (margin, margin), (margin, margin)), mode="symmetric")
    side = size + 2 * margin
    cos = np.cos(angles).astype(np.float32)[:, None, None]
    sin = np.sin(angles).astype(np.float32)[:, None, None]
    centre = np.float32((side - 1) / 2)
    # The source of output pixel (row, col): the pixel turned back by the angle. The
    # margin keeps it >= 0, so truncating to int is flooring; col and row become the
    # fractions, the interpolation's weights.
    col = (centre + cos * dx) - sin * dy
    row = (centre + sin * dx) + cos * dy
    col0, row0 = col.astype(np.int32), row.astype(np.int32)
    np.subtract(col, col0, out=col, dtype=np.float32)
    np.subtract(row, row0, out=row, dtype=np.float32)
    row0 *= side
    row0 += col0
    row0 += (np.arange(n, dtype=np.int32) * (side * side))[:, None, None]
    first, flat = row0.ravel(), padded.ravel()

    def at(shift: int) -> np.ndarray:
        return flat.take(first + shift).reshape(n, size, size).astype(np.float32)

    top, right = at(0), at(1)
    right -= top
    right *= col
    top += right  # the top row, interpolated along it
    bottom, right = at(side), at(side + 1)
    right -= bottom
    right *= col
    bottom += right
    bottom -= top
    bottom *= row
    top += bottom
    top += 0.5  # round: the values are in [0, 255], so truncating after +0.5 rounds
    return top.astype(np.uint8)
