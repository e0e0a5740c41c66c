"""The same one-factor study with plain keras-tuner and with tunekit: wall time and accuracy.

Usage: python benchmarks/peer.py [--space width|S1,S2,...|all] [--subset N] [--epochs E]
                                 [--patience P] [--repeats R]

Both sides study spaces of the reference MLP (``tunekit spaces mlp``) on Fashion-MNIST, one
at a time: every value of a space, the others at the reference, one execution each, at most E
epochs with early stopping on ``val_loss`` (patience P, best weights restored), batch
size 32, seed 42 set before every model is built, the same arrays (the first N training
images; validation and test full). In one process, alternating, R times:

- plain: for each space, a ``keras_tuner.GridSearch`` over its values (the other
  hyper-parameters fixed at the reference) of ``tunekit.hypermodels.MLPHyperModel``,
  as a keras-tuner user runs a one-factor study, so the reference is trained once per
  space; the same model
  code with Keras's default ``compile`` settings and keras-tuner's own training loop,
  with ``EarlyStopping(restore_best_weights=True)``; then each trial's model is loaded
  and evaluated on the test split, outside the timed part;
- tunekit: ``tunekit.run_study("mlp", SPACES, reference_repeats=1, ...)``, one study
  that trains the reference once for all its spaces, and also
  loads and fingerprints the data, writes records, evaluates every trial on the test
  split and keeps the best weights, all inside the timed part.

Prints both wall times, both tables of accuracies (validation at the best epoch, test
of the best weights) and, last, ``ratio R`` (tunekit wall time / plain wall time,
medians over the repeats).
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

SEED = 42
BATCH_SIZE = 32  # the reference's; MLPHyperModel.fit uses the trial's own


def run_plain(data: Any, hp: str, choices: list[Any], epochs: int, patience: int, root: Path):
    """Wall seconds of the plain search of one space, and (value, val acc, test acc) rows."""
    import keras
    import keras_tuner as kt

    from tunekit.hypermodels import MLPHyperModel

    space = kt.HyperParameters()
    space.Choice(hp, choices, ordered=False)  # the others stay at the reference, fixed
    keras.utils.set_random_seed(SEED)
    start = time.perf_counter()
    tuner = kt.GridSearch(
        MLPHyperModel((28, 28), 10), objective="val_accuracy", seed=SEED,
        hyperparameters=space, tune_new_entries=False, directory=root, project_name=f"plain-{hp}",
    )  # fmt: skip
    tuner.search(
        data.train.x, data.train.y, validation_data=(data.val.x, data.val.y),
        epochs=epochs, verbose=0,
        callbacks=[keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)],
    )  # fmt: skip
    wall = time.perf_counter() - start
    rows = []
    for trial in tuner.oracle.get_best_trials(len(choices)):
        model = tuner.load_model(trial)
        value = trial.hyperparameters.get(hp)
        targets = tuner.hypermodel.encode(trial.hyperparameters, data.test.y)  # as the loss wants
        metrics = model.evaluate(data.test.x, targets, batch_size=512, verbose=0, return_dict=True)
        test = metrics["accuracy"]
        rows.append((value, trial.score, float(test)))
    return wall, sorted(rows, key=lambda row: choices.index(row[0]))


def run_tunekit(
    spaces: str, hps: list[str], subset: int | None, epochs: int, patience: int, root: Path
):
    """Wall seconds of the tunekit study, and for each hp its (value, val, test) rows.

    The reference's row is given under every hp, as each plain search trains it.
    """
    import tunekit

    start = time.perf_counter()
    study = tunekit.run_study(
        "mlp", spaces, subset=subset, epochs=epochs, patience=patience, seed=SEED,
        reference_repeats=1, directory=root, name="tunekit",
    )  # fmt: skip
    wall = time.perf_counter() - start
    rows: dict[str, list[tuple[Any, float, float]]] = {hp: [] for hp in hps}
    for record in study.trials:
        execution = record.executions[0]
        val, test = execution.val_metrics["accuracy"], execution.test_metrics["accuracy"]
        for hp in hps if record.hp == "" else [record.hp]:
            rows[hp].append((record.hyperparameters[hp], val, test))
    return wall, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="width")
    parser.add_argument("--subset", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()

    from tunekit.data import load_dataset
    from tunekit.hypermodels import get_family
    from tunekit.tuning.plan import space_values

    family = get_family("mlp")
    spaces = family.resolve_spaces(tuple(args.space.split(",")))
    choices = {space.hp: list(space_values(space, family.reference)) for space in spaces}
    data = load_dataset("fashion_mnist", subset=args.subset)
    plain_times, tunekit_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            root = Path(tmp) / str(repeat)
            wall, plain_rows = 0.0, {}
            for hp, values in choices.items():
                seconds, plain_rows[hp] = run_plain(
                    data, hp, values, args.epochs, args.patience, root
                )
                wall += seconds
            plain_times.append(wall)
            wall, tunekit_rows = run_tunekit(
                args.space, list(choices), args.subset, args.epochs, args.patience, root
            )
            tunekit_times.append(wall)
    plain, ours = statistics.median(plain_times), statistics.median(tunekit_times)
    n = args.subset or 55_000
    trials = sum(len(v) for v in choices.values())
    print(
        f"mlp, spaces {args.space} ({trials} values), {n} training images, at most "
        f"{args.epochs} epochs (patience {args.patience}), batch {BATCH_SIZE} unless the space "
        f"is batch_size, seed {SEED}, {args.repeats} repeat(s), medians"
    )
    for side, rows, wall in (
        ("plain keras-tuner", plain_rows, plain),
        ("tunekit", tunekit_rows, ours),
    ):
        print(f"\n{side}: {wall:.1f} s")
        print(f"  {'hyper-parameter':<20} {'value':<22} {'val acc':>8} {'test acc':>9}")
        for hp, hp_rows in rows.items():
            for value, val, test in hp_rows:
                print(f"  {hp:<20} {value!s:<22} {val:>8.4f} {test:>9.4f}")
    print(f"\nratio {ours / plain:.3f}")


if __name__ == "__main__":
    main()
