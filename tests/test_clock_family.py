"""The clock family: the common-sense error, time metrics, tiny studies (representations are
tested entry by entry in test_clock_representations.py)."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.clocktime import time_error, time_metrics
from tunekit.hypermodels.clock import REFERENCE, REPRESENTATIONS, decode, encode


def test_common_sense_error_is_circular():
    assert time_error(np.array([11 * 60 + 55]), np.array([5]))[0] == 10
    assert time_error(np.array([0]), np.array([360]))[0] == 360
    assert time_error(np.array([5]), np.array([11 * 60 + 55]))[0] == 10


def test_sincos_reads_the_hour_from_the_hour_hand_near_the_hour():
    # 2:58: the hour hand is nearly at 3; it must still read as 2 o'clock.
    targets = encode("sincos", np.array([[2, 58]]))
    assert decode("sincos", targets)[0] == pytest.approx(2 * 60 + 58, abs=0.01)


def test_time_metrics():
    true = np.array([0.0, 60.0, 120.0, 700.0])
    pred = np.array([0.5, 90.0, 120.0, 10.0])
    metrics = time_metrics(true, pred)
    assert metrics["time_error"] == pytest.approx((0.5 + 30 + 0 + 30) / 4)
    assert metrics["within_1_minute"] == 0.5
    assert metrics["hour_accuracy"] == 0.75  # only 11:40 read as 0:10 has the wrong hour


def test_tiny_clock_study_records_time_errors_for_every_test_image(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.records.trial import TrialStatus
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="clock",
        spaces=("representation",),
        data=DataSpec("clock", clock_count=360, image_size=32),
        train=TrainSettings(epochs=1, reference_repeats=1),
    )
    study = run_study(prepare_study(spec, tmp_path))
    assert study.meta.objective == "val_time_error" and study.meta.direction == "min"
    assert len(study.records) == len(REPRESENTATIONS)
    for record in study.records:
        assert record.status is TrialStatus.COMPLETED, record.reason
        (execution,) = record.executions
        assert 0 <= execution.test_metrics["time_error"] <= 360
        assert len(execution.extra["pred_minutes"]) == len(execution.extra["true_minutes"]) == 72
        assert record.score == execution.val_metrics["time_error"]


def test_tiny_study_trains_on_fresh_curriculum_and_turned_clocks(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.records.trial import TrialStatus
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="clock",
        spaces=("training_clocks",),
        reference_overrides=(("representation", "hour_sincos"),),  # dict targets, batched
        data=DataSpec("clock", clock_count=360, image_size=32),
        train=TrainSettings(epochs=2, reference_repeats=1),
    )
    study = run_study(prepare_study(spec, tmp_path))
    kinds = {r.hyperparameters["training_clocks"]: r for r in study.records}
    assert set(kinds) == {"fixed", "fresh", "curriculum", "turned"}
    for record in kinds.values():
        assert record.status is TrialStatus.COMPLETED, record.reason
        assert record.executions[0].epochs_run == 2
    histories = [tuple(r.executions[0].history["loss"]) for r in kinds.values()]
    assert len(set(histories)) == 4  # same seed, different training images


def test_fresh_clocks_need_generated_clocks_and_files_can_be_turned(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.data.clock_files import save_clock_files
    from tunekit.data.clocks import generate_clocks
    from tunekit.records.trial import TrialStatus
    from tunekit.tuning.study import prepare_study, run_study

    course = save_clock_files(tmp_path / "course", *generate_clocks(200, image_size=32))
    spec = StudySpec(
        family="clock",
        spaces=("training_clocks",),
        reference_overrides=(("representation", "multihead"), ("start", "scratch")),
        data=DataSpec("clock", data_dir=course),
        train=TrainSettings(epochs=1, reference_repeats=1),
    )
    records = {
        r.hyperparameters["training_clocks"]: r
        for r in run_study(prepare_study(spec, tmp_path / "runs")).records
    }
    for kind in ("fixed", "turned"):
        assert records[kind].status is TrialStatus.COMPLETED, records[kind].reason
    assert records["turned"].executions[0].history != records["fixed"].executions[0].history
    for kind in ("fresh", "curriculum"):
        assert records[kind].status is TrialStatus.INVALID
        assert "cannot make new images" in records[kind].reason


def test_cosine_decay_falls_from_the_rate_to_two_percent_at_the_last_epoch():
    from tunekit.hypermodels.clock import learning_rate_at

    rates = [learning_rate_at(epoch, 5, 0.01, "cosine") for epoch in range(5)]
    assert rates[0] == pytest.approx(0.01) and rates[-1] == pytest.approx(0.0002)
    assert rates[2] == pytest.approx(0.01 * (0.02 + 0.98 * 0.5))  # half-way: half the fall
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))
    assert {learning_rate_at(epoch, 5, 0.01, "none") for epoch in range(5)} == {0.01}


def test_tiny_study_trains_each_epoch_at_the_decayed_rate(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.hypermodels.clock import learning_rate_at
    from tunekit.records.trial import TrialStatus
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="clock",
        spaces=("learning_rate_decay",),
        reference_overrides=(("learning_rate", 0.004), ("training_clocks", "fresh")),
        data=DataSpec("clock", clock_count=360, image_size=32),
        train=TrainSettings(epochs=3, patience=5, reference_repeats=1),
    )
    records = {
        r.hyperparameters["learning_rate_decay"]: r
        for r in run_study(prepare_study(spec, tmp_path)).records
    }
    assert set(records) == {"none", "cosine"}
    for record in records.values():
        assert record.status is TrialStatus.COMPLETED, record.reason
    rates = records["cosine"].executions[0].history["learning_rate"]
    expected = [learning_rate_at(epoch, 3, 0.004, "cosine") for epoch in range(3)]
    assert rates == pytest.approx(expected, rel=1e-5)
    assert "learning_rate" not in records["none"].executions[0].history  # no schedule at all


def test_clock_files_get_the_files_recipe_and_the_users_values_win(tmp_path):
    from tunekit.config import DataSpec
    from tunekit.hypermodels import get_family
    from tunekit.hypermodels.clock import FILES_REFERENCE, REFERENCE

    family = get_family("clock")
    assert family.study_reference(DataSpec("clock")) == REFERENCE  # generated: the seed's
    files = family.study_reference(DataSpec("clock", data_dir=tmp_path))
    assert files == {**REFERENCE, **FILES_REFERENCE}
    mine = family.study_reference(DataSpec("clock", data_dir=tmp_path), [("start", "scratch")])
    assert mine["start"] == "scratch" and mine["training_clocks"] == "turned"


def test_a_study_of_clock_files_says_its_recipe_and_starts_from_the_shipped_reader(
    tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from tunekit import clock_reading
    from tunekit.cli import app
    from tunekit.data.clock_files import save_clock_files
    from tunekit.data.clocks import generate_clocks
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import SHIPPED_REPRESENTATION
    from tunekit.records.study import read_records
    from tunekit.records.trial import TrialStatus

    dial = {**REFERENCE, "representation": SHIPPED_REPRESENTATION}
    get_family("clock").build(dial, DataShape((32, 32), 0)).save(tmp_path / "reader.keras")
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: tmp_path / "reader.keras")
    course = save_clock_files(tmp_path / "course", *generate_clocks(100, image_size=32))
    args = ["study", "clock", "--data-dir", str(course), "--epochs", "1"]
    result = CliRunner().invoke(app, [*args, "--dir", str(tmp_path / "runs")],
                                env={"COLUMNS": "300"})  # fmt: skip
    assert result.exit_code == 0, result.output
    recipe = (
        f"Images from files: the reference trains with representation={SHIPPED_REPRESENTATION}, "
    )
    assert recipe in result.output
    assert "Files larger than 128x128 are area-averaged to it" in result.output
    (study_dir,) = (tmp_path / "runs").iterdir()
    (record,), _ = read_records(study_dir)
    assert record.status is TrialStatus.COMPLETED, record.reason
    assert record.hyperparameters["start"] == "pretrained"


def test_repeats_of_a_reader_that_starts_trained_are_trainings_of_their_own(tmp_path, monkeypatch):
    """Same weights at the start: only the training seed's turns and order tell them apart."""
    from typer.testing import CliRunner

    from tunekit import clock_reading
    from tunekit.cli import app
    from tunekit.data.clock_files import save_clock_files
    from tunekit.data.clocks import generate_clocks
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import SHIPPED_REPRESENTATION
    from tunekit.records.study import read_records
    from tunekit.records.trial import TrialStatus

    dial = {**REFERENCE, "representation": SHIPPED_REPRESENTATION}
    get_family("clock").build(dial, DataShape((32, 32), 0)).save(tmp_path / "reader.keras")
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: tmp_path / "reader.keras")
    course = save_clock_files(tmp_path / "course", *generate_clocks(100, image_size=32))
    args = ["study", "clock", "--data-dir", str(course), "--epochs", "1", "--reference-repeats"]
    result = CliRunner().invoke(app, [*args, "2", "--dir", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    (study_dir,) = (tmp_path / "runs").iterdir()
    records, _ = read_records(study_dir)
    assert [r.status for r in records] == [TrialStatus.COMPLETED] * 2
    assert {r.hyperparameters["start"] for r in records} == {"pretrained"}
    first, second = (r.executions[0] for r in records)
    assert first.seed != second.seed
    assert first.history["loss"] != second.history["loss"]
