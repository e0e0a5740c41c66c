"""Clock faces of many designs, without hands, and painted walls: the varied and wide styles.

Real wall clocks differ: arabic or roman numerals, only the quarters, or ticks alone with a
mark at 12; light or dark dials; thin or wide, dark or silver rims. A catalogue is a fixed set
of such faces (drawn once from a constant seed, so a design number means the same face
everywhere): :data:`FACE_DESIGNS`, the ``classic`` one of the ``varied`` style, has 24 faces in
Pillow's own font; :data:`WIDE_DESIGNS`, the ``wide`` one, adds 120 in seven fonts, roman
and arabic numerals upright or turned, ``IV`` or ``IIII``; :data:`BROAD_DESIGNS`, the
``broad`` one, adds 600 whose numerals are also stretched, slanted, of any weight and set
nearer or further from the rim, so that no font's letterforms are the only ones a reader
knows; :data:`LETTERED_DESIGNS`, the ``lettered`` one, adds 240 roman faces whose numerals
are strokes of no font at all (:mod:`_clock_letters`). Each face is rendered once per image
size into :func:`design_atlas`; the hands are drawn per image by :mod:`_clock_hands`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tunekit.data._clock_art import (
    _EXTENT,
    PACKED,
    _atlas_size,
    _clock_grid,
    _smooth_noise,
    wall_textures,
    wall_weight,
)
from tunekit.data._clock_letters import CAP_HEIGHT, Letterforms, draw_stroked, text_width

if TYPE_CHECKING:
    import PIL.Image
    import PIL.ImageFont

N_DESIGNS = 24  # faces in the classic catalogue
N_PAINTED = 8  # painted walls added to the wood ones
_CATALOGUE_SEED = 1224  # the catalogue is part of the data format: never change it
_SUPERSAMPLE = 3
_ROMAN = ("XII", "I", "II", "III", "IIII", "V", "VI", "VII", "VIII", "IX", "X", "XI")
N_WIDE = 120  # faces the wide catalogue adds to the classic ones
_WIDE_SEED = 3011  # part of the data format, as _CATALOGUE_SEED is
N_BROAD = 600  # faces the broad catalogue adds to the wide ones
_BROAD_SEED = 1201  # part of the data format, as _CATALOGUE_SEED is
N_LETTERED = 240  # roman faces in strokes that the lettered catalogue adds to the broad ones
_LETTERED_SEED = 2712  # part of the data format, as _CATALOGUE_SEED is
#: Fonts of the wide catalogue: "" is Pillow's own, the others ship with matplotlib. None is
#: of the DejaVu family, which ``benchmarks/other_renderer.py`` draws with: the reader is
#: measured on clocks in fonts it never saw.
WIDE_FONTS = (
    "",
    "STIXGeneral.ttf",
    "STIXGeneralBol.ttf",
    "cmr10.ttf",
    "cmss10.ttf",
    "cmtt10.ttf",
    "cmb10.ttf",
)


@dataclass(frozen=True)
class FaceDesign:
    """One clock face: dial, rim, ticks and numerals (the hands are drawn per image).

    Attributes:
        numerals: "arabic", "roman", "quarters" (12, 3, 6 and 9 only) or "none".
        radial: Numerals turned so that their feet point at the centre.
        face: Grey level of the dial.
        ink: Grey level of numerals, ticks and the 12 marker; the hands follow it.
        rim: Grey level of the rim.
        rim_width: Rim width in clock radii; the dial is the disc inside it.
        bevel: Brightness of the rim's highlights.
        shading: Grey change from the dial's centre to its edge.
        hour_ticks: "bar", "dot" or "none".
        minute_ticks: "line", "dot" or "none".
        tick_length: Length of the hour bars in clock radii.
        marker: Extra mark at 12: "none", "triangle", "double" or "bar".
        numeral_size: Numeral height in clock radii.
        bold: Heavier numerals.
        font: A font file of matplotlib's (:data:`WIDE_FONTS`); "" is Pillow's own.
        four: How a roman face writes 4: "IIII" or "IV".
        roman_quarters: Quarters written XII, III, VI and IX.
        stretch: Numeral width over the font's own (1: as drawn).
        slant: Horizontal shear of the numerals: the top moves this fraction of their
            height to the right (0: upright letterforms, negative leans left).
        stroke: Outline added to the numerals' strokes in clock radii; None: by ``bold``.
        gap: Extra distance of the numerals from the ticks, in clock radii.
        letters: Roman numerals drawn as strokes in these letterforms instead of a font
            (``font``, ``stroke`` and ``stretch`` then do not apply); None: in the font.
    """

    numerals: str
    radial: bool
    face: float
    ink: float
    rim: float
    rim_width: float
    bevel: float
    shading: float
    hour_ticks: str
    minute_ticks: str
    tick_length: float
    marker: str
    numeral_size: float
    bold: bool
    font: str = ""
    four: str = "IIII"
    roman_quarters: bool = False
    stretch: float = 1.0
    slant: float = 0.0
    stroke: float | None = None
    gap: float = 0.0
    letters: Letterforms | None = None

    @property
    def roman(self) -> bool:
        """Whether the numerals are roman."""
        return self.numerals == "roman" or (self.numerals == "quarters" and self.roman_quarters)

    @property
    def dial(self) -> float:
        """Radius of the dial inside the rim."""
        return 1.0 - self.rim_width

    @property
    def light_hands(self) -> bool:
        """Whether the hands are light on a darker dial, like the numerals."""
        return self.ink > self.face


_TONES = {  # (dial, ink) grey ranges: dark ink on light dials, light ink on dark and mid-grey
    "light": ((195, 245), (10, 60)),
    "dark": ((20, 70), (200, 245)),
    "mid": ((105, 150), (225, 250)),
}
_RIMS = {"dark": (15, 60), "silver": (140, 200), "light": (205, 245)}


def _design(rng: np.random.Generator, numerals: str, tone: str) -> FaceDesign:
    """One face of the given numerals and tone, every other choice drawn from ``rng``."""
    dial, ink = _TONES[tone]
    face = rng.uniform(*dial)
    rim = str(rng.choice(["dark", "silver", "light", "face"]))
    # A "face" rim is a thin band in the dial's own tone, as on frameless clocks.
    rim_tone = face + rng.uniform(-20, 20) if rim == "face" else rng.uniform(*_RIMS[rim])
    ticks = ("bar", "dot") if numerals == "none" else ("bar", "bar", "dot", "none")
    if numerals == "none":  # ticks alone: the marker shows which way is up
        markers = ("triangle", "double", "bar")
    else:
        markers = ("none",) if numerals == "quarters" else ("none",) * 4 + ("triangle",)
    roman = numerals == "roman"
    return FaceDesign(
        numerals=numerals,
        radial=bool(rng.random() < 0.6 * roman),  # turned arabic 6 and 9 would swap
        face=float(face),
        ink=float(rng.uniform(*ink)),
        rim=float(np.clip(rim_tone, 0, 255)),
        rim_width=float(rng.uniform(0.03, 0.05 if rim == "face" else 0.16)),
        bevel=float(rng.uniform(0, 60)),
        shading=float(rng.uniform(-25, 10)),
        hour_ticks=str(rng.choice(ticks)),
        minute_ticks=str(rng.choice(["line", "line", "dot", "none"])),
        tick_length=float(rng.uniform(0.07, 0.14)),
        marker=str(rng.choice(markers)),
        numeral_size=float(rng.uniform(0.13, 0.2) if roman else rng.uniform(0.17, 0.26)),
        bold=bool(rng.random() < 0.4),
    )


def _catalogue() -> tuple[FaceDesign, ...]:
    """The classic designs: every kind of numerals on light, dark and mid-grey dials."""
    rng = np.random.default_rng(_CATALOGUE_SEED)
    tones = ("light", "dark", "light", "mid", "light", "dark")
    return tuple(
        _design(rng, ("arabic", "roman", "quarters", "none")[k % 4], tones[k // 4])
        for k in range(N_DESIGNS)
    )


def _wide_catalogue() -> tuple[FaceDesign, ...]:
    """The wide designs: the classic choices, and fonts, sizes and numerals turned or not.

    A third of the faces are roman (upright or turned, IV or IIII), a third arabic (a few
    turned), a sixth quarters (arabic or roman) and a sixth ticks alone.
    """
    return tuple(_drawn_like_wide(np.random.default_rng(_WIDE_SEED), N_WIDE))


def _drawn_like_wide(rng: np.random.Generator, count: int) -> list[FaceDesign]:
    """``count`` faces drawn as the wide catalogue draws them, in its order of numerals."""
    designs = []
    for k in range(count):
        numerals = ("arabic", "roman", "quarters", "none", "arabic", "roman")[k % 6]
        tone = str(rng.choice(["light", "dark", "mid"], p=[0.55, 0.3, 0.15]))
        design = _design(rng, numerals, tone)
        roman = numerals == "roman"
        designs.append(
            replace(
                design,
                radial=bool(rng.random() < (0.5 if roman else 0.15 * (numerals == "arabic"))),
                numeral_size=float(rng.uniform(0.11, 0.21) if roman else rng.uniform(0.14, 0.28)),
                font=WIDE_FONTS[int(rng.integers(len(WIDE_FONTS)))],
                four=str(rng.choice(["IIII", "IV"])),
                roman_quarters=bool(rng.random() < 0.4),
            )
        )
    return designs


def _broad_catalogue() -> tuple[FaceDesign, ...]:
    """The broad designs: wide's choices, with letterforms no font has.

    Each face's numerals are stretched to 0.7-1.4 times their width, half of them slanted
    either way, with strokes from hairline to heavy, and set up to 0.08 radii further in.
    """
    rng = np.random.default_rng(_BROAD_SEED)
    designs = []
    for design in _drawn_like_wide(rng, N_BROAD):
        designs.append(
            replace(
                design,
                stretch=float(rng.uniform(0.7, 1.4)),
                slant=float(rng.uniform(-0.3, 0.3) * (rng.random() < 0.5)),
                stroke=float(rng.choice([0.0, 0.0, rng.uniform(0.0, 0.016)])),
                gap=float(rng.uniform(0.0, 0.08)),
            )
        )
    return tuple(designs)


def _lettered_catalogue() -> tuple[FaceDesign, ...]:
    """The lettered designs: roman faces whose numerals are strokes (:mod:`_clock_letters`).

    Five in six write all twelve hours, one in six the quarters only; two in five turn them
    to the centre. Strokes are 0.05-0.2 of a letter's height, V and X 0.45-0.85 of it wide,
    and half the faces put serifs on the stroke ends, up to an I as wide as a V.
    """
    rng = np.random.default_rng(_LETTERED_SEED)
    designs = []
    for k in range(N_LETTERED):
        numerals = "quarters" if k % 6 == 5 else "roman"
        tone = str(rng.choice(["light", "dark", "mid"], p=[0.55, 0.3, 0.15]))
        design = _design(rng, numerals, tone)
        letters = Letterforms(
            weight=float(rng.uniform(0.05, 0.2)),
            width=float(rng.uniform(0.45, 0.85)),
            gap=float(rng.uniform(0.04, 0.22)),
            serif=float(rng.uniform(0.3, 0.8) * (rng.random() < 0.5)),
        )
        designs.append(
            replace(
                design,
                radial=bool(rng.random() < 0.4),
                numeral_size=float(rng.uniform(0.11, 0.21)),
                four=str(rng.choice(["IIII", "IV"])),
                roman_quarters=True,
                slant=float(rng.uniform(-0.25, 0.25) * (rng.random() < 0.3)),
                gap=float(rng.uniform(0.0, 0.06)),
                letters=letters,
            )
        )
    return tuple(designs)


FACE_DESIGNS = _catalogue()
WIDE_DESIGNS = FACE_DESIGNS + _wide_catalogue()  # a reader of it still knows the classic faces
BROAD_DESIGNS = WIDE_DESIGNS + _broad_catalogue()
LETTERED_DESIGNS = BROAD_DESIGNS + _lettered_catalogue()
#: The face catalogues by name: a style's ``faces``.
FACE_CATALOGUES: dict[str, tuple[FaceDesign, ...]] = {
    "classic": FACE_DESIGNS,
    "wide": WIDE_DESIGNS,
    "broad": BROAD_DESIGNS,
    "lettered": LETTERED_DESIGNS,
}


def _ink_mask(ss: int, d: FaceDesign) -> np.ndarray:
    """Coverage (0-1) of the design's ticks, 12 marker and numerals, drawn with Pillow.

    Pillow draws shapes and text in C, many times faster than testing every supersampled
    pixel in numpy; its hard edges are smoothed by the box filter of :func:`_face`.
    """
    from PIL import Image, ImageDraw  # Pillow ships with matplotlib

    img = Image.new("L", (ss, ss), 0)
    draw = ImageDraw.Draw(img)
    ppu = ss / (2 * _EXTENT)

    def at(u: float, v: float) -> tuple[float, float]:  # clock coords -> Pillow's (x, y)
        return ss / 2 + u * ppu, ss / 2 - v * ppu

    def bar(angle: float, inner: float, outer: float, half: float) -> None:
        su, cu = np.sin(angle), np.cos(angle)
        ends = [(inner, -half), (inner, half), (outer, half), (outer, -half)]
        draw.polygon([at(r * su + w * cu, r * cu - w * su) for r, w in ends], fill=255)

    def rect(u0: float, v0: float, u1: float, v1: float) -> None:
        draw.polygon([at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)], fill=255)

    def dot(u: float, v: float, radius: float) -> None:
        (x0, y0), (x1, y1) = at(u - radius, v + radius), at(u + radius, v - radius)
        draw.ellipse((x0, y0, x1, y1), fill=255)

    outer = d.dial - 0.035  # the outer end of the ticks, just inside the rim
    for tick in range(60):
        a, hour = tick * np.pi / 30, tick % 5 == 0
        if hour and d.hour_ticks == "bar":
            bar(a, outer - d.tick_length, outer, 0.012 + 0.01 * d.bold)
        elif hour and d.hour_ticks == "dot":
            dot((outer - 0.035) * np.sin(a), (outer - 0.035) * np.cos(a), 0.03)
        elif d.minute_ticks == "line":
            bar(a, outer - 0.045, outer, 0.006)
        elif d.minute_ticks == "dot":
            dot((outer - 0.02) * np.sin(a), (outer - 0.02) * np.cos(a), 0.012)
    # A marker is the only sign of up on a dial of ticks alone; above a 12 it is smaller.
    mark = 0.16 if d.numerals == "none" else 0.1
    if d.marker == "triangle":  # apex towards the centre
        draw.polygon([at(-0.065, outer), at(0.065, outer), at(0, outer - mark)], fill=255)
    elif d.marker == "double":
        rect(-0.041, outer - mark, -0.019, outer)
        rect(0.019, outer - mark, 0.041, outer)
    elif d.marker == "bar":
        rect(-0.035, outer - mark, 0.035, outer)
    if d.numerals != "none":
        inset = d.tick_length if d.hour_ticks == "bar" else 0.07
        inset = max(inset, mark + 0.01) if d.marker != "none" else inset
        # Upright roman numerals are wide: at 3 and 9 they reach further in.
        size = d.numeral_size * (1.3 if d.roman and not d.radial else 1.0) * max(1, d.stretch)
        _numerals(img, d, outer - 0.015 - inset - d.gap - 0.55 * size, ppu)
    return np.asarray(img, dtype=np.float32) / 255


def _numerals(img: PIL.Image.Image, d: FaceDesign, radius: float, ppu: float) -> None:
    """Draw the design's numerals centred on the circle of ``radius``, upright or radial."""
    from PIL import Image, ImageDraw

    ss = img.width
    font = _font(d.font, max(6, round(d.numeral_size * ppu)))
    stroke = round((0.003 + 0.009 * d.bold if d.stroke is None else d.stroke) * ppu)
    hours = (12, 3, 6, 9) if d.numerals == "quarters" else range(1, 13)
    letters = d.letters if d.roman else None  # strokes draw roman numerals only
    reshaped = d.stretch != 1.0 or d.slant != 0.0
    draw = ImageDraw.Draw(img)
    for hour in hours:
        text = _numeral(d, hour)
        a = np.radians(30 * hour)
        x, y = ss / 2 + radius * ppu * np.sin(a), ss / 2 - radius * ppu * np.cos(a)
        if not (d.radial or reshaped or letters):
            draw.text((x, y), text, fill=255, font=font, anchor="mm", stroke_width=stroke)
            continue
        # Draw upright on a patch, reshape it, turn it clockwise if radial, paste it centred.
        side = round(1.6 * d.numeral_size * ppu * max(1, len(text) / 2) * max(1, d.stretch))
        side += round(abs(d.slant) * d.numeral_size * ppu)
        if letters is None:
            patch = Image.new("L", (side, side), 0)
            ImageDraw.Draw(patch).text(
                (side / 2, side / 2), text, fill=255, font=font, anchor="mm", stroke_width=stroke
            )
        else:
            patch = _stroked_patch(text, letters, CAP_HEIGHT * d.numeral_size * ppu, side)
        if reshaped:
            patch = _reshaped(patch, d.stretch, d.slant)
        if d.radial:
            patch = patch.rotate(-30 * hour, resample=Image.Resampling.BICUBIC, expand=True)
        img.paste(255, (round(x - patch.width / 2), round(y - patch.height / 2)), mask=patch)


def _stroked_patch(text: str, letters: Letterforms, height: float, side: int) -> PIL.Image.Image:
    """``text`` in strokes ``height`` pixels tall, centred on a square patch of at least
    ``side`` pixels (wider where the numeral needs it)."""
    from PIL import Image, ImageDraw

    side = max(side, round((text_width(text, letters) + 0.6) * height))
    patch = Image.new("L", (side, side), 0)
    draw_stroked(ImageDraw.Draw(patch), text, (side / 2, side / 2), height, letters)
    return patch


def _reshaped(patch: PIL.Image.Image, stretch: float, slant: float) -> PIL.Image.Image:
    """``patch`` stretched ``stretch`` times wider and sheared by ``slant``, about its centre."""
    from PIL import Image

    c = patch.width / 2
    # Pillow maps each output pixel (x, y) back to the input (a x + b y + e, y).
    a, b = 1 / stretch, slant / stretch
    return patch.transform(
        patch.size, Image.Transform.AFFINE, (a, b, c - a * c - b * c, 0, 1, 0),
        resample=Image.Resampling.BICUBIC,
    )  # fmt: skip


def _numeral(d: FaceDesign, hour: int) -> str:
    """The text the design prints at ``hour`` (1-12)."""
    if not d.roman:
        return str(hour)
    return d.four if hour == 4 else _ROMAN[hour % 12]


def _font(name: str, size: int) -> PIL.ImageFont.FreeTypeFont:
    """Font ``name`` of matplotlib's at ``size`` pixels; Pillow's own for "" or a missing file."""
    from PIL import ImageFont

    if name:
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=2)
def _radius(ss: int) -> np.ndarray:
    """Distance from the clock's centre of every supersampled pixel, shared by all designs."""
    u, v = _clock_grid(ss)
    return np.sqrt(u * u + v * v)


def _face(n: int, d: FaceDesign) -> tuple[np.ndarray, np.ndarray]:
    """One design's face (grey levels, premultiplied) and coverage, supersampled."""
    ss = _SUPERSAMPLE * n
    r = _radius(ss)
    face = d.face + d.shading * np.square(r * (1 / d.dial))
    # The rim: its tone, a highlight at its outer edge and a thin shadowed lip at the dial.
    w = d.rim_width
    rim = d.rim + d.bevel * np.exp(-np.square((r - 1 + 0.3 * w) * (4 / w)))
    rim -= 0.35 * d.rim * (r < d.dial + 0.012)
    face = np.where(r > d.dial, rim, face)
    ink = _ink_mask(ss, d)
    face += ink * (d.ink - face)
    cover = (r <= 1.0).astype(np.float32)
    box = (n, _SUPERSAMPLE, n, _SUPERSAMPLE)
    face = (np.clip(face, 0, 255) * cover).reshape(box).mean(axis=(1, 3), dtype=np.float32)
    return face, cover.reshape(box).mean(axis=(1, 3), dtype=np.float32)


@lru_cache(maxsize=2)
def design_atlas(size: int, faces: str = "classic") -> np.ndarray:
    """The faces of catalogue ``faces`` as (designs, T, T) packed pixels, as in the atlas."""
    n = _atlas_size(size)
    designs = FACE_CATALOGUES[faces]
    atlas = np.empty((len(designs), n, n), dtype=PACKED)
    for k, design in enumerate(designs):
        face, cover = _face(n, design)
        if k == 0:
            backdrop = wall_weight(n, cover)  # every face covers the same disc
        atlas[k] = np.round(face).astype(PACKED) | backdrop
    return atlas


@lru_cache(maxsize=2)
def design_walls(size: int, seed: int) -> np.ndarray:
    """The wood and grey walls of ``seed`` followed by :data:`N_PAINTED` painted ones."""
    walls, _ = wall_textures(size, seed)
    rng = np.random.default_rng([seed, 3])
    n = 2 * size
    xs = np.arange(n, dtype=np.float64)
    painted = np.empty((N_PAINTED, n, n), dtype=np.float32)
    for k in range(N_PAINTED):
        tone = rng.uniform(0.25, 0.85)
        # Plaster: slow blotches and a fine grain; every fourth wall has wallpaper stripes.
        paint = 0.035 * _smooth_noise(rng, (n, n), 5) + 0.012 * _smooth_noise(rng, (n, n), n // 6)
        period = size * rng.uniform(0.05, 0.2)
        stripes = 0.07 * np.sin(2 * np.pi * xs / period)[None, :] * (k % 4 == 3)
        painted[k] = tone * (1 + paint + stripes)
    return np.concatenate([walls, painted])
