"""Time a tunekit trial against plain ``model.fit`` on the same model, data and epochs.

Usage: python benchmarks/trial_overhead.py [--subset N] [--epochs E] [--repeats R]

Both sides train the reference MLP on Fashion-MNIST for exactly E epochs (patience is
set above E so early stopping cannot end either side sooner), with the same seed. The
tunekit side is a whole one-factor study of one trial: keras-tuner's oracle, trial
files, record writing, best-weight tracking and the test evaluation. Prints seconds
per epoch for both and their ratio (target: 1.05 or less).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def plain_fit(subset: int | None, epochs: int, seed: int) -> float:
    """Seconds for the reference MLP trained with ``model.fit`` alone, plus test evaluation."""
    import keras

    from tunekit.data import load_dataset
    from tunekit.hypermodels import DataShape, get_family

    family = get_family("mlp")
    data = load_dataset("fashion_mnist", subset=subset)
    keras.utils.set_random_seed(seed)
    model = family.build(family.reference, DataShape((28, 28), 10))
    start = time.perf_counter()
    model.fit(
        data.train.x, data.train.y, validation_data=(data.val.x, data.val.y),
        epochs=epochs, batch_size=32, verbose=0,
    )  # fmt: skip
    model.evaluate(data.test.x, data.test.y, batch_size=512, verbose=0)
    return time.perf_counter() - start


def tunekit_trial(subset: int | None, epochs: int, seed: int) -> tuple[float, float, float]:
    """Wall seconds of a one-trial tunekit study, the trial's time and its ``fit`` time."""
    from tunekit.config import DataSpec, KeepCheckpoints, StudySpec, TrainSettings
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="mlp",
        spaces=("width",),
        data=DataSpec("fashion_mnist", subset=subset),
        train=TrainSettings(
            epochs=epochs, patience=epochs + 1, seed=seed, keep_checkpoints=KeepCheckpoints.NONE
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        prepared = prepare_study(spec, Path(tmp))
        prepared = type(prepared)(prepared.spec, prepared.study_dir, prepared.plan[:1])
        start = time.perf_counter()
        study = run_study(prepared)
        wall = time.perf_counter() - start
    (record,) = study.records
    return wall, record.wall_seconds, record.executions[0].train_seconds


def main() -> None:
    """Run both sides ``--repeats`` times, alternating, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    plain, study, trial, fit = [], [], [], []
    plain_fit(2000, 1, 0)  # warm up TensorFlow before timing either side
    for _ in range(args.repeats):
        plain.append(plain_fit(args.subset, args.epochs, 42))
        wall, record_seconds, fit_seconds = tunekit_trial(args.subset, args.epochs, 42)
        study.append(wall)
        trial.append(record_seconds)
        fit.append(fit_seconds)
    med = sorted(plain)[len(plain) // 2], sorted(trial)[len(trial) // 2]
    wall = sorted(study)[len(study) // 2]
    fit_med = sorted(fit)[len(fit) // 2]
    n = args.subset or 55000
    print(f"reference MLP, {n} training images, {args.epochs} epochs, {args.repeats} repeats")
    print(f"plain model.fit + evaluate : {med[0]:7.1f} s  ({med[0] / args.epochs:.2f} s/epoch)")
    print(f"tunekit trial (record time): {med[1]:7.1f} s  ({med[1] / args.epochs:.2f} s/epoch)")
    print(f"tunekit study, wall        : {wall:7.1f} s  (includes data loading, tuner set-up)")
    print(f"tunekit fit alone          : {fit_med:7.1f} s  (early stopping, best weights)")
    print(f"ratio trial / plain        : {med[1] / med[0]:.3f}")
    print(f"ratio study wall / plain   : {wall / med[0]:.3f}")


if __name__ == "__main__":
    main()
