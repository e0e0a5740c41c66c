"""Fresh-clock training with and without glibc's thresholds put back (``tunekit.tuning.heap``).

Run with ``python benchmarks/malloc_thresholds.py [--clocks 1024] [--epochs 2]``. It trains
the dial reader on fresh varied 128-pixel clocks (a ``FreshClocks`` dataset, which Keras
feeds through a TensorFlow generator dataset), once as TensorFlow leaves glibc and once
with ``KeepFreedMemory``, each in a process of its own, and prints clocks per second, user
and system CPU seconds and minor page faults for both.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def train(clocks: int, epochs: int, keep: bool) -> dict[str, float]:
    """Train ``epochs`` epochs of ``clocks`` fresh clocks after a warm-up batch."""
    import keras

    from tunekit.data.clocks import ClockRecipe, clock_style
    from tunekit.data.fresh_clocks import FreshClocks
    from tunekit.hypermodels.clock_dial import dial_model, encode_dial
    from tunekit.tuning.heap import keep_freed_memory_callback

    recipe = ClockRecipe(clocks, 128, 0, clock_style("varied"))
    inputs = keras.Input((128, 128))
    outputs, losses = dial_model(keras, inputs, 128)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.002), loss=losses)
    data = FreshClocks(recipe, encode_dial, 64, lambda epoch: 180.0, geometry=True)
    callbacks = [keep_freed_memory_callback()] if keep else []
    model.fit(data, steps_per_epoch=2, epochs=1, verbose=0, callbacks=callbacks)  # warm-up
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    model.fit(data, steps_per_epoch=data.steps_per_epoch, epochs=epochs + 1, initial_epoch=1,
              shuffle=False, verbose=0, callbacks=callbacks)  # fmt: skip
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    return {
        "clocks_per_second": round(clocks * epochs / seconds, 1),
        "user_s": round(after.ru_utime - before.ru_utime, 1),
        "system_s": round(after.ru_stime - before.ru_stime, 1),
        "minor_page_faults": after.ru_minflt - before.ru_minflt,
    }


def main() -> None:
    """Run both settings, each in a fresh process, and print a line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--one", choices=("tensorflow", "kept"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(train(args.clocks, args.epochs, args.one == "kept")))
        return
    for setting in ("tensorflow", "kept"):
        command = [sys.executable, __file__, "--one", setting]
        command += ["--clocks", str(args.clocks), "--epochs", str(args.epochs)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{setting:>10}: " + ", ".join(f"{k} {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
