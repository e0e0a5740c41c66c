"""``tunekit clocks``: synthetic analogue clocks, and reading the time on clock images."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tunekit.cli._app import (
    CLOCK_STYLES_HELP,
    ClockStyleName,
    app,
    check_out,
    friendly,
    out,
    say,
)
from tunekit.config import (
    check_whole,
)

clocks_app = typer.Typer(
    help="Analogue clocks: look at what a model must read, and read the time on images."
)
app.add_typer(clocks_app, name="clocks")


@clocks_app.command("preview")
@friendly
def clocks_preview(
    out_path: Annotated[Path, typer.Option("--out", help="PNG file to write.")] = Path(
        "clocks.png"
    ),
    count: Annotated[int, typer.Option("--n", help="Clocks on the sheet.")] = 32,
    image_size: Annotated[int, typer.Option(help="Image side in pixels.")] = 150,
    style: Annotated[ClockStyleName, typer.Option(help=f"The clocks. {CLOCK_STYLES_HELP}.")] = (
        ClockStyleName.full
    ),
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
) -> None:
    """Write a contact sheet of labelled synthetic clocks."""
    from tunekit.data.clock_preview import draw_contact_sheet
    from tunekit.data.clocks import MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, clock_style, generate_clocks

    check_whole("preview", "n", count, 1)
    check_whole("preview", "image_size", image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)

    images, labels = generate_clocks(
        count, image_size=image_size, seed=seed, style=clock_style(style.value)
    )
    say(f"Wrote {draw_contact_sheet(images, labels, out_path)}")


@clocks_app.command("generate")
@friendly
def clocks_generate(
    data_dir: Annotated[
        Path,
        typer.Argument(
            help="Folder to write images.npy and labels.npy to, in the course's layout.",
            metavar="DIR",
            show_default=False,
        ),
    ],
    count: Annotated[int, typer.Option("--n", help="Clocks to draw.")] = 1800,
    image_size: Annotated[int, typer.Option(help="Image side in pixels.")] = 150,
    style: Annotated[ClockStyleName, typer.Option(help=f"The clocks. {CLOCK_STYLES_HELP}.")] = (
        ClockStyleName.full
    ),
    seed: Annotated[
        int,
        typer.Option(
            help="Generator seed. Studies draw with --data-seed (default 0): another seed "
            "gives clocks no study of that seed has seen, walls and viewpoints included."
        ),
    ] = 1,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the files DIR already holds.")
    ] = False,
) -> None:
    """Write synthetic clocks as course-format files: images.npy (N x S x S uint8) and
    labels.npy (N x 2 [hour, minute]).

    They are what `tunekit study clock --data-dir DIR` trains on and `tunekit clocks read
    DIR/images.npy --labels DIR/labels.npy` measures a reader on.
    """
    from tunekit.data.clock_files import existing_clock_files, save_clock_files
    from tunekit.data.clocks import MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, clock_style, generate_clocks
    from tunekit.errors import TunekitError

    check_whole("generate", "n", count, 1)
    check_whole("generate", "image_size", image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)
    if data_dir.exists() and not data_dir.is_dir():
        raise TunekitError(f"{data_dir} is a file; give a folder for the clock files.")
    taken = existing_clock_files(data_dir)
    if taken and not overwrite:
        names = " and ".join(path.name for path in taken)
        raise TunekitError(f"{data_dir} already holds {names}; pass --overwrite to replace them.")
    images, labels = generate_clocks(
        count, image_size=image_size, seed=seed, style=clock_style(style.value)
    )
    save_clock_files(data_dir, images, labels)
    say(f"Wrote {count} {style.value} clocks of {image_size} px to {data_dir}")


_SHOWN = 20  # readings shown in the terminal; --out writes them all


@clocks_app.command("read")
@friendly
def clocks_read(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Clock images: PNG or JPG files of any size, or a .npy array of square "
            "images (N x S x S uint8, as the course's images.npy; one S x S image counts as "
            "one). Colour becomes grey, a photo that is not square is cut to its centred square "
            "(resizing it whole would squash the dial), and each image is resized to the "
            "model's input.",
            metavar="INPUT",
            show_default=False,
        ),
    ],
    model: Annotated[
        list[Path] | None,
        typer.Option(
            "--model",
            help="A clock model's .keras file, from tunekit best --export on a clock study "
            "(default: the pretrained reader shipped in tunekit/pretrained/). Give it more "
            "than once to read with an ensemble: dial readers of one input size (dial_fine "
            "and dial_vote mix), each read as alone, whose angle distributions are averaged.",
            metavar="FILE.keras",
            show_default=False,
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="A .npy array of the true times, N x 2 [hour, minute] (hour 0-23, read "
            "modulo 12), one per image in order: prints the reading errors.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="CSV file to write every reading to (index, source, time, hour, minute, "
            "minutes; with --labels also true_time, error).",
        ),
    ] = None,
    turns: Annotated[
        int | None,
        typer.Option(
            "--turns",
            help="Read each image at this many quarter turns, 1-4, and average what the "
            "views say: a dial reader errs on different clocks at each turn. Default: the "
            "reader's (1 for the pretrained reader; 4 for dial and dial_ring readers, whose "
            "coarse dial finder gains most from it; 1 for readers whose output does not "
            "turn with the clock). An ensemble reads every reader at the most any of them "
            "reads at.",
            show_default=False,
        ),
    ] = None,
    centre_rings: Annotated[
        int | None,
        typer.Option(
            "--centre-rings",
            help="Also read each view with the dial unrolled around 8 points on each of "
            "this many rings (0-2) round the centre a dial reader finds, 4 and 6 pixels "
            "out at 128 px, and average: the finder is a few pixels off on many clocks. "
            "0 reads at its centre only, 17 times faster. Default: 2 for a dial reader "
            "(17 centres), 0 for others.",
            show_default=False,
        ),
    ] = None,
    dial_scales: Annotated[
        int | None,
        typer.Option(
            "--dial-scales",
            help="Unroll the dial at this many sizes (1-2) at each centre and average: 1 "
            "at the size the dial reader finds, 2 also at 0.85 of it, which gives short "
            "hands more of the strip. Default: 2 for dial_vote readers such as the "
            "pretrained one, 1 for others.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Read the time on clock images with a clock model.

    Prints the time read on each image; with --labels, the errors, ending in one line:
    mean error M min, median D min over N clocks. A bad input writes nothing.
    """
    from tunekit.clock_reading import read_clocks
    from tunekit.console_models import reading_errors_line, reading_errors_table, readings_table
    from tunekit.records.atomic import write_csv_atomic

    if turns is not None:
        check_whole("read", "turns", turns, 1, 4)
    if centre_rings is not None:
        from tunekit.hypermodels.dial_views import CENTRE_RINGS

        check_whole("read", "centre-rings", centre_rings, 0, CENTRE_RINGS)
    if dial_scales is not None:
        from tunekit.hypermodels.dial_views import DIAL_SCALES

        check_whole("read", "dial-scales", dial_scales, 1, len(DIAL_SCALES))
    if output is not None:
        check_out(output)
    readings = read_clocks(
        inputs,
        model=model,
        labels=labels,
        turns=turns,
        centre_rings=centre_rings,
        dial_scales=dial_scales,
    )
    out.print(readings_table(readings, top=_SHOWN))
    count = len(readings.sources)
    if output is not None:
        path = write_csv_atomic(output, readings.columns, readings.rows)
        say(f"Wrote {count} readings to {path}")
    elif count > _SHOWN:
        say(f"Pass --out times.csv to write all {count} readings.")
    if readings.metrics is not None:
        out.print(reading_errors_table(readings.metrics))
        say(reading_errors_line(readings.metrics, count))
