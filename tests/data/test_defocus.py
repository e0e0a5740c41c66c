"""Out-of-focus training clocks: half of them blurred, each by its own amount, labels kept."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.data.clocks import FULL, ClockRecipe, generate_clocks
from tunekit.data.defocus import defocus, defocus_rng
from tunekit.data.fresh_clocks import FreshClocks, TurnedClocks
from tunekit.data.turned_images import turn_images

CLOCKS, TIMES = generate_clocks(120, image_size=128, seed=11, style=FULL)


def _detail(images: np.ndarray) -> np.ndarray:
    """Each image's mean absolute difference between neighbouring pixels."""
    images = images.astype(np.float64)
    return np.abs(np.diff(images, axis=-1)).mean(axis=(-2, -1))


def test_about_half_the_images_are_blurred_and_the_rest_are_untouched() -> None:
    out = defocus(CLOCKS, defocus_rng(1))
    assert out.dtype == np.uint8 and out.shape == CLOCKS.shape
    changed = np.array([not np.array_equal(a, b) for a, b in zip(out, CLOCKS, strict=True)])
    assert 0.35 < changed.mean() < 0.65
    assert np.all(_detail(out[changed]) < _detail(CLOCKS[changed]))  # every one softer
    assert np.abs(out.astype(int) - CLOCKS).mean() > 0  # and never blank or saturated:
    assert np.allclose(out[changed].mean(axis=(1, 2)), CLOCKS[changed].mean(axis=(1, 2)), atol=3)


def test_the_blur_amount_varies_from_a_trace_to_a_heavy_one() -> None:
    out = defocus(CLOCKS, defocus_rng(2), share=1.0)
    lost = 1 - _detail(out) / _detail(CLOCKS)
    assert lost.min() < 0.45 and lost.max() > 0.75 and lost.std() > 0.08


def test_the_same_seed_blurs_the_same_images_the_same_way() -> None:
    first = defocus(CLOCKS, defocus_rng(3, (4, 5)))
    assert np.array_equal(first, defocus(CLOCKS, defocus_rng(3, 4, 5)))
    assert not np.array_equal(first, defocus(CLOCKS, defocus_rng(3, 4, 6)))


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_a_share_of_none_or_all(share: float) -> None:
    out = defocus(CLOCKS, defocus_rng(4), share=share)
    same = [np.array_equal(a, b) for a, b in zip(out, CLOCKS, strict=True)]
    assert all(same) if share == 0 else not any(same)


def test_fresh_clocks_blur_each_new_set_and_keep_its_labels() -> None:
    recipe = ClockRecipe(n=40, image_size=32, seed=3, style=FULL)
    data = FreshClocks(recipe, lambda y: y, 16, lambda e: 180.0, training_seed=9, blur=True)
    sharp = FreshClocks(recipe, lambda y: y, 16, lambda e: 180.0, training_seed=9)
    images, labels = data[3]  # epoch 1, batch 0
    drawn, true = recipe.make(stream=(2, 9))
    assert np.array_equal(images, defocus(drawn, defocus_rng((2, 9)))[:16])
    assert np.array_equal(labels, true[:16]) and np.array_equal(sharp[3][0], drawn[:16])
    assert not np.array_equal(images, drawn[:16])


def test_turned_clocks_blur_after_turning_and_keep_their_labels() -> None:
    data = TurnedClocks(CLOCKS, TIMES, lambda y: y, 32, seed=(5, 6), blur=True)
    images, labels = data[5]  # 4 batches an epoch: epoch 1, batch 1
    order, degrees = data.epoch_draws(1)
    turned = turn_images(CLOCKS[order[32:64]], degrees[32:64])
    assert np.array_equal(images, defocus(turned, defocus_rng((5, 6), 1, 1)))
    assert np.array_equal(labels, TIMES[order[32:64]])
    assert not np.array_equal(images, turned)


def test_the_clock_family_blurs_fresh_and_turned_clocks_and_refuses_fixed_ones() -> None:
    from tunekit.config import DataSpec
    from tunekit.data.loading import load_data
    from tunekit.errors import InvalidConfigError
    from tunekit.hypermodels.clock import REFERENCE, fresh_training_clocks

    data = load_data(DataSpec("clock", clock_count=200, image_size=32, clock_style="full"))
    for kind in ("fresh", "turned", "curriculum"):
        for blur in ("none", "defocus"):
            values = {**REFERENCE, "training_clocks": kind, "training_blur": blur}
            assert fresh_training_clocks(values, data, 2, 0, 42).blur is (blur == "defocus")
    fixed = {**REFERENCE, "training_blur": "defocus"}
    with pytest.raises(InvalidConfigError, match="training_clocks=fixed makes none"):
        fresh_training_clocks(fixed, data, 2, 0, 42)
    assert fresh_training_clocks(REFERENCE, data, 2, 0, 42) is None
