"""Time one family's training under each speed lever, and check the results stay the same.

Usage: python benchmarks/levers.py [--family mlp|cnn] [--subset N] [--epochs E]
                                   [--steps 1,8,32,128] [--jit] [--tensors] [--repeats R]

Each setting trains the family's reference model from the same seed for exactly E
epochs (no early stopping) on the first N Fashion-MNIST training images, with batch
size 32, then evaluates it on the test set. Settings are run in turn, ``--repeats``
times, in one process after a warm-up fit, and the script prints for each: the
median seconds per epoch, the speed-up over ``steps_per_execution=1``, the test
accuracy and the largest difference of any weight from the first setting's weights
(0 means the setting changes nothing but time). The backend is the one
``KERAS_BACKEND`` names (run the script again with ``KERAS_BACKEND=jax`` to compare).
``--tensors`` also trains each ``steps`` from arrays turned into TensorFlow tensors
before the timed part, as they would be if kept as tensors between trials.
The last line is ``best S``: the fastest setting whose weights match.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def train_once(
    family: str, subset: int, epochs: int, steps: int, jit: bool, tensors: bool = False
) -> tuple:
    """Seconds per epoch, test accuracy and final weights of one training."""
    import keras
    import numpy as np

    from tunekit.data import load_dataset
    from tunekit.hypermodels import DataShape, get_family

    data = load_dataset("fashion_mnist", subset=subset)
    arrays = [data.train.x, data.train.y, data.val.x, data.val.y]
    if tensors:  # made once, outside the timed part, as if kept between trials
        import tensorflow as tf

        arrays = [tf.convert_to_tensor(a) for a in arrays]
    x, y, x_val, y_val = arrays
    spec = get_family(family)
    keras.utils.set_random_seed(42)
    model = spec.build(spec.reference, DataShape(tuple(data.train.x.shape[1:]), 10))
    model.steps_per_execution = steps  # what tunekit sets after the family compiles
    model.jit_compile = jit
    start = time.perf_counter()
    model.fit(x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=32, verbose=0)
    per_epoch = (time.perf_counter() - start) / epochs
    metrics = model.evaluate(data.test.x, data.test.y, batch_size=512, verbose=0, return_dict=True)
    weights = [np.asarray(w) for w in model.get_weights()]
    return per_epoch, float(metrics.get("accuracy", float("nan"))), weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="mlp", choices=("mlp", "cnn"))
    parser.add_argument("--subset", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--steps", default="1,8,32,128")
    parser.add_argument("--jit", action="store_true", help="also try jit_compile=True")
    parser.add_argument("--tensors", action="store_true", help="also train from tf tensors")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    plain = [(int(s), False, False) for s in args.steps.split(",")]
    settings = list(plain)
    if args.jit:
        settings += [(steps, True, False) for steps, _, _ in plain]
    if args.tensors:
        settings += [(steps, False, True) for steps, _, _ in plain]
    train_once(args.family, 2000, 1, 1, False)  # warm up the backend before timing
    times: dict[tuple[int, bool, bool], list[float]] = {s: [] for s in settings}
    results: dict[tuple[int, bool, bool], tuple[float, list]] = {}
    for _ in range(args.repeats):
        for setting in settings:
            seconds, accuracy, weights = train_once(args.family, args.subset, args.epochs, *setting)
            times[setting].append(seconds)
            results[setting] = (accuracy, weights)
    import keras
    import numpy as np

    first = results[settings[0]][1]
    base = statistics.median(times[settings[0]])
    print(
        f"{args.family}, {args.subset} images, {args.epochs} epochs, batch 32, "
        f"backend {keras.backend.backend()}, {args.repeats} repeats (median)"
    )
    header = ("steps", "jit", "tensors", "s/epoch", "speed-up", "test acc", "max |dw|")
    widths = (6, 5, 7, 8, 9, 9, 10)
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    best = None
    for setting in settings:
        accuracy, weights = results[setting]
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, first, strict=True))
        median = statistics.median(times[setting])
        steps, jit, tensors = setting
        print(
            f"{steps:>6} {jit!s:>5} {tensors!s:>7} {median:>8.2f} {base / median:>8.2f}x "
            f"{accuracy:>9.4f} {diff:>10.2e}"
        )
        if diff < 1e-5 and (best is None or median < statistics.median(times[best])):
            best = setting
    print(f"best steps_per_execution={best[0]} jit_compile={best[1]} tensors={best[2]}")


if __name__ == "__main__":
    main()
