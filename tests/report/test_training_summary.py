"""The report's facts: Hyperband's epochs trained, not ``--epochs``; the clocks' split."""

from __future__ import annotations

import dataclasses

from tunekit.records.study import read_study
from tunekit.report._sections import summary_items

from ._builders import META, execution, trial, write_study


def _training(tmp_path, meta, epochs=()):
    records = [
        dataclasses.replace(
            trial(f"{i:04d}", "dropout", 0.2, (execution(),)),
            tuner_values={"tuner/epochs": e, "tuner/initial_epoch": 0},
        )
        for i, e in enumerate(epochs)
    ]
    study = read_study(write_study(tmp_path / "s", records, meta))
    return dict(summary_items(study))["training"]


def test_one_factor_shows_its_epochs(tmp_path):
    assert _training(tmp_path, META) == "epochs 3, patience 5, executions 2, seed 7"


def test_hyperband_shows_max_epochs_and_what_its_trials_reached(tmp_path):
    meta = {**META, "tuner": "hyperband", "search": {"max_epochs": 9, "factor": 3}}
    assert _training(tmp_path, meta, epochs=(1, 3, 9, 1)) == (
        "Hyperband max_epochs 9, factor 3 (trials trained to 1, 3 or 9 epochs); "
        "patience 5, executions 2, seed 7"
    )


def test_hyperband_max_epochs_defaults_to_epochs(tmp_path):
    meta = {**META, "tuner": "hyperband", "search": {"max_epochs": None, "factor": 3}}
    assert _training(tmp_path, meta, epochs=(3,)).startswith(
        "Hyperband max_epochs 3, factor 3 (trials trained to 3 epochs); "
    )


def test_a_clock_split_is_a_fact_and_names_the_held_out_viewpoints(tmp_path):
    def facts(data):
        study = read_study(write_study(tmp_path / str(len(data)), [], {**META, "data": data}))
        return dict(summary_items(study))

    held_out = {"split": "viewpoint", "test_viewpoints": [2, 5], "val_viewpoints": [9]}
    assert facts(held_out)["data split"] == (
        "viewpoint: test viewpoints 2, 5; validation viewpoints 9; none in training"
    )
    assert facts({"split": "random"})["data split"] == "random: shuffled images"
    assert "data split" not in facts({})  # image data sets have no split to name
