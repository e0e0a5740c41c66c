"""The study format on disk: typed metadata, lenient reading, and a reader free of keras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tunekit.config import DataSpec, KeepCheckpoints, SearchSettings, TrainSettings, TunerKind
from tunekit.records import (
    DataInfo,
    SpaceInfo,
    StudyFormatError,
    StudyMeta,
    read_meta,
    read_study,
    stored_meta,
    write_meta,
)
from tunekit.records.layout import STUDY_FILE, record_paths, trial_dir

from .report._builders import META, trial, write_study


def _full_meta() -> StudyMeta:
    return StudyMeta(
        family="mlp",
        tuner=TunerKind.HYPERBAND,
        objective="val_loss",
        direction="min",
        reference={"dropout": 0.0, "widths": "300-100"},
        spaces={"dropout": SpaceInfo("dropout", (0.0, 0.2), "dropout rate")},
        data=DataInfo.from_dict(
            {"name": "mnist", "fingerprint": "ab", "test_size": 64, "image_shape": [28, 28]}
        ),
        train=TrainSettings(epochs=4, keep_checkpoints=KeepCheckpoints.ALL, reference_repeats=3),
        data_spec=DataSpec("mnist", Path("/data"), subset=300),
        search=SearchSettings(max_trials=5, factor=2),
        created="2026-11-30T00:00:00+00:00",
        tunekit_version="9.9",
    )


def test_metadata_survives_its_file_unchanged(tmp_path):
    meta = _full_meta()
    write_meta(tmp_path, meta)
    again = read_meta(tmp_path)
    assert again == meta
    assert again.data.image_shape == (28, 28) and again.data.test_size == 64
    assert again.minimise and again.is_search and again.metric == "loss"


def test_an_old_file_without_sections_reads_with_defaults(tmp_path):
    (tmp_path / STUDY_FILE).write_text(json.dumps({"family": "cnn", "data": {"n_test": 12}}))
    meta = read_meta(tmp_path)
    assert meta.tuner is TunerKind.ONE_FACTOR and meta.objective == "val_accuracy"
    assert meta.data.test_size == 12 and meta.data_spec is None and meta.search is None
    assert meta.train == TrainSettings(reference_repeats=1)  # studies before repeats: one


@pytest.mark.parametrize(
    "text",
    ["", "[]", '{"family": "ml', '{"tuner": "one-factor"}', '{"family": "mlp", "spaces": [1]}'],
)
def test_a_file_that_is_not_a_studys_metadata_is_named_and_counts_as_lost(tmp_path, text):
    (tmp_path / STUDY_FILE).write_text(text)
    with pytest.raises(StudyFormatError, match=STUDY_FILE):
        read_meta(tmp_path)
    assert stored_meta(tmp_path) is None


def test_a_missing_file_says_the_directory_is_no_study(tmp_path):
    with pytest.raises(StudyFormatError, match="is not a tunekit study"):
        read_meta(tmp_path)


def test_a_grown_study_keeps_its_older_spaces_and_creation_time():
    old = _full_meta()
    new = StudyMeta.from_dict({**old.to_dict(), "spaces": {}, "created": "later"})
    grown = new.with_spaces_of(old)
    assert set(grown.spaces) == {"dropout"} and grown.created == old.created


def test_read_study_names_an_unreadable_record_and_keeps_the_rest(tmp_path):
    study = write_study(tmp_path / "s", [trial("00"), trial("01", "dropout", 0.2)])
    assert [p.parent.name for p in record_paths(study)] == ["trial_00", "trial_01"]
    (trial_dir(study, "01") / "tunekit.json").write_text("{")
    read = read_study(study)
    assert [r.trial_id for r in read.records] == ["00"]
    assert len(read.problems) == 1 and "trial_01" in read.problems[0]
    assert read.meta.spaces["dropout"].values == tuple(META["spaces"]["dropout"]["values"])


def test_reading_studies_and_reporting_import_neither_keras_nor_the_runner():
    code = (
        "import sys, tunekit.records, tunekit.report, tunekit.clocktime\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow',"
        " 'keras_tuner') or m.startswith(('tunekit.tuning', 'tunekit.hypermodels')))\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_value_tunekit_would_refuse_makes_the_file_corrupt_not_a_crash(tmp_path):
    (tmp_path / STUDY_FILE).write_text(json.dumps({"family": "mlp", "train": {"epochs": 0}}))
    with pytest.raises(StudyFormatError, match=STUDY_FILE):
        read_meta(tmp_path)
    assert stored_meta(tmp_path) is None
