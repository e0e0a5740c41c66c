"""One-off drawing of the clock atlas and the wall textures that :mod:`clocks` samples from.

The atlas holds one upright, flat clock (dark rim, light face, numerals 1-12, 60 ticks, two
bar hands, centre cap) at each of the 720 dial times. The walls are planked wood grain plus a
plain grey one. Both are built once per image size (and seed, for the walls) and cached.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

N_TIMES = 720  # minutes on a 12-hour dial
N_WOOD = 16  # wood textures per (size, seed); a random crop of one makes each wall unique
PACKED = np.dtype("<u2")  # little-endian, so byte 0 of a packed pixel is its low byte

_EXTENT = 1.08  # half-width of the atlas in clock radii; the margin is plain background
_INK = 28.0  # grey level of hands, numerals and ticks


def _atlas_size(size: int) -> int:
    """Atlas side in pixels: about 1.4x oversampled at the largest clock an image can hold."""
    return 2 * round(0.85 * size)


def canonical_to_atlas(size: int) -> np.ndarray:
    """Map clock coords (radius 1, v up) to atlas (col, row) whose floor is the nearest pixel."""
    k = _atlas_size(size) / (2 * _EXTENT)
    return np.array([[k, 0, _EXTENT * k], [0, -k, _EXTENT * k], [0, 0, 1]])


def _clock_grid(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Clock coords (u right, v up) of the pixel centres of an n x n atlas frame."""
    c = ((np.arange(n, dtype=np.float32) + 0.5) / n * 2 - 1) * _EXTENT
    return c[None, :], -c[:, None]


def _numeral_mask(n: int) -> np.ndarray:
    """Coverage (0-1) of the numerals 1-12, upright, drawn with Pillow's bundled font."""
    from PIL import Image, ImageDraw, ImageFont  # Pillow ships with matplotlib

    ppu = n / (2 * _EXTENT)
    font = ImageFont.load_default(size=max(8, round(0.25 * ppu)))
    img = Image.new("L", (n, n), 0)
    draw = ImageDraw.Draw(img)
    for hour in range(1, 13):
        a = np.radians(30 * hour)
        x, y = n / 2 + 0.62 * ppu * np.sin(a), n / 2 - 0.62 * ppu * np.cos(a)
        draw.text((x, y), str(hour), fill=255, font=font, anchor="mm", stroke_width=n // 400)
    return np.asarray(img, dtype=np.float32) / 255


def _face(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Static clock face (grey levels) and its coverage, supersampled 4x then box-filtered."""
    ss = 4 * n
    u, v = _clock_grid(ss)
    r = np.sqrt(u * u + v * v)
    face = (232 - 14 * r * r) * np.ones_like(u * v)
    rim = r > 0.87
    # Dark rim with a bright bevel at its outer edge and a thin lip where it meets the face.
    bevel = 60 * np.exp(-(((r - 0.965) / 0.02) ** 2)) + 30 * np.exp(-(((r - 0.875) / 0.008) ** 2))
    face = np.where(rim, 38 + bevel, face)
    phi = np.arctan2(u, v)
    tick = np.round(phi / (np.pi / 30))
    perp = r * np.abs(np.sin(phi - tick * (np.pi / 30)))
    hour_tick = (np.mod(tick, 5) == 0) & (r > 0.71) & (r < 0.84) & (perp < 0.02)
    minute_tick = (r > 0.78) & (r < 0.84) & (perp < 0.007)
    face = np.where(hour_tick | minute_tick, _INK, face)
    digits = _numeral_mask(ss)
    face = face * (1 - digits) + _INK * digits
    cover = (r <= 1.0).astype(np.float32)
    box = (n, 4, n, 4)
    face = (face * cover).reshape(box).mean(axis=(1, 3), dtype=np.float32)
    return face, cover.reshape(box).mean(axis=(1, 3), dtype=np.float32)


def _hand(
    u: np.ndarray, v: np.ndarray, angle: np.ndarray, length: float, width: float, ppu: float
) -> np.ndarray:
    """Anti-aliased coverage of tapered bar hands pointing at ``angle`` (radians from 12)."""
    angle = np.asarray(angle, dtype=np.float32)
    dx, dy = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    along = u * dx + v * dy
    half = width * (1 - 0.4 * np.clip(along * (1 / length), 0, 1))
    sd = np.maximum(np.abs(u * dy - v * dx) - half, np.maximum(along - length, -0.14 - along))
    return np.clip(0.5 - sd * ppu, 0, 1)


def wall_weight(n: int, cover: np.ndarray) -> np.ndarray:
    """The high byte of packed atlas pixels: 255 * (1 - coverage), shaded below the rim."""
    u, v = _clock_grid(n)
    # A soft shadow cast on the wall below the rim; it fades out inside the margin.
    sr = np.sqrt(u * u + (v + 0.02) ** 2)
    shade = 1 - 0.45 * np.clip((_EXTENT - 0.03 - sr) / 0.05, 0, 1)
    backdrop = np.round(255 * (1 - cover) * shade).astype(PACKED) << 8
    # Clipped lookups land on the border, which must be bare wall at every size.
    backdrop[[0, -1], :] = backdrop[:, [0, -1]] = 255 << 8
    return backdrop


@lru_cache(maxsize=2)
def clock_atlas(size: int) -> np.ndarray:
    """All 720 clock faces, indexed by dial minute, as (720, T, T) packed 16-bit pixels.

    The low byte is the clock premultiplied by its coverage, the high byte is
    255 * (1 - coverage), the weight of the wall behind.
    """
    n = _atlas_size(size)
    ppu = n / (2 * _EXTENT)
    face, cover = _face(n)
    u, v = _clock_grid(n)
    backdrop = wall_weight(n, cover)
    atlas = np.empty((N_TIMES, n, n), dtype=PACKED)
    atlas[:] = np.round(face).astype(PACKED) | backdrop
    # Hands only reach radius 0.85: draw them on central crops, not on whole frames.
    lo = int(n / 2 - 0.9 * ppu)
    inner = slice(lo, n - lo)
    hu, hv = u[:, inner], v[inner, :]
    lo_h = int(n / 2 - 0.6 * ppu) - lo
    hour_part = slice(lo_h, n - 2 * lo - lo_h)
    r = np.sqrt(hu * hu + hv * hv)
    cap = np.clip(0.5 - (r - 0.055) * ppu, 0, 1)
    hours = np.arange(12)
    ink = np.float32(_INK)
    for minute in range(60):
        frames = np.repeat(face[None, inner, inner], 12, axis=0)
        hour_angle = np.radians(30 * hours + 0.5 * minute)
        hour = _hand(hu[:, hour_part], hv[hour_part, :], hour_angle, 0.5, 0.05, ppu)
        part = frames[:, hour_part, hour_part]
        part += hour * (ink - part)
        frames += _hand(hu, hv, np.radians([6.0 * minute]), 0.8, 0.032, ppu) * (ink - frames)
        frames += cap * (ink - frames)
        atlas[hours * 60 + minute, inner, inner] = (
            np.round(frames).astype(PACKED) | backdrop[inner, inner]
        )
    return atlas


def _smooth_noise(
    rng: np.random.Generator, shape: tuple[int, int], cells: int | tuple[int, int]
) -> np.ndarray:
    """Smooth noise with ``cells`` bumps per side (rows, cols), by bilinear upsampling."""
    cy, cx = (cells, cells) if isinstance(cells, int) else cells
    grid = rng.standard_normal((cy + 2, cx + 2))
    ys, xs = np.linspace(0, cy, shape[0]), np.linspace(0, cx, shape[1])
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x0 + 1] * fx
    bottom = grid[y0 + 1][:, x0] * (1 - fx) + grid[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _wood_textures(rng: np.random.Generator, size: int) -> np.ndarray:
    """Planked wood-grain walls of 2 * size square, grey levels about 60-200, float32."""
    n = 2 * size
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64)
    out = np.empty((N_WOOD, n, n), dtype=np.float32)
    for k in range(N_WOOD):
        a = rng.uniform(-0.12, 0.12)
        across = -xx * np.sin(a) + yy * np.cos(a)
        plank_w = size * rng.uniform(0.35, 0.8)
        plank = np.floor(across / plank_w).astype(int) + 8
        phase, tone = rng.uniform(0, 50, 32), rng.normal(0, 12, 32)
        warp = size * (0.08 * _smooth_noise(rng, (n, n), 3) + 0.02 * _smooth_noise(rng, (n, n), 9))
        period = size * rng.uniform(0.035, 0.09)
        rings = 0.5 + 0.5 * np.sin(2 * np.pi * (across + warp + phase[plank]) / period)
        # Fine streaks along the grain: noise stretched about 12x along x.
        streak = _smooth_noise(rng, (n, n), (n // 2, n // 25))
        seam = np.mod(across, plank_w) < max(1.0, size / 120)
        wood = rng.uniform(105, 165) + tone[plank] - rng.uniform(25, 55) * rings**3 + 4 * streak
        out[k] = np.where(seam, wood * 0.55, wood)
    return out


@lru_cache(maxsize=4)
def wall_textures(size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Wall textures (grey / 255, for compositing) and a flat noise buffer for one seed."""
    rng = np.random.default_rng([seed, 1])
    walls = np.empty((N_WOOD + 1, 2 * size, 2 * size), dtype=np.float32)
    walls[:N_WOOD] = _wood_textures(rng, size) / np.float32(255.0)
    walls[N_WOOD] = 0.6
    noise = rng.standard_normal(4 * size * size, dtype=np.float32)
    return walls, noise
