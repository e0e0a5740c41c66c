"""A clock reader's errors on several sets of course-format clocks, as a user measures them.

Run with ``python benchmarks/reader_on_sets.py OUT DIR [DIR ...] [--model FILE.keras]``.
Each ``DIR`` holds ``images.npy`` and ``labels.npy`` (``tunekit clocks generate`` writes
them; ``benchmarks/other_renderer.py`` draws clocks of another renderer). For each, the
script runs ``tunekit clocks read DIR/images.npy --labels DIR/labels.npy --out
OUT/readings-NAME.csv`` (the default model is the pretrained reader), keeps what it
printed in ``OUT/read-NAME.txt``, and writes ``OUT/errors.md`` and ``OUT/errors.json``:
mean, median and 90th-percentile error, hour right and within a minute, per set, computed
with tunekit's ``time_metrics`` from the readings file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tunekit.clocktime import time_metrics

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


def read_set(folder: Path, out: Path, model: Path | None) -> dict[str, float]:
    """Read one set with ``tunekit clocks read``; its metrics from the readings file."""
    readings = out / f"readings-{folder.name}.csv"
    command = [sys.executable, "-m", "tunekit", "clocks", "read", str(folder / "images.npy")]
    command += ["--labels", str(folder / "labels.npy"), "--out", str(readings)]
    command += ["--model", str(model)] if model is not None else []
    wide = {**os.environ, "COLUMNS": "120"}  # the table's rows on one line each
    done = subprocess.run(command, capture_output=True, text=True, env=wide)
    (out / f"read-{folder.name}.txt").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{folder}: tunekit clocks read failed: {done.stdout}{done.stderr}")
    with readings.open() as file:
        rows = list(csv.DictReader(file))
    true = np.array([_minutes(row["true_time"]) for row in rows], dtype=float)
    read = np.array([float(row["minutes"]) for row in rows])
    return {**time_metrics(true, read), "clocks": len(rows)}


def markdown(results: dict[str, dict[str, float]]) -> str:
    """One row per set, the columns of ``_COLUMNS``."""
    lines = ["| set | clocks | " + " | ".join(title for _, title, _ in _COLUMNS) + " |"]
    lines.append("|---|---:|" + "---:|" * len(_COLUMNS))
    for name, metrics in results.items():
        cells = [form.format(metrics[key]) for key, _, form in _COLUMNS]
        lines.append(f"| {name} | {int(metrics['clocks'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Read every set and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the readings and the summary")
    parser.add_argument("sets", type=Path, nargs="+", help="course-format folders")
    parser.add_argument("--model", type=Path, default=None, help="default: the pretrained")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = {folder.name: read_set(folder, args.out, args.model) for folder in args.sets}
    (args.out / "errors.json").write_text(json.dumps(results, indent=1))
    (args.out / "errors.md").write_text(markdown(results))
    print(markdown(results), end="")


if __name__ == "__main__":
    main()
