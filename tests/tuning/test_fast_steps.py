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


def test_class_predictions_in_big_batches_match_one_call_per_image():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(700, 4)).astype("float32")
    model = _model()
    one_by_one = np.argmax(keras.ops.convert_to_numpy(model(x, training=False)), axis=1)
    assert class_predictions(model, x, batch_size=8) == tuple(one_by_one.tolist())


def test_trials_run_with_the_libraries_objects_frozen_and_released_after(tiny_data_dir, tmp_path):
    import gc

    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.tuning.events import NullObserver
    from tunekit.tuning.study import prepare_study, run_study

    from ..conftest import TINY_VAL

    class Watch(NullObserver):
        def __init__(self):
            self.frozen = []

        def trial_started(self, record, number):
            self.frozen.append(gc.get_freeze_count())

    before = gc.get_freeze_count()
    spec = StudySpec(
        family="mlp",
        spaces=("width",),
        data=DataSpec("mnist", tiny_data_dir, subset=60, validation_size=TINY_VAL),
        train=TrainSettings(epochs=1, reference_repeats=1),
    )
    watch = Watch()
    run_study(prepare_study(spec, tmp_path), observer=watch)
    assert watch.frozen and min(watch.frozen) > before + 1000  # keras and tensorflow's objects
    assert gc.get_freeze_count() == before
