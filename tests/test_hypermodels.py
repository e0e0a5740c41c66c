"""Model families build what their values say, and refuse impossible CNNs."""

from __future__ import annotations

import pytest

from tunekit.errors import InvalidConfigError
from tunekit.hypermodels import DataShape, get_family
from tunekit.hypermodels.cnn import check_feature_map, layer_plan
from tunekit.hypermodels.mlp import hidden_widths

SHAPE = DataShape((28, 28), 10)
MLP, CNN = get_family("mlp"), get_family("cnn")


def test_mlp_depth_keeps_reference_widths_only_at_the_reference_depth():
    assert hidden_widths(MLP.reference) == [100, 30, 10]
    assert hidden_widths({**MLP.reference, "depth": 10}) == [10] * 10


@pytest.mark.parametrize(
    ("hp", "value", "check"),
    [
        ("dropout", 0.5, lambda m: any(layer.name.startswith("dropout") for layer in m.layers)),
        ("output_activation", "sigmoid", lambda m: m.layers[-1].activation.__name__ == "sigmoid"),
        ("bias_regularizer", "l2", lambda m: m.layers[1].bias_regularizer is not None),
        ("depth", 100, lambda m: len(m.layers) == 1 + 100 + 1),
    ],
)
def test_mlp_builds_each_change(hp, value, check):
    model = MLP.build({**MLP.reference, hp: value}, SHAPE)
    assert check(model)


def test_one_hot_losses_get_one_hot_targets():
    import numpy as np

    y = np.array([0, 3, 9])
    assert MLP.prepare_targets({**MLP.reference, "loss": "poisson"}, y, 10).shape == (3, 10)
    assert MLP.prepare_targets(MLP.reference, y, 10) is y


def test_cnn_reference_is_gerons_stack():
    kinds = [(kind, filters, kernel) for kind, filters, kernel, _ in layer_plan(CNN.reference)]
    assert kinds == [
        ("conv", 64, 7), ("pool", 0, 2),
        ("conv", 128, 3), ("conv", 128, 3), ("pool", 0, 2),
        ("conv", 256, 3), ("conv", 256, 3), ("pool", 0, 2),
    ]  # fmt: skip
    model = CNN.build(CNN.reference, SHAPE)
    assert model.output_shape == (None, 10)


def test_cnn_width_multiplier_scales_filters_and_pooling_can_go():
    values = {**CNN.reference, "width_multiplier": 0.25, "pooling": "none"}
    plan = layer_plan(values)
    assert [f for kind, f, _, _ in plan if kind == "conv"] == [16, 32, 32, 64, 64]
    assert all(kind == "conv" for kind, *_ in plan)


@pytest.mark.parametrize(
    ("change", "where"),
    [({"stride": 8}, "layer 8"), ({"padding": "valid"}, "layer 7")],
)
def test_cnn_feature_map_below_1x1_is_invalid_with_the_layer_named(change, where):
    with pytest.raises(InvalidConfigError, match=where):
        check_feature_map({**CNN.reference, **change}, 28)


def test_cnn_stride_8_fits_a_two_block_stack():
    check_feature_map({**CNN.reference, "stride": 8, "layers": "CP-CCP"}, 28)
