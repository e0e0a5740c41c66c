"""A lost ``tunekit_study.json`` is rebuilt from the command when the records agree."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.records.layout import STUDY_FILE
from tunekit.records.meta import StudyMeta, stored_meta
from tunekit.records.study import read_study
from tunekit.tuning.meta import has_trials, recovery_problems

from ..conftest import TINY_VAL
from ..report._builders import META, execution, trial, write_study

LOST = {"corrupt": b'{"family": "ml', "empty": b"", "binary": b"\xff\xfe\x00", "a list": b"[]"}


def _meta(**changes):
    """The builders' metadata, typed, with top-level sections replaced."""
    return StudyMeta.from_dict({**META, **changes})


def _study(tmp_path):
    two = (execution(), execution(seed=1))  # META trains 2 executions of at most 3 epochs
    records = [trial("00", executions=two), trial("01", "dropout", 0.2, two)]
    return write_study(tmp_path / "s", records)


@pytest.mark.parametrize("contents", LOST.values(), ids=LOST.keys())
def test_a_lost_file_is_recoverable_when_the_records_agree(tmp_path, contents):
    study = _study(tmp_path)
    (study / STUDY_FILE).write_bytes(contents)
    assert stored_meta(study) is None and has_trials(study)
    assert recovery_problems(study, _meta()) == []


def test_records_of_another_study_name_the_first_difference(tmp_path):
    study = _study(tmp_path)
    (study / STUDY_FILE).unlink()
    assert recovery_problems(study, _meta(family="cnn"))[0] == ("trial 00 is a mlp model, not cnn")
    other = _meta(reference={**META["reference"], "dropout": 0.5})
    assert "trial 00 was trained with dropout=0.0" in recovery_problems(study, other)
    only = _meta(spaces={"optimizer": META["spaces"]["optimizer"]})
    assert recovery_problems(study, only) == ["trial 01 belongs to space dropout, not studied now"]
    search = _meta(tuner="random")
    assert "belongs to a one-factor study" in recovery_problems(study, search)[0]


def test_records_trained_with_other_executions_or_epochs_are_not_recovered(tmp_path):
    study = _study(tmp_path)
    (study / STUDY_FILE).unlink()
    more = _meta(train={**META["train"], "executions": 3})
    assert recovery_problems(study, more)[0] == "trial 00 ran 2 execution(s), not 3"
    fewer = _meta(train={**META["train"], "epochs": 1})
    assert recovery_problems(study, fewer)[0] == "trial 00 trained 2 epochs, more than 1"


def test_metadata_that_parses_but_is_not_tunekit_s_counts_as_lost(tmp_path):
    study = _study(tmp_path)
    (study / STUDY_FILE).write_text(json.dumps({**META, "train": None}))
    assert stored_meta(study) is None


def test_a_study_without_file_and_records_is_no_study(tmp_path):
    assert stored_meta(tmp_path) is None and not has_trials(tmp_path)


def _invoke(tmp_path, tiny_data_dir, *extra):
    args = ["study", "mlp", "--space", "dropout", "--dataset", "mnist", "--data-dir"]
    args += [str(tiny_data_dir), "--val-size", str(TINY_VAL), "--epochs", "1"]
    args += ["--dir", str(tmp_path / "runs"), "--name", "s", *extra]
    return CliRunner().invoke(app, args, env={"COLUMNS": "200"})


def test_rerunning_the_command_recovers_a_corrupt_study_and_keeps_every_trial(
    tmp_path, tiny_data_dir
):
    first = _invoke(tmp_path, tiny_data_dir)
    assert first.exit_code == 0, first.output
    study_dir = tmp_path / "runs" / "s"
    started = [r.started for r in read_study(study_dir).records]
    meta = json.loads((study_dir / STUDY_FILE).read_text())
    (study_dir / STUDY_FILE).write_text('{"family": "mlp", "tun')  # cut short

    other = _invoke(tmp_path, tiny_data_dir, "--set", "optimizer=adam")
    assert other.exit_code == 2
    text = " ".join(other.output.split())
    assert f"its {STUDY_FILE} is corrupt and trial" in text and "optimizer=sgd" in text

    again = _invoke(tmp_path, tiny_data_dir)
    assert again.exit_code == 0, again.output
    recovered = json.loads((study_dir / STUDY_FILE).read_text())
    assert recovered["data"] == meta["data"] and recovered["reference"] == meta["reference"]
    assert [r.started for r in read_study(study_dir).records] == started  # nothing retrained
