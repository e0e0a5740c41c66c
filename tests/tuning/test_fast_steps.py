"""The speed lever reaches the model: batches per call into the backend."""

from __future__ import annotations

import keras
import numpy as np

from tunekit.tuning.training import (
    STEPS_PER_EXECUTION,
    class_predictions,
    train_execution,
    use_fast_steps,
)


def _model(**compile_args):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", **compile_args)
    return model


def test_a_model_compiled_with_keras_default_gets_tunekits_steps():
    model = _model()
    assert model.steps_per_execution == 1  # keras's default, before tunekit
    assert use_fast_steps(model) == STEPS_PER_EXECUTION == model.steps_per_execution


def test_a_users_own_steps_per_execution_is_kept():
    model = _model(steps_per_execution=4)
    assert use_fast_steps(model) == 4 == model.steps_per_execution


def test_train_execution_trains_with_the_lever():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(96, 4)).astype("float32"), rng.integers(0, 3, 96)
    model = _model()
    seen = []
    record = train_execution(
        model,
        lambda m, *a, **k: m.fit(*a, batch_size=8, **k),
        (x, y, x[:16], y[:16]),
        seed=3,
        epochs=2,
        patience=5,
        on_epoch=lambda epoch, logs: seen.append(model.steps_per_execution),
        evaluate=lambda m: ({}, {}),
    )
    assert record.epochs_run == 2 and seen == [STEPS_PER_EXECUTION] * 2


def test_a_model_with_several_outputs_records_no_class_predictions():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, [keras.layers.Dense(3)(inputs), keras.layers.Dense(1)(inputs)])
    assert class_predictions(model, np.zeros((5, 4), "float32")) is None
    assert len(class_predictions(_model(), np.zeros((5, 4), "float32"))) == 5
