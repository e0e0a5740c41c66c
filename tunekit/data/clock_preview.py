"""Contact sheets of clock images with their times, and predictions when there are any.

The only module of :mod:`tunekit.data` that imports matplotlib. It draws on a bare Agg
canvas, so it never touches pyplot's global state or needs a display.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tunekit.clocktime import as_dial_minutes, format_dial_minutes, time_error

# Title colours by error in minutes: right, close, wrong.
_RIGHT, _CLOSE, _WRONG = "#1a7f37", "#9a6700", "#cf222e"
_CLOSE_MINUTES = 15


def contact_sheet_titles(labels: np.ndarray, predictions: np.ndarray | None = None) -> list[str]:
    """Cell titles: ``"hh:mm"``, or ``"hh:mm vs hh:mm"`` (true vs predicted) with predictions.

    Times read as on the clock face: minute 5 of the dial is ``12:05``.
    """
    true = as_dial_minutes(labels)
    if predictions is None:
        return [format_dial_minutes(t) for t in true]
    pred = as_dial_minutes(predictions)
    if len(pred) != len(true):
        raise ValueError(f"{len(pred)} predictions for {len(true)} images")
    return [
        f"{format_dial_minutes(t)} vs {format_dial_minutes(p)}"
        for t, p in zip(true, pred, strict=True)
    ]


def draw_contact_sheet(
    images: np.ndarray,
    labels: np.ndarray,
    path: str | Path,
    *,
    columns: int = 8,
    predictions: np.ndarray | None = None,
    cell_inches: float = 1.5,
    dpi: int = 100,
    levels: int = 256,
) -> Path:
    """Write a PNG grid of grayscale clock images titled with their times.

    Args:
        images: (N, S, S) uint8 images.
        labels: True times, (N, 2) [hour, minute] or (N,) dial minutes.
        path: Where to write the PNG; parent folders are created.
        columns: Images per row.
        predictions: Predicted times in the same form as ``labels``. Titles then read
            "true vs pred", coloured green (exact), amber (within 15 min) or red.
        cell_inches: Width of one cell in inches.
        dpi: Resolution of the PNG.
        levels: Grey levels (or palette colours, with predictions) kept in the PNG; 32
            makes a sheet of noisy photos about half the size and still easy to read.

    Returns:
        The path written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be a non-empty (N, S, S) array, got {images.shape}")
    titles = contact_sheet_titles(labels, predictions)
    if len(titles) != len(images):
        raise ValueError(f"{len(titles)} labels for {len(images)} images")
    errors = (
        time_error(as_dial_minutes(labels), as_dial_minutes(predictions))
        if predictions is not None
        else None
    )
    columns = max(1, min(columns, len(images)))
    rows = -(-len(images) // columns)
    title_inches = 0.25 if predictions is None else 0.3
    fig = Figure(figsize=(columns * cell_inches, rows * (cell_inches + title_inches)), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, columns, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= len(images):
            continue
        ax.imshow(images[i], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        color = "black"
        if errors is not None:
            err = errors[i]
            color = _RIGHT if err == 0 else _CLOSE if err <= _CLOSE_MINUTES else _WRONG
        ax.set_title(titles[i], fontsize=8, color=color, pad=2)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99, wspace=0.05, hspace=0.25)
    fig.tight_layout(pad=0.2, h_pad=0.3, w_pad=0.2)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_png(fig, path, grey=predictions is None, levels=levels)
    return path


def _save_png(fig: object, path: Path, *, grey: bool, levels: int) -> None:
    """Save a drawn figure as a compact PNG: 8-bit grey, or a palette of ``levels`` colours.

    Noisy photos compress badly, so the default RGBA output is three to four times larger.
    """
    from PIL import Image, ImageOps

    fig.canvas.draw()  # type: ignore[attr-defined]
    rgba = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    image = Image.fromarray(rgba[..., :3])
    levels = int(np.clip(levels, 2, 256))
    if grey:
        # Posterize keeps whole bits, so round the level count down to a power of two.
        image = ImageOps.posterize(image.convert("L"), int(np.log2(levels)))
    else:
        image = image.quantize(colors=levels, dither=Image.Dither.NONE)
    image.save(path, format="PNG", optimize=True)
