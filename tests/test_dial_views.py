"""Reading a dial model at rings of dial centres around the one its finder gives."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.data.clocks import FULL, generate_clocks
from tunekit.errors import InvalidConfigError
from tunekit.hypermodels._family import DataShape
from tunekit.hypermodels.clock import (
    build_clock,
    read_output,
    reading_centre_rings,
    reading_dial_scales,
)
from tunekit.hypermodels.dial_decoding import DETECTORS
from tunekit.hypermodels.dial_views import (
    CENTRE_RADII,
    DIAL_SCALES,
    centre_offsets,
    centred_predict,
    has_dial,
    read_scales,
)


class _Plain:
    """A model with no dial: ``predict`` records its calls."""

    layers: tuple = ()

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, x, batch_size=None, verbose=0):
        self.calls += 1
        return "out"


@pytest.fixture(scope="module")
def dial_reader():
    return build_clock(
        {"representation": "dial", "backbone": "seed", "learning_rate": 0.001},
        DataShape(input_shape=(32, 32), num_classes=0),
    )


def test_centre_offsets_are_the_finders_centre_and_rings_of_eight():
    assert centre_offsets(0).tolist() == [[0.0, 0.0]]
    offsets = centre_offsets(len(CENTRE_RADII))
    assert offsets.shape == (1 + 8 * len(CENTRE_RADII), 2)
    radii = np.hypot(offsets[1:, 0], offsets[1:, 1])
    np.testing.assert_allclose(radii, np.repeat(CENTRE_RADII, 8), rtol=1e-5)
    np.testing.assert_allclose(offsets[1:9].sum(axis=0), 0.0, atol=1e-6)  # balanced ring
    for bad in (-1, len(CENTRE_RADII) + 1):
        with pytest.raises(ValueError, match="rings must be"):
            centre_offsets(bad)


def test_centre_rings_default_to_all_for_a_dial_reader_and_none_for_others(dial_reader):
    assert has_dial(dial_reader) and not has_dial(_Plain())
    assert reading_centre_rings(dial_reader) == len(CENTRE_RADII)
    assert reading_centre_rings(dial_reader, 0) == 0
    assert reading_centre_rings(_Plain()) == 0
    with pytest.raises(InvalidConfigError, match="needs a dial reader"):
        reading_centre_rings(_Plain(), 1)
    for bad in (-1, len(CENTRE_RADII) + 1, 1.0):
        with pytest.raises(InvalidConfigError, match="rings of dial centres"):
            reading_centre_rings(dial_reader, bad)


def test_read_output_reads_a_model_without_a_dial_once():
    model = _Plain()
    assert read_output("multihead", model, np.zeros((2, 8, 8))) == "out"
    assert model.calls == 1


def test_the_finders_centre_alone_reads_as_the_model_does(dial_reader):
    images, _ = generate_clocks(6, image_size=32, seed=3, style=FULL)
    whole = dial_reader.predict(images, verbose=0)
    alone = centred_predict(dial_reader, centre_offsets(0))(images)
    for name in DETECTORS:
        np.testing.assert_allclose(alone[name], whole[name], rtol=1e-4, atol=0)


def test_rings_average_the_readings_at_each_centre(dial_reader):
    images, _ = generate_clocks(6, image_size=32, seed=3, style=FULL)
    offsets = centre_offsets(1)
    each = [centred_predict(dial_reader, offsets[i : i + 1])(images) for i in range(len(offsets))]
    together = centred_predict(dial_reader, offsets)(images)
    moved = each[1]["minute"]
    assert np.abs(moved - each[0]["minute"]).max() > 1e-7  # another centre, another strip
    for name in DETECTORS:
        mean = np.mean([reading[name] for reading in each], axis=0)
        np.testing.assert_allclose(together[name], mean, rtol=1e-5, atol=0)
        np.testing.assert_allclose(together[name].sum(axis=1), 1.0, atol=1e-4)


def test_without_a_dial_strip_there_is_no_centre_to_move():
    with pytest.raises(ValueError, match="no dial strip"):
        centred_predict(_Plain(), centre_offsets(1))


def test_read_scales_are_the_finders_size_first():
    assert read_scales(1) == (1.0,)
    assert read_scales(len(DIAL_SCALES)) == DIAL_SCALES
    assert all(0 < scale <= 1 for scale in DIAL_SCALES)
    for bad in (0, len(DIAL_SCALES) + 1):
        with pytest.raises(ValueError, match="dial scales must be"):
            read_scales(bad)


def test_dial_scales_default_to_the_representations_and_one_without_a_dial(dial_reader):
    assert reading_dial_scales("dial_vote", dial_reader) == 2
    assert reading_dial_scales("dial", dial_reader) == 1
    assert reading_dial_scales("dial_vote", dial_reader, 1) == 1
    assert reading_dial_scales("multihead", _Plain()) == 1
    with pytest.raises(InvalidConfigError, match="needs a dial reader"):
        reading_dial_scales("multihead", _Plain(), 2)
    for bad in (0, len(DIAL_SCALES) + 1, 2.0):
        with pytest.raises(InvalidConfigError, match="sizes of the dial"):
            reading_dial_scales("dial", dial_reader, bad)


def test_dial_scales_average_the_readings_at_each_size(dial_reader):
    images, _ = generate_clocks(6, image_size=32, seed=3, style=FULL)
    offsets = centre_offsets(0)
    each = [centred_predict(dial_reader, offsets, (scale,))(images) for scale in DIAL_SCALES]
    together = centred_predict(dial_reader, offsets, DIAL_SCALES)(images)
    assert np.abs(each[1]["minute"] - each[0]["minute"]).max() > 1e-7  # a smaller strip
    for name in DETECTORS:
        mean = np.mean([reading[name] for reading in each], axis=0)
        np.testing.assert_allclose(together[name], mean, rtol=1e-5, atol=0)
    # read_output unrolls both sizes where asked, even at the finder's centre alone
    output = read_output("dial", dial_reader, images, turns=1, centre_rings=0, dial_scales=2)
    for name in DETECTORS:
        np.testing.assert_allclose(output[name], together[name], rtol=1e-5, atol=1e-7)
