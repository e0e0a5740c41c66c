"""The dial strip: bilinear samples along the dial, where turning the clock shifts columns."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from tunekit.data.clock_geometry import dial_geometry  # noqa: E402
from tunekit.data.clocks import EASY, generate_clocks  # noqa: E402
from tunekit.data.turned_images import turn_images  # noqa: E402
from tunekit.hypermodels.dial_layers import CircularPad, DialStrip, strip_offsets  # noqa: E402

SIZE = 64


def _strip(images: np.ndarray, geometry: np.ndarray, radii: int = 12, angles: int = 144):
    layer = DialStrip(radii=radii, angles=angles)
    out = layer([images[..., None].astype("float32"), geometry.astype("float32")])
    return np.asarray(out)[..., 0]


def test_samples_are_bilinear_reads_of_the_image_at_the_dial_points():
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 255, (1, SIZE, SIZE))
    geometry = np.array([[0.1, -0.2, 0.5, 0.1, 0.4]])
    strip = _strip(image, geometry, radii=5, angles=16)
    dx, dy = strip_offsets(5, 16)
    half = SIZE / 2
    x = 0.1 * half + half - 0.5 + 0.5 * half * dx + 0.1 * half * dy
    y = -0.2 * half + half - 0.5 + 0.1 * half * dx + 0.4 * half * dy
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    img = image[0]
    expected = (
        img[y0, x0] * (1 - fx) * (1 - fy)
        + img[y0, x0 + 1] * fx * (1 - fy)
        + img[y0 + 1, x0] * (1 - fx) * fy
        + img[y0 + 1, x0 + 1] * fx * fy
    )
    np.testing.assert_allclose(strip[0], expected, rtol=1e-4, atol=1e-3)


def test_turning_the_clock_shifts_the_strip():
    upright, _ = generate_clocks(4, image_size=SIZE, seed=5, style=EASY)
    geometry = dial_geometry(4, image_size=SIZE, seed=5, style=EASY).normalised()
    turned = turn_images(upright, 90.0)  # a quarter turn anticlockwise: the 12 goes left
    before, after = _strip(upright, geometry), _strip(turned, geometry)
    shifted = np.roll(before, -36, axis=2)  # 144 columns: a quarter turn is 36
    assert np.abs(after - shifted).mean() < 1.0
    assert np.abs(after - np.roll(before, 36, axis=2)).mean() > 10  # the other way is wrong


def test_circular_pad_wraps_the_angle_axis():
    x = np.arange(10, dtype="float32").reshape(1, 1, 10, 1)
    padded = np.asarray(CircularPad(2, axis=2)(x))[0, 0, :, 0]
    np.testing.assert_array_equal(padded, [8, 9, *range(10), 0, 1])


def test_a_model_with_a_dial_strip_saves_and_loads(tmp_path):
    images = keras.Input((SIZE, SIZE, 1))
    geometry = keras.Input((5,))
    strip = DialStrip(radii=6, angles=32)([images, geometry])
    out = keras.layers.Conv2D(2, 3)(CircularPad(1)(strip))
    model = keras.Model([images, geometry], out)
    x = np.random.default_rng(1).uniform(0, 1, (2, SIZE, SIZE, 1)).astype("float32")
    g = np.tile(np.array([[0, 0, 0.8, 0, 0.8]], "float32"), (2, 1))
    path = tmp_path / "strip.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict([x, g], verbose=0), model.predict([x, g], verbose=0))
