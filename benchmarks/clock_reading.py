"""How fast a clock reader reads: clocks per second, end to end, as ``tunekit clocks read``.

Run with ``python benchmarks/clock_reading.py MODEL.keras [--n 1800] [--size 150]
[--style full] [--repeat 3] [--turns N] [--centre-rings R] [--dial-scales S]``. It writes
``--n`` generated clocks in the course's format (``images.npy`` and ``labels.npy``,
``--size`` pixels) to a temporary folder, reads them with ``read_clocks`` ``--repeat``
times, and prints the best time: loading the model, resizing the images to its input,
predicting (a dial reader: at ``--turns`` quarter turns, ``--centre-rings`` rings of dial
centres and ``--dial-scales`` sizes of the dial, by default as ``tunekit clocks read``) and
decoding, i.e. what a user waits for.
Its last line is ``clocks per second X`` and the error summary of the last reading.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tunekit.clock_reading import read_clocks
from tunekit.data.clock_files import save_clock_files
from tunekit.data.clocks import clock_style, generate_clocks


def main() -> None:
    """Print the best of ``--repeat`` end-to-end readings, in clocks per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="a clock reader (tunekit best --export)")
    parser.add_argument("--n", type=int, default=1800)
    parser.add_argument("--size", type=int, default=150)
    parser.add_argument("--style", default="full")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--turns", type=int, default=None, help="default: clocks read's")
    parser.add_argument("--centre-rings", type=int, default=None, help="default: clocks read's")
    parser.add_argument("--dial-scales", type=int, default=None, help="default: clocks read's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        images, labels = generate_clocks(
            args.n, image_size=args.size, seed=args.seed, style=clock_style(args.style)
        )
        save_clock_files(folder, images, labels)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            readings = read_clocks(
                [Path(folder) / "images.npy"],
                args.model,
                Path(folder) / "labels.npy",
                args.turns,
                args.centre_rings,
                args.dial_scales,
            )
            times.append(time.perf_counter() - start)
    best = min(times)
    metrics = readings.metrics or {}
    print(
        f"{args.n} {args.style} clocks at {args.size} px, model input {readings.input_size}, "
        f"views {readings.turns} quarter turns x {1 + 8 * readings.centre_rings} dial centres"
        f" x {readings.dial_scales} dial sizes"
    )
    print(f"seconds per reading: {', '.join(f'{t:.2f}' for t in times)}")
    print(
        f"mean error {metrics.get('time_error', float('nan')):.2f} min, "
        f"median {metrics.get('time_error_median', float('nan')):.2f} min"
    )
    print(f"clocks per second {args.n / best:,.0f}")


if __name__ == "__main__":
    main()
