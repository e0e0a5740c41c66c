"""Per-image designs: which face, and hands drawn analytically in clock coordinates.

A hand is a signed-distance test on the pixel's clock coordinates in the hand's own frame
(``along`` the hand from the pivot, ``across`` it). Both are ratios of linear functions of
the output pixel's (col, row), with the same denominator as the atlas lookup, so a whole
batch is a few dozen numpy operations and every image can have hands of its own shape:

* body: a bar from ``-tail`` to its length, optionally tapering towards the tip;
* head: a diamond on the hand (arrow, spade and leaf-shaped "dauphine" hands);
* a centre cap, and on some images a thin seconds hand at a random angle, a distractor.

How long and wide the hands may be is a :class:`HandRange`: ``classic`` keeps them near the
proportions of one clock, ``wide`` spans wall clocks from short stubby hour hands to thin
line hands (see :data:`HAND_RANGES`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from tunekit.data._clock_art import N_WOOD
from tunekit.data._clock_designs import FACE_CATALOGUES, N_PAINTED

if TYPE_CHECKING:
    from tunekit.data._clock_plan import Plan
    from tunekit.data.clocks import ClockStyle

# Columns of the per-image hand table: three hands of _HAND columns each, then the rest.
_HAND = 12  # along row (3), across row (3), half body length, taper, half width, head (3)
HOUR, MINUTE, SECOND = 0, _HAND, 2 * _HAND
PPU, INK, SECOND_INK, CAP_R2, CAP_SCALE, HOUR_MID = range(3 * _HAND, 3 * _HAND + 6)
HAND_COLUMNS = 3 * _HAND + 6
_OFF = 1e3  # a distance that keeps a disabled body or head off every pixel

BAR, BATON, DAUPHINE, ARROW, SPADE = range(5)
_KIND_ODDS = (0.25, 0.25, 0.15, 0.15, 0.2)


@dataclass(frozen=True)
class HandRange:
    """Uniform ranges of the hands' sizes; lengths in dial radii, widths in clock radii.

    Attributes:
        hour_length: Length of the hour hand.
        minute_length: Length of the minute hand.
        hour_width: Half width of the hour hand at the pivot.
        minute_width: The minute hand's half width over the hour hand's.
        gap: The least the minute hand is longer than the hour hand, or a reader could not
            tell the two apart.
    """

    hour_length: tuple[float, float]
    minute_length: tuple[float, float]
    hour_width: tuple[float, float]
    minute_width: tuple[float, float]
    gap: float = 0.0


#: ``classic``: the hands every style drew before ranges were named (kept, so that the same
#: seed still draws the same clocks). ``wide``: hour hands from a third of the dial to
#: nearly two thirds, minute hands down to two thirds of it, and half widths from a thin
#: line (0.007) to a broad bar (0.055), the minute hand as wide as the hour hand or
#: narrower.
HAND_RANGES = {
    "classic": HandRange((0.5, 0.62), (0.78, 0.94), (0.025, 0.045), (0.6, 0.85)),
    "wide": HandRange((0.34, 0.64), (0.68, 0.95), (0.007, 0.055), (0.6, 1.0), gap=0.15),
}


def draw_designs(
    plan: Plan,
    rng: np.random.Generator,
    style: ClockStyle,
    forward: np.ndarray,
    canonical: np.ndarray,
) -> Plan:
    """Add a face design, hands and walls to every image of ``plan``.

    Args:
        plan: The plan of the style without designs; its draws stay as they are.
        rng: The plan's generator, after every draw of ``plan``.
        style: The style (``wood`` and ``lighting`` still switch those off).
        forward: (N, 3, 3) maps from clock coords to image coords in [-1, 1].
        canonical: (N, 3, 3) maps from output (col, row, 1) to clock coords (u, v, w), with
            the same w as ``plan.to_atlas``.
    """
    n = len(plan.times)
    faces = FACE_CATALOGUES[style.faces]
    design = rng.integers(0, len(faces), n)
    dial = np.array([d.dial for d in faces])[design]
    light = np.array([d.light_hands for d in faces])[design]
    kind = rng.choice(len(_KIND_ODDS), size=n, p=_KIND_ODDS)
    hour_len, minute_len, hour_w, minute_w = _hand_sizes(rng, dial, HAND_RANGES[style.hands])
    tail = rng.uniform(0.08, 0.2, n) * (rng.random(n) < 0.45)
    tip = rng.uniform(0.15, 0.6, n)  # a baton's tip width over its base width
    has_second = rng.random(n) < 0.4
    second_angle = rng.uniform(0, 2 * np.pi, n)
    second_len, second_tail = dial * rng.uniform(0.85, 0.97, n), rng.uniform(0.12, 0.25, n)
    second_w = rng.uniform(0.004, 0.009, n)
    cap = np.maximum(1.25 * hour_w, rng.uniform(0.03, 0.06, n))
    ink = np.where(light, rng.uniform(195, 245, n), rng.uniform(5, 60, n))
    second_ink = np.where(light, rng.uniform(140, 230, n), rng.uniform(50, 140, n))
    painted = rng.random(n) < 0.4
    paint = N_WOOD + 1 + rng.integers(0, N_PAINTED, n)
    gain, slope = rng.uniform(0.85, 1.12, n), rng.uniform(1.0, 1.6, n)

    minutes = plan.times % 60
    hands = np.empty((n, HAND_COLUMNS))
    hands[:, HOUR : HOUR + _HAND] = _hand(
        plan.times * (2 * np.pi / 720), canonical, kind, hour_len, 0.6 * tail, hour_w, tip
    )
    hands[:, MINUTE : MINUTE + _HAND] = _hand(
        minutes * (2 * np.pi / 60), canonical, kind, minute_len, tail, minute_w, tip
    )
    hands[:, SECOND : SECOND + _HAND] = _hand(
        second_angle, canonical, np.full(n, BAR), second_len, second_tail, second_w, tip
    )
    hands[~has_second, SECOND + 6] = -_OFF
    hands[:, PPU] = _pixels_per_unit(forward, plan.size)
    hands[:, INK] = ink
    hands[:, SECOND_INK] = np.where(has_second, second_ink, -1.0)
    hands[:, CAP_R2], hands[:, CAP_SCALE] = cap * cap, 0.5 / cap
    hands[:, HOUR_MID] = _body(kind, hour_len, 0.6 * tail)[0]

    wood = plan.wood.copy()
    if style.wood:
        wood[:, 0] = np.where(painted, paint, wood[:, 0])
    photo = plan.photo.copy()
    if style.lighting:  # a wider range of light than the original styles
        photo[:, 0] *= gain
        photo[:, 1:3] *= slope[:, None]
    has_head = (kind == DAUPHINE) | (kind == ARROW) | (kind == SPADE)
    return replace(
        plan,
        wood=wood,
        photo=photo,
        frames=design,
        # Chunks that share a group skip the seconds hand or the heads when no image has one.
        group=(has_second * 2 + has_head) * len(faces) + design,
        hands=hands.astype(np.float32),
        faces=style.faces,
    )


def _hand_sizes(
    rng: np.random.Generator, dial: np.ndarray, sizes: HandRange
) -> tuple[np.ndarray, ...]:
    """Hour and minute lengths and half widths for dials of radius ``dial``.

    Every range takes one draw per image, so the ranges change no later draw.
    """
    n = len(dial)
    hour = rng.uniform(*sizes.hour_length, n)
    minute = np.maximum(rng.uniform(*sizes.minute_length, n), hour + sizes.gap)
    hour_w = rng.uniform(*sizes.hour_width, n)
    return dial * hour, dial * minute, hour_w, hour_w * rng.uniform(*sizes.minute_width, n)


def _body(kind: np.ndarray, length: np.ndarray, tail: np.ndarray) -> tuple[np.ndarray, ...]:
    """Middle and half length of the hand's bar (from -tail to its end), per kind."""
    end = np.where(kind == ARROW, length - _arrow_head(length), length)
    return (end - tail) / 2, (end + tail) / 2


def _arrow_head(length: np.ndarray) -> np.ndarray:
    """Half length of an arrow's diamond head."""
    return 0.11 * length


def _hand(
    angle: np.ndarray,
    canonical: np.ndarray,
    kind: np.ndarray,
    length: np.ndarray,
    tail: np.ndarray,
    width: np.ndarray,
    tip: np.ndarray,
) -> np.ndarray:
    """The _HAND columns of one hand per image (``width`` is the half width at the pivot)."""
    mid, half = _body(kind, length, tail)
    # Thin shafts carry the heads of arrow and spade hands.
    width = np.where((kind == ARROW) | (kind == SPADE), 0.6 * width, width)
    taper = np.where(kind == BATON, width * (1 - tip) / length, 0.0)
    head_mid = np.select(
        [kind == DAUPHINE, kind == ARROW, kind == SPADE],
        [(length - 0.05) / 2, length - _arrow_head(length), 0.68 * length],
        0.0,
    )
    head_half = np.select(
        [kind == DAUPHINE, kind == ARROW], [(length + 0.05) / 2, _arrow_head(length)], 0.14 * length
    )
    head_width = np.select(
        [kind == DAUPHINE, kind == ARROW, kind == SPADE],
        [1.8 * width, np.maximum(3.6 * width, 0.045), 4 * width],
        -_OFF,
    )
    half = np.where(kind == DAUPHINE, -_OFF, half)  # a dauphine hand is all head

    dx, dy = np.sin(angle)[:, None], np.cos(angle)[:, None]  # clockwise from 12, v up
    u, v, w = canonical[:, 0], canonical[:, 1], canonical[:, 2]
    cols = np.empty((len(angle), _HAND))
    cols[:, 0:3] = dx * u + dy * v - mid[:, None] * w  # along the hand, from its middle
    cols[:, 3:6] = dy * u - dx * v  # across it
    cols[:, 6] = half
    cols[:, 7] = taper
    cols[:, 8] = width - taper * mid  # the half width at the middle
    cols[:, 9] = head_mid - mid
    cols[:, 10] = np.maximum(head_width, 0) / head_half
    cols[:, 11] = head_width
    return cols


def _pixels_per_unit(forward: np.ndarray, size: int) -> np.ndarray:
    """Output pixels per clock radius at the clock's centre (the root of the area scale)."""
    h = forward
    j00 = h[:, 0, 0] * h[:, 2, 2] - h[:, 0, 2] * h[:, 2, 0]
    j01 = h[:, 0, 1] * h[:, 2, 2] - h[:, 0, 2] * h[:, 2, 1]
    j10 = h[:, 1, 0] * h[:, 2, 2] - h[:, 1, 2] * h[:, 2, 0]
    j11 = h[:, 1, 1] * h[:, 2, 2] - h[:, 1, 2] * h[:, 2, 1]
    det = np.abs(j00 * j11 - j01 * j10) / h[:, 2, 2] ** 4
    return np.sqrt(det) * size / 2


def paint_hands(
    pic: np.ndarray,
    hands: np.ndarray,
    grid: np.ndarray,
    winv: np.ndarray,
    scratch: tuple[np.ndarray, ...],
) -> None:
    """Paint the hands of ``hands`` (k, HAND_COLUMNS) over ``pic`` (k, S, S) in place.

    ``grid`` is ``arange(S)`` and ``winv`` the (k, S, S) reciprocal of the atlas map's w;
    ``scratch`` holds five float32 buffers of at least (k, S, S).
    """
    k = len(hands)
    along, across, dist, part, extra = (b[:k] for b in scratch)
    p = hands[:, :, None, None]
    heads = bool((hands[:, HOUR + 11] > 0).any())
    _distance(p, HOUR, grid, winv, heads, along, across, dist, part)
    # The cap: the distance to the centre, from the hour hand's frame.
    np.add(along, p[:, HOUR_MID], out=part)
    np.square(part, out=part)
    np.square(across, out=along)
    np.add(part, along, out=part)
    np.subtract(part, p[:, CAP_R2], out=part)
    np.multiply(part, p[:, CAP_SCALE], out=part)
    np.minimum(dist, part, out=dist)
    _distance(p, MINUTE, grid, winv, heads, along, across, extra, part)
    np.minimum(dist, extra, out=dist)
    _ink(pic, dist, p[:, PPU], p[:, INK], part)
    if (hands[:, SECOND_INK] >= 0).any():
        _distance(p, SECOND, grid, winv, False, along, across, dist, part)
        _ink(pic, dist, p[:, PPU], p[:, SECOND_INK], part)


def _distance(
    p: np.ndarray,
    at: int,
    grid: np.ndarray,
    winv: np.ndarray,
    head: bool,
    along: np.ndarray,
    across: np.ndarray,
    out: np.ndarray,
    part: np.ndarray,
) -> None:
    """Signed distance to one hand (negative inside) into ``out``; leaves its frame behind."""
    for dst, row in ((along, at), (across, at + 3)):
        # Separable numerator: a (k, 1, S) column part plus a (k, S, 1) row part, over w.
        np.add(p[:, row] * grid, p[:, row + 1] * grid[:, None] + p[:, row + 2], out=dst)
        np.multiply(dst, winv, out=dst)
    np.abs(across, out=across)
    np.multiply(along, p[:, at + 7], out=out)
    np.add(out, across, out=out)
    np.subtract(out, p[:, at + 8], out=out)
    np.abs(along, out=part)
    np.subtract(part, p[:, at + 6], out=part)
    np.maximum(out, part, out=out)
    if head:  # a diamond: |along - centre| * slope + |across| < half width
        np.subtract(along, p[:, at + 9], out=part)
        np.abs(part, out=part)
        np.multiply(part, p[:, at + 10], out=part)
        np.add(part, across, out=part)
        np.subtract(part, p[:, at + 11], out=part)
        np.minimum(out, part, out=out)


def _ink(
    pic: np.ndarray, dist: np.ndarray, ppu: np.ndarray, ink: np.ndarray, part: np.ndarray
) -> None:
    """Blend ``ink`` over ``pic`` with anti-aliased coverage from the distance ``dist``."""
    np.multiply(dist, -ppu, out=dist)
    np.add(dist, 0.5, out=dist)
    np.clip(dist, 0, 1, out=dist)
    np.subtract(ink, pic, out=part)
    np.multiply(part, dist, out=part)
    np.add(pic, part, out=pic)
