"""Wall time of one grid search in one process and with ``--workers N``.

Usage: python benchmarks/workers_speedup.py [--workers 0 2] [--subset 4000] [--epochs 3]

Runs ``tunekit study mlp --space SPACES --tuner grid`` on a Fashion-MNIST subset, once
per ``--workers`` value (repeat a value to see the noise), each in a new study directory,
and prints the wall time of the whole command, the summed wall time of its trials
(training done), and the speed-up against the first value. Trials train exactly
``--epochs`` epochs (patience above it) so both sides do the same work.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(workers: int, args: argparse.Namespace, study_dir: Path) -> tuple[float, float, int]:
    """Wall seconds of the command, summed trial seconds, and the trials it recorded."""
    from tunekit.records.study import read_study

    command = [
        sys.executable, "-m", "tunekit", "study", "mlp", "--space", args.spaces,
        "--tuner", "grid", "--subset", str(args.subset), "--val-size", str(args.subset // 4),
        "--epochs", str(args.epochs), "--patience", str(args.epochs + 1),
        "--keep-checkpoints", "none", "--dir", str(study_dir.parent), "--name", study_dir.name,
        "--workers", str(workers),
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    records = read_study(study_dir).records
    return wall, sum(r.wall_seconds for r in records), len(records)


def main() -> None:
    """Time every ``--workers`` value and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--spaces", default="width,batch_size")
    parser.add_argument("--subset", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    print(f"grid over {args.spaces}, {args.subset} images, {args.epochs} epochs, "
          f"{os.cpu_count()} CPU cores")  # fmt: skip
    print("workers  wall (s)  trials  summed trial time (s)  speed-up")
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for number, workers in enumerate(args.workers):
            study_dir = Path(tmp) / f"run{number}-workers{workers}"  # a new study each time
            wall, trial_seconds, trials = run(workers, args, study_dir)
            first = first or wall
            print(f"{workers:7d}  {wall:8.0f}  {trials:6d}  {trial_seconds:21.0f}  "
                  f"{first / wall:8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
