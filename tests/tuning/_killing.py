"""Run a tunekit command in a real subprocess and SIGKILL it while a given trial runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def trial_running(study_dir: Path, trial: str) -> bool:
    """Whether ``trial_<trial>/tunekit.json`` exists and says the trial is running."""
    path = study_dir / f"trial_{trial}" / "tunekit.json"
    try:
        return json.loads(path.read_text())["status"] == "running"
    except (FileNotFoundError, json.JSONDecodeError):
        return False


def kill_during_trial(command: list[str], study_dir: Path, trial: str, settle: float = 0.0) -> None:
    """Start ``command``, wait until ``trial`` runs, wait ``settle`` s more, then SIGKILL it."""
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not trial_running(study_dir, trial):
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, f"the study never reached trial {trial}"
        time.sleep(0.02)
    time.sleep(settle)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def rerun(command: list[str]) -> None:
    """Run ``command`` to the end and fail with its stderr if it fails."""
    result = subprocess.run(command, env=ENV, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
