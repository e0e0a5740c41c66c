"""A clock reader's errors on several sets of course-format clocks, as a user measures them.

Run with ``python benchmarks/reader_on_sets.py OUT DIR [DIR ...] [--model FILE.keras ...]
[--turns N] [--centre-rings R] [--dial-scales S] [--against OTHER] [--reuse]`` (turns,
rings and scales are passed on to ``tunekit clocks read``).
Each ``DIR`` holds ``images.npy`` and ``labels.npy`` (``tunekit clocks generate`` writes
them; ``benchmarks/other_renderer.py`` draws clocks of another renderer). For each, the
script runs ``tunekit clocks read DIR/images.npy --labels DIR/labels.npy --out
OUT/readings-NAME.csv`` (the default model is the pretrained reader), keeps what it
printed in ``OUT/read-NAME.txt``, and writes ``OUT/errors.md`` and ``OUT/errors.json``:
mean, median and 90th-percentile error, hour right and within a minute, per set, computed
with tunekit's ``time_metrics`` from the readings file.

``--reuse`` keeps the readings a previous run left in ``OUT`` (to add ``--against`` or a
set without reading the others again).

``--against OTHER`` names the ``OUT`` of another model's run on the same sets (its readings
as written, or gzipped as ``readings-NAME.csv.gz``, as reports keep them): each set then
also gets this model's change in mean error from that one, with its paired 95% bootstrap
interval over the clocks (tunekit's ``paired_bootstrap``, as the clock ablation tables use).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tunekit.clocktime import time_error, time_metrics
from tunekit.report import paired_bootstrap

_COLUMNS = (
    ("time_error", "mean (min)", "{:.2f}"),
    ("time_error_median", "median (min)", "{:.2f}"),
    ("time_error_p90", "90th pct (min)", "{:.1f}"),
    ("hour_accuracy", "hour right", "{:.1%}"),
    ("within_1_minute", "within 1 min", "{:.1%}"),
)


def _minutes(text: str) -> int:
    """``"12:05"`` -> 5 and ``"11:05"`` -> 665: a ``hh:mm`` time as minutes on the dial."""
    hour, minute = text.split(":")
    return (int(hour) % 12) * 60 + int(minute)


def read_times(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """True and read dial minutes of each clock, from a ``clocks read --out`` file."""
    with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as file:
        rows = list(csv.DictReader(file))
    true = np.array([_minutes(row["true_time"]) for row in rows], dtype=float)
    return true, np.array([float(row["minutes"]) for row in rows])


def readings_errors(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """True dial minutes and each clock's error, from a ``clocks read --out`` file."""
    true, read = read_times(path)
    return true, time_error(true, read)


def change_from(out: Path, against: Path, name: str) -> dict[str, float]:
    """This model's change in mean error from the other's on set ``name``, paired by clock."""
    true, errors = readings_errors(out / f"readings-{name}.csv")
    other = against / f"readings-{name}.csv"
    if not other.is_file():
        other = other.with_suffix(".csv.gz")
    other_true, other_errors = readings_errors(other)
    if not np.array_equal(true, other_true):
        raise SystemExit(f"{name}: the two readings are not of the same clocks in one order.")
    change = paired_bootstrap(errors, other_errors)
    return {"delta_mean": change.delta, "delta_lo": change.lo, "delta_hi": change.hi}


def read_set(
    folder: Path, out: Path, models: list[Path], views: list[str], reuse: bool = False
) -> dict[str, float]:
    """Read one set with ``tunekit clocks read`` (``views``: its options for the views to
    read at); its metrics from the readings file."""
    readings = out / f"readings-{folder.name}.csv"
    if not (reuse and readings.is_file()):
        _read(folder, readings, models, views)
    true, read = read_times(readings)
    return {**time_metrics(true, read), "clocks": len(true)}


def _read(folder: Path, readings: Path, models: list[Path], views: list[str]) -> None:
    """Run ``tunekit clocks read`` on one set, keeping what it printed next to the readings."""
    command = [sys.executable, "-m", "tunekit", "clocks", "read", str(folder / "images.npy")]
    command += ["--labels", str(folder / "labels.npy"), "--out", str(readings)]
    command += [arg for model in models for arg in ("--model", str(model))]
    command += views
    wide = {**os.environ, "COLUMNS": "120"}  # the table's rows on one line each
    done = subprocess.run(command, capture_output=True, text=True, env=wide)
    (readings.parent / f"read-{folder.name}.txt").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{folder}: tunekit clocks read failed: {done.stdout}{done.stderr}")


def markdown(results: dict[str, dict[str, float]]) -> str:
    """One row per set, the columns of ``_COLUMNS``."""
    paired = all("delta_mean" in metrics for metrics in results.values())
    extra = " Δ mean (min) | paired 95% CI |" if paired else ""
    lines = ["| set | clocks | " + " | ".join(title for _, title, _ in _COLUMNS) + " |" + extra]
    lines.append("|---|---:|" + "---:|" * (len(_COLUMNS) + 2 * paired))
    for name, metrics in results.items():
        cells = [form.format(metrics[key]) for key, _, form in _COLUMNS]
        if paired:
            cells.append(f"{metrics['delta_mean']:+.2f}")
            cells.append(f"[{metrics['delta_lo']:+.2f}, {metrics['delta_hi']:+.2f}]")
        lines.append(f"| {name} | {int(metrics['clocks'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Read every set and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the readings and the summary")
    parser.add_argument("sets", type=Path, nargs="+", help="course-format folders")
    parser.add_argument(
        "--model",
        type=Path,
        action="append",
        default=[],
        help="default: the pretrained; more than once: their ensemble",
    )
    parser.add_argument(
        "--against", type=Path, default=None, help="OUT of another model's run on these sets"
    )
    parser.add_argument("--turns", type=int, default=None, help="default: clocks read's")
    parser.add_argument("--centre-rings", type=int, default=None, help="default: clocks read's")
    parser.add_argument("--dial-scales", type=int, default=None, help="default: clocks read's")
    parser.add_argument("--reuse", action="store_true", help="keep readings already in OUT")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    views = [
        arg
        for flag, value in (
            ("--turns", args.turns),
            ("--centre-rings", args.centre_rings),
            ("--dial-scales", args.dial_scales),
        )
        if value is not None
        for arg in (flag, str(value))
    ]
    results = {
        folder.name: read_set(folder, args.out, args.model, views, args.reuse)
        for folder in args.sets
    }
    if args.against is not None:
        for name in results:
            results[name].update(change_from(args.out, args.against, name))
    (args.out / "errors.json").write_text(json.dumps(results, indent=1))
    (args.out / "errors.md").write_text(markdown(results))
    print(markdown(results), end="")


if __name__ == "__main__":
    main()
