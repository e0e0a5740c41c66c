"""Every random choice of a clock set, drawn up front: times, viewpoints, photometry, designs.

The renderer in :mod:`clocks` is a pure function of the plan made here, so batching cannot
change any image. The draws of the original styles come first and in a fixed order; the
course's fixed viewpoints and the varied designs only add draws, so the images of the
original presets never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tunekit.data._clock_art import N_TIMES, N_WOOD, canonical_to_atlas
from tunekit.data._clock_hands import draw_designs

if TYPE_CHECKING:
    from tunekit.data.clocks import ClockStyle


@dataclass(frozen=True)
class Plan:
    """Everything drawn for a whole set up front, so batching cannot change any image."""

    size: int
    times: np.ndarray  # (N,) dial minutes
    to_atlas: np.ndarray  # (N, 3, 3) float32: output pixel (col, row, 1) -> atlas (col, row, w)
    wood: np.ndarray  # (N, 3) int: texture, row offset, col offset
    photo: np.ndarray  # (N, 9) float32: see draw_photometry
    noise_at: np.ndarray  # (N,) int: start of each image's run in the flat noise buffer
    frames: np.ndarray  # (N,) int: atlas frame (the time; with designs, the face design)
    group: np.ndarray  # (N,) int: images of one group render together (they share a frame)
    hands: np.ndarray | None = None  # (N, HAND_COLUMNS) float32 with designs: see _clock_hands
    faces: str = "classic"  # with designs, the catalogue ``frames`` number into


#: Which set of a data seed: 0 is the study's split; fresh training sets are other streams,
#: a number or a tuple of numbers (an epoch and the training seed that draws it).
Stream = int | tuple[int, ...]


def plan_rng(seed: int, stream: Stream) -> np.random.Generator:
    """The generator of one set's per-image draws."""
    if stream == 0:
        return np.random.default_rng([seed, 0])
    return np.random.default_rng([seed, 0, *(stream if isinstance(stream, tuple) else (stream,))])


def balanced_times(n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` dial minutes so each of the 720 times occurs as equally often as possible."""
    full, rest = divmod(n, N_TIMES)
    times = np.concatenate(
        [np.tile(np.arange(N_TIMES), full), rng.choice(N_TIMES, size=rest, replace=False)]
    )
    return rng.permutation(times)


def course_pairs(n: int, rng: np.random.Generator, views: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` (time, viewpoint) pairs, shuffled, as the course set pairs them.

    ``720 * views`` images hold every pair once. Other counts keep the times as balanced as
    :func:`balanced_times` does and each time's viewpoints distinct: in round ``r`` time ``t``
    is seen from viewpoint ``(r + shift[t]) % views``, where ``shift`` spreads the times
    evenly over the viewpoints, so every round shows each viewpoint 720 / views times. A
    last, partial round takes its times evenly from every viewpoint too.
    """
    full, rest = divmod(n, N_TIMES * views)
    rounds, extra = divmod(rest, N_TIMES)
    shift = rng.permutation(np.arange(N_TIMES) % views)
    times = [np.tile(np.arange(N_TIMES), full * views + rounds)]
    seen = [(r + shift) % views for r in range(views)] * full
    seen += [(r + shift) % views for r in range(rounds)]
    # The partial round: shuffle the times, then take the first of every viewpoint, the
    # second of every viewpoint, and so on.
    shuffled = rng.permutation(N_TIMES)
    view = (rounds + shift[shuffled]) % views
    by_view = np.argsort(view, kind="stable")
    rank = np.empty(N_TIMES, dtype=np.int64)
    rank[by_view] = np.arange(N_TIMES) - np.searchsorted(view[by_view], view[by_view])
    some = shuffled[np.argsort(rank, kind="stable")[:extra]]
    times.append(some)
    seen.append((rounds + shift[some]) % views)
    order = rng.permutation(n)
    return np.concatenate(times)[order], np.concatenate(seen)[order].astype(np.int64)


def homographies(n: int, rng: np.random.Generator, style: ClockStyle) -> np.ndarray:
    """Forward maps from the clock frame (radius 1, v up) to image coords in [-1, 1], y down."""
    theta = rng.uniform(0.0, 2 * np.pi, n) * style.rotation
    if style.max_rotation < 180.0:  # at 180 the draw above is kept, so full sets never change
        theta = (theta - np.pi) * (style.max_rotation / 180.0) * style.rotation
    axis = rng.uniform(0.0, 2 * np.pi, n)
    tilt = rng.uniform(0.0, np.radians(45.0), n) * style.perspective
    # Camera distance in clock radii: closer means stronger foreshortening.
    dist = rng.uniform(2.5, 5.0, n)
    scale = np.where(style.scale, rng.uniform(0.55, 0.95, n), 0.85)
    shift = rng.uniform(-1.0, 1.0, (n, 2)) * (1.0 - scale)[:, None] * 0.8 * style.scale
    # Keep the tilted plane's horizon, at scale * dist / tan(tilt) from the clock, 1.5 times
    # farther away than any image corner: beyond it the inverse map would show a mirrored
    # ghost clock, and near it the sampling gets too coarse.
    corner = np.sqrt(2.0) + np.hypot(shift[:, 0], shift[:, 1])
    tilt = np.minimum(tilt, np.arctan(scale * dist / (1.5 * corner)))

    c, s = np.cos(theta), np.sin(theta)
    spin = _stack33(c, -s, 0, s, c, 0, 0, 0, 1)
    ca, sa, ct, st = np.cos(axis), np.sin(axis), np.cos(tilt), np.sin(tilt)
    # Rz(axis) @ Rx(tilt) @ Rz(-axis): a tilt about an in-plane axis at angle `axis`.
    rz, rz_inv = _stack33(ca, -sa, 0, sa, ca, 0, 0, 0, 1), _stack33(ca, sa, 0, -sa, ca, 0, 0, 0, 1)
    rx = _stack33(1, 0, 0, 0, ct, -st, 0, st, ct)
    r3 = rz @ rx @ rz_inv
    # Plane z=0 seen from distance d with focal length d, so an untilted clock keeps radius 1.
    plane = np.stack([r3[:, :, 0], r3[:, :, 1], np.zeros((n, 3))], axis=2)
    plane[:, 2, 2] = dist
    camera = _stack33(dist, 0, 0, 0, dist, 0, 0, 0, 1) @ plane
    place = _stack33(scale, 0, shift[:, 0], 0, -scale, shift[:, 1], 0, 0, 1)
    return place @ camera @ spin


def _stack33(*entries: object) -> np.ndarray:
    """Stack nine scalars or (N,) arrays into an (N, 3, 3) float64 array."""
    cols = np.broadcast_arrays(*[np.asarray(e, dtype=np.float64) for e in entries])
    return np.stack(cols, axis=-1).reshape(-1, 3, 3)


def draw_photometry(
    n: int, rng: np.random.Generator, style: ClockStyle, forward: np.ndarray
) -> np.ndarray:
    """Per-image lighting, glare and noise strength as columns of one array.

    Columns: 0 gain, 1-2 lighting gradient x/y, 3 offset, 4 glare amplitude (/255),
    5-6 glare centre x/y (image coords), 7 glare width, 8 noise sigma.
    """
    photo = np.zeros((n, 9), dtype=np.float64)
    photo[:, 0] = np.where(style.lighting, rng.uniform(0.75, 1.15, n), 1.0)
    photo[:, 1:3] = rng.uniform(-0.3, 0.3, (n, 2)) * style.lighting
    photo[:, 3] = rng.uniform(-12.0, 12.0, n) * style.lighting + 0.5  # +0.5 rounds on cast
    has_glare = (rng.random(n) < 0.35) & style.glare
    photo[:, 4] = rng.uniform(90.0, 220.0, n) / 255 * has_glare
    # The glare sits on the glass, so pick its centre on the face and map it to the image.
    r, a = 0.7 * np.sqrt(rng.random(n)), rng.uniform(0.0, 2 * np.pi, n)
    on_face = np.stack([r * np.sin(a), r * np.cos(a), np.ones(n)], axis=1)
    at = np.einsum("nij,nj->ni", forward, on_face)
    photo[:, 5:7] = at[:, :2] / at[:, 2:3]
    photo[:, 7] = rng.uniform(0.08, 0.22, n)
    photo[:, 8] = rng.uniform(2.0, 9.0, n) * style.noise
    return photo.astype(np.float32)


def _scenes(
    n: int, size: int, rng: np.random.Generator, style: ClockStyle
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``n`` viewpoints: forward maps, photometry and wall crops, in the original order."""
    forward = homographies(n, rng, style)
    photo = draw_photometry(n, rng, style, forward)
    wood = np.stack(
        [
            # The last texture is a plain grey wall, used when wood is switched off.
            np.where(style.wood, rng.integers(0, N_WOOD, n), N_WOOD),
            rng.integers(0, size, n),
            rng.integers(0, size, n),
        ],
        axis=1,
    )
    return forward, photo, wood


def make_plan(n: int, size: int, seed: int, style: ClockStyle, stream: Stream = 0) -> Plan:
    """Draw every random choice for ``n`` images of ``size`` pixels from ``seed``."""
    rng = plan_rng(seed, stream)
    if style.viewpoints:
        times, views = course_pairs(n, rng, style.viewpoints)
        # One set of viewpoints per seed, shared by every stream: fresh sets repeat them too.
        fixed = np.random.default_rng([seed, 2])
        forward, photo, wood = (a[views] for a in _scenes(style.viewpoints, size, fixed, style))
        photo[:, 8] = rng.uniform(2.0, 9.0, n) * style.noise  # the sensor noise is per photo
    else:
        times = balanced_times(n, rng)
        forward, photo, wood = _scenes(n, size, rng, style)
    noise_at = rng.integers(0, 3 * size * size, n)
    # Output pixel (col, row) -> image coords in [-1, 1] at pixel centres.
    pixel = np.array([[2 / size, 0, 1 / size - 1], [0, 2 / size, 1 / size - 1], [0, 0, 1]])
    to_atlas = canonical_to_atlas(size) @ np.linalg.inv(forward) @ pixel
    # Scale each map so w is about 1: keeps float32 division well conditioned.
    to_atlas /= np.abs(to_atlas[:, 2:3, 2:3]) + 1e-12
    plan = Plan(size, times, to_atlas.astype(np.float32), wood, photo, noise_at, times, times)
    if not style.designs:
        return plan
    canonical = np.linalg.inv(canonical_to_atlas(size)) @ to_atlas
    return draw_designs(plan, rng, style, forward, canonical)
