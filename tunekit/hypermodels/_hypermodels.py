"""The built-in families as keras-tuner HyperModels, for any keras-tuner tuner.

``MLPHyperModel``, ``CNNHyperModel`` and ``ClockHyperModel`` declare every
hyper-parameter of their family as a ``Choice`` over the values of its spaces, the
reference value as default, and their ``fit`` encodes the labels as the trial's loss
or clock representation needs (one-hot for ``categorical_crossentropy``, ``poisson``
and ``kl_divergence``; ``[hour, minute]`` labels as the representation's targets),
validation labels included. So a plain ``keras_tuner.RandomSearch`` searches every
value of a family's spaces, and ``get_best_models()`` rebuilds the models of a
tunekit study directory.

This module imports keras and keras-tuner; ``tunekit.hypermodels`` loads it only
when one of these classes is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras_tuner
import numpy as np

from tunekit.hypermodels._family import DataShape, Family, HPValue
from tunekit.hypermodels.clock import CLOCK
from tunekit.hypermodels.cnn import CNN
from tunekit.hypermodels.mlp import MLP


class TunekitHyperModel(keras_tuner.HyperModel):
    """A keras-tuner HyperModel over every hyper-parameter of a tunekit family.

    Args:
        family: The model family.
        input_shape: Shape of one input image, e.g. ``(28, 28)``.
        num_classes: Label values of a classifier (0 for the clock family).
        reference: Reference values to change, e.g. ``{"widths": "300-100"}``;
            checked as ``--set`` checks them.
        name: The HyperModel's name (default: the family's).
        tunable: Whether a tuner may search its hyper-parameters.

    Raises:
        UnknownNameError: ``reference`` names no hyper-parameter of the family.
        InvalidValueError: A ``reference`` value is of the wrong kind or out of range.
    """

    def __init__(
        self,
        family: Family,
        input_shape: Sequence[int],
        num_classes: int,
        reference: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        tunable: bool = True,
    ) -> None:
        super().__init__(name=name or family.name, tunable=tunable)
        self.family = family
        self.reference = family.reference_with(dict(reference or {}))
        self.shape = DataShape(tuple(int(d) for d in input_shape), int(num_classes))

    @property
    def objective(self) -> keras_tuner.Objective:
        """The family's objective with its direction, e.g. ``val_time_error``, ``min``."""
        return keras_tuner.Objective(self.family.objective, self.family.direction)

    def choices(self) -> dict[str, list[HPValue]]:
        """The values each hyper-parameter can take, reference first."""
        choices: dict[str, list[HPValue]] = {hp: [v] for hp, v in self.reference.items()}
        for space in self.family.spaces.values():
            choices[space.hp] += [v for v in space.values if v not in choices[space.hp]]
        return choices

    def values(self, hp: keras_tuner.HyperParameters) -> dict[str, HPValue]:
        """Declare every hyper-parameter on ``hp`` and return the trial's values."""
        return {
            name: hp.Choice(name, options, default=self.reference[name], ordered=False)
            for name, options in self.choices().items()
        }

    def space(self) -> keras_tuner.HyperParameters:
        """The search space, declared without building a model."""
        hp = keras_tuner.HyperParameters()
        self.values(hp)
        return hp

    def build(self, hp: keras_tuner.HyperParameters) -> Any:
        """Build and compile the family's model for the values in ``hp``."""
        return self.family.build(self.values(hp), self.shape)

    def encode(self, hp: keras_tuner.HyperParameters, y: Any) -> Any:
        """Encode raw labels (class ids, or ``[hour, minute]``) as the trial's model needs."""
        return self.family.prepare_targets(self.values(hp), np.asarray(y), self.shape.num_classes)

    def fit(
        self,
        hp: keras_tuner.HyperParameters,
        model: Any,
        x: Any,
        y: Any = None,
        *,
        validation_data: Any = None,
        callbacks: list[Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Train with raw labels: they are encoded here, validation labels included.

        The trial's ``batch_size`` is used unless ``batch_size`` is passed. A dataset
        that yields its own batches (``y`` None) is passed on as it is, so its
        targets must already be encoded. The clock family's ``val_time_error``
        needs ``validation_data``: ``validation_split`` cannot decode the times.
        """
        values = self.values(hp)
        family_callbacks: list[Any] = []
        if y is None:
            return model.fit(x, validation_data=validation_data, callbacks=callbacks, **kwargs)
        if validation_data is not None:
            x_val, y_val, *weights = validation_data
            validation_data = (x_val, self.encode(hp, y_val), *weights)
            if self.family.callbacks is not None:
                family_callbacks = self.family.callbacks(
                    values, x_val, np.asarray(y_val), int(kwargs.get("epochs", 1))
                )
        kwargs.setdefault("batch_size", self.family.batch_size(values))
        return model.fit(
            x,
            self.encode(hp, y),
            validation_data=validation_data,
            # First: the tuner's own callbacks read the metrics these add to the logs.
            callbacks=[*family_callbacks, *(callbacks or [])],
            **kwargs,
        )


class MLPHyperModel(TunekitHyperModel):
    """Geron's Fashion-MNIST MLP with every value of its spaces (``tunekit spaces mlp``).

    Example:
        >>> tuner = keras_tuner.RandomSearch(
        ...     MLPHyperModel((28, 28), 10), objective="val_accuracy", max_trials=5)
        >>> tuner.search(x, y, validation_data=(x_val, y_val), epochs=3)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28),
        num_classes: int = 10,
        reference: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(MLP, input_shape, num_classes, reference, **kwargs)


class CNNHyperModel(TunekitHyperModel):
    """Geron's Fashion-MNIST CNN with every value of its spaces (``tunekit spaces cnn``)."""

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28),
        num_classes: int = 10,
        reference: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(CNN, input_shape, num_classes, reference, **kwargs)


class ClockHyperModel(TunekitHyperModel):
    """The clock reader, in every label representation (``tunekit spaces clock``).

    Labels are ``(N, 2)`` ``[hour, minute]`` arrays; the tuner's objective is
    ``hypermodel.objective`` (``val_time_error``, minimised), which ``fit`` adds to
    the logs when given ``validation_data``. ``training_clocks`` other than ``fixed``
    draws new images from tunekit's clock generator, which only ``tunekit study``
    holds; in a plain tuner every value trains on the ``x`` given.
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (150, 150),
        reference: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(CLOCK, input_shape, 0, reference, **kwargs)
