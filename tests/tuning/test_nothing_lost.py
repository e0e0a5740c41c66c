"""A damaged or thinned-out study directory is rerun without losing or retraining a trial.

Each test damages a copy of one finished tiny study (4 variants, 2 epochs), reruns
it in-process and counts the trials that start.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.config import DataSpec, StudySpec, TrainSettings
from tunekit.records.study import read_study
from tunekit.records.trial import TrialRecord, TrialStatus, read_record, write_record
from tunekit.tuning.events import NullObserver
from tunekit.tuning.study import prepare_study, run_study

from ..conftest import TINY_VAL

LABELS = ["reference", "widths=10-30-100", "widths=50-50-50", "widths=500-250-50"]


class _Starts(NullObserver):
    """Counts the trials a run starts, by label."""

    def __init__(self) -> None:
        self.labels: list[str] = []

    def trial_started(self, record, number):  # noqa: D102
        self.labels.append(record.label)


def _spec(data_dir):
    return StudySpec(
        family="mlp",
        spaces=("width",),
        data=DataSpec("mnist", data_dir, validation_size=TINY_VAL),
        train=TrainSettings(epochs=2, reference_repeats=1),
    )


@pytest.fixture(scope="module")
def finished(tiny_data_dir, tmp_path_factory):
    """A finished study directory, never modified: tests work on copies."""
    prepared = prepare_study(_spec(tiny_data_dir), tmp_path_factory.mktemp("finished"))
    run_study(prepared)
    return prepared.study_dir


def _copy(finished, tmp_path):
    study_dir = tmp_path / finished.name
    shutil.copytree(finished, study_dir)
    return study_dir


def _rerun(tiny_data_dir, study_dir):
    starts = _Starts()
    prepared = prepare_study(_spec(tiny_data_dir), study_dir.parent, study_dir.name)
    study = run_study(prepared, observer=starts)
    return study, starts.labels


def _started(study_dir):
    """Each trial id's record start time and label: what a retrain or overwrite changes."""
    return {r.trial_id: (r.label, r.started, r.score) for r in read_study(study_dir).records}


def _empty(path):
    path.write_text("")


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _remove(path):
    path.unlink()


@pytest.mark.parametrize("damage", [_empty, _truncate, _remove], ids=lambda f: f.__name__[1:])
@pytest.mark.parametrize("name", ["oracle.json", "tuner0.json", "trial_0003/trial.json"])
def test_damaged_keras_tuner_file_after_a_finished_study(
    finished, tiny_data_dir, tmp_path, name, damage
):
    study_dir = _copy(finished, tmp_path)
    before = _started(study_dir)
    damage(study_dir / name)

    study, started = _rerun(tiny_data_dir, study_dir)

    assert started == []  # nothing finished is trained again
    assert _started(study_dir) == before
    assert sorted(r.label for r in study.records) == LABELS
    assert study.problems == ()
    # keras-tuner's files are whole again
    json.loads((study_dir / "oracle.json").read_text())
    json.loads((study_dir / "trial_0003" / "trial.json").read_text())


def test_deleted_trial_folder_never_gives_its_id_to_another(finished, tiny_data_dir, tmp_path):
    study_dir = _copy(finished, tmp_path)
    before = _started(study_dir)
    deleted_label = before.pop("0001")[0]
    shutil.rmtree(study_dir / "trial_0001")

    study, started = _rerun(tiny_data_dir, study_dir)
    assert started == [deleted_label]
    after = _started(study_dir)
    assert {k: after[k] for k in before} == before  # no record overwritten
    assert after["0004"][0] == deleted_label  # a new id, never one in use
    assert sorted(r.label for r in study.records) == LABELS

    _, started = _rerun(tiny_data_dir, study_dir)  # and it does not flip-flop
    assert started == []
    assert _started(study_dir) == after


def test_unreadable_record_is_trained_again_and_kept_aside(finished, tiny_data_dir, tmp_path):
    study_dir = _copy(finished, tmp_path)
    before = _started(study_dir)
    record = study_dir / "trial_0002" / "tunekit.json"
    damaged = record.read_text()[:100]
    record.write_text(damaged)
    (problem,) = read_study(study_dir).problems
    assert "trial_0002" in problem and "run the study again" in problem

    study, started = _rerun(tiny_data_dir, study_dir)
    assert started == [before["0002"][0]]
    assert study.problems == ()
    assert sorted(r.label for r in study.records) == LABELS
    (aside,) = (study_dir / "trial_0002").glob("tunekit.json.unreadable-*")
    assert aside.read_text() == damaged  # nothing the user had is lost


def test_export_warns_about_an_unreadable_record(finished, tmp_path):
    study_dir = _copy(finished, tmp_path)
    (study_dir / "trial_0001" / "tunekit.json").write_text("{")
    result = CliRunner().invoke(app, ["export", str(study_dir)])
    assert result.exit_code == 0, result.output
    assert "trial_0001" in result.output and "unreadable" in result.output
    assert len((study_dir / "trials.csv").read_text().splitlines()) == 1 + 3


def test_a_trial_never_overwrites_the_record_of_another(tmp_path):
    from tunekit.tuning.tuner import RecordClash, _check_not_taken

    values = {"widths": "50-50-50"}
    record = TrialRecord("0001", "mlp", "width", "widths", "50-50-50", values)
    write_record(tmp_path, record.finished(status=TrialStatus.COMPLETED, score=0.9))
    _check_not_taken(tmp_path, dict(values))  # the same trial run again is fine
    with pytest.raises(RecordClash, match="already holds the record of widths=50-50-50"):
        _check_not_taken(tmp_path, {"widths": "10-30-100"})
    assert read_study_record(tmp_path).score == 0.9


def read_study_record(trial_dir):
    return read_record(trial_dir / "tunekit.json")
