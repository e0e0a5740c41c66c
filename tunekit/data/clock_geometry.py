"""Where the dial of each generated clock lies in its image, and where its 12 and hands point.

A clock reader can learn the dial's geometry from generated clocks, whose every homography
is known, and then read any clock the same way:

* the **centre** of the dial in pixels;
* the **stretch**: the symmetric 2x2 matrix ``P`` that maps the unit dial (turned upright)
  onto the ellipse the tilted dial makes in the image. ``P`` holds no turn, so a model can
  learn it without first finding the 12;
* the **angles** of the 12, the hour hand and the minute hand in the dial as ``P`` unwarps
  it, in radians clockwise from straight up. The clock's own turn adds the same angle to all
  three, so their differences are the time.

Sampling the image at ``centre + P @ (r sin a, -r cos a)`` over radii ``r`` and angles ``a``
unrolls the dial into a strip in which turning the clock shifts every column by the same
amount. The geometry is the affine part of the homography at the centre: the strong
perspective of a near, steeply tilted clock bends angles by a few degrees more.

Only numpy is needed; nothing is rendered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tunekit.data._clock_art import canonical_to_atlas
from tunekit.data._clock_plan import Stream, make_plan
from tunekit.data.clocks import FULL, ClockStyle

#: Rows of :attr:`DialGeometry.angles`.
ANGLE_NAMES = ("twelve", "hour", "minute")


@dataclass(frozen=True)
class DialGeometry:
    """The dial of each clock of a generated set.

    Attributes:
        image_size: Side of the images in pixels.
        centre: ``(N, 2)`` float64 (column, row) of the dial's centre, in pixel indices
            (the centre of the top-left pixel is (0, 0)).
        stretch: ``(N, 2, 2)`` float64 symmetric positive matrices, pixels per dial radius.
        angles: ``(N, 3)`` float64 angles of the 12, the hour hand and the minute hand in
            the unwarped dial, radians in ``[0, 2 pi)`` clockwise from up.
    """

    image_size: int
    centre: np.ndarray
    stretch: np.ndarray
    angles: np.ndarray

    def normalised(self) -> np.ndarray:
        """``(N, 5)`` float32 model targets: centre x, y, then P11, P12, P22, in half-images.

        The image's middle is (0, 0) and its edges are -1 and 1.
        """
        half = self.image_size / 2
        centre = (self.centre - (half - 0.5)) / half
        p = self.stretch / half
        return np.column_stack([centre, p[:, 0, 0], p[:, 0, 1], p[:, 1, 1]]).astype(np.float32)


def dial_geometry(
    n: int, *, image_size: int = 150, seed: int = 0, style: ClockStyle = FULL, stream: Stream = 0
) -> DialGeometry:
    """The dial geometry of the clocks :func:`generate_clocks` makes with the same arguments."""
    plan = make_plan(n, image_size, seed, style, stream)
    to_clock = np.linalg.inv(canonical_to_atlas(image_size)) @ plan.to_atlas.astype(np.float64)
    # Clock frame with v pointing down like image rows, so no matrix below holds a mirror.
    forward = np.linalg.inv(to_clock) @ np.diag([1.0, -1.0, 1.0])
    w = forward[:, 2, 2]
    centre = forward[:, :2, 2] / w[:, None]
    # Derivative of the projection at the dial's centre: the homography's affine part there.
    jacobian = (
        forward[:, :2, :2] * w[:, None, None]
        - forward[:, :2, 2][:, :, None] * forward[:, 2, :2][:, None, :]
    ) / (w**2)[:, None, None]
    u, s, vt = np.linalg.svd(jacobian)
    stretch = u @ (s[:, :, None] * np.transpose(u, (0, 2, 1)))
    turn = u @ vt  # jacobian = stretch @ turn, a rotation (no clock is seen mirrored)
    minutes = plan.times.astype(np.float64)
    hands = np.column_stack(
        [np.zeros(n), 2 * math.pi * minutes / 720, 2 * math.pi * (minutes % 60) / 60]
    )
    return DialGeometry(image_size, centre, stretch, _turned(turn, hands))


def _turned(turn: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Clock angles (clockwise from 12) as seen after ``turn``, clockwise from up."""
    directions = np.stack([np.sin(angles), -np.cos(angles)], axis=-1)  # x right, y down
    seen = np.einsum("nij,nkj->nki", turn, directions)
    return np.mod(np.arctan2(seen[..., 0], -seen[..., 1]), 2 * math.pi)
