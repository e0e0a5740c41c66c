"""Out-of-focus training clocks: some images blurred as a camera that missed its focus.

tunekit's generator draws every clock sharp, but a photo of a clock is often not: the
camera focused on the wall, or the clock is small and far. A reader that has only seen
sharp numerals has to find the 12 on blurred ones it never learnt. Blurring a share of the
training images, each by its own amount, is an augmentation for clocks in general, not for
one renderer: the blur is a Gaussian (a defocused lens's spot, roughly), its width drawn
log-uniformly between a trace and about three pixels at 128 px, and the label is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Share of the training images blurred.
SHARE = 0.5
#: The Gaussian's standard deviation, as a fraction of the image side: its smallest and
#: largest (0.5 and 3 pixels at 128 px), drawn log-uniformly in between.
SIGMA_RANGE = (0.004, 0.024)
#: Mixed into a set's seed, so that the blur's draws are not the generator's own.
_SALT = 0xDEF0C5


def defocus_rng(*seed: int | Sequence[int]) -> np.random.Generator:
    """The generator of one set's blur draws, from the set's seed numbers."""
    flat = [int(n) for part in seed for n in np.atleast_1d(part)]
    return np.random.default_rng([*flat, _SALT])


def defocus(
    images: np.ndarray,
    rng: np.random.Generator,
    share: float = SHARE,
    sigma_range: tuple[float, float] = SIGMA_RANGE,
) -> np.ndarray:
    """A copy of uint8 ``(N, S, S)`` ``images`` with a random ``share`` of them blurred.

    Each blurred image gets its own Gaussian, its standard deviation log-uniform in
    ``sigma_range`` times the side S; the edges repeat the border pixels. Two draws per
    image are taken whether it is blurred or not, so an image's fate depends on its place
    in the set and the generator alone.
    """
    from scipy.ndimage import gaussian_filter

    images = np.asarray(images)
    n, side = len(images), images.shape[-1]
    blurred = rng.random(n) < share
    low, high = np.log(sigma_range[0] * side), np.log(sigma_range[1] * side)
    sigmas = np.exp(rng.uniform(low, high, n))
    out = images.copy()
    for i in np.flatnonzero(blurred):
        smooth = gaussian_filter(images[i].astype(np.float32), sigmas[i], mode="nearest")
        out[i] = np.clip(np.rint(smooth), 0, 255)
    return out
