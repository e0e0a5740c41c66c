"""Draw the clock figures (error histograms, the 55-65 minute gallery) with matplotlib.

With ``_draw.py`` and ``_draw_search.py``, the only modules of tunekit that import
matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from tunekit.report._clock import ClockGalleryInfo, ErrorHistogram, ErrorHistogramInfo

BAR = "#4c72b0"
HOUR_OFF = "#dd5c3a"  # the 55-65 minute bin, the gallery's images
GALLERY_COLUMNS = 6


def _bin_labels(edges: Sequence[float]) -> list[str]:
    return [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def _hour_bin(edges: Sequence[float]) -> int | None:
    """Index of the bin of hour-off errors (55-65 minutes), if the edges have one."""
    pairs = list(zip(edges[:-1], edges[1:], strict=True))
    return pairs.index((55.0, 65.0)) if (55.0, 65.0) in pairs else None


def _draw_histogram(
    ax: Axes, hist: ErrorHistogram, edges: Sequence[float], *, big: bool, labels: bool
) -> None:
    shares = np.array(hist.counts, dtype=float) / max(hist.total, 1)
    colors = [BAR] * len(shares)
    hour = _hour_bin(edges)
    if hour is not None:
        colors[hour] = HOUR_OFF
    x = np.arange(len(shares))
    ax.bar(x, shares, width=0.85, color=colors)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks(x)
    ax.set_xticklabels(
        _bin_labels(edges) if labels else [], rotation=0 if big else 90, fontsize=9 if big else 7.5
    )
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if big:
        for xi, share in zip(x, shares, strict=True):
            if share > 0:
                ax.text(xi, share, f"{100 * share:.1f}%", ha="center", va="bottom", fontsize=9)
        ax.set_xlabel("test error (minutes, circular on the 12-hour dial)")
        ax.set_ylabel("share of test clocks")
    stats = f"mean {hist.mean:.1f} min, median {hist.median:.1f} min"
    if big:
        ax.set_title(f"Best: {hist.label}\n{stats}, {hist.total:,} test clocks", fontsize=12)
    else:
        weight = "bold" if hist.is_best else "normal"
        ax.set_title(f"{hist.label}\n{stats}", fontsize=9.5, fontweight=weight)


def draw_error_histograms(info: ErrorHistogramInfo) -> Figure:
    """The best trial's test errors large, then one small histogram per representation.

    Bars share the same bins (fine below 10 minutes, coarse beyond); the 55-65 minute
    bin, an hour hand read as its neighbour, is drawn in orange.
    """
    if info.best is None:
        fig = Figure(figsize=(9, 2.2))
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "No test predictions recorded.", ha="center", va="center", fontsize=12)
        return fig
    panels = list(info.panels)
    ncols = min(4, max(len(panels), 1))
    nrows = math.ceil(len(panels) / ncols) if panels else 0
    fig = Figure(figsize=(13, 4.6 + 2.9 * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subfigures(2, 1, height_ratios=[4.6, max(2.9 * nrows, 0.01)])
    _draw_histogram(top.subplots(), info.best, info.edges, big=True, labels=True)
    top.suptitle(
        f"{info.title}: test error of the best model; orange: 55-65 minutes, "
        "the hour hand read as its neighbour",
        fontsize=13,
        fontweight="bold",
    )
    if panels:
        axes = bottom.subplots(nrows, ncols, squeeze=False, sharey=True)
        for index, (ax, hist) in enumerate(zip(axes.flat, panels, strict=False)):
            last_row = index >= len(panels) - ncols
            _draw_histogram(ax, hist, info.edges, big=False, labels=last_row)
        for ax in axes.flat[len(panels) :]:
            ax.set_visible(False)
        bottom.suptitle("Each model (bold: the best)", fontsize=12)
        bottom.supxlabel("test error (minutes)", fontsize=10)
    return fig


def draw_gallery(info: ClockGalleryInfo, images: Sequence[np.ndarray]) -> Figure:
    """The test clocks of ``info``, each titled with its true and predicted time.

    Args:
        info: The gallery's images, from ``clock_gallery_info``.
        images: One image per ``info.images`` entry, in the same order.
    """
    n = len(info.images)
    ncols = min(GALLERY_COLUMNS, max(n, 1))
    nrows = max(math.ceil(n / ncols), 1)
    fig = Figure(figsize=(2.25 * ncols + 0.4, 2.55 * nrows + 0.9), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, item, image in zip(axes.flat, info.images, images, strict=False):
        pixels = np.asarray(image)
        top = 1.0 if pixels.dtype.kind == "f" and pixels.max(initial=0) <= 1.0 else 255
        ax.imshow(pixels, cmap="gray", vmin=0, vmax=top, interpolation="nearest")
        ax.set_title(item.title, fontsize=9.5)
        ax.set_xlabel(f"off by {item.error:.0f} min", fontsize=8.5, color=HOUR_OFF)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    shown = f"the first {n} of {info.matches}" if n < info.matches else f"all {info.matches}"
    fig.suptitle(
        f"{info.title}: {shown} test clocks read {info.low:g}-{info.high:g} minutes wrong "
        f"(of {info.total:,})",
        fontsize=12,
        fontweight="bold",
    )
    return fig
