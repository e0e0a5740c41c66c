"""A second independent clock renderer, drawn with matplotlib, in the course format.

What it is for
--------------
A clock reader trained on tunekit's own synthetic clocks can learn the quirks of that one
generator (its fonts, its hand shapes, its way of shading a face) instead of learning to
read clocks. To measure how well it reads clocks *of a kind it has not seen*, it is read
on clocks drawn by a program that shares nothing with tunekit: this script is such a
measuring instrument. It imports nothing from tunekit and was written without looking at
tunekit's generator or at ``benchmarks/other_renderer.py`` (the first independent
renderer), so the only thing the three share is the task: a round dial, twelve hours, an
hour hand and a longer minute hand.

How it differs from ``other_renderer.py``
-----------------------------------------
* Every clock is vector-drawn by matplotlib (Agg): patches, polygons and ``ax.text``,
  anti-aliased by Agg, on a transparent layer that is then warped and laid over a scene.
* The numerals are matplotlib's bundled DejaVu fonts (Sans, Serif, Sans Mono), in normal
  or bold weight and upright, italic or oblique style. STIX and Computer Modern, which
  tunekit trains on, are never used.
* Hands come in seven shapes (bar, taper, sword, arrow, spade, thin line, leaf), with or
  without a counterweight tail; a thin seconds hand, often red, blue or orange before the
  image is turned grey, is a distractor on about 40% of the clocks.
* The whole clock is turned in its plane by any angle, then tilted up to 30 degrees under
  a true perspective projection (a pinhole camera 3 to 8 clock radii away).

What varies from clock to clock
-------------------------------
Numerals (arabic; roman with IV or IIII; only 12, 3, 6 and 9; none, with a geometric
mark at 12: a triangle, a double bar or a large dot), set upright or turned radially;
minute ticks, hour bars, dots or wedges, a railway minute track; light, dark and
mid-grey dials, some with radial shading; rims (none, thin, thick, double); hand shape,
length, width, tail and shade, an outline on some; centre caps; backgrounds (flat, linear
gradient, noise texture, stripes); a drop shadow; brightness, contrast, a vignette, a
light falling from one side; pixel noise and sometimes blur.

The labels are exact: the hour hand points at ``30 * (hour + minute / 60)`` degrees and
the minute hand at ``6 * minute`` degrees, clockwise from 12 in the clock's own plane.
Each of the 720 times appears ``n // 720`` or ``n // 720 + 1`` times, shuffled, and the
same seed gives the same arrays.

Usage::

    python benchmarks/mpl_renderer.py OUTDIR [--n 1800] [--seed 0] [--size 150]
        [--overwrite] [--preview FILE.png]

writes ``OUTDIR/images.npy`` (N, size, size) uint8 grey and ``OUTDIR/labels.npy``
(N, 2) int64 of [hour 0-11, minute 0-59]. Each clock is drawn at twice its final size
and box-averaged; 1,800 clocks at 150 px took 48 s (about 37 clocks a second, one
process) on the 2-core development VM with two trainings running beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, Polygon, Wedge
from matplotlib.textpath import TextToPath
from PIL import Image, ImageFilter

SUPERSAMPLE = 2  # the scene is composed at twice the output size, then box-averaged
LAYER_MARGIN = 1.03  # the clock layer spans [-1.03, 1.03] clock radii each way
CAP_HEIGHT = 0.729  # DejaVu's cap and digit height, as a fraction of the font size
FAMILIES = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono")
HAND_SHAPES = ("bar", "taper", "sword", "arrow", "spade", "line", "leaf")
MARKERS = ("arabic", "roman", "quarters", "ticks")
BACKGROUNDS = ("flat", "gradient", "noise", "stripes")
SECONDS_COLOURS = ((0.85, 0.1, 0.1), (0.95, 0.45, 0.05), (0.15, 0.3, 0.85), (0.5, 0.5, 0.5))
ROMAN = ("XII", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")

RGB = tuple[float, float, float]
AlphaWarp = Callable[[np.ndarray], np.ndarray]  # canvas shift -> warped clock alpha


# --------------------------------------------------------------------------- designs


@dataclass(frozen=True)
class Face:
    """The dial: numerals, marks, colours and rim. Lengths are in clock radii."""

    markers: str  # "arabic", "roman", "quarters" (12 3 6 9) or "ticks" (no numerals)
    four: str  # how a roman dial writes 4: "IV" or "IIII"
    radial: bool  # numerals turned so their tops point away from the centre
    family: str
    weight: str  # "normal" or "bold"
    style: str  # "normal", "italic" or "oblique"
    numeral_height: float  # digit height
    minute_ticks: bool
    hour_marks: str  # "none", "bar", "dot" or "wedge" (at hours without a numeral)
    twelve_mark: str  # "none", "triangle", "double" or "dot"
    track: bool  # two thin circles around the minute ticks (a railway track)
    shade: RGB  # face colour
    shading: float  # radial gradient: the edge is this much lighter (+) or darker (-)
    ink: RGB  # numerals and marks
    rim: str  # "none", "thin", "thick" or "double"
    rim_width: float
    rim_colour: RGB


@dataclass(frozen=True)
class Seconds:
    """A thin seconds hand, there only to distract."""

    angle: float  # degrees clockwise from 12
    length: float
    tail: float
    width: float
    colour: RGB
    counterweight: bool  # a disc at the end of the tail


@dataclass(frozen=True)
class Hands:
    """Hour and minute hands, centre cap and optional seconds hand."""

    shape: str
    hour_length: float
    minute_length: float
    hour_width: float
    minute_width: float
    tail: float  # counterweight length behind the centre, minute hand (hour: 0.8 of it)
    colour: RGB
    outline: RGB | None  # a contrasting edge round the hands, or None
    cap_radius: float
    cap_colour: RGB
    seconds: Seconds | None


@dataclass(frozen=True)
class Pose:
    """Where and how the clock lies in the image."""

    rotation: float  # in-plane turn of the whole clock, degrees clockwise
    tilt: float  # degrees the clock plane is tilted away from the camera
    tilt_axis: float  # direction of the tilt axis in the image, degrees
    camera_distance: float  # in clock radii; smaller means stronger perspective
    diameter: float  # largest extent of the (tilted) clock as a fraction of the image
    offset: tuple[float, float]  # -1..1 of the room left on each side (x right, y down)


@dataclass(frozen=True)
class Scene:
    """Background, shadow, lighting and sensor effects."""

    background: str  # "flat", "gradient", "noise" or "stripes"
    wall: float  # background grey 0-1
    wall_contrast: float  # amplitude of the gradient, texture or stripes
    pattern_angle: float  # degrees
    stripe_period: float  # fraction of the image
    shadow: float  # darkness of the drop shadow, 0 for none
    shadow_offset: tuple[float, float]  # fraction of the image
    brightness: float  # added after the contrast change, 0-1 scale
    contrast: float  # multiplies the distance from mid-grey
    vignette: float  # darkening at the corners
    side_light: float  # strength of a linear light falloff across the image
    light_angle: float  # degrees
    noise: float  # standard deviation of pixel noise, 0-1 scale
    blur: float  # Gaussian blur radius in output pixels, 0 for none
    seed: int  # for the texture and the noise


@dataclass(frozen=True)
class ClockDesign:
    """Everything needed to draw one clock at one time."""

    hour: int
    minute: int
    face: Face
    hands: Hands
    pose: Pose
    scene: Scene


def hand_angles(hour: int, minute: int) -> tuple[float, float]:
    """Hour and minute hand angles in degrees clockwise from 12."""
    return 30.0 * ((hour % 12) + minute / 60.0), 6.0 * minute


def plan_times(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` [hour, minute] labels: every time ``n // 720`` or ``n // 720 + 1`` times, shuffled."""
    whole = np.tile(np.arange(720), n // 720)
    extra = rng.choice(720, size=n % 720, replace=False)
    times = rng.permutation(np.concatenate([whole, extra]))
    return np.stack([times // 60, times % 60], axis=1).astype(np.int64)


# ----------------------------------------------------------------- random designs


def _grey(level: float) -> RGB:
    level = float(np.clip(level, 0.0, 1.0))
    return (level, level, level)


def _tinted(rng: np.random.Generator, level: float) -> RGB:
    """A grey with, now and then, a slight warm or cool tint (cream dials, brass rims)."""
    if rng.random() < 0.7:
        return _grey(level)
    tint = rng.uniform(-0.06, 0.06)
    return tuple(float(np.clip(level + k * tint, 0.0, 1.0)) for k in (1.0, 0.3, -1.0))


def _random_palette(rng: np.random.Generator) -> tuple[float, float]:
    """Face and ink grey levels of a light, dark or mid-grey dial."""
    kind = rng.choice(["light", "dark", "mid"], p=[0.55, 0.25, 0.2])
    if kind == "light":
        return rng.uniform(0.78, 1.0), rng.uniform(0.0, 0.25)
    if kind == "dark":
        return rng.uniform(0.0, 0.22), rng.uniform(0.8, 1.0)
    face = rng.uniform(0.4, 0.6)
    ink = rng.uniform(0.0, 0.1) if rng.random() < 0.6 else rng.uniform(0.92, 1.0)
    return face, ink


def _random_numeral_height(rng: np.random.Generator, markers: str, radial: bool) -> float:
    if markers == "roman":
        return rng.uniform(0.11, 0.16) if radial else rng.uniform(0.09, 0.13)
    if markers == "quarters":
        return rng.uniform(0.16, 0.26)
    return rng.uniform(0.13, 0.21)


def _random_marks(rng: np.random.Generator, markers: str) -> tuple[bool, str, str, bool]:
    """Minute ticks, hour marks, the mark at 12 and the railway track for a kind of dial."""
    minute_ticks = bool(rng.random() < (0.5 if markers in ("quarters", "ticks") else 0.6))
    if markers == "ticks":
        hour_marks = str(rng.choice(["bar", "dot", "wedge"], p=[0.5, 0.25, 0.25]))
        twelve = ["triangle", "double"] + (["dot"] if hour_marks != "dot" else [])
        twelve_mark = str(rng.choice(twelve))
    elif markers == "quarters":
        hour_marks, twelve_mark = str(rng.choice(["bar", "dot", "wedge"])), "none"
    else:
        hour_marks = str(rng.choice(["none", "bar", "dot"], p=[0.5, 0.35, 0.15]))
        twelve_mark = "none"
    track = bool(minute_ticks and rng.random() < 0.3)
    return minute_ticks, hour_marks, twelve_mark, track


def _random_rim(rng: np.random.Generator) -> tuple[str, float]:
    rim = str(rng.choice(["none", "thin", "thick", "double"], p=[0.2, 0.3, 0.3, 0.2]))
    width = {
        "none": 0.0,
        "thin": rng.uniform(0.015, 0.035),
        "thick": rng.uniform(0.06, 0.14),
        "double": rng.uniform(0.07, 0.12),
    }[rim]
    return rim, float(width)


def random_face(rng: np.random.Generator) -> Face:
    """A dial design drawn from ``rng``."""
    markers = str(rng.choice(MARKERS, p=[0.35, 0.25, 0.15, 0.25]))
    radial_chance = {"roman": 0.6, "arabic": 0.2, "quarters": 0.15, "ticks": 0.0}[markers]
    radial = bool(rng.random() < radial_chance)
    minute_ticks, hour_marks, twelve_mark, track = _random_marks(rng, markers)
    face, ink = _random_palette(rng)
    shading = 0.0 if rng.random() < 0.5 else rng.uniform(-0.25, 0.25)
    rim, rim_width = _random_rim(rng)
    return Face(
        markers=markers,
        four=str(rng.choice(["IIII", "IV"], p=[0.6, 0.4])),
        radial=radial,
        family=str(rng.choice(FAMILIES)),
        weight=str(rng.choice(["normal", "bold"])),
        style=str(rng.choice(["normal", "italic", "oblique"], p=[0.5, 0.25, 0.25])),
        numeral_height=float(_random_numeral_height(rng, markers, radial)),
        minute_ticks=minute_ticks,
        hour_marks=hour_marks,
        twelve_mark=twelve_mark,
        track=track,
        shade=_tinted(rng, face),
        shading=float(shading),
        ink=_tinted(rng, ink),
        rim=rim,
        rim_width=rim_width,
        rim_colour=_tinted(rng, rng.uniform(0.0, 1.0)),
    )


def _random_seconds(rng: np.random.Generator, ink: RGB) -> Seconds | None:
    if rng.random() >= 0.4:
        return None
    tail = 0.0 if rng.random() < 0.4 else rng.uniform(0.1, 0.25)
    colours = [*SECONDS_COLOURS, ink]
    return Seconds(
        angle=float(rng.uniform(0.0, 360.0)),
        length=float(rng.uniform(0.8, 0.93)),
        tail=float(tail),
        width=float(rng.uniform(0.008, 0.018)),
        colour=colours[int(rng.integers(len(colours)))],
        counterweight=bool(tail > 0 and rng.random() < 0.3),
    )


def _random_hand_widths(rng: np.random.Generator, shape: str) -> tuple[float, float]:
    """Hour and minute hand widths (the widest part) in clock radii."""
    if shape == "line":
        minute = rng.uniform(0.014, 0.028)
        return minute * rng.uniform(1.0, 1.6), minute
    minute = rng.uniform(0.03, 0.065)
    if shape in ("leaf", "spade", "arrow"):
        minute *= 1.5
    return minute * rng.uniform(1.0, 1.6), minute


def random_hands(rng: np.random.Generator, face: Face) -> Hands:
    """Hands for ``face``, drawn from ``rng``: they contrast with the face."""
    shape = str(rng.choice(HAND_SHAPES))
    inner = 1.0 - face.rim_width
    minute_length = inner * rng.uniform(0.72, 0.93)
    hour_width, minute_width = _random_hand_widths(rng, shape)
    colour = face.ink if rng.random() < 0.7 else _grey(face.ink[0] + rng.uniform(-0.1, 0.1))
    outline = _grey(1.0 - colour[0]) if rng.random() < 0.15 else None
    cap_colour = colour if rng.random() < 0.7 else _grey(rng.uniform(0.0, 1.0))
    return Hands(
        shape=shape,
        hour_length=float(minute_length * rng.uniform(0.5, 0.75)),
        minute_length=float(minute_length),
        hour_width=float(hour_width),
        minute_width=float(minute_width),
        tail=float(0.0 if rng.random() < 0.5 else rng.uniform(0.08, 0.25)),
        colour=colour,
        outline=outline,
        cap_radius=float(rng.uniform(0.025, 0.08)),
        cap_colour=cap_colour,
        seconds=_random_seconds(rng, face.ink),
    )


def random_pose(rng: np.random.Generator) -> Pose:
    """Any in-plane turn, a tilt of up to 30 degrees, 60-95% of the image, a small offset."""
    tilt = 0.0 if rng.random() < 0.15 else 30.0 * np.sqrt(rng.random())
    return Pose(
        rotation=float(rng.uniform(0.0, 360.0)),
        tilt=float(tilt),
        tilt_axis=float(rng.uniform(0.0, 180.0)),
        camera_distance=float(rng.uniform(3.0, 8.0)),
        diameter=float(rng.uniform(0.6, 0.95)),
        offset=(float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1))),
    )


def _random_wall(rng: np.random.Generator, face: Face) -> float:
    """A background grey; a rimless clock stands out from its wall by at least 0.15."""
    for _ in range(20):
        wall = rng.uniform(0.05, 0.95)
        if face.rim != "none" or abs(wall - face.shade[0]) >= 0.15:
            break
    return float(wall)


def random_scene(rng: np.random.Generator, face: Face) -> Scene:
    """Background, lighting and sensor effects drawn from ``rng``."""
    shadow_direction = rng.uniform(0.0, 2 * np.pi)
    shadow_distance = rng.uniform(0.01, 0.04)
    return Scene(
        background=str(rng.choice(BACKGROUNDS, p=[0.3, 0.25, 0.25, 0.2])),
        wall=_random_wall(rng, face),
        wall_contrast=float(rng.uniform(0.08, 0.35)),
        pattern_angle=float(rng.uniform(0.0, 180.0)),
        stripe_period=float(rng.uniform(0.04, 0.2)),
        shadow=float(0.0 if rng.random() < 0.5 else rng.uniform(0.2, 0.6)),
        shadow_offset=(
            float(shadow_distance * np.cos(shadow_direction)),
            float(shadow_distance * np.sin(shadow_direction)),
        ),
        brightness=float(np.clip(rng.normal(0.0, 0.06), -0.15, 0.15)),
        contrast=float(rng.uniform(0.7, 1.15)),
        vignette=float(0.0 if rng.random() < 0.5 else rng.uniform(0.1, 0.5)),
        side_light=float(0.0 if rng.random() < 0.5 else rng.uniform(0.05, 0.3)),
        light_angle=float(rng.uniform(0.0, 360.0)),
        noise=float(rng.uniform(0.0, 0.035)),
        blur=float(0.0 if rng.random() < 0.75 else rng.uniform(0.3, 1.0)),
        seed=int(rng.integers(2**32)),
    )


def random_design(rng: np.random.Generator, hour: int, minute: int) -> ClockDesign:
    """A whole clock showing ``hour:minute``, its design drawn from ``rng``."""
    face = random_face(rng)
    hands = random_hands(rng, face)
    return ClockDesign(hour, minute, face, hands, random_pose(rng), random_scene(rng, face))


def plain_design(hour: int, minute: int, rotation: float = 0.0) -> ClockDesign:
    """A plain black-on-white arabic clock, untilted, centred, without seconds hand or noise.

    For tests: the centre is the image centre, the clock radius ``0.45 * size``, the bar
    hands are 0.05 and 0.04 radii wide and reach 0.5 and 0.8 radii, and the numerals lie
    beyond 0.65 radii.
    """
    black, white = _grey(0.0), _grey(1.0)
    face = Face(
        markers="arabic",
        four="IIII",
        radial=False,
        family="DejaVu Sans",
        weight="normal",
        style="normal",
        numeral_height=0.13,
        minute_ticks=False,
        hour_marks="none",
        twelve_mark="none",
        track=False,
        shade=white,
        shading=0.0,
        ink=black,
        rim="thin",
        rim_width=0.02,
        rim_colour=black,
    )
    hands = Hands(
        shape="bar",
        hour_length=0.5,
        minute_length=0.8,
        hour_width=0.05,
        minute_width=0.04,
        tail=0.0,
        colour=black,
        outline=None,
        cap_radius=0.04,
        cap_colour=black,
        seconds=None,
    )
    pose = Pose(rotation, 0.0, 0.0, 5.0, 0.9, (0.0, 0.0))
    scene = Scene(
        background="flat",
        wall=0.6,
        wall_contrast=0.0,
        pattern_angle=0.0,
        stripe_period=0.1,
        shadow=0.0,
        shadow_offset=(0.0, 0.0),
        brightness=0.0,
        contrast=1.0,
        vignette=0.0,
        side_light=0.0,
        light_angle=0.0,
        noise=0.0,
        blur=0.0,
        seed=0,
    )
    return ClockDesign(hour, minute, face, hands, pose, scene)


# ------------------------------------------------------------------ vector drawing


def _direction(angle: float) -> np.ndarray:
    """Unit vector (x right, y up) at ``angle`` degrees clockwise from 12."""
    a = np.radians(angle)
    return np.array([np.sin(a), np.cos(a)])


def _turned(points: np.ndarray, angle: float) -> np.ndarray:
    """Points drawn pointing at 12 (x across, y along), turned to point at ``angle``."""
    a = np.radians(angle)
    c, s = np.cos(a), np.sin(a)
    x, y = points[:, 0], points[:, 1]
    return np.stack([x * c + y * s, -x * s + y * c], axis=1)


def _disc(radius: float, centre: tuple[float, float] = (0.0, 0.0), sides: int = 16):
    """A polygon approximating a disc, for collections."""
    t = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    return np.stack([centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)], axis=1)


def hand_outline(shape: str, length: float, width: float, tail: float) -> np.ndarray:
    """Polygon of a hand pointing at 12 from the centre (x across, y along, clock radii)."""
    w, t, L = width / 2, -tail, length
    shapes = {
        "bar": [(-w, t), (w, t), (w, L), (-w, L)],
        "taper": [(-w, t), (w, t), (0.25 * w, L), (-0.25 * w, L)],
        "sword": [(-0.7 * w, t), (0.7 * w, t), (w, 0.78 * L), (0, L), (-w, 0.78 * L)],
        "arrow": [
            (-0.5 * w, t),
            (0.5 * w, t),
            (0.5 * w, 0.76 * L),
            (w, 0.76 * L),
            (0, L),
            (-w, 0.76 * L),
            (-0.5 * w, 0.76 * L),
        ],
        "spade": [
            (-0.45 * w, t),
            (0.45 * w, t),
            (0.45 * w, 0.66 * L),
            (w, 0.76 * L),
            (0.6 * w, 0.86 * L),
            (0, L),
            (-0.6 * w, 0.86 * L),
            (-w, 0.76 * L),
            (-0.45 * w, 0.66 * L),
        ],
        "line": [(-w, t), (w, t), (w, L), (-w, L)],
        "leaf": [(-0.3 * w, t), (0.3 * w, t), (w, 0.4 * L), (0, L), (-w, 0.4 * L)],
    }
    if tail == 0 and shape == "leaf":
        return np.array([(0.0, 0.0), (w, 0.4 * L), (0.0, L), (-w, 0.4 * L)])
    return np.array(shapes[shape], dtype=float)


def _tick_quad(angle: float, outer: float, length: float, width: float) -> np.ndarray:
    local = np.array(
        [
            (-width / 2, outer - length),
            (width / 2, outer - length),
            (width / 2, outer),
            (-width / 2, outer),
        ]
    )
    return _turned(local, angle)


def _wedge_quad(angle: float, outer: float, length: float, width: float) -> np.ndarray:
    """A mark wide at the rim and narrow towards the centre."""
    local = np.array(
        [
            (-0.2 * width, outer - length),
            (0.2 * width, outer - length),
            (width / 2, outer),
            (-width / 2, outer),
        ]
    )
    return _turned(local, angle)


def _twelve_mark(kind: str, rotation: float, outer: float, size: float) -> list[np.ndarray]:
    """The geometric mark at 12 of a dial without numerals."""
    if kind == "triangle":
        local = np.array([(-0.7 * size, outer), (0.7 * size, outer), (0.0, outer - 1.3 * size)])
        return [_turned(local, rotation)]
    if kind == "double":
        bar = np.array([(-0.2, -1.5), (0.2, -1.5), (0.2, 0.0), (-0.2, 0.0)]) * size
        return [_turned(bar + (side * 0.45 * size, outer), rotation) for side in (-1, 1)]
    if kind == "dot":
        centre = _direction(rotation) * (outer - 0.6 * size)
        return [_disc(0.6 * size, (centre[0], centre[1]), 24)]
    return []


def _has_numeral(face: Face, hour: int) -> bool:
    if face.markers in ("arabic", "roman"):
        return True
    return face.markers == "quarters" and hour % 3 == 0


def _numeral_text(face: Face, hour: int) -> str:
    if face.markers == "roman":
        return face.four if hour == 4 else ROMAN[hour]
    return str(hour or 12)


@lru_cache(maxsize=512)
def text_width(text: str, family: str, weight: str, style: str) -> float:
    """Advance width of ``text`` in units of its cap height, measured from the font."""
    prop = FontProperties(family=family, weight=weight, style=style)
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return width / FontProperties.get_size_in_points(prop) / CAP_HEIGHT


def _half_extents(face: Face, text: str, height: float, hour: int) -> tuple[float, float]:
    """How far a numeral reaches from its centre towards the rim and along the circle."""
    half_width = text_width(text, face.family, face.weight, face.style) * height / 2
    half_height = height / 2
    if face.radial:
        return half_height, half_width
    a = np.radians(30.0 * hour)
    s, c = abs(np.sin(a)), abs(np.cos(a))
    return half_width * s + half_height * c, half_width * c + half_height * s


def numeral_layout(face: Face, reach: float) -> tuple[float, list[tuple[int, str, float]]]:
    """Numeral height and (hour, text, centre radius) of each numeral inside ``reach``.

    The numerals start at ``face.numeral_height`` and shrink until neighbours keep a gap.
    """
    hours = [hour for hour in range(12) if _has_numeral(face, hour)]
    texts = {hour: _numeral_text(face, hour) for hour in hours}
    height = face.numeral_height
    for _ in range(20):
        extents = {hour: _half_extents(face, texts[hour], height, hour) for hour in hours}
        radii = {hour: reach - 0.03 - extents[hour][0] for hour in hours}
        if _numerals_fit(hours, radii, {h: e[1] for h, e in extents.items()}, height):
            break
        height *= 0.92
    return height, [(hour, texts[hour], radii[hour]) for hour in hours]


def _numerals_fit(hours: list[int], radii: dict, along: dict, height: float) -> bool:
    """Whether neighbouring numerals are apart by at least a fifth of their height."""
    if not hours or min(radii.values()) < 0.25:
        return bool(not hours)
    for here, there in zip(hours, hours[1:] + hours[:1], strict=True):
        step = np.radians(30.0 * ((there - here) % 12 or 12))
        gap = np.hypot(radii[here] - radii[there] * np.cos(step), radii[there] * np.sin(step))
        if along[here] + along[there] + 0.2 * height > gap:
            return False
    return True


class ClockCanvas:
    """One matplotlib Figure reused for every clock: draws a clock on a transparent layer."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(2, 2), dpi=72)  # 72 dpi: one point is one pixel
        self.figure.patch.set_alpha(0.0)
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_axis_off()
        self.axes.set_autoscale_on(False)
        self.axes.set_xlim(-LAYER_MARGIN, LAYER_MARGIN)
        self.axes.set_ylim(-LAYER_MARGIN, LAYER_MARGIN)
        self.px_per_radius = 1.0

    def _clear(self) -> None:
        ax = self.axes
        for artist in [*ax.patches, *ax.texts, *ax.collections, *ax.images, *ax.lines]:
            artist.remove()

    def draw(self, design: ClockDesign, layer_px: int) -> np.ndarray:
        """The clock alone as an RGBA float array (layer_px, layer_px, 4), 0-1, straight alpha."""
        self._clear()
        self.figure.set_size_inches(layer_px / 72, layer_px / 72)
        self.px_per_radius = layer_px / (2 * LAYER_MARGIN)
        rotation = design.pose.rotation
        inner = self._draw_rim_and_face(design.face)
        marks_inner = self._draw_marks(design.face, rotation, inner)
        self._draw_numerals(design.face, rotation, marks_inner)
        self._draw_hands(design, rotation)
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba(), dtype=np.float32) / 255.0

    def _draw_rim_and_face(self, face: Face) -> float:
        """Face disc, its shading and the rim; returns the face's radius."""
        ax = self.axes
        inner = 1.0 - face.rim_width
        disc = Circle((0, 0), inner + 0.005, facecolor=face.shade, edgecolor="none")
        ax.add_patch(disc)
        if face.shading:
            self._shade_face(face, inner, disc)
        if face.rim == "double":
            outer_band = 0.45 * face.rim_width
            ax.add_patch(Wedge((0, 0), 1.0, 0, 360, width=outer_band, color=face.rim_colour))
            ax.add_patch(
                Wedge(
                    (0, 0),
                    inner + 0.3 * face.rim_width,
                    0,
                    360,
                    width=0.3 * face.rim_width,
                    color=face.rim_colour,
                )
            )
        elif face.rim != "none":
            ax.add_patch(Wedge((0, 0), 1.0, 0, 360, width=face.rim_width, color=face.rim_colour))
        return inner

    def _shade_face(self, face: Face, inner: float, disc: Circle) -> None:
        """A radial gradient over the face: lighter or darker towards the edge."""
        grid = np.linspace(-1, 1, 48)
        r2 = np.clip(grid[None, :] ** 2 + grid[:, None] ** 2, 0, 1)
        base = np.array(face.shade)[None, None, :]
        rgb = np.clip(base + face.shading * r2[:, :, None], 0, 1)
        image = self.axes.imshow(
            rgb, extent=(-inner, inner, -inner, inner), interpolation="bilinear", origin="lower"
        )
        image.set_clip_path(disc)
        self.axes.set_xlim(-LAYER_MARGIN, LAYER_MARGIN)  # imshow may move the limits
        self.axes.set_ylim(-LAYER_MARGIN, LAYER_MARGIN)

    def _draw_marks(self, face: Face, rotation: float, inner: float) -> float:
        """Minute ticks, hour marks, track and 12 mark; returns the innermost mark radius."""
        outer = inner - 0.035
        polygons: list[np.ndarray] = []
        reach = outer
        if face.minute_ticks:
            reach = outer - 0.05
            polygons += [
                _tick_quad(rotation + 6 * m, outer, 0.05, 0.014)
                for m in range(60)
                if m % 5 or face.hour_marks == "none"
            ]
            if face.track:
                for radius in (outer, outer - 0.05):
                    self.axes.add_patch(
                        Wedge((0, 0), radius + 0.005, 0, 360, width=0.01, color=face.ink)
                    )
        polygons += self._hour_marks(face, rotation, outer)
        if face.hour_marks != "none":
            reach = outer - (0.2 if face.markers == "ticks" else 0.1)
        polygons += _twelve_mark(face.twelve_mark, rotation, outer, 0.14)
        if polygons:
            self.axes.add_collection(
                PolyCollection(polygons, facecolors=[face.ink], edgecolors="none")
            )
        return reach

    def _hour_marks(self, face: Face, rotation: float, outer: float) -> list[np.ndarray]:
        length = 0.2 if face.markers == "ticks" else 0.1
        marks = []
        for hour in range(12):
            if face.hour_marks == "none" or (face.twelve_mark != "none" and hour == 0):
                continue
            if face.markers == "quarters" and _has_numeral(face, hour):
                continue
            angle = rotation + 30 * hour
            if face.hour_marks == "bar":
                marks.append(_tick_quad(angle, outer, length, 0.045))
            elif face.hour_marks == "wedge":
                marks.append(_wedge_quad(angle, outer, length, 0.08))
            else:
                centre = _direction(angle) * (outer - 0.045)
                marks.append(_disc(0.04, (centre[0], centre[1])))
        return marks

    def _draw_numerals(self, face: Face, rotation: float, reach: float) -> None:
        """Numerals centred just inside the marks, upright or turned radially."""
        height, placed = numeral_layout(face, reach)
        font_size = height * self.px_per_radius / CAP_HEIGHT
        for hour, text, radius in placed:
            angle = rotation + 30 * hour
            turn = angle if face.radial else rotation
            centre = _direction(angle) * radius
            baseline = centre - _direction(turn) * height / 2
            self.axes.text(
                baseline[0],
                baseline[1],
                text,
                fontsize=font_size,
                family=face.family,
                weight=face.weight,
                style=face.style,
                color=face.ink,
                rotation=-turn,
                rotation_mode="anchor",
                ha="center",
                va="baseline",
            )

    def _draw_hands(self, design: ClockDesign, rotation: float) -> None:
        hands = design.hands
        hour_angle, minute_angle = hand_angles(design.hour, design.minute)
        self._hand(
            hands, rotation + hour_angle, hands.hour_length, hands.hour_width, 0.8 * hands.tail
        )
        self._hand(
            hands, rotation + minute_angle, hands.minute_length, hands.minute_width, hands.tail
        )
        if hands.seconds is not None:
            self._seconds(hands.seconds, rotation)
        self.axes.add_patch(Circle((0, 0), hands.cap_radius, color=hands.cap_colour))

    def _hand(self, hands: Hands, angle: float, length: float, width: float, tail: float) -> None:
        outline = hands.outline if hands.outline is not None else "none"
        points = _turned(hand_outline(hands.shape, length, width, tail), angle)
        edge_width = 0.012 * self.px_per_radius
        self.axes.add_patch(
            Polygon(
                points, closed=True, facecolor=hands.colour, edgecolor=outline, linewidth=edge_width
            )
        )

    def _seconds(self, seconds: Seconds, rotation: float) -> None:
        angle = rotation + seconds.angle
        points = _turned(hand_outline("line", seconds.length, seconds.width, seconds.tail), angle)
        self.axes.add_patch(Polygon(points, closed=True, facecolor=seconds.colour))
        if seconds.counterweight:
            centre = -_direction(angle) * seconds.tail
            self.axes.add_patch(Circle(tuple(centre), 0.04, color=seconds.colour))


# ------------------------------------------------------------------ perspective


def tilt_homography(pose: Pose) -> np.ndarray:
    """3x3 map from the clock plane (radii, y up) to the picture plane of a pinhole camera.

    The clock is turned by ``tilt`` degrees about an axis lying in its plane, then seen
    from ``camera_distance`` radii; without tilt it is the identity (up to scale).
    """
    t = np.radians(pose.tilt)
    axis = np.array([np.cos(np.radians(pose.tilt_axis)), np.sin(np.radians(pose.tilt_axis)), 0])
    cross = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rot = np.cos(t) * np.eye(3) + np.sin(t) * cross + (1 - np.cos(t)) * np.outer(axis, axis)
    f = pose.camera_distance
    return np.array(
        [
            [f * rot[0, 0], f * rot[0, 1], 0.0],
            [f * rot[1, 0], f * rot[1, 1], 0.0],
            [-rot[2, 0], -rot[2, 1], f],
        ]
    )


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    homogeneous = np.c_[points, np.ones(len(points))] @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


def placement(pose: Pose, canvas_px: float) -> np.ndarray:
    """3x3 map from the clock plane (radii, y up) to canvas pixels (x right, y down).

    The tilted clock's bounding box is ``pose.diameter`` of the canvas at its longest and
    is moved by ``pose.offset`` of the room around it, so it always stays inside.
    """
    tilt = tilt_homography(pose)
    rim = _apply(tilt, _disc(1.0, sides=180))
    low, high = rim.min(axis=0), rim.max(axis=0)
    scale = pose.diameter * canvas_px / (high - low).max()
    room = (canvas_px - scale * (high - low)) / 2
    shift = np.minimum(room, 0.06 * canvas_px) * np.array(pose.offset)
    middle = (low + high) / 2
    cx = canvas_px / 2 - scale * middle[0] + shift[0]
    cy = canvas_px / 2 + scale * middle[1] + shift[1]
    to_canvas = np.array([[scale, 0, cx], [0, -scale, cy], [0, 0, 1]])
    return to_canvas @ tilt


def _layer_to_clock(layer_px: int) -> np.ndarray:
    """3x3 map from layer pixels (x right, y down) to the clock plane (radii, y up)."""
    k = 2 * LAYER_MARGIN / layer_px
    return np.array([[k, 0, -LAYER_MARGIN], [0, -k, LAYER_MARGIN], [0, 0, 1]])


def _warp(channel: np.ndarray, forward: np.ndarray, canvas_px: int) -> np.ndarray:
    """Warp a 0-1 float layer by ``forward`` (layer pixels to canvas pixels), 0 outside."""
    inverse = np.linalg.inv(forward)
    coefficients = tuple((inverse / inverse[2, 2]).ravel()[:8])
    image = Image.fromarray(np.round(channel * 255).astype(np.uint8))
    warped = image.transform(
        (canvas_px, canvas_px),
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BILINEAR,
        fillcolor=0,
    )
    return np.asarray(warped, dtype=np.float32) / 255.0


# ------------------------------------------------------------------ the scene


def _coordinates(canvas_px: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates from -1 to 1 (x right, y down)."""
    line = (np.arange(canvas_px, dtype=np.float32) + 0.5) / canvas_px * 2 - 1
    return line[None, :], line[:, None]


def background(scene: Scene, canvas_px: int, rng: np.random.Generator) -> np.ndarray:
    """The wall behind the clock, 0-1 floats."""
    x, y = _coordinates(canvas_px)
    a = np.radians(scene.pattern_angle)
    along = x * np.cos(a) + y * np.sin(a)
    wall = np.full((canvas_px, canvas_px), scene.wall, dtype=np.float32)
    if scene.background == "gradient":
        wall = wall + scene.wall_contrast * along / 2
    elif scene.background == "stripes":
        period = 2 * scene.stripe_period
        wall = wall + scene.wall_contrast / 2 * np.sign(np.sin(2 * np.pi * along / period))
    elif scene.background == "noise":
        coarse = rng.random((int(rng.integers(4, 16)),) * 2).astype(np.float32)
        smooth = Image.fromarray(coarse).resize((canvas_px, canvas_px), Image.Resampling.BICUBIC)
        grain = rng.normal(0, 0.3, (canvas_px, canvas_px)).astype(np.float32)
        wall = wall + scene.wall_contrast * (np.asarray(smooth) - 0.5 + 0.3 * grain)
    return np.clip(wall, 0, 1)


def _luminance(rgba: np.ndarray) -> np.ndarray:
    return rgba[..., 0] * 0.299 + rgba[..., 1] * 0.587 + rgba[..., 2] * 0.114


def _drop_shadow(scene: Scene, alpha_of: AlphaWarp, canvas_px: int) -> np.ndarray:
    """How much light the clock's shadow takes from the wall, 0-1."""
    if scene.shadow == 0:
        return np.zeros((canvas_px, canvas_px), dtype=np.float32)
    dx, dy = np.array(scene.shadow_offset) * canvas_px
    alpha = alpha_of(np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]]))
    image = Image.fromarray(np.round(alpha * 255).astype(np.uint8))
    blurred = image.filter(ImageFilter.GaussianBlur(0.02 * canvas_px))
    return scene.shadow * np.asarray(blurred, dtype=np.float32) / 255.0


def _lighting(image: np.ndarray, scene: Scene) -> np.ndarray:
    """Side light, vignette, contrast and brightness over the whole picture."""
    x, y = _coordinates(image.shape[0])
    a = np.radians(scene.light_angle)
    light = 1 + scene.side_light * (x * np.cos(a) + y * np.sin(a)) / 2
    light = light * (1 - scene.vignette * (x**2 + y**2) / 2)
    image = image * light
    return (image - 0.5) * scene.contrast + 0.5 + scene.brightness


def _finish(image: np.ndarray, scene: Scene, size: int, rng: np.random.Generator) -> np.ndarray:
    """Box-average to ``size``, blur, add noise, and turn into uint8."""
    factor = image.shape[0] // size
    small = image.reshape(size, factor, size, factor).mean(axis=(1, 3))
    if scene.blur > 0:
        picture = Image.fromarray(np.round(np.clip(small, 0, 1) * 255).astype(np.uint8))
        small = np.asarray(picture.filter(ImageFilter.GaussianBlur(scene.blur)), np.float32) / 255
    if scene.noise > 0:
        small = small + rng.normal(0, scene.noise, small.shape).astype(np.float32)
    return np.round(np.clip(small, 0, 1) * 255).astype(np.uint8)


_DEFAULT_CANVAS: ClockCanvas | None = None


def _default_canvas() -> ClockCanvas:
    global _DEFAULT_CANVAS
    if _DEFAULT_CANVAS is None:
        _DEFAULT_CANVAS = ClockCanvas()
    return _DEFAULT_CANVAS


def render_clock(design: ClockDesign, size: int, canvas: ClockCanvas | None = None) -> np.ndarray:
    """One clock as a (size, size) uint8 grey image."""
    canvas = canvas or _default_canvas()
    canvas_px = size * SUPERSAMPLE
    layer_px = max(16, int(np.ceil(design.pose.diameter * canvas_px * LAYER_MARGIN)))
    rgba = canvas.draw(design, layer_px)
    forward = placement(design.pose, canvas_px) @ _layer_to_clock(layer_px)

    def alpha_of(shift: np.ndarray) -> np.ndarray:
        return _warp(rgba[..., 3], shift @ forward, canvas_px)

    alpha = alpha_of(np.eye(3))
    ink = _warp(_luminance(rgba) * rgba[..., 3], forward, canvas_px)  # premultiplied
    rng = np.random.default_rng(design.scene.seed)
    wall = background(design.scene, canvas_px, rng)
    wall = wall * (1 - _drop_shadow(design.scene, alpha_of, canvas_px))
    picture = _lighting(wall * (1 - alpha) + ink, design.scene)
    return _finish(picture, design.scene, size, rng)


def render_dataset(n: int, seed: int = 0, size: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """``n`` clocks in the course format: (n, size, size) uint8 and (n, 2) int64 labels."""
    rng = np.random.default_rng(seed)
    labels = plan_times(n, rng)
    images = np.empty((n, size, size), dtype=np.uint8)
    canvas = ClockCanvas()
    for i, (hour, minute) in enumerate(labels):
        design = random_design(rng, int(hour), int(minute))
        images[i] = render_clock(design, size, canvas)
    return images, labels


# ------------------------------------------------------------------ command line


def save_preview(images: np.ndarray, labels: np.ndarray, path: Path) -> None:
    """A contact sheet of the first 32 clocks, each titled with its time."""
    count = min(32, len(images))
    columns = 8
    rows = max(1, -(-count // columns))
    figure = Figure(figsize=(columns * 1.6, rows * 1.8), dpi=100)
    FigureCanvasAgg(figure)
    for i in range(count):
        ax = figure.add_subplot(rows, columns, i + 1)
        ax.imshow(images[i], cmap="gray", vmin=0, vmax=255)
        hour, minute = labels[i]
        ax.set_title(f"{int(hour) or 12}:{int(minute):02d}", fontsize=10)
        ax.set_axis_off()
    figure.tight_layout()
    figure.savefig(path)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--n", type=int, default=1800, help="number of clocks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=150, help="image side in pixels")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.add_argument("--preview", type=Path, help="a PNG contact sheet of 32 clocks")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    targets = [args.outdir / "images.npy", args.outdir / "labels.npy"]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.overwrite:
        print(f"{existing[0]} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    start = time.perf_counter()
    images, labels = render_dataset(args.n, args.seed, args.size)
    seconds = time.perf_counter() - start
    args.outdir.mkdir(parents=True, exist_ok=True)
    np.save(targets[0], images)
    np.save(targets[1], labels)
    if args.preview is not None:
        save_preview(images, labels, args.preview)
    rate = args.n / seconds if seconds > 0 else float("inf")
    print(
        f"wrote {args.n} clocks of {args.size}x{args.size} px (seed {args.seed}) to "
        f"{args.outdir} in {seconds:.1f} s ({rate:.1f} clocks/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
