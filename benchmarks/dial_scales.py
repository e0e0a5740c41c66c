"""How a dial reader reads when its dial is unrolled at other sizes than its finder gives.

Run with ``python benchmarks/dial_scales.py OUT DIR [DIR ...] [--model FILE.keras]
[--centre-rings R] [--combos 1.0 1.0,0.85 ...] [--blur T,H,M ...]``. Each ``DIR`` holds
course-format ``images.npy`` and ``labels.npy`` (``tunekit clocks generate``). For each set
and each scale, the script reads the reader's three angle distributions at ``R`` rings of dial
centres (default 2: 17 centres) with the dial's stretch multiplied by the scale
(``dial_views.centred_predict``), and keeps them in ``OUT/NAME.npz`` (keys
``p{scale}_r{R}_{detector}``; a later run reuses what is there). Each combination of
scales is then the average of its distributions, read as ``tunekit clocks read`` reads one
reader's, with each ``--blur`` of the 12, hour and minute distributions in angle bins
(default: ``dial_decoding.BLUR``); ``OUT/dial-scales-ringsR.md`` (``-blurs`` added with
``--blur``) and ``.json`` give its mean error and hour-right share on every set.

This is how ``dial_views.DIAL_SCALES`` and ``clock_dial.VOTE_BLUR`` were chosen: on
validation clocks of a data seed no reported set uses, never on the sets a reader is
reported on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from tunekit.clock_reading import pretrained_reader, reader_info
from tunekit.clocktime import labels_to_minutes, time_metrics
from tunekit.data.image_files import load_images
from tunekit.hypermodels.dial_decoding import BLUR, DETECTORS, most_likely_times
from tunekit.hypermodels.dial_views import CENTRE_RINGS, centre_offsets, centred_predict
from tunekit.modelfile import load_model_file
from tunekit.predict import prepare_inputs

_DEFAULT_COMBOS = ("1.0", "0.9", "0.85", "0.8", "1.0,0.9", "1.0,0.85", "1.0,0.8")


def _scales(text: str) -> tuple[float, ...]:
    return tuple(float(value) for value in text.split(","))


def _key(scale: float, rings: int, detector: str) -> str:
    return f"p{scale}_r{rings}_{detector}"


def cache_distributions(
    model_path: Path, sets: list[Path], scales: set[float], rings: int, out: Path
) -> None:
    """Write each set's distributions at every scale it lacks to ``OUT/NAME.npz``."""
    info = reader_info(model_path)
    model = None
    for folder in sets:
        cache = out / f"{folder.name}.npz"
        arrays = dict(np.load(cache)) if cache.exists() else {}
        missing = sorted(s for s in scales if _key(s, rings, DETECTORS[0]) not in arrays)
        if not missing:
            continue
        model = model or load_model_file(model_path)
        images, _ = load_images([folder / "images.npy"], tuple(info.input_shape[:2]))
        x = prepare_inputs(images, info)
        for scale in missing:
            read = centred_predict(model, centre_offsets(rings), (scale,))(x)
            arrays.update({_key(scale, rings, n): read[n].astype(np.float32) for n in DETECTORS})
        np.savez_compressed(cache, **arrays)


def _blur(text: str) -> dict[str, float]:
    """``"1,2,1"`` -> the blur of the 12, the hour and the minute distributions."""
    return dict(zip(DETECTORS, _scales(text), strict=True))


def combo_errors(
    sets: list[Path], combos: list[str], rings: int, out: Path, blurs: list[str] | None = None
) -> dict[str, dict[str, dict]]:
    """``{row: {set: metrics}}`` of each combination of cached scales at each blur; a row is
    the combination, with `` @ blur T,H,M`` where ``blurs`` are given."""
    results: dict[str, dict[str, dict]] = {}
    for folder in sets:
        true = labels_to_minutes(np.load(folder / "labels.npy"))
        arrays = np.load(out / f"{folder.name}.npz")
        for combo in combos:
            scales = _scales(combo)
            mean = {
                n: sum(arrays[_key(s, rings, n)].astype(np.float64) for s in scales) / len(scales)
                for n in DETECTORS
            }
            for blur in blurs or [None]:
                spread = BLUR if blur is None else _blur(blur)
                minutes = most_likely_times(mean["twelve"], mean["hour"], mean["minute"], spread)
                row = combo if blur is None else f"{combo} @ blur {blur}"
                results.setdefault(row, {})[folder.name] = time_metrics(true, minutes)
    return results


def markdown(results: dict[str, dict[str, dict]], names: list[str]) -> str:
    """One row per combination: mean error (hour right) per set, and the sum of means."""
    head = "| dial scales | " + " | ".join(names) + " | sum of means |"
    lines = [head, "|---|" + "---:|" * (len(names) + 1)]
    for combo, per_set in results.items():
        cells = [
            f"{per_set[n]['time_error']:.2f} ({per_set[n]['hour_accuracy']:.1%})" for n in names
        ]
        total = sum(per_set[n]["time_error"] for n in names)
        lines.append(f"| {combo} | " + " | ".join(cells) + f" | {total:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("sets", type=Path, nargs="+")
    parser.add_argument("--model", type=Path, help="a dial reader; default: the pretrained")
    parser.add_argument("--centre-rings", type=int, default=CENTRE_RINGS)
    parser.add_argument("--combos", nargs="+", default=list(_DEFAULT_COMBOS))
    parser.add_argument("--blur", nargs="+", default=None, help="T,H,M bins; default: BLUR")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scales = {s for combo in args.combos for s in _scales(combo)}
    with_model = args.model
    if with_model is None:
        with_model = Path(str(pretrained_reader()))
    rings = args.centre_rings
    cache_distributions(with_model, args.sets, scales, rings, args.out)
    results = combo_errors(args.sets, args.combos, rings, args.out, args.blur)
    names = [folder.name for folder in args.sets]
    stem = f"dial-scales-rings{rings}" + ("-blurs" if args.blur else "")
    (args.out / f"{stem}.md").write_text(markdown(results, names))
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=1) + "\n")
    print(markdown(results, names), end="")


if __name__ == "__main__":
    main()
