"""A few iterations of ``benchmarks/chaos.py``: SIGKILL at chosen moments, then rerun."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHAOS = Path(__file__).parents[2] / "benchmarks" / "chaos.py"


@pytest.mark.slow
def test_five_kills_one_at_each_moment_are_survived(tmp_path):
    result = subprocess.run(
        [sys.executable, str(CHAOS), "--kills", "5", "--seed", "1", "--work-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for line in (
        "kills survived: 5/5",
        "values trained more than once: 0",
        "records lost or overwritten: 0",
        "tracebacks seen: 0",
    ):
        assert line in result.stdout, result.stdout[-3000:]
