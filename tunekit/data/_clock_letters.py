"""Roman numerals drawn as strokes, in letterforms no font file has.

A reader that learned roman numerals from a handful of fonts misreads them in another: on a
renderer whose fonts it never saw, most of its roman misses put the 12 at another numeral.
Every ``I``, ``V`` and ``X`` here is built from straight strokes whose weight, width,
spacing and serifs a face draws at random: from hairline sans letters to heavy slab serifs,
as a monospaced font's wide-footed ``I``. :func:`draw_stroked` draws a numeral with Pillow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import PIL.ImageDraw

#: Height of the strokes' letters over the font size a face gives its numerals (about a
#: font's capital height).
CAP_HEIGHT = 0.72


@dataclass(frozen=True)
class Letterforms:
    """How a face draws I, V and X, in letter heights.

    Attributes:
        weight: Stroke width.
        width: Width of V and X (I is one stroke wide, or as wide as its serifs).
        gap: Space between letters.
        serif: Width of the bars across stroke ends (0: none); an I's reach its full width.
    """

    weight: float
    width: float
    gap: float
    serif: float


def _advance(letter: str, forms: Letterforms) -> float:
    """How much width a letter takes."""
    return max(forms.weight, forms.serif) if letter == "I" else forms.width


def text_width(text: str, forms: Letterforms) -> float:
    """Width of ``text`` in letter heights."""
    return sum(_advance(c, forms) for c in text) + forms.gap * (len(text) - 1)


def draw_stroked(
    draw: PIL.ImageDraw.ImageDraw,
    text: str,
    centre: tuple[float, float],
    height: float,
    forms: Letterforms,
) -> None:
    """Draw ``text`` (I, V and X only) centred on ``centre``, ``height`` pixels tall, white.

    Raises:
        ValueError: ``text`` holds another letter.
    """
    unknown = set(text) - set("IVX")
    if unknown:
        raise ValueError(f"only I, V and X are drawn in strokes, not {''.join(sorted(unknown))}")
    cx, cy = centre
    top, bottom = cy - height / 2, cy + height / 2
    stroke = max(1, round(forms.weight * height))
    bar = max(1, round(0.6 * forms.weight * height))
    left = cx - text_width(text, forms) * height / 2
    reach = 0.3 * forms.serif * height  # half a V's or X's serif
    for letter in text:
        width = _advance(letter, forms) * height
        middle = left + width / 2
        # V and X: the stroke ends, serifs and all, stay inside the letter's width.
        half = forms.width * height / 2 - max(stroke / 2, reach)
        if letter == "I":
            strokes = [((middle, top), (middle, bottom))]
            ends = [(middle, top), (middle, bottom)]
        elif letter == "V":
            strokes = [
                ((middle - half, top), (middle, bottom)),
                ((middle + half, top), (middle, bottom)),
            ]
            ends = [(middle - half, top), (middle + half, top)]
        else:
            strokes = [((middle - half, top), (middle + half, bottom)),
                       ((middle + half, top), (middle - half, bottom))]  # fmt: skip
            ends = [(middle - half, top), (middle + half, top),
                    (middle - half, bottom), (middle + half, bottom)]  # fmt: skip
        for start, end in strokes:
            draw.line([start, end], fill=255, width=stroke)
        if forms.serif > 0:
            across = width / 2 if letter == "I" else reach
            for x, y in ends:
                inward = bar / 2 if y == top else -bar / 2
                draw.line([(x - across, y + inward), (x + across, y + inward)], fill=255, width=bar)
        left += width + forms.gap * height
