"""Throughput of the synthetic clock generator (a script: it prints its measurements).

Run with ``python benchmarks/clock_generator.py [--n 18000] [--sizes 150 75] [--repeat 3]``.
The first call per size includes building the 720-frame atlas and the wall textures, which
are cached afterwards; both the cold and the best warm time are reported.
"""

from __future__ import annotations

import argparse
import os
import time

from tunekit.data._clock_art import clock_atlas, wall_textures
from tunekit.data.clocks import FULL, _cpus, generate_clocks


def main() -> None:
    """Time ``generate_clocks`` for each requested size and print seconds and images/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=18_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 75])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"cpus used={_cpus()}  load average={os.getloadavg()[0]:.2f}  n={args.n}")
    for size in args.sizes:
        clock_atlas.cache_clear()
        wall_textures.cache_clear()
        cold, cold_cpu = _timed(args.n, size, args.seed)
        warm = [_timed(args.n, size, args.seed) for _ in range(args.repeat)]
        best, best_cpu = min(warm) if warm else (cold, cold_cpu)
        print(
            f"{args.n} images @ {size}x{size}: cold {cold:.2f} s ({args.n / cold:,.0f} img/s, "
            f"cpu {cold_cpu:.2f} s), best warm {best:.2f} s ({args.n / best:,.0f} img/s, "
            f"cpu {best_cpu:.2f} s)"
        )


def _timed(n: int, size: int, seed: int) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one full-style ``generate_clocks`` call.

    CPU time is all threads together; comparing it with wall time shows how much the
    threads overlapped and how much other processes on the machine slowed the run.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    generate_clocks(n, image_size=size, seed=seed, style=FULL)
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
