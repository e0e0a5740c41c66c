"""Searches resumed from files a kill damaged, or that an older tunekit wrote: each draws
only the hyper-parameters the study searches, and no point twice (tiny data, 1 epoch)."""

from __future__ import annotations

import shutil

import pytest

from tunekit.config import DataSpec, SearchSettings, StudySpec, TrainSettings, TunerKind
from tunekit.records.layout import ORACLE_FILE
from tunekit.tuning.study import prepare_study, run_study

from ..conftest import TINY_VAL
from ._forgetting import forget_hyper_parameter

SEARCHED = "optimizer"  # four values: a search of four trials has tried every one


def _search(data_dir, runs, tuner, max_trials, epochs=1):
    spec = StudySpec(
        "mlp",
        (SEARCHED,),
        data=DataSpec("mnist", data_dir, subset=200, validation_size=TINY_VAL),
        train=TrainSettings(epochs=epochs, reference_repeats=1),
        tuner=tuner,
        search=SearchSettings(max_trials=max_trials, factor=3),
    )
    prepared = prepare_study(spec, runs)
    return prepared.study_dir, run_study(prepared).records


def _others(record):
    return {hp: v for hp, v in record.hyperparameters.items() if hp != SEARCHED}


@pytest.mark.parametrize("tuner", [TunerKind.RANDOM, TunerKind.BAYESIAN])
def test_a_search_whose_oracle_file_was_lost_keeps_the_rest_at_the_reference(
    tiny_data_dir, tmp_path, tuner
):
    study_dir, first = _search(tiny_data_dir, tmp_path, tuner, 2)
    (study_dir / ORACLE_FILE).unlink()
    _, records = _search(tiny_data_dir, tmp_path, tuner, 4)
    assert len(records) == 4
    assert [_others(r) for r in records] == [_others(first[0])] * 4


def test_a_hyperband_search_whose_oracle_file_was_lost_trains_nothing_again(
    tiny_data_dir, tmp_path
):
    # 3 epochs, factor 3: one bracket of models trained 1 epoch, the best one 3.
    study_dir, first = _search(tiny_data_dir, tmp_path, TunerKind.HYPERBAND, 1, epochs=3)
    assert {r.hyperparameters[SEARCHED] for r in first} == {"sgd", "adam", "rmsprop", "nadam"}
    (study_dir / ORACLE_FILE).unlink()  # its brackets are lost; the trials say what was tried
    _, records = _search(tiny_data_dir, tmp_path, TunerKind.HYPERBAND, 1, epochs=3)
    assert [(r.trial_id, r.started) for r in records] == [(r.trial_id, r.started) for r in first]


def test_a_hyperband_search_killed_with_its_oracle_file_lost_finishes_its_brackets(
    tiny_data_dir, tmp_path
):
    # Bracket 1 trains three models 1 epoch and the best of them 3; bracket 0 trains the
    # points left 3 epochs. The trials' own files say which bracket and round each was.
    study_dir, first = _search(tiny_data_dir, tmp_path, TunerKind.HYPERBAND, 1, epochs=3)
    assert len(first) == 5  # the continued model is trained twice
    for trial in first[3:]:  # as if killed after the first round, oracle.json lost
        shutil.rmtree(study_dir / f"trial_{trial.trial_id}")
    (study_dir / ORACLE_FILE).unlink()
    _, records = _search(tiny_data_dir, tmp_path, TunerKind.HYPERBAND, 1, epochs=3)
    assert [r.hyperparameters for r in records] == [r.hyperparameters for r in first]


def test_a_search_recorded_before_its_family_gained_a_hyper_parameter_draws_no_point_again(
    tiny_data_dir, tmp_path
):
    study_dir, first = _search(tiny_data_dir, tmp_path, TunerKind.RANDOM, 4)
    assert len({r.label for r in first}) == 4  # every point of the space
    forget_hyper_parameter(study_dir, "dropout")
    (study_dir / ORACLE_FILE).unlink()  # rebuilt from trials that do not name dropout
    _, records = _search(tiny_data_dir, tmp_path, TunerKind.RANDOM, 6)
    assert [(r.trial_id, r.started) for r in records] == [(r.trial_id, r.started) for r in first]
