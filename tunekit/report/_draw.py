"""Draw info objects with matplotlib; the only module of tunekit that imports it.

Figures are built with the object-oriented API on an Agg canvas, so drawing never
touches pyplot's global state or needs a display.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from tunekit.report._comparison import ComparisonInfo, Curve, Panel

#: Colours of the non-reference values (tab10 without its grey, which reads as "off").
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22",
)  # fmt: skip
REFERENCE_COLOR = "black"
REFERENCE_WIDTH = 2.8
VALUE_WIDTH = 1.6
DPI = 120


def _columns(panels: int) -> int:
    """Grid width: 10 panels read best as 4 rows of 3; few panels stay on one row."""
    if panels <= 3:
        return max(panels, 1)
    return 2 if panels == 4 else 3


def _array(values: tuple[float | None, ...]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _draw_curve(ax: Axes, curve: Curve, color: str) -> None:
    width = REFERENCE_WIDTH if curve.is_reference else VALUE_WIDTH
    z = 5 if curve.is_reference else 3
    x = np.array(curve.epochs, dtype=float)
    val = _array(curve.val_mean)
    single = len(curve.epochs) == 1  # one point draws no line: mark it
    ax.plot(
        x,
        val,
        color=color,
        linewidth=width,
        marker="o" if single else None,
        label=curve.label,
        zorder=z,
    )
    if curve.train_mean:
        ax.plot(
            x,
            _array(curve.train_mean),
            color=color,
            linewidth=width * 0.6,
            linestyle="--",
            alpha=0.75,
            zorder=z - 1,
        )
    if curve.val_lo:
        ax.fill_between(
            x, _array(curve.val_lo), _array(curve.val_hi), color=color, alpha=0.15, linewidth=0
        )
    if curve.status == "diverged":
        last = np.flatnonzero(np.isfinite(val))
        if last.size:  # mark where the diverged run's last finite value lies
            ax.plot(x[last[-1]], val[last[-1]], "x", color=color, markersize=9, mew=2, zorder=z)


def _draw_panel(ax: Axes, panel: Panel, metric: str) -> None:
    colors = iter(PALETTE * (1 + len(panel.curves) // len(PALETTE)))
    for curve in panel.curves:
        _draw_curve(ax, curve, REFERENCE_COLOR if curve.is_reference else next(colors))
    title = panel.space if panel.hp in ("", panel.space) else f"{panel.space} ({panel.hp})"
    ax.set_title(title, fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if "acc" in metric:
        low, high = ax.get_ylim()
        ax.set_ylim(max(low, 0.0), min(high, 1.0))
    if not any(c.epochs for c in panel.curves):
        ax.text(0.5, 0.5, "no history recorded", ha="center", va="center", transform=ax.transAxes)
    ax.legend(
        fontsize=8.5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncols=2,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
    )


def draw_comparison(info: ComparisonInfo) -> Figure:
    """Draw the comparison figure: one panel per space, one curve per value.

    Validation curves are solid, training curves dashed in the same colour, the
    reference thick black in every panel, and bands show one deviation over
    executions where there are several.
    """
    n = len(info.panels)
    title = f"{info.title}: {info.metric} per epoch, one hyper-parameter changed at a time"
    if n == 0:
        fig = Figure(figsize=(9, 2.5))
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.6, title, ha="center", va="center", fontsize=13, fontweight="bold")
        fig.text(0.5, 0.35, "No finished trials yet.", ha="center", va="center", fontsize=12)
        return fig
    ncols = _columns(n)
    nrows = math.ceil(n / ncols)
    # A narrow grid still needs room for the key; its title then takes two lines.
    width = max(5.0 * ncols + 0.6, 9.0)
    if ncols < 3:
        title = title.replace(": ", "\n", 1)
    fig = Figure(figsize=(width, 4.4 * nrows + 1.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, panel in zip(axes.flat, info.panels, strict=False):
        _draw_panel(ax, panel, info.metric)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.supxlabel("epoch")
    fig.supylabel(f"validation {info.metric} (solid), training {info.metric} (dashed)")
    key = [
        Line2D([], [], color="grey", linewidth=VALUE_WIDTH, label=f"validation {info.metric}"),
        Line2D([], [], color="grey", linewidth=1, linestyle="--", label=f"training {info.metric}"),
        Line2D([], [], color=REFERENCE_COLOR, linewidth=REFERENCE_WIDTH, label="reference"),
    ]
    if any(c.status == "diverged" for p in info.panels for c in p.curves):
        key.append(
            Line2D([], [], color="grey", marker="x", ls="", mew=2, label="diverged (last value)")
        )
    if any(c.val_lo for p in info.panels for c in p.curves):
        key.append(Patch(color="grey", alpha=0.3, label="± 1 std over executions"))
    # The key carries the title: a suptitle and an outside legend would overlap.
    fig.legend(
        handles=key,
        loc="outside upper center",
        ncols=len(key) if ncols >= 3 else 3,
        frameon=False,
        title=title,
        title_fontproperties={"size": 14, "weight": "bold"},
        alignment="center",
    )
    return fig


def save_figure(fig: Figure, stem: Path) -> tuple[Path, Path]:
    """Save ``fig`` as ``<stem>.png`` (``DPI`` dots per inch) and ``<stem>.svg``."""
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=DPI)
    # The layout is settled by the first save; keeping it saves seconds on large grids.
    fig.set_layout_engine("none")
    fig.savefig(svg)
    return png, svg
