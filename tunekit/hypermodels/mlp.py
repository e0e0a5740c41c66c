"""The seed study's multi-layer perceptron (task 1a), after Geron, Hands-On ML, ch. 10.

The reference is Flatten, three hidden ReLU layers of 100, 30 and 10 units (the widths
the seed report gives; Geron's own model uses 300 and 100: ``--set widths=300-100``),
and a 10-way softmax, trained with plain SGD, sparse categorical cross-entropy and
batch size 32. Every space takes exactly the values of the seed study.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tunekit.hypermodels._checks import OPTIMIZERS, Check, Choice, Dashed, Real, Whole
from tunekit.hypermodels._family import DataShape, Family, Space

DEPTH_LAYER_WIDTH = 10  # the seed's depth study stacks layers of 10 units each

#: Losses whose keras implementation expects one-hot targets.
ONE_HOT_LOSSES = frozenset({"categorical_crossentropy", "poisson", "kl_divergence"})
_INITIALIZERS = ("zeros", "ones", "random_normal", "random_uniform", "truncated_normal",
                 "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                 "lecun_uniform", "lecun_normal", "orthogonal", "variance_scaling")  # fmt: skip
_ACTIVATIONS = ("softmax", "softplus", "sigmoid", "exponential", "linear", "relu", "tanh",
                "softsign", "elu", "selu", "gelu", "swish", "silu", "relu6", "hard_sigmoid",
                "log_softmax")  # fmt: skip
_REGULARIZERS = ("none", "l1", "l2")

REFERENCE: dict[str, Any] = {
    "init": "glorot_uniform",  # the Keras default
    "dropout": 0.0,  # no dropout in the reference
    "optimizer": "sgd",  # Geron's choice: learning rate 0.01, no momentum
    "loss": "sparse_categorical_crossentropy",
    "batch_size": 32,  # the Keras default
    "widths": "100-30-10",  # hidden units per layer, input side first
    "output_activation": "softmax",
    "depth": 3,  # equals len(widths): the reference widths are used
    "kernel_regularizer": "none",
    "bias_regularizer": "none",
}

_SPACES = (
    Space(
        "init",
        "init",
        ("zeros", "ones", "random_normal", "random_uniform", "glorot_uniform"),
        "initialiser of every Dense kernel",
    ),
    Space("dropout", "dropout", (0.0, 0.2, 0.5, 0.9), "dropout rate after the last hidden layer"),
    Space(
        "optimizer",
        "optimizer",
        ("sgd", "rmsprop", "adam", "nadam"),
        "optimiser, each with its Keras default learning rate",
    ),
    Space(
        "loss",
        "loss",
        ("sparse_categorical_crossentropy", "categorical_crossentropy", "poisson", "kl_divergence"),
        "training loss; the last three get one-hot targets",
    ),
    Space("batch_size", "batch_size", (32, 100, 500, 1000), "mini-batch size"),
    Space(
        "widths",
        "widths",
        ("100-30-10", "50-50-50", "10-30-100", "500-250-50"),
        "hidden layer widths, input side first",
    ),
    Space(
        "output_activation",
        "output_activation",
        ("softmax", "softplus", "sigmoid", "exponential"),
        "activation of the output layer",
    ),
    Space(
        "depth",
        "depth",
        (1, 3, 10, 100),
        f"hidden layers of {DEPTH_LAYER_WIDTH} units (the reference depth keeps its widths)",
    ),
    Space(
        "kernel_regularizer",
        "kernel_regularizer",
        ("none", "l1", "l2"),
        "penalty on every hidden kernel (Keras default strength 0.01)",
    ),
    Space(
        "bias_regularizer",
        "bias_regularizer",
        ("none", "l1", "l2"),
        "penalty on every hidden bias; regularised biases start at ones, as in the seed",
    ),
)


CHECKS: dict[str, Check] = {
    "init": Choice(_INITIALIZERS),
    "dropout": Real(0.0, 1.0, low_included=True, high_included=False),  # a rate of 1 drops all
    "optimizer": Choice(OPTIMIZERS),
    "loss": Choice(("sparse_categorical_crossentropy", *sorted(ONE_HOT_LOSSES))),
    "batch_size": Whole(1),
    "widths": Dashed(1),
    "output_activation": Choice(_ACTIVATIONS),
    "depth": Whole(1, 1000),
    "kernel_regularizer": Choice(_REGULARIZERS),
    "bias_regularizer": Choice(_REGULARIZERS),
}


def hidden_widths(values: Mapping[str, Any]) -> list[int]:
    """Return the hidden layer widths that ``values`` describe.

    ``depth`` equal to the number of ``widths`` keeps those widths; any other depth
    stacks ``depth`` layers of ``DEPTH_LAYER_WIDTH`` units, as the seed's depth study did.
    """
    widths = [int(part) for part in str(values["widths"]).split("-")]
    depth = int(values["depth"])
    return widths if depth == len(widths) else [DEPTH_LAYER_WIDTH] * depth


def build_mlp(values: Mapping[str, Any], shape: DataShape) -> Any:
    """Build and compile the MLP that ``values`` describe."""
    import keras

    def regularizer(name: str) -> Any:
        return None if name == "none" else keras.regularizers.get(name)

    bias_init = "zeros" if values["bias_regularizer"] == "none" else "ones"
    model = keras.Sequential([keras.Input(shape=shape.input_shape), keras.layers.Flatten()])
    for units in hidden_widths(values):
        model.add(
            keras.layers.Dense(
                units,
                activation="relu",
                kernel_initializer=values["init"],
                bias_initializer=bias_init,
                kernel_regularizer=regularizer(values["kernel_regularizer"]),
                bias_regularizer=regularizer(values["bias_regularizer"]),
            )
        )
    if values["dropout"] > 0:
        model.add(keras.layers.Dropout(values["dropout"]))
    model.add(
        keras.layers.Dense(
            shape.num_classes,
            activation=values["output_activation"],
            kernel_initializer=values["init"],
        )
    )
    one_hot = values["loss"] in ONE_HOT_LOSSES
    accuracy = (
        keras.metrics.CategoricalAccuracy(name="accuracy")
        if one_hot
        else keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    )
    model.compile(optimizer=values["optimizer"], loss=values["loss"], metrics=[accuracy])
    return model


def prepare_targets(values: Mapping[str, Any], y: np.ndarray, num_classes: int) -> np.ndarray:
    """Encode integer labels as the loss in ``values`` expects them."""
    if values["loss"] in ONE_HOT_LOSSES:
        return np.eye(num_classes, dtype="float32")[y]
    return y


MLP = Family(
    name="mlp",
    description="Geron's Fashion-MNIST MLP (Hands-On ML ch. 10), the seed's task 1a",
    reference=REFERENCE,
    spaces={space.name: space for space in _SPACES},
    build=build_mlp,
    prepare_targets=prepare_targets,
    batch_size=lambda values: int(values["batch_size"]),
    aliases={"width": "widths", "weights": "init", "activation": "output_activation"},
    checks=CHECKS,
)
