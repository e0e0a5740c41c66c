"""Time a tunekit grid on a user's build function against plain keras-tuner on the same one.

Usage: python benchmarks/user_overhead.py [--space units] [--train N] [--val-size V]
                                          [--epochs E] [--patience P] [--repeats R]

Both sides search ``build`` of ``examples/my_model.py``, unchanged, over the same grid
(the hyper-parameters named by ``--space``; the others keep their defaults), on the same
arrays (``examples/make_data.py``'s images, written to a temporary ``.npz``, the last V
training images held out for validation), for at most E epochs with early stopping on
``val_loss`` (patience P; the default E + 1 trains every trial exactly E epochs), batch
size 32, one execution per trial, seed 42 set before every model is built. In one
process, alternating, R times:

- plain: ``keras_tuner.GridSearch(...).search(...)`` with ``EarlyStopping``;
- tunekit: ``tunekit.run_study(FILE.py:build, SPACE, tuner="grid", ...)``, which also
  loads and fingerprints the ``.npz``, writes a record per trial, keeps the best
  weights and evaluates each trial's best weights on the test split.

Prints wall seconds, trials and seconds per trial of each side, the best validation
accuracy each found, and, last, ``overhead_per_trial_s`` (tunekit minus plain, per trial,
medians over the repeats).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import tempfile
import time
from pathlib import Path
from types import ModuleType

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MODEL = EXAMPLES / "my_model.py"
SEED = 42
BATCH_SIZE = 32  # keras's default, which tunekit uses for a user's model


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_data(path: Path, train: int, test: int) -> Path:
    """``examples/make_data.py``'s arrays (``train`` + ``test`` images) as ``path``."""
    import numpy as np

    make = _module(EXAMPLES / "make_data.py").make
    rng = np.random.default_rng(0)
    x_train, y_train = make(train, rng)
    x_test, y_test = make(test, rng)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def plain_search(
    data: Path, spaces: list[str], val_size: int, epochs: int, patience: int, work: Path
) -> tuple[float, int, float]:
    """Wall seconds, trials and best val_accuracy of plain keras-tuner's grid search."""
    import keras
    import keras_tuner
    import numpy as np

    build = _module(MODEL).build
    start = time.perf_counter()
    with np.load(data) as arrays:
        x, y = arrays["x_train"].astype("float32") / 255, arrays["y_train"]
    x_train, y_train, x_val, y_val = x[:-val_size], y[:-val_size], x[-val_size:], y[-val_size:]
    defaults = keras_tuner.HyperParameters()
    build(defaults)
    fixed = keras_tuner.HyperParameters()
    for name, value in defaults.values.items():
        if name not in spaces:
            fixed.Fixed(name, value)

    def seeded_build(hp: keras_tuner.HyperParameters) -> keras.Model:
        keras.utils.set_random_seed(SEED)
        return build(hp)

    tuner = keras_tuner.GridSearch(
        seeded_build, objective="val_accuracy", hyperparameters=fixed, seed=SEED,
        directory=str(work), project_name="plain", overwrite=True,
    )  # fmt: skip
    tuner.search(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=BATCH_SIZE,
        callbacks=[keras.callbacks.EarlyStopping("val_loss", patience=patience)], verbose=0,
    )  # fmt: skip
    wall = time.perf_counter() - start
    trials = tuner.oracle.trials.values()
    best = max(t.score for t in trials if t.score is not None)
    return wall, len(trials), best


def tunekit_search(
    data: Path, spaces: list[str], val_size: int, epochs: int, patience: int, work: Path
) -> tuple[float, int, float]:
    """Wall seconds, trials and best val_accuracy of the same grid as a tunekit study."""
    import tunekit

    start = time.perf_counter()
    study = tunekit.run_study(
        f"{MODEL}:build", spaces, data=data, validation_size=val_size, epochs=epochs,
        patience=patience, seed=SEED, tuner="grid", directory=work, name="tunekit",
    )  # fmt: skip
    wall = time.perf_counter() - start
    best = study.best_trial
    return wall, len(study.trials), best.score if best is not None else float("nan")


def warm_up(data: Path, val_size: int) -> None:
    """Train the default model for one epoch, so neither side pays TensorFlow's start-up."""
    import keras
    import keras_tuner
    import numpy as np

    with np.load(data) as arrays:
        x, y = arrays["x_train"][: 2 * val_size].astype("float32") / 255, arrays["y_train"]
    model = _module(MODEL).build(keras_tuner.HyperParameters())
    model.fit(x, y[: len(x)], epochs=1, batch_size=BATCH_SIZE, verbose=0)
    keras.backend.clear_session()


def main() -> None:
    """Run both sides ``--repeats`` times, alternating, and print a table of the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="units", help="comma-separated hyper-parameters")
    parser.add_argument("--train", type=int, default=1000, help="training images, with val")
    parser.add_argument("--val-size", type=int, default=200)
    parser.add_argument("--test", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--patience", type=int, default=None, help="default: epochs + 1")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    spaces = args.space.split(",")
    patience = args.patience if args.patience is not None else args.epochs + 1
    sides = {"plain keras-tuner": plain_search, "tunekit": tunekit_search}
    runs: dict[str, list[tuple[float, int, float]]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory() as tmp:
        data = write_data(Path(tmp) / "tiny.npz", args.train, args.test)
        warm_up(data, args.val_size)
        for repeat in range(args.repeats):
            for side, search in sides.items():
                work = Path(tmp) / f"{side.split()[0]}-{repeat}"
                runs[side].append(search(data, spaces, args.val_size, args.epochs, patience, work))
    print(
        f"examples/my_model.py:build, grid over {args.space}, {args.train - args.val_size} "
        f"train / {args.val_size} val / {args.test} test images, {args.epochs} epochs "
        f"(patience {patience}), batch {BATCH_SIZE}, seed {SEED}, {args.repeats} repeat(s)"
    )
    print(
        f"{'side':<18} {'wall (s)':>9} {'trials':>7} {'s/trial':>8} {'best val_acc':>13}"
        "  each repeat (s)"
    )
    per_trial = {}
    for side, results in runs.items():
        wall = statistics.median(r[0] for r in results)
        trials = results[0][1]
        assert all(r[1] == trials for r in results), results
        per_trial[side] = wall / trials
        best = statistics.median(r[2] for r in results)
        each = ", ".join(f"{r[0]:.2f}" for r in results)
        print(f"{side:<18} {wall:>9.2f} {trials:>7} {per_trial[side]:>8.2f} {best:>13.4f}  {each}")
    plain_trials, tunekit_trials = (runs[side][0][1] for side in sides)
    if plain_trials != tunekit_trials:
        print(f"warning: the grids differ ({plain_trials} against {tunekit_trials} trials)")
    overhead = per_trial["tunekit"] - per_trial["plain keras-tuner"]
    print(f"{'difference':<18} {'':>9} {'':>7} {overhead:>+8.2f}   (tunekit minus plain)")
    print(f"overhead_per_trial_s {overhead:.2f}")


if __name__ == "__main__":
    main()
