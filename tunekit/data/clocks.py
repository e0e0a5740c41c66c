"""Synthetic analogue-clock photos that stand in for the course's private clock data set.

One clock model (dark rim, light face, numerals 1-12, 60 ticks, two bar hands, centre cap)
is rendered once per image size into a high-resolution atlas of all 720 times. Each image is
then made by inverse-mapping its output pixels through a per-image homography (rotation,
perspective tilt, scale, shift) into that atlas, and composited over wood grain with lighting,
glare and noise. Every step is a whole-batch numpy operation, so 18,000 images of 150x150
take a few seconds.

Two styles go further. ``course`` sees every time from one fixed set of 25 viewpoints, as
the course's set does (720 times x 25 viewpoints); :func:`clock_viewpoints` tells which
viewpoint each image has, so a study can hold viewpoints out. ``varied`` draws a face from a
catalogue of designs (:mod:`_clock_designs`) and hands of its own shape per image
(:mod:`_clock_hands`); ``wide`` draws from a six times larger catalogue, and ``broad`` from
one of 744 faces whose numerals take shapes no font has; ``assorted`` adds hands of any
length and width to ``broad``, and ``lettered`` adds to ``assorted`` 240 roman faces whose
numerals are strokes of no font. Every random choice is drawn up front in :mod:`_clock_plan`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tunekit.clocktime import minutes_to_labels
from tunekit.data._clock_art import PACKED, clock_atlas, wall_textures
from tunekit.data._clock_designs import FACE_CATALOGUES, design_atlas, design_walls
from tunekit.data._clock_hands import HAND_RANGES, paint_hands
from tunekit.data._clock_plan import Plan, Stream, course_pairs, make_plan, plan_rng
from tunekit.errors import UnknownNameError

# Pixels per rendering chunk: small enough that a chunk's float32 buffers stay in L2 cache.
_CHUNK_PIXELS = 1 << 17


@dataclass(frozen=True)
class ClockStyle:
    """Which kinds of variation the generator applies; each switch is independent.

    Attributes:
        rotation: Rotate the whole clock in-plane by 0-360 degrees.
        perspective: Tilt the clock plane so the face becomes an ellipse (up to 45 degrees).
        scale: Vary the clock's size and position in the frame.
        glare: Put a bright glare spot on the face of about a third of the images.
        wood: Use a wood-grain wall as background (otherwise flat grey).
        lighting: Vary brightness and add a lighting gradient across the image.
        noise: Add sensor noise.
        max_rotation: With ``rotation``, the largest turn away from upright in degrees
            (180 allows any angle); a curriculum widens it as a model learns.
        viewpoints: 0 gives every image a viewpoint of its own (turn, tilt, scale, shift,
            wall and light). More draws that many viewpoints once per seed and shows every
            time from each of them in turn, as the course's set does with 25.
        designs: Draw each image's face from a catalogue of clock designs (numerals arabic,
            roman, quarters or none; light or dark dials; rims) and its hands' shape, length,
            width and tail, sometimes with a seconds hand; add painted walls.
        faces: With ``designs``, the catalogue of faces: ``classic`` (24 faces in one font)
            or ``wide`` (those and 120 more in seven fonts, roman and arabic numerals
            upright or turned) or ``broad`` (those and 600 more whose numerals are stretched,
            slanted and of any weight) or ``lettered`` (those and 240 roman faces whose
            numerals are strokes of no font); see
            :data:`tunekit.data._clock_designs.FACE_CATALOGUES`.
        hands: With ``designs``, the sizes of the hands: ``classic`` (near one clock's
            proportions) or ``wide`` (short to long hour hands, thin lines to broad bars); see
            :data:`tunekit.data._clock_hands.HAND_RANGES`.
    """

    rotation: bool = True
    perspective: bool = True
    scale: bool = True
    glare: bool = True
    wood: bool = True
    lighting: bool = True
    noise: bool = True
    max_rotation: float = 180.0
    viewpoints: int = 0
    designs: bool = False
    faces: str = "classic"
    hands: str = "classic"

    def __post_init__(self) -> None:
        for field, known in (("faces", FACE_CATALOGUES), ("hands", HAND_RANGES)):
            if getattr(self, field) not in known:
                names = ", ".join(known)
                raise ValueError(f"{field} must be one of {names}, got {getattr(self, field)!r}")
        if isinstance(self.viewpoints, bool) or not isinstance(self.viewpoints, int):
            raise ValueError(f"viewpoints must be a whole number, got {self.viewpoints!r}")
        if self.viewpoints < 0:
            raise ValueError(f"viewpoints must be >= 0, got {self.viewpoints}")


#: Viewpoints of the course's clock set: 18,000 photos are 720 times x 25 viewpoints.
COURSE_VIEWPOINTS = 25

FULL = ClockStyle()
EASY = ClockStyle(
    rotation=False,
    perspective=False,
    scale=False,
    glare=False,
    wood=False,
    lighting=False,
    noise=False,
)
STYLE_PRESETS: dict[str, ClockStyle] = {
    "easy": EASY,
    # Upright, flat clocks of fixed size: only the background and photometry vary.
    "medium": replace(EASY, wood=True, lighting=True, noise=True),
    "full": FULL,
    # Full, but every time seen from the same 25 viewpoints, like the course's set.
    "course": replace(FULL, viewpoints=COURSE_VIEWPOINTS),
    # Full, with clocks of many designs, as real wall clocks differ.
    "varied": replace(FULL, designs=True),
    # Varied, with six times the faces: seven fonts, roman and arabic upright or turned.
    "wide": replace(FULL, designs=True, faces="wide"),
    # Wide, with 600 more faces whose numerals are stretched, slanted and of any weight.
    "broad": replace(FULL, designs=True, faces="broad"),
    # Broad, with hands of any length and width: stubby hour hands, thin line hands.
    "assorted": replace(FULL, designs=True, faces="broad", hands="wide"),
    # Assorted, with 240 more roman faces whose numerals are strokes of no font.
    "lettered": replace(FULL, designs=True, faces="lettered", hands="wide"),
}


def clock_style(name: str) -> ClockStyle:
    """Return the preset style called ``name`` (a key of :data:`STYLE_PRESETS`)."""
    try:
        return STYLE_PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(STYLE_PRESETS))
        raise UnknownNameError(f"unknown clock style {name!r}; choose one of: {known}") from None


def _cpus() -> int:
    """CPUs this process may run on (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _by_group(plan: Plan, start: int, stop: int) -> np.ndarray:
    """Image numbers ``start:stop`` ordered by render group (the time, without designs).

    Images of one time share an atlas frame; rendering them one after another keeps that
    frame in cache, which makes the gather, the costliest step, about twice as fast.
    """
    return start + np.argsort(plan.group[start:stop], kind="stable")


def _render(plan: Plan, seed: int, ids: np.ndarray, out: np.ndarray, base: int) -> None:
    """Render images ``ids`` of ``plan`` into ``out[ids - base]``, one thread per core."""
    size = plan.size
    step = max(1, _CHUNK_PIXELS // (size * size))
    chunks = [ids[i : i + step] for i in range(0, len(ids), step)]
    workers = max(1, min(_cpus(), len(chunks)))
    if plan.hands is None:
        tables = (clock_atlas(size), *wall_textures(size, seed))
    else:
        faces = design_atlas(size, plan.faces)
        tables = (faces, design_walls(size, seed), wall_textures(size, seed)[1])
    parts = [chunks[w::workers] for w in range(workers)]
    if workers == 1:
        _render_chunks(plan, parts[0], base, out, *tables)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(_render_chunks, plan, part, base, out, *tables) for part in parts]
        for job in jobs:
            job.result()


def _render_chunks(
    plan: Plan,
    chunks: list[np.ndarray],
    base: int,
    out: np.ndarray,
    atlas: np.ndarray,
    walls: np.ndarray,
    noise: np.ndarray,
) -> None:
    """Render chunks of image numbers with buffers allocated once (numpy frees the GIL)."""
    size = plan.size
    area = size * size
    tsize = atlas.shape[1]
    atlas_flat = atlas.reshape(-1)
    grid = np.arange(size, dtype=np.float32)
    xs = (grid + np.float32(0.5)) * np.float32(2 / size) - 1
    shape = (max((len(c) for c in chunks), default=0), size, size)
    xf, yf, wf, pic, extra = (np.empty(shape, np.float32) for _ in range(5))
    xi, yi = np.empty(shape, np.int32), np.empty(shape, np.int32)
    # One gather fetches both bytes: clock (low) and wall weight (high).
    packed, face, back = (np.empty(shape, PACKED) for _ in range(3))
    # The hands need five more: the two coordinate buffers, free by then, and three new ones.
    more = 3 if plan.hands is not None else 0
    scratch = (xf, yf, *(np.empty(shape, np.float32) for _ in range(more)))
    for ids in chunks:
        k = len(ids)
        m, photo = plan.to_atlas[ids], plan.photo[ids]
        xf_, yf_, wf_, pic_, extra_ = xf[:k], yf[:k], wf[:k], pic[:k], extra[:k]
        xi_, yi_, packed_, face_, back_ = xi[:k], yi[:k], packed[:k], face[:k], back[:k]
        # Separable numerators: a (k, 1, S) column part plus a (k, S, 1) row part.
        cols = m[:, :, 0, None] * grid
        rows = m[:, :, 1, None] * grid + m[:, :, 2, None]
        for dst, r in ((xf_, 0), (yf_, 1), (wf_, 2)):
            np.add(cols[:, r, None, :], rows[:, r, :, None], out=dst)
        np.reciprocal(wf_, out=wf_)
        np.multiply(xf_, wf_, out=xf_)
        np.multiply(yf_, wf_, out=yf_)
        # The atlas border is plain background, so clipping sends far points to the wall.
        np.clip(xf_, 0, tsize - 1, out=xf_)
        np.clip(yf_, 0, tsize - 1, out=yf_)
        np.copyto(xi_, xf_, casting="unsafe")
        np.copyto(yi_, yf_, casting="unsafe")
        np.multiply(yi_, tsize, out=yi_)
        np.add(yi_, xi_, out=yi_)
        np.add(yi_, (plan.frames[ids] * tsize * tsize).astype(np.int32)[:, None, None], out=yi_)
        np.take(atlas_flat, yi_, out=packed_, mode="clip")
        # Unpack into contiguous arrays: arithmetic on strided byte views is 3x slower.
        np.bitwise_and(packed_, 255, out=face_)
        np.right_shift(packed_, 8, out=back_)

        for j, i in enumerate(ids.tolist()):
            tex, r0, c0 = plan.wood[i].tolist()
            # The atlas is premultiplied by clock coverage; `back` is 255 * (1 - coverage).
            np.multiply(walls[tex, r0 : r0 + size, c0 : c0 + size], back_[j], out=pic_[j])
            at = int(plan.noise_at[i])
            np.multiply(noise[at : at + area].reshape(size, size), photo[j, 8], out=extra_[j])
            if photo[j, 4] > 0:
                _add_glare(photo[j], xs, back_[j], extra_[j])
        np.add(pic_, face_, out=pic_)
        if plan.hands is not None:
            paint_hands(pic_, plan.hands[ids], grid, wf_, scratch)
        gain, gx, gy = photo[:, 0, None, None], photo[:, 1, None, None], photo[:, 2, None, None]
        np.add(gain * (1 + gx * xs[None, None, :]), gain * gy * xs[None, :, None], out=wf_)
        np.multiply(pic_, wf_, out=pic_)
        np.add(pic_, extra_, out=pic_)
        np.add(pic_, photo[:, 3, None, None], out=pic_)
        np.clip(pic_, 0, 255, out=pic_)
        out[ids - base] = pic_


def _add_glare(photo: np.ndarray, xs: np.ndarray, back: np.ndarray, out: np.ndarray) -> None:
    """Add one image's gaussian glare spot to ``out``, only where the clock's glass is."""
    amp, cx, cy, width = photo[4:8]
    # Work on the window where the spot exceeds 1/1000 of its peak, not the whole image.
    cols = np.flatnonzero(np.abs(xs - cx) < 3.7 * width)
    rows = np.flatnonzero(np.abs(xs - cy) < 3.7 * width)
    if not (len(cols) and len(rows)):
        return
    win = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    inv = np.float32(-0.5) / (width * width)
    spot = np.multiply.outer(
        np.exp(inv * (xs[win[0]] - cy) ** 2), amp * np.exp(inv * (xs[win[1]] - cx) ** 2)
    )
    np.multiply(spot, 255 - back[win], out=spot)
    np.add(out[win], spot, out=out[win])


#: Image sides the renderer can draw; its atlas holds 720 frames of about
#: (0.85 * image_size)^2 * 8 bytes, 270 MB at the largest.
MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 16, 256


def _check(n: int, image_size: int, batch_size: int) -> None:
    """Reject sizes the renderer cannot honour with a message naming the bad value."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not MIN_IMAGE_SIZE <= image_size <= MAX_IMAGE_SIZE:
        raise ValueError(
            f"image_size must be between {MIN_IMAGE_SIZE} and {MAX_IMAGE_SIZE}, got {image_size}"
        )
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")


def iter_clock_batches(
    n: int,
    *,
    image_size: int = 150,
    seed: int = 0,
    style: ClockStyle = FULL,
    batch_size: int = 1024,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(images, labels)`` batches of the set that :func:`generate_clocks` returns.

    Concatenating the batches gives exactly ``generate_clocks(n, ...)`` for any batch size.
    """
    _check(n, image_size, batch_size)
    plan = make_plan(n, image_size, seed, style)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        images = np.empty((stop - start, image_size, image_size), dtype=np.uint8)
        _render(plan, seed, _by_group(plan, start, stop), images, start)
        yield images, minutes_to_labels(plan.times[start:stop])


def generate_clocks(
    n: int,
    *,
    image_size: int = 150,
    seed: int = 0,
    style: ClockStyle = FULL,
    batch_size: int = 1024,
    stream: Stream = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``n`` clock images with balanced, shuffled times.

    Args:
        n: Number of images. Each of the 720 times occurs ``n // 720`` or one more times.
        image_size: Side of the square grayscale images in pixels, 16-256 (150 and 75 are
            common).
        seed: Seed for every random choice; the same seed gives identical arrays.
        style: Which variations to apply; see :data:`STYLE_PRESETS`.
        batch_size: Images rendered per step; changes memory use, never the result.
        stream: Another set from the same seed (same wall textures, other draws); fresh
            training sets use streams ``(epoch + 1, training seed)`` (or 1, 2, ...), so
            they never repeat stream 0's images and each training seed draws its own.

    Returns:
        ``images`` of shape ``(n, image_size, image_size)`` uint8 and ``labels`` of shape
        ``(n, 2)`` int64 holding [hour 0-11, minute 0-59].
    """
    _check(n, image_size, batch_size)
    plan = make_plan(n, image_size, seed, style, stream)
    images = np.empty((n, image_size, image_size), dtype=np.uint8)
    # The output exists in full anyway, so render the whole set in time order.
    order = _by_group(plan, 0, n)
    for start in range(0, n, batch_size):
        _render(plan, seed, order[start : start + batch_size], images, 0)
    return images, minutes_to_labels(plan.times)


def clock_viewpoints(
    n: int, *, seed: int = 0, style: ClockStyle = FULL, stream: Stream = 0
) -> np.ndarray:
    """The viewpoint of each image that :func:`generate_clocks` makes with the same arguments.

    With ``style.viewpoints`` (the ``course`` style) these are numbers from 0 to
    ``viewpoints - 1``, the same viewpoints for every stream of ``seed``: holding some out of
    training tests whether a model reads clocks or remembers viewpoints. Otherwise every
    image has a viewpoint of its own, numbered 0 to ``n - 1``. The image size does not matter.

    Returns:
        ``(n,)`` int64 viewpoint numbers, in the order of the generated images.
    """
    _check(n, MIN_IMAGE_SIZE, 1)
    if not style.viewpoints:
        return np.arange(n, dtype=np.int64)
    # The pairs are the plan's first draw, so no image needs to be planned or rendered.
    return course_pairs(n, plan_rng(seed, stream), style.viewpoints)[1]


@dataclass(frozen=True)
class ClockRecipe:
    """How a generated training split was made, so that more sets like it can be made.

    Attributes:
        n: Images per set (the training split's size).
        image_size: Side of the square images in pixels.
        seed: The data seed; new sets are other streams of it.
        style: The variations of the split's images.
    """

    n: int
    image_size: int
    seed: int
    style: ClockStyle

    def make(self, stream: Stream, max_rotation: float = 180.0) -> tuple[np.ndarray, np.ndarray]:
        """A new set (``stream`` not 0), its turns limited to ``max_rotation`` degrees."""
        return generate_clocks(
            self.n,
            image_size=self.image_size,
            seed=self.seed,
            style=self._turned_at_most(max_rotation),
            stream=stream,
        )

    def geometry(self, stream: Stream, max_rotation: float = 180.0) -> Any:
        """The dial geometry (a ``DialGeometry``) of the set ``make`` returns for these."""
        from tunekit.data.clock_geometry import dial_geometry  # it imports this module

        return dial_geometry(
            self.n,
            image_size=self.image_size,
            seed=self.seed,
            style=self._turned_at_most(max_rotation),
            stream=stream,
        )

    def _turned_at_most(self, max_rotation: float) -> ClockStyle:
        """The split's style, its turns limited to ``max_rotation`` degrees as well."""
        return replace(self.style, max_rotation=min(self.style.max_rotation, max_rotation))
