"""The permutation study on tiny data: best models or announced fallbacks, four runs."""

from __future__ import annotations

from tunekit.config import DataSpec, TrainSettings
from tunekit.records.trial import ExecutionRecord, TrialRecord, TrialStatus, write_record
from tunekit.records.trial import write_json_atomic as write_json
from tunekit.tuning.permutation import choose_model, permutation_studies, run_permutation_study

from ..conftest import TINY_VAL


def _fake_mlp_study(directory, scores):
    study = directory / "mlp-mnist"
    study.mkdir(parents=True)
    write_json(study / "tunekit_study.json", {"family": "mlp", "direction": "max"})
    for i, (dropout, score) in enumerate(scores.items()):
        record = TrialRecord(
            trial_id=f"{i:04d}", family="mlp", space="dropout", hp="dropout", value=dropout,
            hyperparameters={"dropout": dropout}, status=TrialStatus.COMPLETED,
            executions=(ExecutionRecord(seed=1),), score=score,
        )  # fmt: skip
        write_record(study / f"trial_{i:04d}", record)


def test_best_earlier_trial_is_chosen(tmp_path):
    _fake_mlp_study(tmp_path, {0.0: 0.80, 0.2: 0.85, 0.5: 0.83})
    chosen = choose_model(tmp_path, "mlp", "mnist", {})
    assert not chosen.fallback
    assert chosen.values["dropout"] == 0.2
    assert "trial 0001" in chosen.source


def test_the_source_study_s_reference_trainings_are_kept_for_the_seed_noise(tmp_path):
    _fake_mlp_study(tmp_path, {0.2: 0.85})
    study = tmp_path / "mlp-mnist"
    for i, accuracy in enumerate((0.91, 0.93)):  # two repeats; a failed one adds nothing
        ex = ExecutionRecord(seed=42 + i, test_metrics={"accuracy": accuracy})
        record = TrialRecord(
            trial_id=f"{9 + i:04d}", family="mlp", space="reference", hp="", value=None,
            hyperparameters={}, status=TrialStatus.COMPLETED, executions=(ex,), repeat=i,
        )  # fmt: skip
        write_record(study / f"trial_{9 + i:04d}", record)
    failed = TrialRecord(
        trial_id="0011", family="mlp", space="reference", hp="", value=None,
        hyperparameters={}, status=TrialStatus.FAILED, repeat=2,
        executions=(ExecutionRecord(seed=44, test_metrics={"accuracy": 0.1}),),
    )  # fmt: skip
    write_record(study / "trial_0011", failed)
    assert choose_model(tmp_path, "mlp", "mnist", {}).reference_test == (0.91, 0.93)


def test_a_lucky_reference_seed_is_not_the_best_model(tmp_path):
    _fake_mlp_study(tmp_path, {0.2: 0.85})  # trial 0000: dropout 0.2, one run
    study = tmp_path / "mlp-mnist"
    for i, score in enumerate((0.80, 0.88, 0.81)):  # the reference's mean is 0.83
        record = TrialRecord(
            trial_id=f"{1 + i:04d}", family="mlp", space="reference", hp="", value=None,
            hyperparameters={"dropout": 0.0}, status=TrialStatus.COMPLETED,
            executions=(ExecutionRecord(seed=42 + i),), score=score, repeat=i,
        )  # fmt: skip
        write_record(study / f"trial_{1 + i:04d}", record)
    chosen = choose_model(tmp_path, "mlp", "mnist", {})
    assert chosen.values["dropout"] == 0.2 and "trial 0000" in chosen.source


def test_without_earlier_studies_the_reference_is_announced(tmp_path):
    chosen = choose_model(tmp_path, "cnn", "mnist", {"width_multiplier": "0.5"})
    assert chosen.fallback and "reference (no study in" in chosen.source
    assert chosen.values["width_multiplier"] == 0.5


def test_four_runs_original_and_permuted(tiny_data_dir, tmp_path):
    data = DataSpec("mnist", tiny_data_dir, validation_size=TINY_VAL)
    overrides = {"cnn": {"width_multiplier": 0.125}}
    chosen, prepared = permutation_studies(
        tmp_path, data, TrainSettings(epochs=1), permute=7, overrides=overrides
    )
    studies = run_permutation_study(chosen, prepared)
    names = [s.path.name for s in studies]
    assert names == ["mlp-original", "mlp-permuted", "cnn-original", "cnn-permuted"]
    assert [s.meta.data.permute for s in studies] == [None, 7, None, 7]
    for study in studies:
        (record,) = study.records
        assert record.status is TrialStatus.COMPLETED
    assert (tmp_path / "permutation-mnist" / "permutation.json").exists()
