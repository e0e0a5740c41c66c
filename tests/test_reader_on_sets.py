"""benchmarks/reader_on_sets.py: one model's change from another's, paired clock by clock."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "reader_on_sets.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("reader_on_sets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
