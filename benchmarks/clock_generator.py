"""Throughput of the synthetic clock generator (a script: it prints its measurements).

Run with ``python benchmarks/clock_generator.py [--n 18000] [--sizes 150 75] [--repeat 3]
[--style full]``. The first call per size includes building the 720-frame atlas (or the
design faces) and the wall textures, which are cached afterwards; both the cold and the best
warm time are reported.
"""

from __future__ import annotations

import argparse
import os
import time

from tunekit.data._clock_art import clock_atlas, wall_textures
from tunekit.data._clock_designs import design_atlas, design_walls
from tunekit.data.clocks import STYLE_PRESETS, ClockStyle, _cpus, generate_clocks


def main() -> None:
    """Time ``generate_clocks`` for each requested size and print seconds and images/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=18_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 75])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--style", choices=list(STYLE_PRESETS), default="full")
    args = parser.parse_args()
    style = STYLE_PRESETS[args.style]
    load = os.getloadavg()[0]
    print(f"cpus used={_cpus()}  load average={load:.2f}  n={args.n}  style={args.style}")
    for size in args.sizes:
        for cache in (clock_atlas, wall_textures, design_atlas, design_walls):
            cache.cache_clear()
        cold, cold_cpu = _timed(args.n, size, args.seed, style)
        warm = [_timed(args.n, size, args.seed, style) for _ in range(args.repeat)]
        best, best_cpu = min(warm) if warm else (cold, cold_cpu)
        print(
            f"{args.n} images @ {size}x{size}: cold {cold:.2f} s ({args.n / cold:,.0f} img/s, "
            f"cpu {cold_cpu:.2f} s), best warm {best:.2f} s ({args.n / best:,.0f} img/s, "
            f"cpu {best_cpu:.2f} s)"
        )


def _timed(n: int, size: int, seed: int, style: ClockStyle) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one ``generate_clocks`` call.

    CPU time is all threads together; comparing it with wall time shows how much the
    threads overlapped and how much other processes on the machine slowed the run.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    generate_clocks(n, image_size=size, seed=seed, style=style)
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
