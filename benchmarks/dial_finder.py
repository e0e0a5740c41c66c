"""How much of a dial reader's error is its dial finder's: read with the true dial instead.

Run with ``python benchmarks/dial_finder.py [--model FILE.keras] [--n 1800] [--style full]
[--seed 101]``. It draws ``--n`` clocks of ``--style`` at 150 px with data seed ``--seed``
(as ``tunekit clocks generate`` does), resizes them to the reader's input as ``tunekit
clocks read`` does, and reads them once (one quarter turn) four ways: with the dial
geometry (centre and stretch) the reader's own finder gives, with the generator's true
geometry, and with the true centre or the true stretch alone. Each line gives the mean
error, the hour-right share and the share within a minute, and the finder's median
centre error (in half-images: 0.05 is 3.2 px at 128 px).

The reader's finder is trained only on the geometry (no gradient reaches it from the
readings), so a better finder can be judged by the second line without training the rest.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from tunekit.clock_reading import pretrained_reader
from tunekit.clocktime import labels_to_minutes, time_metrics
from tunekit.data.clock_geometry import dial_geometry
from tunekit.data.clocks import clock_style, generate_clocks
from tunekit.data.image_files import fit_images
from tunekit.hypermodels.dial_decoding import DETECTORS, most_likely_times
from tunekit.hypermodels.dial_layers import DialStrip
from tunekit.modelfile import load_model_file

_BATCH = 256


def main() -> None:
    """Print the reader's errors with its own and with the true dial geometry."""
    import keras

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="default: the pretrained")
    parser.add_argument("--n", type=int, default=1800)
    parser.add_argument("--style", default="full")
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    model = load_model_file(args.model or Path(str(pretrained_reader())))
    strip = next(layer for layer in model.layers if isinstance(layer, DialStrip))
    finder = keras.Model(model.input, [strip.input[0], model.get_layer("geometry").output])
    reader = keras.Model(strip.output, [model.get_layer(name).output for name in DETECTORS])
    size = int(model.input_shape[1])
    style = clock_style(args.style)
    images, labels = generate_clocks(args.n, image_size=150, seed=args.seed, style=style)
    images = fit_images(images, (size, size))
    true = dial_geometry(args.n, image_size=size, seed=args.seed, style=style).normalised()
    pixels, found = finder.predict(images, batch_size=_BATCH, verbose=0)
    minutes = labels_to_minutes(labels)
    centre_error = np.median(np.abs(found[:, :2] - true[:, :2]).max(axis=1))
    print(f"{args.n} {args.style} clocks, seed {args.seed}, read once at {size} px")
    print(f"the finder's median centre error {centre_error:.4f} half-images")
    ways = {
        "the reader's own geometry": found,
        "true geometry": true,
        "true centre, its own stretch": np.c_[true[:, :2], found[:, 2:]],
        "its own centre, true stretch": np.c_[found[:, :2], true[:, 2:]],
    }
    for name, geometry in ways.items():
        strips = np.concatenate(
            [
                np.asarray(strip([pixels[i : i + _BATCH], geometry[i : i + _BATCH]]))
                for i in range(0, args.n, _BATCH)
            ]
        )
        output = reader.predict(strips, batch_size=_BATCH, verbose=0)
        m = time_metrics(minutes, most_likely_times(*output))
        print(
            f"{name}: mean error {m['time_error']:.2f} min, hour right "
            f"{m['hour_accuracy']:.1%}, within a minute {m['within_1_minute']:.1%}"
        )


if __name__ == "__main__":
    main()
