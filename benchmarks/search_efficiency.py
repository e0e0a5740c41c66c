"""Epochs Hyperband and Bayesian search train to come near the best one-factor result.

Usage: python benchmarks/search_efficiency.py [--spaces S] [--subset 5000] [--epochs 10]
    [--max-trials 15] [--max-epochs 9] [--factor 3]

Runs three studies of the MLP over the same spaces, data and seed, each in a new
study directory: a one-factor study (``--tuner one-factor``), a Bayesian search and a
Hyperband search. The best one-factor score B (validation accuracy) sets the target
B - MARGIN. Walking each study's trials in the order they ran, it adds up the epochs
actually trained and reports the running total at the first trial whose score reaches
the target, or "not reached" with the study's total. A Hyperband trial that continues
a parent's model counts only the epochs it trains itself; the parent's were counted
with the parent.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tunekit.records.trial import TrialRecord

#: The studies, in the order they run; the first one sets the target.
METHODS = ("one-factor", "bayesian", "hyperband")
#: Scores are float32 fractions of the validation set, so one exactly MARGIN below B can
#: compare a few 1e-9 below the target; it counts as reached.
SCORE_TOLERANCE = 1e-6
#: tunekit's ``--patience`` default: early stopping as a user of the searches gets it.
DEFAULT_PATIENCE = 5


@dataclass(frozen=True)
class SearchProgress:
    """How a study's epochs add up, in the order its trials ran.

    Attributes:
        trials: Trials recorded, whatever their status.
        total_epochs: Epochs trained by every execution of every trial.
        best_score: The best finite score (NaN if no trial has one).
        epochs_to_target: Epochs trained up to and including the first trial whose
            score reached the target, or ``None`` if none did.
    """

    trials: int
    total_epochs: int
    best_score: float
    epochs_to_target: int | None


@dataclass(frozen=True)
class StudyRun:
    """One study as measured: its name and records."""

    method: str
    records: tuple[TrialRecord, ...]

    @property
    def trial_seconds(self) -> float:
        """Wall seconds of its trials, summed: right even when a study was resumed."""
        return sum(record.wall_seconds for record in self.records)


def epochs_trained(record: TrialRecord) -> int:
    """Epochs this trial trained itself, summed over its executions.

    ``epochs_run`` is the length of the execution's own ``fit`` history, so a
    Hyperband trial continuing from epoch ``tuner/initial_epoch`` counts only the
    epochs after it.
    """
    return sum(execution.epochs_run for execution in record.executions)


def in_start_order(records: Sequence[TrialRecord]) -> list[TrialRecord]:
    """Trials in the order they started.

    keras-tuner numbers trials as it creates them and a single-process study runs
    each as soon as it is created, so id order is start order. Ids are compared as
    numbers so that their zero-padding does not matter.
    """
    return sorted(records, key=lambda r: (0, int(r.trial_id)) if r.trial_id.isdigit() else (1, 0))


def finite_score(record: TrialRecord) -> float | None:
    """The trial's score, or ``None`` if it has none (failed) or it is NaN (diverged)."""
    if record.score is None or not math.isfinite(record.score):
        return None
    return record.score


def best_score(records: Sequence[TrialRecord]) -> float:
    """The highest finite score of ``records`` (NaN if none has one)."""
    scores = [s for s in map(finite_score, records) if s is not None]
    return max(scores) if scores else math.nan


def search_progress(records: Sequence[TrialRecord], target: float) -> SearchProgress:
    """Add up epochs in start order until a trial's score reaches ``target`` (higher is better).

    Args:
        records: Every trial of one study.
        target: The score to reach; NaN is never reached.

    Returns:
        The study's trials, epochs, best score and epochs to the target.
    """
    spent = 0
    reached_at = None
    for record in in_start_order(records):
        spent += epochs_trained(record)
        score = finite_score(record)
        if reached_at is None and score is not None and score >= target - SCORE_TOLERANCE:
            reached_at = spent
    return SearchProgress(len(records), spent, best_score(records), reached_at)


def tuner_options(method: str, args: argparse.Namespace) -> list[str]:
    """The ``tunekit study`` options that make ``method`` ('one-factor', ...) differ."""
    if method == "hyperband":
        # --epochs is Hyperband's longest round too, so the study's metadata agrees.
        return ["--tuner", "hyperband", "--max-epochs", str(args.max_epochs),
                "--factor", str(args.factor), "--epochs", str(args.max_epochs)]  # fmt: skip
    if method == "bayesian":
        return ["--tuner", "bayesian", "--max-trials", str(args.max_trials),
                "--epochs", str(args.epochs)]  # fmt: skip
    return ["--tuner", "one-factor", "--epochs", str(args.epochs)]


def run_study(method: str, args: argparse.Namespace, study_dir: Path) -> StudyRun:
    """Run one ``tunekit study`` into ``study_dir`` and read its records."""
    from tunekit.records.study import read_study

    command = [
        sys.executable, "-m", "tunekit", "study", "mlp", "--space", args.spaces,
        "--subset", str(args.subset), "--val-size", str(args.val_size),
        "--patience", str(args.patience), "--seed", str(args.seed),
        "--keep-checkpoints", "none", "--dir", str(study_dir.parent), "--name", study_dir.name,
        *tuner_options(method, args),
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    # TensorFlow's start-up chatter is shown only if the study fails.
    done = subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        sys.exit(f"{method} study failed ({' '.join(command)}):\n{done.stderr}")
    return StudyRun(method, read_study(study_dir).records)


def settings_line(args: argparse.Namespace) -> str:
    """The data, training budget and machine load the numbers were measured under."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"mlp over {args.spaces}: {args.subset} training and {args.val_size} validation images, "
        f"one-factor and bayesian {args.epochs} epochs, hyperband max {args.max_epochs} "
        f"factor {args.factor}, patience {args.patience}, seed {args.seed}; "
        f"{os.cpu_count()} CPU cores, load average {load}"
    )


def print_table(runs: Sequence[StudyRun], target: float, margin_pp: float) -> None:
    """One line per study: trials, epochs, best score and epochs to ``target``."""
    print(f"method      trials  total epochs  best val_accuracy  epochs to B-{margin_pp:g}pp"
          "  trial time (s)")  # fmt: skip
    for run in runs:
        progress = search_progress(run.records, target)
        if progress.epochs_to_target is None:
            reached = "not reached"
        else:
            reached = str(progress.epochs_to_target)
        seconds = run.trial_seconds
        print(f"{run.method:10s}  {progress.trials:6d}  {progress.total_epochs:12d}  "
              f"{progress.best_score:17.4f}  {reached:>19s}  {seconds:14.0f}")  # fmt: skip


def parse_args() -> argparse.Namespace:
    """The benchmark's options; the defaults are the issue's configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", default="optimizer,widths,batch_size,dropout")
    parser.add_argument("--subset", type=int, default=5000)
    parser.add_argument("--val-size", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=10, help="one-factor and bayesian")
    parser.add_argument("--patience", type=int, default=DEFAULT_PATIENCE)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-trials", type=int, default=15, help="bayesian")
    parser.add_argument("--max-epochs", type=int, default=9, help="hyperband")
    parser.add_argument("--factor", type=int, default=3, help="hyperband")
    parser.add_argument(
        "--margin", type=float, default=0.5, help="percentage points below the one-factor best"
    )
    parser.add_argument(
        "--keep-dir",
        type=Path,
        default=None,
        help="keep the studies here (default: a temp dir); run again to resume them",
    )
    return parser.parse_args()


def run_all(args: argparse.Namespace, parent: Path) -> list[StudyRun]:
    """The one-factor study, then the Bayesian and Hyperband searches, into ``parent``."""
    return [run_study(method, args, parent / method) for method in METHODS]


def main() -> None:
    """Run the three studies and print how soon each search came near the one-factor best."""
    args = parse_args()
    print(settings_line(args), flush=True)
    if args.keep_dir is None:
        with tempfile.TemporaryDirectory() as tmp:
            runs = run_all(args, Path(tmp))
    else:
        args.keep_dir.mkdir(parents=True, exist_ok=True)
        runs = run_all(args, args.keep_dir)
    one_factor_best = best_score(runs[0].records)
    target = one_factor_best - args.margin / 100
    print(f"B = best one-factor val_accuracy {one_factor_best:.4f}; target B - "
          f"{args.margin:g}pp = {target:.4f}")  # fmt: skip
    print_table(runs, target, args.margin)


if __name__ == "__main__":
    main()
