"""Distributed studies: a chief and local workers, a dead worker, the study lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.errors import TunekitError
from tunekit.records.layout import LOCK_FILE, WORKERS_DIR
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.tuning.distributed import CHIEF_PID_ENV, _Heartbeats, parse_address

from ..conftest import TINY_VAL

WIDTHS = ["widths=100-30-10", "widths=50-50-50", "widths=10-30-100", "widths=500-250-50"]


def test_address_must_be_host_and_port():
    assert parse_address("10.0.0.5:8470") == ("10.0.0.5", 8470)
    for bad in ("8470", "host:", ":8470", "host:port"):
        with pytest.raises(TunekitError, match="HOST:PORT"):
            parse_address(bad)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, which nobody may reap in a container, is dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("named", [True, False], ids=["chief-named", "started-by-hand"])
def test_a_local_worker_dies_with_the_chief_that_names_itself(tmp_path, named):
    pid_file = tmp_path / "worker.pid"
    worker = (
        "import os, time; from tunekit.tuning.distributed import die_with_chief; "
        f"die_with_chief(); open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
        "time.sleep(60)"
    )
    env = f"{{**os.environ, {CHIEF_PID_ENV!r}: str(os.getpid())}}" if named else "os.environ"
    chief = (
        "import os, subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {worker!r}], env={env}); time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", chief])
    assert _wait_for(lambda: pid_file.exists() and pid_file.read_text())
    worker_pid = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    try:
        if named:
            assert _wait_for(lambda: not _alive(worker_pid), seconds=10)
        else:  # the control: a worker nobody named outlives the process that started it
            time.sleep(1.0)
            assert _alive(worker_pid)
    finally:
        if _alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


def test_remote_worker_is_dead_once_its_heartbeat_stops_changing(tmp_path):
    beats = _Heartbeats(tmp_path, dead_after=0.2)
    (tmp_path / "w1.json").write_text(json.dumps({"beat": 1}))
    (tmp_path / "w2.json").write_text(json.dumps({"beat": 1}))
    assert beats.dead({"w1", "w2"}) == []
    time.sleep(0.3)
    (tmp_path / "w2.json").write_text(json.dumps({"beat": 2}))  # w2 is alive
    assert beats.dead({"w1", "w2"}) == ["w1"]


def test_chief_skips_a_record_or_heartbeat_that_is_json_but_not_an_object(tmp_path):
    from tunekit.tuning.distributed import _RecordWatcher
    from tunekit.tuning.events import NullObserver

    (tmp_path / "trial_0000").mkdir()
    (tmp_path / "trial_0000" / "tunekit.json").write_text("[]")
    assert _RecordWatcher(tmp_path, NullObserver()).finished == set()
    (tmp_path / "w1.json").write_text("[]")
    assert _Heartbeats(tmp_path).dead({"w1"}) == []


def test_worker_without_a_chief_says_how_to_start_one(tmp_path):
    study = tmp_path / "mlp-mnist"
    study.mkdir()
    (study / "tunekit_study.json").write_text(
        json.dumps({"family": "mlp", "spaces": {}, "reference": {}, "data": {"name": "mnist"},
                    "train": {"epochs": 1, "patience": 1, "executions": 1, "seed": 1}})
    )  # fmt: skip
    result = CliRunner().invoke(app, ["worker", str(study)])
    assert result.exit_code == 2
    assert "No chief is running" in result.output and "--workers" in result.output


def _worker_running(study_dir: Path) -> tuple[int, str] | None:
    """(pid, trial) of a worker whose running trial's record says running."""
    for path in (study_dir / WORKERS_DIR).glob("worker*.json"):
        try:
            beat = json.loads(path.read_text())
            record = json.loads((study_dir / f"trial_{beat['trial']}" / "tunekit.json").read_text())
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if record["status"] == "running":
            return int(beat["pid"]), str(beat["trial"])
    return None


@pytest.mark.slow
def test_two_workers_survive_a_dead_worker_under_the_chiefs_lock(tiny_data_dir, tmp_path):
    study_dir = tmp_path / "mlp-mnist"
    command = [
        sys.executable, "-m", "tunekit", "study", "mlp", "--space", "width", "--tuner", "grid",
        "--dataset", "mnist", "--data-dir", str(tiny_data_dir), "--val-size", str(TINY_VAL),
        "--epochs", "15", "--patience", "15", "--dir", str(tmp_path),
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    chief = subprocess.Popen(
        [*command, "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 180
    while (found := _worker_running(study_dir)) is None:
        assert chief.poll() is None, chief.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "no worker started a trial"
        time.sleep(0.1)
    pid, trial = found
    # Only the chief holds the lock; a second run of the study is refused.
    assert json.loads((study_dir / LOCK_FILE).read_text())["pid"] == chief.pid
    second = subprocess.run(command, env=env, capture_output=True, text=True)
    assert second.returncode == 2 and "in use by process" in second.stderr
    os.kill(pid, signal.SIGKILL)

    assert chief.wait(timeout=300) == 0, chief.stderr.read().decode()[-2000:]
    records = read_study(study_dir).records
    assert sorted(r.label for r in records) == sorted(WIDTHS)
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    assert len(list(study_dir.glob("trial_*"))) == 4
    rerun = next(r for r in records if r.trial_id == trial)
    assert rerun.executions[0].epochs_run == 15  # trained again from the start
    assert not (study_dir / LOCK_FILE).exists()
    log = (study_dir / WORKERS_DIR / "worker1.log").read_text()
    log += (study_dir / WORKERS_DIR / "worker2.log").read_text()
    assert log.count("Resuming") == 3  # two workers, and the dead one restarted


def test_a_process_stops_at_its_trial_limit_and_the_next_carries_on(tiny_data_dir, tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings, TunerKind
    from tunekit.data.loading import load_data
    from tunekit.tuning.events import NullObserver
    from tunekit.tuning.study import make_tuner, prepare_study
    from tunekit.tuning.tuner import TrialLimitReached

    spec = StudySpec(
        "mlp",
        ("kernel_regularizer",),
        DataSpec("mnist", tiny_data_dir, validation_size=TINY_VAL),
        TrainSettings(epochs=1),
        tuner=TunerKind.GRID,
    )
    prepared = prepare_study(spec, tmp_path)
    prepared.study_dir.mkdir()
    (prepared.study_dir / "tunekit_study.json").write_text(json.dumps({"family": "mlp"}))
    data = load_data(spec.data)
    first = make_tuner(prepared, data, NullObserver(), trial_limit=2)
    with pytest.raises(TrialLimitReached):
        first.search(data=data)
    assert len(read_study(prepared.study_dir).records) == 2
    make_tuner(prepared, data, NullObserver()).search(data=data)
    records = read_study(prepared.study_dir).records
    assert [r.value for r in records] == [
        "kernel_regularizer=none",
        "kernel_regularizer=l1",
        "kernel_regularizer=l2",
    ]


def test_a_worker_on_a_clock_study_ranks_lower_errors_as_better(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.records.meta import StudyMeta
    from tunekit.tuning.study import prepare_study
    from tunekit.tuning.worker import worker_start

    spec = StudySpec("clock", ("representation",), DataSpec("clock"), TrainSettings(epochs=2))
    prepared = prepare_study(spec, tmp_path, "clock-clock")
    meta = StudyMeta("clock", objective="val_time_error", direction="min")
    start = worker_start(prepared, meta)
    assert (start.objective, start.direction) == ("val_time_error", "min")


@pytest.mark.parametrize("threshold", [2, 100], ids=["long", "short"])
def test_a_long_study_trains_in_a_recycled_worker_unasked(
    tiny_data_dir, tmp_path, monkeypatch, threshold
):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.tuning import study as study_module
    from tunekit.tuning.events import NullObserver

    class Watch(NullObserver):
        def __init__(self):
            self.starts, self.workers = [], []

        def study_started(self, start):
            self.starts.append(start)

        def workers_started(self, address, workers):
            self.workers.append(workers)

    monkeypatch.setattr(study_module, "LONG_STUDY_TRIALS", threshold)
    spec = StudySpec(
        "mlp",
        ("width",),
        DataSpec("mnist", tiny_data_dir, validation_size=TINY_VAL),
        TrainSettings(epochs=1, reference_repeats=1),
    )
    watch = Watch()
    prepared = study_module.prepare_study(spec, tmp_path)
    records = study_module.run_study(prepared, observer=watch).records  # workers unset
    assert sorted(r.label for r in records) == sorted(["reference", *WIDTHS[1:]])
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    long = threshold < len(WIDTHS)
    assert watch.starts[0].recycled is long
    assert watch.workers == ([1] if long else [])
    assert (prepared.study_dir / WORKERS_DIR / "worker1.log").exists() is long
