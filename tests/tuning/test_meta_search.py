"""A search's metadata: what a rerun must match, and the spec a worker rebuilds from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tunekit.config import (
    DataSpec,
    KeepCheckpoints,
    SearchSettings,
    StudySpec,
    TrainSettings,
    TunerKind,
)
from tunekit.hypermodels import get_family
from tunekit.records.meta import StudyMeta
from tunekit.tuning.meta import build_meta, differences, spec_from_meta

MLP = get_family("mlp")
DATA = {"name": "mnist", "subset": 300, "fingerprint": "abc"}


def _spec(spaces=("dropout", "optimizer"), **search) -> StudySpec:
    return StudySpec(
        "mlp",
        spaces,
        DataSpec("mnist", Path("/data/mnist"), subset=300, validation_size=64),
        TrainSettings(epochs=4, patience=2, seed=7, keep_checkpoints=KeepCheckpoints.ALL),
        reference_overrides=(("widths", "300-100"), ("depth", "2")),
        tuner=TunerKind.HYPERBAND,
        search=SearchSettings(**{"max_trials": 5, "max_epochs": 9, **search}),
    )


def _meta(spec: StudySpec) -> StudyMeta:
    reference = MLP.reference_with(dict(spec.reference_overrides))
    return build_meta(spec, MLP, reference, MLP.resolve_spaces(spec.spaces), DATA)


def test_worker_rebuilds_the_chiefs_spec_from_the_metadata():
    spec = _spec(objective="val_loss")
    meta = _meta(spec)
    assert meta.search.factor == 3 and meta.objective == "val_loss"
    assert meta.direction == "min"
    assert StudyMeta.from_dict(meta.to_dict()) == meta  # the file holds all of it
    rebuilt = spec_from_meta(meta)
    # The metadata holds the whole reference, so the worker overrides every value.
    assert MLP.reference_with(dict(rebuilt.reference_overrides)) == MLP.reference_with(
        dict(spec.reference_overrides)
    )
    assert MLP.study_spaces(rebuilt) == MLP.study_spaces(spec)  # the values it tries too
    same = {"reference_overrides": spec.reference_overrides, "space_values": ()}
    assert dataclasses.replace(rebuilt, **same) == spec
    assert spec_from_meta(meta, Path("/here")).data.data_dir == Path("/here")


def test_a_search_must_keep_its_spaces_and_hyperband_settings_but_may_grow():
    base = _meta(_spec())
    assert differences(base, _meta(_spec(max_trials=50))) == []  # a longer search
    found = differences(base, _meta(_spec(spaces=("dropout",), factor=2)))
    assert any("factor" in line for line in found)
    assert "searched spaces: dropout,optimizer in the study, dropout now" in found
