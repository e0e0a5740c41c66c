"""TensorBoard export from hand-built records, read back with TensorBoard's own reader."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import tensorboard_info, write_tensorboard
from tunekit.report._tensorboard import BEST, EPOCH, TEST, Scalar

from ._builders import execution, trial, write_study

runner = CliRunner()


def _records():
    return [
        trial("0000", executions=(execution((0.5, 0.75), test_acc=0.7, seed=7),)),
        trial(
            "0001",
            "dropout",
            0.2,
            (execution((0.25, 0.5), seed=7), execution((0.5, 0.625), seed=8)),
        ),
        trial("0002", "optimizer", "adam", status=TrialStatus.FAILED),
        trial("0003", "dropout", 0.5, status=TrialStatus.RUNNING),
    ]


def _accumulator(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(folder), size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def _values(accumulator, tag):
    from tensorboard.util import tensor_util

    return [
        (event.step, float(tensor_util.make_ndarray(event.tensor_proto)))
        for event in accumulator.Tensors(tag)
    ]


def test_info_has_a_session_per_execution_and_skips_running_trials(tmp_path):
    info = tensorboard_info(read_study(write_study(tmp_path / "s", _records())))
    runs = [s.run for s in info.sessions]
    assert runs == [
        "trial_0000/execution_0",
        "trial_0001/execution_0",
        "trial_0001/execution_1",
        "trial_0002",
    ]
    assert [s.group for s in info.sessions][1:3] == ["trial_0001", "trial_0001"]
    assert [s.success for s in info.sessions] == [True, True, True, False]
    assert info.domains == {"dropout": (0.0, 0.2), "optimizer": ("adam", "sgd")}
    assert info.metrics[0] == f"{BEST}val_accuracy"
    first = info.sessions[0].scalars
    assert Scalar(f"{EPOCH}val_accuracy", 1, 0.5) in first
    assert Scalar(f"{EPOCH}val_accuracy", 2, 0.75) in first
    assert Scalar(f"{TEST}accuracy", 2, 0.7) in first


def test_written_events_hold_hparams_and_every_epoch(tmp_path):
    from tensorboard.plugins.hparams import metadata

    info = tensorboard_info(read_study(write_study(tmp_path / "s", _records())))
    logdir = tmp_path / "logs"
    write_tensorboard(info, logdir)

    root = _accumulator(logdir)
    (experiment_tag,) = root.Tags()["tensors"]
    assert experiment_tag == metadata.EXPERIMENT_TAG
    content = root.SummaryMetadata(experiment_tag).plugin_data.content
    experiment = metadata.parse_experiment_plugin_data(content)
    assert {h.name for h in experiment.hparam_infos} == {"dropout", "optimizer"}
    assert f"{BEST}val_accuracy" in {m.name.tag for m in experiment.metric_infos}

    session = _accumulator(logdir / "trial_0001" / "execution_1")
    tags = set(session.Tags()["tensors"])
    assert {metadata.SESSION_START_INFO_TAG, metadata.SESSION_END_INFO_TAG} <= tags
    start = metadata.parse_session_start_info_plugin_data(
        session.SummaryMetadata(metadata.SESSION_START_INFO_TAG).plugin_data.content
    )
    assert start.group_name == "trial_0001"
    assert start.hparams["dropout"].number_value == pytest.approx(0.2)
    assert start.hparams["optimizer"].string_value == "sgd"
    assert _values(session, f"{EPOCH}val_accuracy") == [(1, 0.5), (2, 0.625)]
    assert session.SummaryMetadata(f"{EPOCH}loss").plugin_data.plugin_name == "scalars"


def test_export_again_replaces_the_events(tmp_path):
    info = tensorboard_info(read_study(write_study(tmp_path / "s", _records())))
    write_tensorboard(info, tmp_path / "logs")
    write_tensorboard(info, tmp_path / "logs")
    session = _accumulator(tmp_path / "logs" / "trial_0000" / "execution_0")
    assert _values(session, f"{EPOCH}loss") == [(1, 0.5), (2, 0.25)]


def test_cli_exports_tensorboard_into_the_study_by_default(tmp_path):
    study = write_study(tmp_path / "s", _records())
    result = runner.invoke(app, ["export", str(study), "--format", "tensorboard"])
    assert result.exit_code == 0, result.output
    assert "tensorboard --logdir" in result.output
    session = _accumulator(study / "tensorboard" / "trial_0000" / "execution_0")
    assert _values(session, f"{EPOCH}val_accuracy") == [(1, 0.5), (2, 0.75)]


def test_cli_exports_a_folder_of_studies_one_logdir_each(tmp_path):
    write_study(tmp_path / "runs" / "a", _records())
    write_study(tmp_path / "runs" / "b", _records()[:1])
    out = tmp_path / "logs"
    result = runner.invoke(
        app, ["export", str(tmp_path / "runs"), "--format", "tensorboard", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "a" / "trial_0001" / "execution_1").is_dir()
    assert sorted(p.name for p in (out / "b").iterdir() if p.is_dir()) == ["trial_0000"]
