"""Time tunekit's trials against a plain Keras loop over the same models, data and epochs.

Usage: python benchmarks/trial_overhead.py [--subset N] [--epochs E] [--repeats R]
                                           [--space S] [--keep best|all|none]

Both sides train the same variants of the reference MLP (the one-factor plan of
``--space``, reference first) on Fashion-MNIST for exactly E epochs each (patience is
set above E, so early stopping cannot end either side sooner), with the same seeds:

- plain: for each variant, ``keras.backend.clear_session()`` (as keras-tuner does
  before every build), build and compile, ``model.fit``, ``model.evaluate`` on the test
  split, in one loop. It runs as many batches per call as tunekit does
  (``steps_per_execution``), so only tunekit's machinery differs; ``benchmarks/peer.py``
  measures that setting against Keras's default;
- tunekit: the same variants as one study: keras-tuner's oracle, trial files, records,
  best-weight tracking, checkpoints, each test image's prediction.

tunekit's time per trial runs from the first trial's start to the last trial's end,
divided by the trials, so it holds every between-trial step but not the one-off
start-up (imports, data loading). The **fixed cost per trial** is tunekit's time per
trial minus plain's: what tunekit adds to a trial whatever its length. The sides
alternate ``--repeats`` times and the medians are printed; the last line is
``fixed cost per trial X s``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def variants(space: str, subset: int | None) -> list[dict[str, Any]]:
    """The values of each trial of the one-factor study of ``space``, in its order."""
    from tunekit.config import DataSpec, StudySpec
    from tunekit.tuning.study import prepare_study

    spec = StudySpec(family="mlp", spaces=(space,), data=DataSpec("fashion_mnist", subset=subset))
    return [dict(v.values) for v in prepare_study(spec, Path(".")).plan]


def plain_loop(values: list[dict[str, Any]], data: Any, epochs: int, seed: int) -> float:
    """Seconds per model of a plain Keras loop: clear, build, fit, evaluate."""
    import keras

    from tunekit.hypermodels import DataShape, get_family
    from tunekit.tuning.training import STEPS_PER_EXECUTION

    family = get_family("mlp")
    start = time.perf_counter()
    for vals in values:
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        model = family.build(vals, DataShape((28, 28), 10))
        model.steps_per_execution = STEPS_PER_EXECUTION  # as tunekit trains
        model.fit(
            data.train.x, data.train.y, validation_data=(data.val.x, data.val.y),
            epochs=epochs, batch_size=family.batch_size(vals), verbose=0,
        )  # fmt: skip
        model.evaluate(data.test.x, data.test.y, batch_size=512, verbose=0)
    return (time.perf_counter() - start) / len(values)


def tunekit_study(
    space: str, subset: int | None, epochs: int, seed: int, keep: str
) -> tuple[float, float, int]:
    """Seconds per trial of the tunekit study, summed ``fit`` seconds per trial, trials."""
    from tunekit.config import DataSpec, KeepCheckpoints, StudySpec, TrainSettings
    from tunekit.tuning.events import NullObserver
    from tunekit.tuning.study import prepare_study, run_study

    class Clock(NullObserver):
        """Notes when the first trial starts and the last one ends."""

        first: float | None = None
        last = 0.0

        def trial_started(self, record: Any, number: int) -> None:
            self.first = self.first or time.perf_counter()

        def trial_ended(self, record: Any) -> None:
            self.last = time.perf_counter()

    spec = StudySpec(
        family="mlp",
        spaces=(space,),
        data=DataSpec("fashion_mnist", subset=subset),
        train=TrainSettings(
            epochs=epochs,
            patience=epochs + 1,
            seed=seed,
            keep_checkpoints=KeepCheckpoints(keep),
            reference_repeats=1,
        ),
    )
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        study = run_study(prepare_study(spec, Path(tmp)), observer=clock)
    n = len(study.records)
    fit = sum(ex.train_seconds for r in study.records for ex in r.executions) / n
    return (clock.last - (clock.first or clock.last)) / n, fit, n


def main() -> None:
    """Run both sides ``--repeats`` times, alternating, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--space", default="width", help="the MLP space whose trials are timed")
    parser.add_argument("--keep", default="best", choices=["best", "all", "none"])
    args = parser.parse_args()

    from tunekit.data import load_dataset

    data = load_dataset("fashion_mnist", subset=args.subset)
    values = variants(args.space, args.subset)
    plain_loop(values[:1], load_dataset("fashion_mnist", subset=2000), 1, 0)  # warm up
    plain, tunekit, fit = [], [], []
    for _ in range(args.repeats):
        plain.append(plain_loop(values, data, args.epochs, 42))
        per_trial, fit_per_trial, trials = tunekit_study(
            args.space, args.subset, args.epochs, 42, args.keep
        )
        tunekit.append(per_trial)
        fit.append(fit_per_trial)
    p, t, f = (statistics.median(v) for v in (plain, tunekit, fit))
    n = args.subset or 55000
    print(f"MLP {args.space} study: {trials} trials, {n} training images, {args.epochs} epochs")
    print(f"medians of {args.repeats} alternating runs (seconds per trial)")
    print(f"plain keras loop   : {p:6.2f} s   runs {[round(v, 2) for v in plain]}")
    print(f"tunekit            : {t:6.2f} s   runs {[round(v, 2) for v in tunekit]}")
    print(f"tunekit fit alone  : {f:6.2f} s")
    print(f"ratio tunekit / plain {t / p:.3f}")
    print(f"fixed cost per trial {t - p:.2f} s")


if __name__ == "__main__":
    main()
