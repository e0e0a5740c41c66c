"""Kill tiny studies with SIGKILL at chosen moments, rerun each to the end, count the damage.

Usage: python benchmarks/chaos.py [--kills 50] [--seed 0] [--work-dir DIR] [--keep]

Every kill runs a fresh 4-variant MLP study (``--space width``, 2 epochs, tiny IDX data
written by this script) and kills its whole process group at one of five moments,
taken in turn in a seeded random order:

* ``training``: a random trial's record says it runs; wait 0-1.5 s more, then kill.
* ``record``: between a trial's finished record and keras-tuner's files. The killed
  run has ``TUNEKIT_CHAOS_PAUSE=record-written:1.5``, so tunekit sleeps 1.5 s just after
  writing a trial's finished record and before keras-tuner writes ``trial.json``,
  ``oracle.json`` and ``tuner0.json``; the kill comes as soon as the record is seen.
  Whether it landed there is checked afterwards (the trial's ``trial.json`` still says
  RUNNING).
* ``end``: just after the last trial's record: wait 0-0.5 s after it is finished, no
  pause. keras-tuner's end-of-trial saves, checkpoint pruning and the leaderboard run
  then; a kill landed if the study had not exited yet.
* ``report``: ``tunekit report`` is killed 0-3 s in, on the study the kill before
  left complete (or one run to the end first); the report is rerun to the end, and
  the study too, which must train nothing.
* ``workers``: the study runs with ``--workers 2``; the chief and its workers are killed
  0-3 s after a trial starts.

After each kill the same command is rerun to the end. It counts kills survived (the
rerun exits 0, every variant has one finished record, nothing below happened), values
trained more than once, records lost or overwritten, and tracebacks seen in any output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tunekit.data import write_idx
from tunekit.records.study import read_study

MOMENTS = ("training", "record", "end", "report", "workers")
TRIALS = 4  # reference + 3 widths
LAST = f"{TRIALS - 1:04d}"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
TUNEKIT = [sys.executable, "-m", "tunekit"]


@dataclass
class Tally:
    """What the kills did."""

    kills: int = 0
    survived: int = 0
    trained_twice: int = 0
    lost: int = 0
    tracebacks: int = 0
    by_moment: dict[str, list[int]] = field(default_factory=dict)  # moment: [kills, survived]
    landed: dict[str, int] = field(default_factory=dict)  # moment: kills in the window aimed at
    failures: list[str] = field(default_factory=list)


def write_data(folder: Path, seed: int = 0) -> Path:
    """Write a tiny, learnable MNIST-format dataset (320 train, 64 test), as the tests do."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", 320), ("t10k", 64)):
        labels = np.arange(n) % 10
        rng.shuffle(labels)
        images = rng.integers(0, 60, size=(n, 28, 28))
        for i, label in enumerate(labels):
            images[i, 2 + 2 * label : 6 + 2 * label, 4:24] += 180
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images.clip(0, 255).astype(np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels.astype(np.uint8))
    return folder


def study_command(data: Path, runs: Path, name: str, workers: int = 0) -> list[str]:
    """The tiny study every kill runs."""
    command = [
        *TUNEKIT, "study", "mlp", "--space", "width", "--dataset", "mnist",
        "--data-dir", str(data), "--val-size", "64", "--epochs", "2", "--patience", "2",
        "--dir", str(runs), "--name", name,
    ]  # fmt: skip
    return command + (["--workers", str(workers)] if workers else [])


def _json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def record_status(study: Path, trial: str) -> str | None:
    """The status in ``trial_<trial>/tunekit.json``, or ``None`` if it cannot be read."""
    data = _json(study / f"trial_{trial}" / "tunekit.json")
    return data.get("status") if data else None


def finished_records(study: Path) -> dict[str, tuple[str, str]]:
    """``trial_id: (label, started)`` of every finished record: what must survive."""
    return {
        r.trial_id: (r.label, r.started)
        for r in read_study(study).records
        if r.status.value != "running"
    }


class Run:
    """A command in its own process group, its output in a file."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None):
        self.log = log
        self.file = log.open("ab")
        self.proc = subprocess.Popen(
            command, env=env or ENV, stdout=self.file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and everything it started."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.file.close()

    def wait(self, timeout: float = 600) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9
        self.file.close()
        return code


def wait_for(run: Run, ready, timeout: float = 300, every: float = 0.01) -> bool:
    """Poll ``ready()`` until it is true (``True``) or the run ends first (``False``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return True
        if not run.alive():
            return bool(ready())
        time.sleep(every)
    return False


def to_the_end(command: list[str], log: Path) -> int:
    """Run ``command`` to its end; return its exit code."""
    return Run(command, log).wait()


def kill_study(moment: str, command: list[str], study: Path, log: Path, rng: random.Random):
    """Start the study and kill it at ``moment``; return whether it landed where aimed."""
    env = dict(ENV)
    if moment == "record":
        env["TUNEKIT_CHAOS_PAUSE"] = "record-written:1.5"
    run = Run(command, log, env)
    trial = f"{rng.randrange(TRIALS):04d}"
    if moment in ("training", "workers"):
        wait_for(run, lambda: record_status(study, trial) == "running")
        time.sleep(rng.uniform(0, 1.5 if moment == "training" else 3.0))
        landed = run.alive() and record_status(study, trial) == "running"
    elif moment == "record":
        wait_for(run, lambda: record_status(study, trial) not in (None, "running"), every=0.005)
        landed = None  # judged from the files below
    else:  # end
        wait_for(run, lambda: record_status(study, LAST) not in (None, "running"), every=0.005)
        time.sleep(rng.uniform(0, 0.5))
        landed = run.alive()  # after the last record, before the study ended
    was_alive = run.alive()
    run.kill()
    if landed is None:  # record: keras-tuner had not yet heard the trial ended
        kt = _json(study / f"trial_{trial}" / "trial.json")
        landed = was_alive and (kt is None or kt.get("status") == "RUNNING")
    return bool(landed)


def one_kill(
    index: int,
    moment: str,
    data: Path,
    runs: Path,
    rng: random.Random,
    tally: Tally,
    finished: str | None = None,
) -> bool:
    """One kill and the reruns after it; add what happened to ``tally``; say if survived.

    ``finished`` names a study that a previous kill left complete: a report kill uses
    it rather than train a new one.
    """
    began = time.monotonic()
    name = finished if moment == "report" and finished else f"chaos-{index:03d}"
    study = runs / name
    log = runs / f"{name}.log"
    command = study_command(data, runs, name, workers=2 if moment == "workers" else 0)
    problems: list[str] = []
    if moment == "report":
        if not finished and to_the_end(command, log) != 0:
            problems.append("the study before the report failed")
        before = finished_records(study)
        report = [*TUNEKIT, "report", str(study), "--out", str(study / "report")]
        run = Run(report, log)
        time.sleep(rng.uniform(0, 3.0))
        landed = run.alive()
        run.kill()
        if to_the_end(report, log) != 0:
            problems.append("the report rerun failed")
        elif not (study / "report" / "index.html").exists():
            problems.append("the report rerun wrote no index.html")
    else:
        landed = kill_study(moment, command, study, log, rng)
        before = finished_records(study)
    code = to_the_end(command, log)
    if code != 0:
        problems.append(f"the rerun exited {code}")
    final = read_study(study)
    labels = [r.label for r in final.records]
    twice = len(labels) - len(set(labels))
    lost = 0
    after = {r.trial_id: (r.label, r.started) for r in final.records}
    for trial_id, (label, started) in before.items():
        if trial_id not in after or after[trial_id][0] != label:
            lost += 1  # gone, or overwritten by another value
        elif after[trial_id][1] != started:
            twice += 1  # the same value trained again
    if len(set(labels)) != TRIALS or any(r.status.value == "running" for r in final.records):
        problems.append(f"{len(set(labels))} of {TRIALS} variants finished")
    problems += list(final.problems)
    text = log.read_text(errors="replace")
    tracebacks = text.count("Traceback (most recent call last)")
    tally.kills += 1
    tally.trained_twice += twice
    tally.lost += lost
    tally.tracebacks += tracebacks
    tally.landed[moment] = tally.landed.get(moment, 0) + bool(landed)
    counts = tally.by_moment.setdefault(moment, [0, 0])
    counts[0] += 1
    ok = not problems and not twice and not lost and not tracebacks
    if ok:
        tally.survived += 1
        counts[1] += 1
    else:
        tally.failures.append(
            f"kill {index} ({moment}): {'; '.join(problems) or 'see counts'}, trained twice "
            f"{twice}, lost {lost}, tracebacks {tracebacks}; log {log}"
        )
    status = "survived" if ok else "FAILED"
    seconds = time.monotonic() - began
    print(
        f"kill {index:3d} {moment:8s} {name} landed={bool(landed)!s:5s} {status} {seconds:.0f} s",
        flush=True,
    )
    return ok


def summary(tally: Tally, seconds: float, seed: int) -> str:
    """The lines the script ends with."""
    moments = ", ".join(
        f"{m} {tally.by_moment[m][1]}/{tally.by_moment[m][0]} (landed {tally.landed[m]})"
        for m in MOMENTS
        if m in tally.by_moment
    )
    lines = [
        f"chaos summary: {tally.kills} kills, seed {seed}, {seconds / 60:.1f} min",
        f"kills survived: {tally.survived}/{tally.kills}",
        f"values trained more than once: {tally.trained_twice}",
        f"records lost or overwritten: {tally.lost}",
        f"tracebacks seen: {tally.tracebacks}",
        f"by moment (survived/kills, landed where aimed): {moments}",
        *tally.failures,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the kills and print the summary; exit 1 if any kill was not survived."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, default=None, help="default: a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the studies and their logs")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="tunekit-chaos-"))
    data = write_data(work / "data")
    runs = work / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    order: list[str] = []
    while len(order) < args.kills:
        batch = list(MOMENTS)
        rng.shuffle(batch)
        order += batch
    tally = Tally()
    start = time.monotonic()
    print(f"chaos: {args.kills} kills in {work}", flush=True)
    finished: str | None = None  # a complete study, for the next report kill
    for index, moment in enumerate(order[: args.kills]):
        ok = one_kill(index, moment, data, runs, rng, tally, finished)
        name = f"chaos-{index:03d}"
        if finished and not args.keep and (moment != "report" or ok):
            shutil.rmtree(runs / finished, ignore_errors=True)  # it survived: done with it
        finished = name if ok and moment != "report" else None
    print(summary(tally, time.monotonic() - start, args.seed), flush=True)
    if not args.keep and not tally.failures and args.work_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if tally.survived == tally.kills else 1


if __name__ == "__main__":
    sys.exit(main())
