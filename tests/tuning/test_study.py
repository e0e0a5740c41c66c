"""End-to-end one-factor studies on tiny data: 2 epochs, a few seconds each."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from tunekit import hypermodels
from tunekit.config import DataSpec, StudySpec, TrainSettings
from tunekit.errors import StudyConfigError
from tunekit.records.layout import CHECKPOINT_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.tuning.study import prepare_study, run_study

from ..conftest import TINY_VAL
from ._forgetting import forget_hyper_parameter


def _spec(data_dir, spaces=("width",), epochs=2, executions=1, subset=None):
    return StudySpec(
        family="mlp",
        spaces=spaces,
        data=DataSpec("mnist", data_dir, subset=subset, validation_size=TINY_VAL),
        # One reference training keeps these fast; test_reference_repeats.py covers repeats.
        train=TrainSettings(epochs=epochs, executions=executions, reference_repeats=1),
    )


@pytest.fixture(scope="module")
def width_study(tiny_data_dir, tmp_path_factory):
    prepared = prepare_study(_spec(tiny_data_dir), tmp_path_factory.mktemp("runs"))
    return prepared, run_study(prepared)


def test_width_study_records_every_variant_completely(width_study):
    prepared, study = width_study
    assert [r.label for r in study.records] == [v.label for v in prepared.plan]
    for record in study.records:
        assert record.status is TrialStatus.COMPLETED
        (execution,) = record.executions
        assert execution.epochs_run == 2
        assert set(execution.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(len(values) == 2 for values in execution.history.values())
        assert 0.0 <= execution.test_metrics["accuracy"] <= 1.0
        assert execution.train_seconds > 0 and record.wall_seconds >= execution.train_seconds
        assert execution.best_epoch in (1, 2)
        assert record.score == execution.val_metrics["accuracy"]
        assert record.trained_with.startswith("keras ")
        assert "tensorflow backend on " in record.trained_with
        assert record.trained_with.endswith(", steps_per_execution=32")  # the speed lever
    params = {r.label: r.params for r in study.records}
    # 784*100+100 + 100*30+30 + 30*10+10 + 10*10+10
    assert params["reference"] == 81_950
    assert params["widths=500-250-50"] > params["widths=50-50-50"]


def test_study_metadata_holds_data_fingerprint_and_settings(width_study):
    prepared, study = width_study
    meta = json.loads((prepared.study_dir / "tunekit_study.json").read_text())
    assert meta["data"]["fingerprint"] and meta["data"]["name"] == "mnist"
    assert meta["train"]["epochs"] == 2
    assert meta["spaces"]["widths"]["values"][0] == "100-30-10"
    # --keep-checkpoints best (the default): the best trial's weights only.
    best = max(study.records, key=lambda r: (r.score, -int(r.trial_id)))
    weights = sorted(prepared.study_dir.glob(f"trial_*/{CHECKPOINT_FILE}"))
    assert weights == [prepared.study_dir / f"trial_{best.trial_id}" / CHECKPOINT_FILE]


def test_rerun_trains_nothing_and_adding_a_space_reuses_the_reference(width_study):
    prepared, study = width_study
    again = run_study(prepared)
    assert [r.started for r in again.records] == [r.started for r in study.records]
    grown = prepare_study(
        _spec(prepared.spec.data.data_dir, spaces=("width", "dropout")),
        prepared.study_dir.parent,
    )
    records = run_study(grown).records
    assert [r.label for r in records].count("reference") == 1
    assert len(records) == 4 + 3


def test_other_configuration_in_a_named_directory_is_refused_and_nothing_is_lost(width_study):
    prepared, study = width_study
    parent, name = prepared.study_dir.parent, prepared.study_dir.name
    other = prepare_study(_spec(prepared.spec.data.data_dir, epochs=3), parent, name)
    with pytest.raises(StudyConfigError, match="epochs: 2 in the study, 3 now.*another --name"):
        run_study(other)
    assert len(read_study(prepared.study_dir).records) >= len(study.records)


def test_failing_and_diverging_variants_are_results(tiny_data_dir, tmp_path, monkeypatch):
    mlp = hypermodels.FAMILIES["mlp"]

    def build(values, shape):
        if values["widths"] == "50-50-50":
            raise ValueError("cannot build this one")
        return mlp.build(values, shape)

    monkeypatch.setitem(hypermodels.FAMILIES, "mlp", dataclasses.replace(mlp, build=build))
    prepared = prepare_study(_spec(tiny_data_dir, executions=2), tmp_path)
    records = {r.label: r for r in run_study(prepared).records}
    failed = records["widths=50-50-50"]
    assert failed.status is TrialStatus.FAILED
    assert "cannot build this one" in failed.reason
    assert records["widths=500-250-50"].status is TrialStatus.COMPLETED
    assert [ex.seed for ex in records["reference"].executions] == [42, 43]


def test_nan_loss_is_recorded_as_diverged():
    import keras

    from tunekit.tuning.training import train_execution

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.ones((32, 4), dtype="float32")
    x[0, 0] = np.nan
    y = np.zeros(32, dtype="int64")
    record = train_execution(
        model,
        lambda m, *a, **k: m.fit(*a, batch_size=8, **k),
        (x, y, x, y),
        seed=0,
        epochs=5,
        patience=5,
        on_epoch=lambda epoch, logs: None,
        evaluate=lambda m: ({"accuracy": 0.5}, {"note": "evaluated"}),
    )
    assert record.status is TrialStatus.DIVERGED
    assert record.epochs_run == 1 and "epoch 1" in record.reason
    assert math.isnan(record.history["loss"][0])
    assert record.test_metrics == {"accuracy": 0.5} and record.extra == {"note": "evaluated"}


def test_cnn_stride_study_records_invalid_variants_and_goes_on(
    tiny_data_dir, tmp_path, capfd, monkeypatch
):
    from keras_tuner.src import config as kt_config

    monkeypatch.setattr(kt_config, "DEBUG", True)  # keras-tuner's default
    spec = dataclasses.replace(
        _spec(tiny_data_dir, spaces=("stride",), epochs=1),
        family="cnn",
        reference_overrides=(("width_multiplier", "0.125"),),
    )
    records = {r.label: r for r in run_study(prepare_study(spec, tmp_path)).records}
    assert list(records) == ["reference", "stride=2", "stride=4", "stride=8"]
    assert records["stride=2"].status is TrialStatus.COMPLETED
    for label in ("stride=4", "stride=8"):
        assert records[label].status is TrialStatus.INVALID
        assert "below 1x1" in records[label].reason
    # keras-tuner would print a traceback for each; the record's reason is enough.
    assert "Traceback" not in capfd.readouterr().err
    # Quiet only while the study ran: the setting is the whole process's.
    assert kt_config.DEBUG is True


def test_an_unnamed_study_resumes_where_it_moved_even_past_free_folders(tmp_path):
    from tunekit.records.meta import StudyMeta
    from tunekit.tuning.study import PreparedStudy, _choose_dir

    from ..report._builders import META, trial, write_study

    other = {**META, "train": {**META["train"], "epochs": 99}}
    write_study(tmp_path / "mlp-x", [trial("00")], other)
    (tmp_path / "mlp-x-2").mkdir()  # emptied by hand: free
    (tmp_path / "mlp-x-3").write_text("not a folder")
    write_study(tmp_path / "mlp-x-4", [trial("00")], META)  # this study, moved earlier
    prepared = PreparedStudy(_spec(tmp_path), tmp_path / "mlp-x", (), named=False)
    chosen, because = _choose_dir(prepared, StudyMeta.from_dict(META), overwrite=False)
    assert chosen == tmp_path / "mlp-x-4"
    assert because and "epochs" in because[0]
    new = {**META, "train": {**META["train"], "epochs": 7}}
    assert _choose_dir(prepared, StudyMeta.from_dict(new), overwrite=False)[0] == (
        tmp_path / "mlp-x-2"
    )


def test_a_study_of_the_reference_alone_refuses_to_resume_with_another_clock_split(tmp_path):
    data = DataSpec("clock", clock_count=200, image_size=32, clock_style="course")
    spec = StudySpec("clock", (), data, TrainSettings(epochs=1))
    study = run_study(prepare_study(spec, tmp_path, "course"))
    assert [r.space for r in study.records] == ["reference"]
    assert study.meta.data.details["split"] == "random"
    unseen = dataclasses.replace(spec, data=dataclasses.replace(data, clock_split="viewpoint"))
    with pytest.raises(StudyConfigError, match="split: 'random' in the study, 'viewpoint' now"):
        run_study(prepare_study(unseen, tmp_path, "course"))
    assert len(read_study(tmp_path / "course").records) == 1


def test_a_study_recorded_before_its_family_gained_a_hyper_parameter_trains_nothing_again(
    tiny_data_dir, tmp_path
):
    spec = _spec(tiny_data_dir, spaces=("width",), subset=200)
    prepared = prepare_study(spec, tmp_path)
    first = run_study(prepared).records
    forget_hyper_parameter(prepared.study_dir, "dropout")
    assert all("dropout" not in r.hyperparameters for r in read_study(prepared.study_dir).records)
    again = run_study(prepare_study(spec, tmp_path)).records
    assert [(r.trial_id, r.started) for r in again] == [(r.trial_id, r.started) for r in first]
    grown = run_study(
        prepare_study(_spec(tiny_data_dir, ("width", "dropout"), subset=200), tmp_path)
    )
    assert [r.label for r in grown.records].count("reference") == 1
    assert len(grown.records) == len(first) + 3
