"""benchmarks/misses_by_face.py: a reader's misses grouped by the unseen renderers' designs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ._benchmarks import load_benchmark


@pytest.fixture(scope="module")
def script():
    yield from load_benchmark("misses_by_face")


def _write_readings(path: Path, true: np.ndarray, read: np.ndarray) -> None:
    rows = ["index,source,time,hour,minute,minutes,true_time,error"]
    for i, (t, r) in enumerate(zip(true, read, strict=True)):
        rows.append(f"{i},x,00:00,0,0,{r},{int(t) // 60:02d}:{int(t) % 60:02d},0")
    path.write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize("renderer", ["other", "mpl"])
def test_misses_of_one_kind_of_dial_are_put_on_its_row(script, tmp_path, renderer, capsys):
    true, kinds = script.RENDERERS[renderer](40, 3)
    dials = np.array([k["dial"] for k in kinds])
    missed = dials == dials[0]  # every clock of the first clock's kind read with a wrong 12
    read = np.where(missed, np.mod(true + 720 * 2 / 11, 720), true)
    _write_readings(tmp_path / "readings.csv", true, read)

    assert script.main([str(tmp_path / "readings.csv"), "--renderer", renderer, "--seed", "3"]) == 0
    out = capsys.readouterr().out
    mean = 720 * 2 / 11
    row = f"| {dials[0]} | {missed.sum()} | {mean:.2f} |"
    assert row in out and f"| {missed.sum()} | 100% |" in out
    for other in set(dials[~missed]):  # read right: no misses
        assert f"| {other} | {(dials == other).sum()} | 0.00 | 100.0% | 0 | - |" in out


def test_readings_of_other_clocks_are_refused(script, tmp_path, capsys):
    true, _ = script.RENDERERS["other"](40, 3)
    _write_readings(tmp_path / "readings.csv", true, true)
    assert script.main([str(tmp_path / "readings.csv"), "--renderer", "other", "--seed", "4"]) == 2
    assert "not the set it was read on" in capsys.readouterr().err


def test_against_another_reader_gives_each_row_its_paired_change(script, tmp_path, capsys):
    true, kinds = script.RENDERERS["mpl"](40, 3)
    dials = np.array([k["dial"] for k in kinds])
    first = dials == dials[0]
    better = np.where(first, true, np.mod(true + 30, 720))  # right on the first kind only
    _write_readings(tmp_path / "better.csv", true, better)
    _write_readings(tmp_path / "worse.csv", true, np.mod(true + 30, 720))
    args = [str(tmp_path / "better.csv"), "--renderer", "mpl", "--seed", "3"]

    assert script.main([*args, "--against", str(tmp_path / "worse.csv")]) == 0
    out = capsys.readouterr().out
    assert "Δ mean [paired 95% CI]" in out
    assert f"| {first.sum()} | 0.00 | 100.0% | 0 | - | -30.00 [-30.00, -30.00] |" in out
    rows = out.splitlines()
    for other in set(dials[~first]):  # read 30 minutes off by both readers: no change
        start = f"| {other} | {(dials == other).sum()} | 30.00 |"
        (row,) = [r for r in rows if r.startswith(start)]
        assert row.endswith("| +0.00 [+0.00, +0.00] |")
    _write_readings(tmp_path / "shifted.csv", np.mod(true + 1, 720), true)
    assert script.main([*args, "--against", str(tmp_path / "shifted.csv")]) == 2
    assert "holds other clocks" in capsys.readouterr().err
