"""benchmarks/reader_on_sets.py: one model's change from another's, paired clock by clock."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ._benchmarks import load_benchmark


@pytest.fixture(scope="module")
def script():
    yield from load_benchmark("reader_on_sets")


def _readings(folder: Path, minutes: list[float], true: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    rows = ["index,source,time,hour,minute,minutes,true_time,error"]
    pairs = enumerate(zip(minutes, true, strict=True))
    rows += [f"{i},x,00:00,0,0,{m},{t},0" for i, (m, t) in pairs]
    (folder / "readings-set.csv").write_text("\n".join(rows) + "\n")


def test_the_change_is_paired_by_clock_and_refused_for_other_clocks(script, tmp_path):
    true = ["03:00", "06:30", "12:10", "09:45"] * 25  # 180, 390, 10, 585 dial minutes
    exact = [180.0, 390.0, 10.0, 585.0] * 25
    _readings(tmp_path / "a", [m + 2 for m in exact], true)  # 2 minutes off everywhere
    _readings(tmp_path / "b", exact, true)
    change = script.change_from(tmp_path / "a", tmp_path / "b", "set")
    assert change["delta_mean"] == pytest.approx(2.0)
    assert change["delta_lo"] == pytest.approx(2.0) and change["delta_hi"] == pytest.approx(2.0)
    same = script.change_from(tmp_path / "b", tmp_path / "b", "set")
    assert same["delta_lo"] <= 0 <= same["delta_hi"]
    _readings(tmp_path / "c", exact, ["01:00"] * 100)
    with pytest.raises(SystemExit, match="not of the same clocks"):
        script.change_from(tmp_path / "a", tmp_path / "c", "set")


def test_the_other_readings_may_be_gzipped_as_reports_keep_them(script, tmp_path):
    true = ["03:00", "06:30", "12:10", "09:45"] * 25
    exact = [180.0, 390.0, 10.0, 585.0] * 25
    _readings(tmp_path / "a", [m + 3 for m in exact], true)
    _readings(tmp_path / "b", exact, true)
    plain = tmp_path / "b" / "readings-set.csv"
    with gzip.open(plain.with_suffix(".csv.gz"), "wt") as file:
        file.write(plain.read_text())
    plain.unlink()
    change = script.change_from(tmp_path / "a", tmp_path / "b", "set")
    assert change["delta_mean"] == pytest.approx(3.0)


def test_reuse_keeps_the_readings_and_reads_only_the_missing(script, tmp_path, monkeypatch):
    true = ["03:00", "06:30"] * 5
    _readings(tmp_path / "out", [180.0, 391.0] * 5, true)  # readings-set.csv, 0.5 min off
    read = []
    monkeypatch.setattr(script, "_read", lambda folder, readings, *rest: read.append(folder))
    metrics = script.read_set(tmp_path / "set", tmp_path / "out", [], [], reuse=True)
    assert read == [] and metrics["clocks"] == 10
    assert metrics["time_error"] == pytest.approx(0.5)
    with pytest.raises(FileNotFoundError):  # a set without readings is read (the stub writes none)
        script.read_set(tmp_path / "other", tmp_path / "out", [], [], reuse=True)
    assert read == [tmp_path / "other"]
