"""``tunekit clocks``: synthetic analogue clocks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tunekit.cli._app import (
    ClockStyleName,
    app,
    friendly,
    say,
)
from tunekit.config import (
    check_whole,
)

clocks_app = typer.Typer(help="Synthetic analogue clocks: look at what a model must read.")
app.add_typer(clocks_app, name="clocks")


@clocks_app.command("preview")
@friendly
def clocks_preview(
    out_path: Annotated[Path, typer.Option("--out", help="PNG file to write.")] = Path(
        "clocks.png"
    ),
    count: Annotated[int, typer.Option("--n", help="Clocks on the sheet.")] = 32,
    image_size: Annotated[int, typer.Option(help="Image side in pixels.")] = 150,
    style: Annotated[ClockStyleName, typer.Option(help="Difficulty preset.")] = (
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
