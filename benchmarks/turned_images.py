"""Throughput of turning images (``training_clocks=turned``), and what it adds to an epoch.

Run with ``python benchmarks/turned_images.py [--sizes 64 150] [--n 2048] [--repeat 5]
[--epochs]``. It prints images/s of ``turn_images`` on batches of 64 with a thread per
core and with one thread (the best of ``--repeat`` passes over ``--n`` images). With
``--epochs`` it also times one warm epoch of the clock family's reference model (the
seed's backbone) on ``--n`` clocks: on the fixed arrays, and on ``TurnedClocks``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from tunekit.data import turned_images
from tunekit.data.clocks import clock_style, generate_clocks

BATCH = 64


def main() -> None:
    """Print the turning throughput per size and, with ``--epochs``, the epoch times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 150])
    parser.add_argument("--n", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--epochs", action="store_true", help="also time a model's epoch")
    args = parser.parse_args()
    cpus = turned_images._cpus()
    print(f"cpus={cpus}  load average={os.getloadavg()[0]:.2f}  n={args.n}  batch={BATCH}")
    for size in args.sizes:
        images, labels = generate_clocks(args.n, image_size=size, seed=0, style=clock_style("full"))
        degrees = np.random.default_rng(0).uniform(0.0, 360.0, args.n)
        for threads in sorted({cpus, 1}, reverse=True):
            turned_images._cpus = lambda threads=threads: threads
            best = min(_turn_all(images, degrees) for _ in range(args.repeat))
            print(f"{size}x{size}, {threads} thread(s): {args.n / best:,.0f} images/s")
        turned_images._cpus = lambda: cpus
        if args.epochs:
            fixed, turned = _epochs(images, labels)
            print(
                f"{size}x{size}, one epoch of the reference model on {args.n} clocks: fixed "
                f"{fixed:.2f} s, turned {turned:.2f} s ({turned / fixed - 1:+.0%})"
            )


def _turn_all(images: np.ndarray, degrees: np.ndarray) -> float:
    """Seconds to turn ``images`` batch by batch, as ``TurnedClocks`` does."""
    start = time.perf_counter()
    for i in range(0, len(images), BATCH):
        turned_images.turn_images(images[i : i + BATCH], degrees[i : i + BATCH])
    return time.perf_counter() - start


def _epochs(images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Seconds of the second epoch of the reference model: on the arrays, then turned."""
    import keras

    from tunekit.data.fresh_clocks import TurnedClocks
    from tunekit.hypermodels._family import DataShape
    from tunekit.hypermodels.clock import REFERENCE, build_clock, encode

    class EpochTimes(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seconds: list[float] = []

        def on_epoch_begin(self, epoch: int, logs: object = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: object = None) -> None:
            self.seconds.append(time.perf_counter() - self.start)

    values = {**REFERENCE, "batch_size": BATCH}
    targets = encode(values["representation"], labels)
    seconds = []
    for turned in (False, True):
        keras.utils.set_random_seed(0)
        model = build_clock(values, DataShape(images.shape[1:], 0))
        times = EpochTimes()
        if turned:
            data = TurnedClocks(
                images, labels, lambda y: encode(values["representation"], y), BATCH, seed=0
            )
            model.fit(data, steps_per_epoch=data.steps_per_epoch, epochs=2, shuffle=False,
                      verbose=0, callbacks=[times])  # fmt: skip
        else:
            model.fit(images, targets, batch_size=BATCH, epochs=2, verbose=0,
                      callbacks=[times])  # fmt: skip
        seconds.append(times.seconds[-1])  # the first epoch also traces the graph
    return seconds[0], seconds[1]


if __name__ == "__main__":
    main()
