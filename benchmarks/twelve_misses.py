"""How many of a clock reader's misses are a 12 put in the wrong place, or the hour alone.

Run with ``python benchmarks/twelve_misses.py OUT [OUT ...] --sets NAME [NAME ...]``, where
each ``OUT`` is a folder ``benchmarks/reader_on_sets.py`` wrote (its ``readings-NAME.csv``).

A dial reader that finds both hands but puts the 12 at the wrong angle still reads a time
the hands agree on: the hour hand is 1/12 as fast as the minute hand, so a 12 moved by
``360 k / 11`` degrees moves the reading by ``720 k / 11`` minutes (k = 1-10), and only
there. A reader that reads the minute hand right but takes another line (a short hour hand's
tail, the minute hand, a seconds hand) for the hour hand is off by whole hours. For each set
the script prints, as one Markdown row per folder: the clocks read more than ``MISS``
minutes off, the share of those off by a multiple of 720/11 minutes (within ``FIT``
minutes), the mean error if those clocks had been read right (what a reader with a perfect
12 and the same hands would read), and the share of the misses with the minute right
(within ``FIT``) and only the hour wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from tunekit.clocktime import DIAL, time_error

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_on_sets import read_times  # noqa: E402  (a sibling script, not a package)

MISS = 3.0
"""A clock read more than this many minutes off is a miss."""

FIT = 3.0
"""A miss within this many minutes of a multiple of 720/11 is a misplaced 12."""

_TWELVE_STEP = DIAL / 11


def twelve_misses(true: np.ndarray, read: np.ndarray) -> dict[str, float]:
    """Misses, the share of them that is a misplaced 12, and the mean error without those."""
    error = time_error(true, read)
    shift = np.mod(read - true, DIAL)
    off_step = np.abs(shift - _TWELVE_STEP * np.round(shift / _TWELVE_STEP))
    miss = error > MISS
    twelve = miss & (off_step < FIT)
    minute_off = np.abs(shift - 60 * np.round(shift / 60))
    hour_alone = miss & (minute_off < FIT)  # never a misplaced 12: 720k/11 is no whole hour
    return {
        "misses": int(miss.sum()),
        "twelve_share": float(twelve.sum() / max(1, miss.sum())),
        "mean_if_twelve_right": float(np.where(twelve, 0.0, error).mean()),
        "hour_alone_share": float(hour_alone.sum() / max(1, miss.sum())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outs", nargs="+", type=Path, help="reader_on_sets.py output folders")
    parser.add_argument("--sets", nargs="+", required=True, help="set names, e.g. other mpl")
    args = parser.parse_args(argv)
    heads = [f"{name}: misses / the 12 / mean if 12 right / the hour alone" for name in args.sets]
    print("| readings | " + " | ".join(heads) + " |")
    print("|---" * (len(args.sets) + 1) + "|")
    for out in args.outs:
        cells = []
        for name in args.sets:
            path = out / f"readings-{name}.csv"
            if not path.is_file():
                print(
                    f"error: {path} not found (run benchmarks/reader_on_sets.py first)",
                    file=sys.stderr,
                )
                return 2
            m = twelve_misses(*read_times(path))
            cells.append(
                f"{m['misses']} / {m['twelve_share']:.0%} / {m['mean_if_twelve_right']:.2f} / "
                f"{m['hour_alone_share']:.0%}"
            )
        print(f"| {out} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
