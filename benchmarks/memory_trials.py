"""Resident memory across the trials of one search: does it stay flat?

Usage: python benchmarks/memory_trials.py [--trials 30] [--subset 3000] [--epochs 2]
       python benchmarks/memory_trials.py --workers 1 [--trials 30] ...

Runs a random search of the reference MLP's dropout, optimizer, batch size, widths
and initialiser on a Fashion-MNIST subset. Without ``--workers`` it runs in this
process and reads its resident set size (``VmRSS``) after every trial: it prints RSS
per trial, the growth from trial 5 to the last (after TensorFlow's one-off start-up
allocations) and the peak (``VmHWM``). With ``--workers N`` it runs ``tunekit study
... --workers N`` and samples the RSS of the chief and of every worker process twice
a second: it prints the peak of each (local workers are replaced every
``TRIALS_PER_PROCESS`` trials). ``--plain`` trains the same number of models with bare
Keras (``clear_session`` and ``gc.collect`` before and after each), no tunekit, to
tell Keras's own growth from tunekit's. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _status_mb(field: str, pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _spec_args(args: argparse.Namespace) -> list[str]:
    return [
        "mlp", "--space", "dropout,optimizer,batch_size,widths,init", "--tuner", "random",
        "--max-trials", str(args.trials), "--subset", str(args.subset),
        "--val-size", str(args.subset // 5), "--epochs", str(args.epochs),
        "--patience", str(args.epochs),
    ]  # fmt: skip


def plain_keras(args: argparse.Namespace) -> None:
    """Train ``--trials`` random MLPs with bare Keras and print RSS after each."""
    import gc
    import random

    import keras

    from tunekit.data import load_dataset
    from tunekit.hypermodels import DataShape, get_family

    family = get_family("mlp")
    data = load_dataset("fashion_mnist", subset=args.subset, validation_size=args.subset // 5)
    pick = random.Random(0)
    rss = []
    for _ in range(args.trials):
        values = {**family.reference}
        for name in ("dropout", "optimizer", "batch_size", "widths", "init"):
            values[name] = pick.choice(family.spaces[name].values)
        keras.backend.clear_session()
        gc.collect()
        model = family.build(values, DataShape((28, 28), 10))
        model.fit(
            data.train.x, data.train.y, validation_data=(data.val.x, data.val.y),
            epochs=args.epochs, batch_size=values["batch_size"], verbose=0,
        )  # fmt: skip
        model.evaluate(data.test.x, data.test.y, batch_size=512, verbose=0)
        del model
        keras.backend.clear_session()
        gc.collect()
        rss.append(_status_mb("VmRSS"))
    print(f"bare Keras, {args.trials} MLPs: RSS (MB) " + " ".join(f"{r:.0f}" for r in rss))
    _summary(rss)


def _summary(rss: list[float]) -> None:
    base = rss[min(4, len(rss) - 1)]
    growth = (rss[-1] - base) / max(len(rss) - 5, 1)
    print(f"RSS after trial 5: {base:.0f} MB, after trial {len(rss)}: {rss[-1]:.0f} MB "
          f"({growth:+.1f} MB per trial)")  # fmt: skip
    print(f"peak RSS (VmHWM): {_status_mb('VmHWM'):.0f} MB")


def with_workers(args: argparse.Namespace) -> None:
    """Run the search with ``--workers`` and print the chief's and workers' peak RSS."""
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "tunekit", "study", *_spec_args(args),
                   "--workers", str(args.workers), "--dir", tmp]  # fmt: skip
        start = time.perf_counter()
        chief = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        while chief.poll() is None:
            for pid in [chief.pid, *_children(chief.pid)]:
                with contextlib.suppress(OSError, RuntimeError):
                    peaks[pid] = max(peaks.get(pid, 0.0), _status_mb("VmRSS", str(pid)))
            time.sleep(0.5)
        seconds = time.perf_counter() - start
    workers = [mb for pid, mb in peaks.items() if pid != chief.pid]
    print(f"{args.trials} trials of the MLP, {args.subset} images, {args.epochs} epochs, "
          f"--workers {args.workers}: {seconds:.0f} s")  # fmt: skip
    print(f"chief peak RSS: {peaks.get(chief.pid, 0):.0f} MB")
    print(f"{len(workers)} worker processes, peak RSS each (MB): "
          + ", ".join(f"{mb:.0f}" for mb in workers))  # fmt: skip
    print(f"highest worker peak: {max(workers, default=0):.0f} MB")


class MemoryObserver:
    """A study observer that notes the process's RSS when each trial ends."""

    def __init__(self) -> None:
        self.rss: list[float] = []
        self.labels: list[str] = []

    def study_started(self, start: object) -> None:  # noqa: D102
        pass

    def trial_started(self, record: object, number: int) -> None:  # noqa: D102
        pass

    def epoch_ended(self, *args: object) -> None:  # noqa: D102
        pass

    def workers_started(self, address: str, workers: int) -> None:  # noqa: D102
        pass

    def trial_ended(self, record: object) -> None:  # noqa: D102
        self.rss.append(_status_mb("VmRSS"))
        self.labels.append(getattr(record, "label", ""))


def main() -> None:
    """Run the search and print RSS per trial, growth and peak."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--subset", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    if args.workers:
        with_workers(args)
        return
    if args.plain:
        plain_keras(args)
        return

    from tunekit.config import (
        DataSpec,
        KeepCheckpoints,
        SearchSettings,
        StudySpec,
        TrainSettings,
        TunerKind,
    )
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="mlp",
        spaces=("dropout", "optimizer", "batch_size", "widths", "init"),
        data=DataSpec("fashion_mnist", subset=args.subset, validation_size=args.subset // 5),
        train=TrainSettings(
            epochs=args.epochs, patience=args.epochs, keep_checkpoints=KeepCheckpoints.BEST
        ),
        tuner=TunerKind.RANDOM,
        search=SearchSettings(max_trials=args.trials),
    )
    observer = MemoryObserver()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        study = run_study(prepare_study(spec, Path(tmp)), observer=observer)
    seconds = time.perf_counter() - start
    print(f"{len(study.records)} trials of the MLP, {args.subset} images, {args.epochs} epochs")
    print("trial  RSS (MB)  model")
    for number, (rss, label) in enumerate(zip(observer.rss, observer.labels, strict=True), 1):
        print(f"{number:5d}  {rss:8.0f}  {label}")
    _summary(observer.rss)
    print(f"{seconds:.0f} s in all")


if __name__ == "__main__":
    main()
