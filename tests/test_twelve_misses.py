"""benchmarks/twelve_misses.py: how many misses are a 12 put at another hand-consistent place."""

from __future__ import annotations

import numpy as np
import pytest

from ._benchmarks import load_benchmark


@pytest.fixture(scope="module")
def script():
    yield from load_benchmark("twelve_misses")


def test_a_twelve_moved_by_a_hand_consistent_step_is_told_from_other_misses(script):
    twelve_misses = script.twelve_misses
    true = np.array([0.0, 100.0, 200.0, 300.0, 700.0])
    read = true + np.array([0.0, 720 * 3 / 11, -720 / 11 + 1.0, 30.0, 720 * 10 / 11])
    m = twelve_misses(true, np.mod(read, 720))
    assert m["misses"] == 4  # all but the first
    assert m["twelve_share"] == 0.75  # 3/11, -1/11 (1 minute off it) and 10/11 of the dial
    assert m["mean_if_twelve_right"] == 30.0 / 5  # only the half-hour miss is left
    assert m["hour_alone_share"] == 0.0


def test_a_reading_off_by_whole_hours_is_the_hour_alone(script):
    true = np.array([10.0, 200.0, 400.0, 600.0])
    read = np.mod(true + np.array([-60.0, 301.5, 360.0, 35.0]), 720)
    m = script.twelve_misses(true, read)
    assert m["misses"] == 4 and m["twelve_share"] == 0.0
    assert m["hour_alone_share"] == 0.75  # all but the 35-minute miss


def test_the_table_reads_the_readings_files_and_names_a_missing_one(script, tmp_path, capsys):
    main = script.main
    rows = ["index,source,time,hour,minute,minutes,true_time,error"]
    rows += ["0,x,03:17,3,17,197.0,03:17,0.0", "1,x,04:22,4,22,262.45,03:17,65.45"]
    (tmp_path / "readings-other.csv").write_text("\n".join(rows) + "\n")
    assert main([str(tmp_path), "--sets", "other"]) == 0
    assert "| 1 / 100% / 0.00 / 0% |" in capsys.readouterr().out
    assert main([str(tmp_path), "--sets", "mpl"]) == 2
    assert "readings-mpl.csv" in capsys.readouterr().err
