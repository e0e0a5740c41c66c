"""Render analogue clocks with a second, independent renderer, to measure generalisation.

tunekit's clock reader is trained on tunekit's own synthetic clocks. A reader that scores
well on more clocks from the same generator may only have learnt that generator's habits
(its fonts, its hand shapes, its backgrounds). This script is a renderer the reader has
never seen: it was written from scratch with Pillow and numpy, shares no code or drawing
conventions with ``tunekit.data``, and imports nothing from tunekit. Scoring the reader on
its clocks says how well the reading carries over to clocks "of a kind it has not seen".

The clocks vary as real wall clocks do: arabic, roman, quarter-only or tick-only faces
(with a marked 12), minute ticks on or off, light, dark and grey dials, rims and inner
rings; bar, tapered, arrow and leaf hands with or without tails, an optional seconds hand
as a distractor and a centre cap; in-plane rotation of the whole clock by any angle,
perspective tilt of up to 35 degrees, scale and a small offset; plain, gradient, blotched
or striped backgrounds, uneven lighting, noise and occasional blur. Each clock is drawn at
3x and reduced with a box filter for anti-aliasing.

Run with ``python benchmarks/other_renderer.py OUTDIR [--n 1800] [--seed 0] [--size 150]
[--overwrite]``. It writes the course format: ``OUTDIR/images.npy`` (N, size, size) uint8
grayscale and ``OUTDIR/labels.npy`` (N, 2) int64 of [hour 0-11, minute 0-59], each of the
720 times N//720 or N//720 + 1 times, shuffled. The same seed gives identical arrays.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SUPERSAMPLE = 3  # drawn at this multiple of the output size, then box-reduced
TIMES = 720  # 12 hours x 60 minutes
DIAL_FILL = 0.49  # dial radius as a fraction of the drawing canvas's side
CAMERA_DISTANCE = 3.0  # perspective camera distance, in output image sides
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts")
FONT_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansCondensed.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Regular.ttf",
)
ARABIC = tuple(str(h) for h in range(1, 13))
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Face:
    """The dial: shades, rim, markers and numerals. Lengths are fractions of its radius."""

    shade: int  # the dial's ground, 0-255
    ink: int  # numerals and ticks
    rim_width: float  # 0 = no rim
    rim_shade: int
    inner_ring: float  # radius of a thin inner circle, 0 = none
    markers: str  # "arabic" | "roman" | "quarters" | "ticks"
    roman_four: str  # "IV" or "IIII" (roman faces)
    quarter_roman: bool  # quarters as XII/III/VI/IX rather than 12/3/6/9
    hour_ticks: bool  # ticks at the hours (always on for "ticks" faces)
    minute_ticks: bool
    tick_length: float  # hour tick length
    tick_width: float  # hour tick width
    twelve_mark: str  # "triangle" | "double" | "thick": how a "ticks" face marks 12
    font: str | None  # a TrueType path, or None for Pillow's default font
    numeral_size: float  # font size, as a fraction of the radius left inside the ticks


@dataclass(frozen=True)
class Hands:
    """The hands. Lengths and widths are fractions of the dial radius."""

    shape: str  # "bar" | "taper" | "arrow" | "leaf"
    shade: int
    hour_length: float
    hour_width: float
    minute_length: float
    minute_width: float
    tail: float  # how far the hands reach past the centre, 0 = no tail
    cap: float  # centre cap radius, 0 = none
    cap_shade: int
    seconds: float | None  # the seconds hand's angle in degrees, None = no seconds hand
    seconds_shade: int
    seconds_length: float


@dataclass(frozen=True)
class Pose:
    """Where the dial lands in the image."""

    rotation: float  # in-plane, degrees clockwise
    tilt: float  # out of plane, degrees (0 = facing the camera)
    tilt_axis: float  # direction of the tilt's axis in the image plane, degrees
    diameter: float  # dial diameter as a fraction of the image side (before tilt)
    offset: tuple[float, float]  # centre offset (x, y) as fractions of the image side


@dataclass(frozen=True)
class Scene:
    """Background and the camera's finish."""

    background: str  # "plain" | "gradient" | "radial" | "blotches" | "stripes"
    shades: tuple[int, int]  # the background's two extreme shades
    pattern_seed: int  # seeds the background pattern and the noise
    light_angle: float  # direction of the lighting gradient, degrees
    light_strength: float  # 0 = even lighting; brightness varies by +-this fraction
    noise: float  # gaussian noise sigma in grey levels
    blur: float  # gaussian blur radius in output pixels, 0 = none


@dataclass(frozen=True)
class ClockParams:
    """Everything needed to render one clock; rendering is a pure function of it."""

    hour: int  # 0-11
    minute: int  # 0-59
    face: Face
    hands: Hands
    pose: Pose
    scene: Scene


# --------------------------------------------------------------------------- time labels


def plan_times(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) int64 [hour, minute], each of the 720 times n//720 or n//720 + 1 times, shuffled."""
    whole = np.tile(np.arange(TIMES), n // TIMES)
    extra = rng.choice(TIMES, size=n % TIMES, replace=False)
    minutes_of_day = np.concatenate([whole, extra])
    rng.shuffle(minutes_of_day)
    return np.stack([minutes_of_day // 60, minutes_of_day % 60], axis=1).astype(np.int64)


def hand_angles(hour: int, minute: int) -> tuple[float, float]:
    """Clockwise angles from 12 o'clock, in degrees, of the hour and minute hands."""
    return 30.0 * (hour % 12 + minute / 60.0), 6.0 * minute


# --------------------------------------------------------------------------- random styles


@functools.lru_cache(maxsize=1)
def system_fonts() -> tuple[str | None, ...]:
    """TrueType fonts found on this system from FONT_NAMES, or (None,) for the default font."""
    found: dict[str, str] = {}
    for folder in FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            for path in sorted(root.rglob("*.ttf")):
                if path.name in FONT_NAMES and path.name not in found:
                    found[path.name] = str(path)
    fonts = tuple(found[name] for name in FONT_NAMES if name in found)
    return fonts or (None,)


def _shade_away(rng: np.random.Generator, avoid: int, gap: int) -> int:
    """A random shade at least ``gap`` grey levels from ``avoid`` (or as far as possible)."""
    choices = [v for v in range(256) if abs(v - avoid) >= gap]
    if not choices:
        return 0 if avoid > 127 else 255
    return int(rng.choice(choices))


def random_face(rng: np.random.Generator) -> Face:
    """A dial style: light, dark or grey, with one of four kinds of markers."""
    tone = rng.choice(["light", "dark", "mid"], p=[0.55, 0.25, 0.2])
    if tone == "light":
        shade, ink = int(rng.integers(195, 256)), int(rng.integers(0, 60))
    elif tone == "dark":
        shade, ink = int(rng.integers(10, 70)), int(rng.integers(200, 256))
    else:
        shade = int(rng.integers(100, 161))
        inks = [v for v in [*range(0, 36), *range(225, 256)] if abs(v - shade) >= 95]
        ink = int(rng.choice(inks))
    rim_width = 0.0 if rng.random() < 0.15 else float(rng.uniform(0.015, 0.12))
    rim_shade = ink if rng.random() < 0.45 else _shade_away(rng, shade, 45)
    markers = str(rng.choice(["arabic", "roman", "quarters", "ticks"], p=[0.35, 0.2, 0.2, 0.25]))
    size = {"arabic": (0.2, 0.3), "roman": (0.16, 0.24), "quarters": (0.22, 0.34)}
    low, high = size.get(markers, (0.2, 0.3))
    return Face(
        shade=shade,
        ink=ink,
        rim_width=rim_width,
        rim_shade=rim_shade,
        inner_ring=float(rng.uniform(0.55, 0.9)) if rng.random() < 0.25 else 0.0,
        markers=markers,
        roman_four="IIII" if rng.random() < 0.4 else "IV",
        quarter_roman=bool(rng.random() < 0.35),
        hour_ticks=markers == "ticks" or bool(rng.random() < 0.5),
        minute_ticks=bool(rng.random() < 0.5),
        tick_length=float(rng.uniform(0.07, 0.16)),
        tick_width=float(rng.uniform(0.018, 0.05)),
        twelve_mark=str(rng.choice(["triangle", "double", "thick"])),
        font=system_fonts()[int(rng.integers(len(system_fonts())))],
        numeral_size=float(rng.uniform(low, high)),
    )


def random_hands(rng: np.random.Generator, face: Face) -> Hands:
    """Hands that contrast with ``face``; the hour hand shorter and usually wider."""
    shade = face.ink if rng.random() < 0.75 else _shade_away(rng, face.shade, 110)
    hour_length = float(rng.uniform(0.38, 0.58))
    minute_length = float(rng.uniform(max(0.68, hour_length + 0.17), 0.92))
    hour_width = float(rng.uniform(0.045, 0.11))
    minute_width = hour_width * float(rng.uniform(0.5, 1.0))
    seconds_shade = _shade_away(rng, face.shade, 70) if rng.random() < 0.5 else shade
    cap = float(rng.uniform(0.03, 0.08)) if rng.random() < 0.5 else 0.0
    return Hands(
        shape=str(rng.choice(["bar", "taper", "arrow", "leaf"])),
        shade=shade,
        hour_length=hour_length,
        hour_width=hour_width,
        minute_length=minute_length,
        minute_width=minute_width,
        tail=float(rng.uniform(0.08, 0.22)) if rng.random() < 0.45 else 0.0,
        cap=cap,
        cap_shade=shade if rng.random() < 0.7 else seconds_shade,
        seconds=float(rng.uniform(0, 360)) if rng.random() < 0.4 else None,
        seconds_shade=seconds_shade,
        seconds_length=float(rng.uniform(0.75, 0.95)),
    )


def random_pose(rng: np.random.Generator) -> Pose:
    """Any in-plane rotation, a mild tilt, a scale and a small offset."""
    tilt = float(rng.uniform(0, 35)) if rng.random() < 0.75 else 0.0
    return Pose(
        rotation=float(rng.uniform(0, 360)),
        tilt=tilt,
        tilt_axis=float(rng.uniform(0, 180)),
        diameter=float(rng.uniform(0.55, 0.95)),
        offset=(float(rng.uniform(-0.04, 0.04)), float(rng.uniform(-0.04, 0.04))),
    )


def random_scene(rng: np.random.Generator, face: Face) -> Scene:
    """A background (kept away from the dial's shade when it has no rim) and a finish."""
    kind = str(rng.choice(["plain", "gradient", "radial", "blotches", "stripes"]))
    if face.rim_width == 0.0:
        first = _shade_away(rng, face.shade, 50)
        second = int(np.clip(first + rng.integers(-40, 41), 0, 255))
    else:
        first, second = (int(v) for v in rng.integers(0, 256, size=2))
    return Scene(
        background=kind,
        shades=(first, second),
        pattern_seed=int(rng.integers(2**31)),
        light_angle=float(rng.uniform(0, 360)),
        light_strength=float(rng.uniform(0, 0.3)),
        noise=float(rng.uniform(0, 9)),
        blur=float(rng.uniform(0.4, 1.2)) if rng.random() < 0.25 else 0.0,
    )


def random_params(rng: np.random.Generator, hour: int, minute: int) -> ClockParams:
    """A random clock showing ``hour``:``minute``."""
    face = random_face(rng)
    hands = random_hands(rng, face)
    return ClockParams(hour, minute, face, hands, random_pose(rng), random_scene(rng, face))


def plain_params(hour: int, minute: int) -> ClockParams:
    """A plain, upright, untilted, noise-free clock without seconds hand (for checks)."""
    fonts = system_fonts()
    face = Face(
        shade=240,
        ink=20,
        rim_width=0.05,
        rim_shade=20,
        inner_ring=0.0,
        markers="arabic",
        roman_four="IV",
        quarter_roman=False,
        hour_ticks=True,
        minute_ticks=False,
        tick_length=0.08,
        tick_width=0.03,
        twelve_mark="thick",
        font=fonts[0],
        numeral_size=0.2,
    )
    hands = Hands(
        shape="bar",
        shade=20,
        hour_length=0.5,
        hour_width=0.1,
        minute_length=0.8,
        minute_width=0.07,
        tail=0.0,
        cap=0.0,
        cap_shade=20,
        seconds=None,
        seconds_shade=20,
        seconds_length=0.9,
    )
    pose = Pose(rotation=0.0, tilt=0.0, tilt_axis=0.0, diameter=0.9, offset=(0.0, 0.0))
    scene = Scene("plain", (128, 128), 0, 0.0, 0.0, 0.0, 0.0)
    return ClockParams(hour, minute, face, hands, pose, scene)


# --------------------------------------------------------------------------- the dial


@functools.lru_cache(maxsize=256)
def load_font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font of ``size`` pixels: the TrueType ``path``, or Pillow's default font."""
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a fixed, small bitmap font
        return ImageFont.load_default()


def _point(centre: float, angle: float, along: float, across: float) -> tuple[float, float]:
    """The canvas point ``along`` the clockwise-from-12 direction ``angle`` and ``across`` it."""
    a = math.radians(angle)
    ux, uy = math.sin(a), -math.cos(a)  # towards the angle (y grows downwards)
    nx, ny = math.cos(a), math.sin(a)  # its right-hand normal
    return centre + along * ux + across * nx, centre + along * uy + across * ny


def _ring(draw: ImageDraw.ImageDraw, centre: float, radius: float, fill: int) -> None:
    """A filled disc of ``radius`` around the centre."""
    box = (centre - radius, centre - radius, centre + radius, centre + radius)
    draw.ellipse(box, fill=fill)


def _tick(draw, centre, angle, outer, length, width, fill) -> None:
    """A radial bar from ``outer`` inwards by ``length``, ``width`` wide."""
    half = width / 2
    corners = [(outer, -half), (outer, half), (outer - length, half), (outer - length, -half)]
    draw.polygon([_point(centre, angle, a, b) for a, b in corners], fill=fill)


def draw_rim(draw: ImageDraw.ImageDraw, face: Face, centre: float, radius: float) -> float:
    """The dial's ground, rim and inner ring; returns the radius inside the rim."""
    inner = radius * (1 - face.rim_width)
    if face.rim_width > 0:
        _ring(draw, centre, radius, face.rim_shade)
    _ring(draw, centre, inner, face.shade)
    if face.inner_ring > 0:
        ring = inner * face.inner_ring
        width = max(1, round(radius * 0.012))
        box = (centre - ring, centre - ring, centre + ring, centre + ring)
        draw.ellipse(box, outline=face.ink, width=width)
    return inner


def draw_twelve_mark(draw, face: Face, centre: float, outer: float, radius: float) -> None:
    """The distinct mark at 12 on a face of ticks only."""
    length, width = face.tick_length * radius, face.tick_width * radius
    if face.twelve_mark == "triangle":
        base = 1.6 * length
        points = [(outer, -base * 0.45), (outer, base * 0.45), (outer - base, 0.0)]
        draw.polygon([_point(centre, 0.0, a, b) for a, b in points], fill=face.ink)
    elif face.twelve_mark == "double":
        for side in (-1, 1):
            draw.polygon(
                [
                    _point(centre, 0.0, a, side * width * 0.9 + b)
                    for a, b in [
                        (outer, -width / 2),
                        (outer, width / 2),
                        (outer - length * 1.3, width / 2),
                        (outer - length * 1.3, -width / 2),
                    ]
                ],
                fill=face.ink,
            )
    else:
        _tick(draw, centre, 0.0, outer, length * 1.6, width * 2.4, face.ink)


def draw_ticks(draw, face: Face, centre: float, outer: float, radius: float) -> float:
    """Minute and hour ticks; returns the radius left free inside them."""
    free = outer
    if face.minute_ticks:
        width = max(radius * face.tick_width * 0.35, radius * 0.008)
        for minute in range(60):
            if minute % 5 or not face.hour_ticks:
                _tick(draw, centre, 6.0 * minute, outer, radius * 0.045, width, face.ink)
        free = outer - radius * 0.06
    if face.hour_ticks:
        hours = range(1, 12) if face.markers == "ticks" else range(12)
        for hour in hours:
            length, width = face.tick_length * radius, face.tick_width * radius
            _tick(draw, centre, 30.0 * hour, outer, length, width, face.ink)
        if face.markers == "ticks":
            draw_twelve_mark(draw, face, centre, outer, radius)
        free = outer - face.tick_length * radius * 1.15
    return free


def numerals(face: Face) -> dict[int, str]:
    """The numeral printed at each hour position (0 = the 12 o'clock position)."""
    if face.markers == "ticks":
        return {}
    if face.markers == "quarters":
        names = ("XII", "III", "VI", "IX") if face.quarter_roman else ("12", "3", "6", "9")
        return dict(zip((0, 3, 6, 9), names, strict=True))
    labels = ARABIC if face.markers == "arabic" else ROMAN
    texts = {h % 12: labels[h - 1] for h in range(1, 13)}
    if face.markers == "roman":
        texts[4] = face.roman_four
    return texts


def numeral_font(face: Face, texts: dict[int, str], free: float, gap: float):
    """The face's font at its size, shrunk until neighbouring numerals cannot overlap."""
    size = max(6, round(face.numeral_size * free))
    while True:
        font = load_font(face.font, size)
        boxes = [font.getbbox(text) for text in texts.values()]
        width = max(right - left for left, _, right, _ in boxes)
        height = max(bottom - top for _, top, _, bottom in boxes)
        centres = free - gap - max(width, height) / 2  # radius of the numerals' centres
        spacing = 2 * centres * math.sin(math.pi / len(texts))  # between neighbours
        if size <= 6 or max(width, height) <= 0.8 * spacing:
            return font
        size = max(6, int(size * 0.9))


def draw_numerals(draw, face: Face, centre: float, free: float, radius: float) -> None:
    """Upright numerals, each pushed out until its box touches the circle ``free``."""
    texts = numerals(face)
    if not texts:
        return
    gap = radius * 0.03
    font = numeral_font(face, texts, free, gap)
    for position, text in texts.items():
        left, top, right, bottom = font.getbbox(text)
        width, height = right - left, bottom - top
        a = math.radians(30.0 * position)
        reach = abs(math.sin(a)) * width / 2 + abs(math.cos(a)) * height / 2
        x, y = _point(centre, 30.0 * position, free - gap - reach, 0.0)
        draw.text((x - left - width / 2, y - top - height / 2), text, font=font, fill=face.ink)


def hand_outline(shape: str, length: float, width: float, tail: float) -> list[tuple[float, float]]:
    """A hand's outline as (along, across) pairs, pointing along +along from the centre."""
    half = width / 2
    if shape == "bar":
        return [(-tail, -half), (length, -half), (length, half), (-tail, half)]
    if shape == "taper":
        return [
            (-tail, -half),
            (0.9 * length, -0.3 * half),
            (length, 0.0),
            (0.9 * length, 0.3 * half),
            (-tail, half),
        ]
    if shape == "arrow":
        shaft, neck = 0.45 * half, 0.74 * length
        return [
            (-tail, -shaft),
            (neck, -shaft),
            (neck - 0.04 * length, -1.5 * half),
            (length, 0.0),
            (neck - 0.04 * length, 1.5 * half),
            (neck, shaft),
            (-tail, shaft),
        ]
    # a leaf: widest at about a third of its length, pointed at the tip
    steps = np.linspace(0.0, 1.0, 13)
    side = [
        (t * length, max(0.35 * half, 1.35 * half * math.sin(math.pi * t) ** 0.8)) for t in steps
    ]
    upper = [(a, -b) for a, b in side]
    lower = [(a, b) for a, b in reversed(side)]
    return [(-tail, -0.35 * half), *upper, *lower, (-tail, 0.35 * half)]


def draw_hand(draw, centre, angle, outline, fill) -> None:
    """Draw ``outline`` turned to ``angle`` degrees clockwise from 12."""
    draw.polygon([_point(centre, angle, a, b) for a, b in outline], fill=fill)


def draw_hands(draw, params: ClockParams, centre: float, radius: float) -> None:
    """Hour hand, minute hand, then the optional seconds hand and centre cap."""
    hands = params.hands
    hour_angle, minute_angle = hand_angles(params.hour, params.minute)
    tail = hands.tail * radius
    hour = hand_outline(
        hands.shape, hands.hour_length * radius, hands.hour_width * radius, tail * 0.8
    )
    minute = hand_outline(
        hands.shape, hands.minute_length * radius, hands.minute_width * radius, tail
    )
    draw_hand(draw, centre, hour_angle, hour, hands.shade)
    draw_hand(draw, centre, minute_angle, minute, hands.shade)
    if hands.seconds is not None:
        width = max(radius * 0.012, 1.0)
        seconds = hand_outline("bar", hands.seconds_length * radius, width, radius * 0.2)
        draw_hand(draw, centre, hands.seconds, seconds, hands.seconds_shade)
    cap = hands.cap * radius
    if cap == 0 and hands.seconds is not None:
        cap = radius * 0.025
    if cap > 0:
        _ring(draw, centre, cap, hands.cap_shade)


def draw_dial(params: ClockParams, side: int) -> tuple[Image.Image, Image.Image]:
    """The upright dial on a ``side``-pixel canvas, and its mask (255 inside the dial)."""
    centre, radius = side / 2, side * DIAL_FILL
    dial = Image.new("L", (side, side), params.face.shade)
    draw = ImageDraw.Draw(dial)
    inner = draw_rim(draw, params.face, centre, radius)
    outer = inner - radius * 0.03
    free = draw_ticks(draw, params.face, centre, outer, radius)
    draw_numerals(draw, params.face, centre, free, radius)
    draw_hands(draw, params, centre, radius)
    mask = Image.new("L", (side, side), 0)
    _ring(ImageDraw.Draw(mask), centre, radius, 255)
    return dial, mask


# --------------------------------------------------------------------------- geometry


def _rotation_3d(axis_angle: float, tilt: float) -> np.ndarray:
    """Rotation by ``tilt`` degrees about the in-plane axis at ``axis_angle`` degrees."""
    a, t = math.radians(axis_angle), math.radians(tilt)
    k = np.array([math.cos(a), math.sin(a), 0.0])
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(t) * cross + (1 - math.cos(t)) * cross @ cross


def _projection(pose: Pose, canvas: int, scale: float, centre_out: np.ndarray) -> np.ndarray:
    """Homography from canvas pixels to output pixels: turn, scale, tilt, project, place."""
    r = math.radians(pose.rotation)
    spin = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    to_origin = np.array([[1, 0, -canvas / 2], [0, 1, -canvas / 2], [0, 0, 1]])
    sized = np.diag([scale, scale, 1.0])
    rot = _rotation_3d(pose.tilt_axis, pose.tilt)
    distance = CAMERA_DISTANCE * 2 * centre_out.max()
    cx, cy = centre_out
    project = np.array(
        [
            [rot[0, 0] + cx * rot[2, 0] / distance, rot[0, 1] + cx * rot[2, 1] / distance, cx],
            [rot[1, 0] + cy * rot[2, 0] / distance, rot[1, 1] + cy * rot[2, 1] / distance, cy],
            [rot[2, 0] / distance, rot[2, 1] / distance, 1.0],
        ]
    )
    return project @ sized @ spin @ to_origin


def _rim_bounds(matrix: np.ndarray, canvas: int) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the projected dial outline."""
    t = np.linspace(0, 2 * math.pi, 72, endpoint=False)
    radius = canvas * DIAL_FILL
    points = np.stack([canvas / 2 + radius * np.cos(t), canvas / 2 + radius * np.sin(t), 1 + 0 * t])
    out = matrix @ points
    x, y = out[0] / out[2], out[1] / out[2]
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def fit_projection(pose: Pose, canvas: int, side: int) -> np.ndarray:
    """The pose's homography, shrunk if needed and shifted so the dial stays in the image."""
    scale = pose.diameter * side / (2 * canvas * DIAL_FILL)
    centre = np.array([side / 2, side / 2])
    left, top, right, bottom = _rim_bounds(_projection(pose, canvas, scale, centre), canvas)
    span = max(right - left, bottom - top)
    if span > 0.98 * side:
        scale *= 0.98 * side / span
        left, top, right, bottom = _rim_bounds(_projection(pose, canvas, scale, centre), canvas)
    shift = np.array(pose.offset) * side
    shift[0] = np.clip(shift[0], 0.01 * side - left, 0.99 * side - right)
    shift[1] = np.clip(shift[1], 0.01 * side - top, 0.99 * side - bottom)
    return _projection(pose, canvas, scale, centre + shift)


def place_dial(dial: Image.Image, mask: Image.Image, pose: Pose, side: int):
    """The dial and its mask warped into a ``side``-pixel image by the pose."""
    forward = fit_projection(pose, dial.width, side)
    inverse = np.linalg.inv(forward)
    inverse /= inverse[2, 2]
    coeffs = tuple(float(v) for v in inverse.ravel()[:8])
    perspective = Image.Transform.PERSPECTIVE
    placed = dial.transform((side, side), perspective, coeffs, Image.Resampling.BILINEAR)
    cut = mask.transform((side, side), perspective, coeffs, Image.Resampling.BILINEAR)
    return placed, cut


# --------------------------------------------------------------------------- background


def _ramp(side: int, angle: float) -> np.ndarray:
    """A (side, side) ramp from -1 to 1 across the image along ``angle`` degrees."""
    a = math.radians(angle)
    grid = np.linspace(-1, 1, side)
    ramp = math.cos(a) * grid[None, :] + math.sin(a) * grid[:, None]
    return ramp / max(abs(math.cos(a)) + abs(math.sin(a)), 1e-9)


def _pattern(kind: str, side: int, rng: np.random.Generator) -> np.ndarray:
    """A (side, side) float pattern in [0, 1] of the given kind."""
    if kind == "plain":
        return np.zeros((side, side))
    if kind == "gradient":
        return (_ramp(side, float(rng.uniform(0, 360))) + 1) / 2
    if kind == "radial":
        cx, cy = rng.uniform(0, side, size=2)
        yy, xx = np.mgrid[0:side, 0:side]
        return np.clip(np.hypot(xx - cx, yy - cy) / (side * rng.uniform(0.6, 1.2)), 0, 1)
    if kind == "blotches":
        small = Image.new("L", (48, 48), 0)
        draw = ImageDraw.Draw(small)
        for _ in range(int(rng.integers(4, 14))):
            x, y = rng.uniform(-6, 54, size=2)
            rx, ry = rng.uniform(3, 14, size=2)
            draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=int(rng.integers(80, 256)))
        small = small.filter(ImageFilter.GaussianBlur(float(rng.uniform(1, 4))))
        return np.asarray(small.resize((side, side), Image.Resampling.BICUBIC)) / 255.0
    # stripes: soft or hard bands at any angle
    period = side * rng.uniform(0.06, 0.35)
    a = math.radians(rng.uniform(0, 180))
    yy, xx = np.mgrid[0:side, 0:side]
    wave = np.sin(2 * math.pi * (xx * math.cos(a) + yy * math.sin(a)) / period)
    return (wave > 0).astype(float) if rng.random() < 0.5 else (wave + 1) / 2


def draw_background(scene: Scene, side: int) -> Image.Image:
    """The scene's background at ``side`` pixels."""
    rng = np.random.default_rng([scene.pattern_seed, 1])
    low, high = scene.shades
    values = low + (high - low) * _pattern(scene.background, side, rng)
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")


def finish(image: Image.Image, scene: Scene) -> np.ndarray:
    """Uneven lighting, optional blur and gaussian noise; uint8 out."""
    if scene.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(scene.blur))
    values = np.asarray(image, dtype=np.float32)
    if scene.light_strength > 0:
        values = values * (1 + scene.light_strength * _ramp(image.width, scene.light_angle))
    if scene.noise > 0:
        rng = np.random.default_rng([scene.pattern_seed, 2])
        values = values + rng.normal(0, scene.noise, size=values.shape)
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- rendering


def render_clock(params: ClockParams, size: int = 150) -> np.ndarray:
    """One (size, size) uint8 grayscale image of the clock ``params`` describes."""
    big = size * SUPERSAMPLE
    dial, mask = draw_dial(params, big)
    placed, cut = place_dial(dial, mask, params.pose, big)
    scene = draw_background(params.scene, big)
    scene.paste(placed, (0, 0), cut)
    small = scene.resize((size, size), Image.Resampling.BOX)
    return finish(small, params.scene)


def render_dataset(n: int, seed: int = 0, size: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random clocks with balanced, shuffled times: (images, labels) in course format."""
    labels = plan_times(n, np.random.default_rng([seed, TIMES]))
    images = np.empty((n, size, size), dtype=np.uint8)
    for i, (hour, minute) in enumerate(labels):
        params = random_params(np.random.default_rng([seed, i]), int(hour), int(minute))
        images[i] = render_clock(params, size)
    return images, labels


def main(argv: list[str] | None = None) -> int:
    """Write OUTDIR/images.npy and OUTDIR/labels.npy; 2 if they exist without --overwrite."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--n", type=int, default=1800, help="number of clocks (default 1800)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=150, help="image side in pixels")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)
    images_path, labels_path = args.outdir / "images.npy", args.outdir / "labels.npy"
    existing = [p for p in (images_path, labels_path) if p.exists()]
    if existing and not args.overwrite:
        print(f"{existing[0]} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    if args.n < 1 or args.size < 16:
        print("--n must be at least 1 and --size at least 16", file=sys.stderr)
        return 2
    start = time.perf_counter()
    images, labels = render_dataset(args.n, args.seed, args.size)
    args.outdir.mkdir(parents=True, exist_ok=True)
    np.save(images_path, images)
    np.save(labels_path, labels)
    took = time.perf_counter() - start
    print(f"wrote {args.n} clocks of {args.size}x{args.size} to {args.outdir} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
