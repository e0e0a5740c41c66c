"""Which kinds of clock a reader misses on an unseen renderer's clocks.

Run with ``python benchmarks/misses_by_face.py READINGS.csv --renderer other|mpl [--seed 0]
[--against OTHER.csv]``,
where ``READINGS.csv`` is a ``readings-NAME.csv`` that ``benchmarks/reader_on_sets.py`` wrote
for a set drawn by ``benchmarks/other_renderer.py`` or ``benchmarks/mpl_renderer.py`` with
that seed. Each renderer draws a clock from a design it picks with a seeded generator, so
the designs are picked again here (nothing is drawn; the times they give must be the
readings' true times, or the script stops). For each property of a clock (its dial's
marks, its numerals upright or turned, tilt, blur, seconds hand, size, font, and its hands'
shape, lengths and width) the script
prints a Markdown table: per value, the clocks, their mean error, the share with the hour
right, the misses (more than ``MISS`` minutes off) and the share of those that are a 12 put
at another hand-consistent place (see ``twelve_misses.py``). With ``--against`` (another
reader's readings of the same set) each row also gets the change in mean error from that
reader on the same clocks, with its paired 95% bootstrap interval.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tunekit.clocktime import time_error, time_metrics
from tunekit.report import paired_bootstrap

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_on_sets import read_times  # noqa: E402  (sibling scripts, not a package)
from twelve_misses import twelve_misses  # noqa: E402

PROPERTIES = (
    "dial",
    "numerals",
    "tilt",
    "blur",
    "seconds hand",
    "size",
    "font",
    "hand shape",
    "hour hand length",
    "hour over minute hand",
    "hour hand width",
)


def _bucket(value: float, edges: tuple[float, ...], unit: str) -> str:
    """``value``'s bin among ``edges``, written as a range."""
    low = "0"
    for edge in edges:
        if value < edge:
            return f"{low}-{edge:g}{unit}"
        low = f"{edge:g}"
    return f"≥ {low}{unit}"


def _properties(face, hands, pose, scene, font: str) -> dict[str, str]:
    """The properties of one clock that the tables group by; the renderers name them alike."""
    twelve = f" ({face.twelve_mark})" if face.markers == "ticks" else ""
    return {
        "dial": face.markers + twelve,
        "numerals": "turned" if getattr(face, "radial", False) else "upright",
        "tilt": _bucket(pose.tilt, (10, 20), "°"),
        "blur": "blurred" if scene.blur > 0 else "sharp",
        "seconds hand": "none" if hands.seconds is None else "yes",
        "size": _bucket(pose.diameter, (0.6, 0.8), " of the side"),
        "font": font if face.markers in ("arabic", "roman", "quarters") else "(no numerals)",
        # Each renderer gives lengths and widths in its own radius (the dial's or the clock's,
        # both near the face's edge); the width is the hand's full width at its widest.
        "hand shape": hands.shape,
        "hour hand length": _bucket(hands.hour_length, (0.4, 0.5, 0.6), " r"),
        "hour over minute hand": _bucket(hands.hour_length / hands.minute_length, (0.6, 0.7), ""),
        "hour hand width": _bucket(hands.hour_width, (0.03, 0.06, 0.09), " r"),
    }


def other_designs(n: int, seed: int) -> tuple[np.ndarray, list[dict[str, str]]]:
    """True minutes and properties of ``other_renderer.py``'s ``n`` clocks of ``seed``."""
    import other_renderer as r

    labels = r.plan_times(n, np.random.default_rng([seed, r.TIMES]))
    kinds = []
    for i, (hour, minute) in enumerate(labels):
        p = r.random_params(np.random.default_rng([seed, i]), int(hour), int(minute))
        font = Path(p.face.font).stem if p.face.font else "Pillow's own"
        kinds.append(_properties(p.face, p.hands, p.pose, p.scene, font))
    return labels[:, 0] * 60.0 + labels[:, 1], kinds


def mpl_designs(n: int, seed: int) -> tuple[np.ndarray, list[dict[str, str]]]:
    """True minutes and properties of ``mpl_renderer.py``'s ``n`` clocks of ``seed``."""
    import mpl_renderer as r

    rng = np.random.default_rng(seed)
    labels = r.plan_times(n, rng)
    kinds = []
    for hour, minute in labels:
        d = r.random_design(rng, int(hour), int(minute))
        font = f"{d.face.family} {d.face.weight} {d.face.style}".replace(" normal", "")
        kinds.append(_properties(d.face, d.hands, d.pose, d.scene, font))
    return labels[:, 0] * 60.0 + labels[:, 1], kinds


RENDERERS: dict[str, Callable[[int, int], tuple[np.ndarray, list[dict[str, str]]]]] = {
    "other": other_designs,
    "mpl": mpl_designs,
}


def table(
    true: np.ndarray,
    read: np.ndarray,
    kinds: list[dict[str, str]],
    prop: str,
    errors: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """A Markdown table of the clocks grouped by ``prop``, most missed first.

    With ``errors`` (this reader's and another's error on each of the same clocks), a last
    column gives the change in mean error from the other, paired by clock.
    """
    values = np.array([k[prop] for k in kinds])
    rows = []
    for value in np.unique(values):
        at = values == value
        metrics, m = time_metrics(true[at], read[at]), twelve_misses(true[at], read[at])
        twelve = f"{m['twelve_share']:.0%}" if m["misses"] else "-"
        cells = (
            f"{value} | {at.sum()} | {metrics['time_error']:.2f} | "
            f"{metrics['hour_accuracy']:.1%} | {m['misses']} | {twelve}"
        )
        if errors is not None:
            c = paired_bootstrap(errors[0][at], errors[1][at])
            cells += f" | {c.delta:+.2f} [{c.lo:+.2f}, {c.hi:+.2f}]"
        rows.append((metrics["time_error"], f"| {cells} |"))
    head = f"| {prop} | clocks | mean error | hour right | misses | of them the 12 |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if errors is not None:
        head, rule = head + " Δ mean [paired 95% CI] |", rule + "---|"
    return "\n".join([head, rule] + [r for _, r in sorted(rows)[::-1]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("readings", type=Path, help="a readings-NAME.csv of reader_on_sets.py")
    parser.add_argument("--renderer", choices=sorted(RENDERERS), required=True)
    parser.add_argument("--seed", type=int, default=0, help="the seed the set was drawn with")
    parser.add_argument(
        "--against", type=Path, help="another reader's readings of the same set, to pair with"
    )
    args = parser.parse_args(argv)
    for path in (args.readings, args.against):
        if path is not None and not path.is_file():
            print(f"error: {path} not found", file=sys.stderr)
            return 2
    true, read = read_times(args.readings)
    errors = None
    if args.against is not None:
        other_true, other_read = read_times(args.against)
        if not np.array_equal(other_true, true):
            print(f"error: {args.against} holds other clocks than {args.readings}", file=sys.stderr)
            return 2
        errors = time_error(true, read), time_error(true, other_read)
    drawn, kinds = RENDERERS[args.renderer](len(true), args.seed)
    if not np.array_equal(drawn, true):
        print(
            f"error: {args.renderer}_renderer.py with seed {args.seed} draws other times than "
            f"{args.readings} holds: not the set it was read on",
            file=sys.stderr,
        )
        return 2
    for prop in PROPERTIES:
        print(table(true, read, kinds, prop, errors), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
