from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "twelve_misses.py"


def _script():
    spec = importlib.util.spec_from_file_location("twelve_misses", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_twelve_moved_by_a_hand_consistent_step_is_told_from_other_misses():
    twelve_misses = _script().twelve_misses
    true = np.array([0.0, 100.0, 200.0, 300.0, 700.0])
    read = true + np.array([0.0, 720 * 3 / 11, -720 / 11 + 1.0, 30.0, 720 * 10 / 11])
    m = twelve_misses(true, np.mod(read, 720))
    assert m["misses"] == 4  # all but the first
    assert m["twelve_share"] == 0.75  # 3/11, -1/11 (1 minute off it) and 10/11 of the dial
    assert m["mean_if_twelve_right"] == 30.0 / 5  # only the half-hour miss is left


def test_the_table_reads_the_readings_files_and_names_a_missing_one(tmp_path, capsys):
    main = _script().main
    rows = ["index,source,time,hour,minute,minutes,true_time,error"]
    rows += ["0,x,03:17,3,17,197.0,03:17,0.0", "1,x,04:22,4,22,262.45,03:17,65.45"]
    (tmp_path / "readings-other.csv").write_text("\n".join(rows) + "\n")
    assert main([str(tmp_path), "--sets", "other"]) == 0
    assert "| 1 / 100% / 0.00 |" in capsys.readouterr().out
    assert main([str(tmp_path), "--sets", "mpl"]) == 2
    assert "readings-mpl.csv" in capsys.readouterr().err
