"""The seed study's CNN (task 1b): Geron's Fashion-MNIST CNN, Hands-On ML ch. 14, p. 461.

Reference: Conv2D(64, 7, same), MaxPool(2), 2 x Conv2D(128, 3, same), MaxPool(2),
2 x Conv2D(256, 3, same), MaxPool(2), Flatten, Dense(128), Dropout(0.5), Dense(64),
Dropout(0.5), Dense(10, softmax), trained with Nadam as in the book.

The layer stack is written as blocks of ``C`` (convolution) and ``P`` (max pooling)
separated by ``-``: the reference is ``CP-CCP-CCP``, with 64, 128 and 256 filters per
block. One epoch of the full reference takes about 4 minutes on 2 CPU cores;
``width_multiplier`` (``--set width_multiplier=0.25``) scales every filter count and
cuts that roughly by its square.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from tunekit.errors import InvalidConfigError
from tunekit.hypermodels._checks import OPTIMIZERS, Check, Choice, Dashed, Pattern, Real, Whole
from tunekit.hypermodels._family import DataShape, Family, Space

BLOCK_FILTERS = (64, 128, 256)  # Geron's filters per block
FIRST_KERNEL = 7  # the first convolution keeps its 7x7 kernel in every variant

REFERENCE: dict[str, Any] = {
    "kernel_size": 3,  # every convolution after the first
    "filters": "64-128-256",  # per block; a single number gives every convolution that many
    "stride": 1,  # of the first convolution
    "padding": "same",  # of every convolution
    "pooling": "max",  # "none" drops every pooling layer
    "layers": "CP-CCP-CCP",  # blocks of convolutions (C) and poolings (P)
    "width_multiplier": 1.0,  # scales every filter count: the CPU budget knob
    "optimizer": "nadam",  # Geron's choice for this model
    "batch_size": 32,
}

_SPACES = (
    Space("kernel_size", "kernel_size", (2, 3, 5, 7),
          "kernel size of every convolution after the first"),
    Space("filters", "filters", ("64-128-256", "32", "64", "256"),
          "filters per block; one number gives every convolution that many"),
    Space("stride", "stride", (1, 2, 4, 8), "stride of the first convolution"),
    Space("padding", "padding", ("same", "valid"), "padding of every convolution"),
    Space("pooling", "pooling", ("max", "none"), "max pooling present or absent"),
    Space("depth_order", "layers", ("CP", "CP-CCP", "CP-CCP-CCP", "PC-PCC-PCC", "CCCCC-PPP"),
          "depth (1 to 3 blocks) and order of convolution (C) and pooling (P) layers"),
)  # fmt: skip


CHECKS: dict[str, Check] = {
    "kernel_size": Whole(1, 64),
    "filters": Dashed(1, 4096),
    "stride": Whole(1, 64),
    "padding": Choice(("same", "valid")),
    "pooling": Choice(("max", "none")),
    "layers": Pattern(r"[CP]+(-[CP]+)*", "CP-CCP-CCP (blocks of C and P joined by '-')"),
    "width_multiplier": Real(0.0, 8.0),  # above 0: 0 would silently mean full width
    "optimizer": Choice(OPTIMIZERS),
    "batch_size": Whole(1),
}


def layer_plan(values: Mapping[str, Any]) -> list[tuple[str, int, int, int]]:
    """Return the stack as ``(kind, filters, kernel, stride)`` per layer, pools included."""
    filters = str(values["filters"]).split("-")
    blocks = str(values["layers"]).upper().split("-")
    per_block = [int(f) for f in filters] if len(filters) > 1 else [int(filters[0])] * len(blocks)
    if len(per_block) < len(blocks):
        per_block += [per_block[-1]] * (len(blocks) - len(per_block))
    plan = []
    for block, count in zip(blocks, per_block, strict=False):
        for kind in block:
            if kind == "P":
                if values["pooling"] != "none":
                    plan.append(("pool", 0, 2, 2))
                continue
            first = not any(layer[0] == "conv" for layer in plan)
            width = max(1, round(count * float(values["width_multiplier"])))
            kernel = FIRST_KERNEL if first else int(values["kernel_size"])
            plan.append(("conv", width, kernel, int(values["stride"]) if first else 1))
    return plan


def check_feature_map(values: Mapping[str, Any], size: int) -> None:
    """Refuse a stack whose feature map would shrink below 1x1, saying where.

    Raises:
        InvalidConfigError: A layer would get an input too small for it.
    """
    for index, (kind, _, kernel, stride) in enumerate(layer_plan(values), start=1):
        if kind == "pool" or values["padding"] == "valid":
            new = (size - kernel) // stride + 1 if size >= kernel else 0
        else:
            new = math.ceil(size / stride)
        if new < 1:
            raise InvalidConfigError(
                f"the feature map is {size}x{size} before layer {index} ({kind} {kernel}x{kernel}"
                f", stride {stride}, padding {values['padding']}): it would shrink below 1x1"
            )
        size = new


def build_cnn(values: Mapping[str, Any], shape: DataShape) -> Any:
    """Build and compile the CNN that ``values`` describe."""
    import keras

    check_feature_map(values, shape.input_shape[0])
    model = keras.Sequential([keras.Input(shape=shape.input_shape)])
    if len(shape.input_shape) == 2:
        model.add(keras.layers.Reshape((*shape.input_shape, 1)))
    for kind, filters, kernel, stride in layer_plan(values):
        if kind == "pool":
            model.add(keras.layers.MaxPooling2D(2))
        else:
            model.add(
                keras.layers.Conv2D(
                    filters, kernel, strides=stride, padding=values["padding"], activation="relu"
                )
            )
    model.add(keras.layers.Flatten())
    for units in (128, 64):
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(0.5))
    model.add(keras.layers.Dense(shape.num_classes, activation="softmax"))
    model.compile(
        optimizer=values["optimizer"],
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model


def _targets(values: Mapping[str, Any], y: np.ndarray, num_classes: int) -> np.ndarray:
    return y


CNN = Family(
    name="cnn",
    description="Geron's Fashion-MNIST CNN (Hands-On ML ch. 14, p. 461), the seed's task 1b",
    reference=REFERENCE,
    spaces={space.name: space for space in _SPACES},
    build=build_cnn,
    prepare_targets=_targets,
    batch_size=lambda values: int(values["batch_size"]),
    aliases={"kernel": "kernel_size", "depth": "depth_order", "order": "depth_order",
             "layers": "depth_order"},
    checks=CHECKS,
)  # fmt: skip
