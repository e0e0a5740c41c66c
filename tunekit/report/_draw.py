"""Draw info objects with matplotlib: the comparison and permutation figures.

With ``_draw_clock.py`` and ``_draw_search.py``, the only modules of tunekit that
import matplotlib.

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
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)

from tunekit.report._comparison import ComparisonInfo, Curve, Panel, metric_label
from tunekit.report._permutation import PermutationDataset, PermutationInfo

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
    if any(v is not None for v in curve.train_mean):
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


def _wide_positive(panel: Panel) -> bool:
    """Whether a lower-is-better panel's values span a decade or more (then log scale)."""
    values = [v for c in panel.curves for v in (*c.val_mean, *c.train_mean) if v is not None]
    values = [v for v in values if math.isfinite(v)]
    return bool(values) and min(values) > 0 and max(values) >= 10 * min(values)


def _draw_panel(ax: Axes, panel: Panel, info: ComparisonInfo) -> None:
    colors = iter(PALETTE * (1 + len(panel.curves) // len(PALETTE)))
    for curve in panel.curves:
        _draw_curve(ax, curve, REFERENCE_COLOR if curve.is_reference else next(colors))
    title = panel.space if panel.hp in ("", panel.space) else f"{panel.space} ({panel.hp})"
    ax.set_title(title, fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if info.chance is not None:
        ax.axhline(info.chance, color="grey", linestyle=":", linewidth=1.4, zorder=1)
    if info.direction == "min" and _wide_positive(panel):
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    if "acc" in info.metric:
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
    title = (
        f"{info.title}: {metric_label(info.metric)} per epoch, "
        "one hyper-parameter changed at a time"
    )
    if n == 0:
        return message_figure(title, "No finished trials yet.")
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
        _draw_panel(ax, panel, info)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.supxlabel("epoch")
    name = metric_label(info.metric)
    trained = any(v is not None for p in info.panels for c in p.curves for v in c.train_mean)
    better = ", lower is better" if info.direction == "min" else ""
    fig.supylabel(
        f"validation {name} (solid), training {name} (dashed){better}"
        if trained
        else f"validation {name}{better}"
    )
    key = [
        Line2D([], [], color="grey", linewidth=VALUE_WIDTH, label=f"validation {name}"),
        *(
            [Line2D([], [], color="grey", linewidth=1, linestyle="--", label=f"training {name}")]
            if trained
            else []
        ),
        Line2D([], [], color=REFERENCE_COLOR, linewidth=REFERENCE_WIDTH, label="reference"),
    ]
    if info.chance is not None:
        key.append(
            Line2D([], [], color="grey", linestyle=":", label=f"random guess ({info.chance:g})")
        )
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


def message_figure(title: str, text: str) -> Figure:
    """A figure that only says why there is nothing to draw."""
    fig = Figure(figsize=(9, 2.5))
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.6, title, ha="center", va="center", fontsize=13, fontweight="bold")
    fig.text(0.5, 0.35, text, ha="center", va="center", fontsize=12)
    return fig


# --- permutation -------------------------------------------------------------------------

FAMILY_COLORS = {"mlp": "#1f77b4", "cnn": "#ff7f0e"}


def _spread(positions: list[float], gap: float) -> list[float]:
    """Move sorted label positions (axes fraction) apart by at least ``gap``, in order."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - 0.97 if placed else 0.0
    if overflow > 0:  # pushed off the top: shift the whole stack down
        placed = [p - overflow for p in placed]
    out = [0.0] * len(positions)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


_VERDICT_WORDS = {"unchanged": "within noise", "lost": "lost", "gained": "gained"}


def _draw_pixels(ax: Axes, dataset: PermutationDataset) -> None:
    """Test accuracy on original and permuted pixels, one line per model, labelled at the end."""
    labels: list[tuple[str, str, float, float]] = []  # text, colour, x, y of the last point
    for model in dataset.models:
        color = FAMILY_COLORS.get(model.family, "grey")
        runs = [(x, r) for x, r in enumerate((model.original, model.permuted)) if r is not None]
        tests = [(x, r.test) for x, r in runs if r.test.mean is not None]
        vals = [(x, r.val.mean) for x, r in runs if r.val.mean is not None]
        if vals:
            ax.plot(
                [x for x, _ in vals], [v for _, v in vals], color=color, marker="D",
                markerfacecolor="white", linestyle=":", linewidth=1.2,
            )  # fmt: skip
        if tests:
            ax.errorbar(
                [x for x, _ in tests], [e.mean for _, e in tests],
                yerr=[e.std or 0.0 for _, e in tests], color=color, marker="o", markersize=8,
                linewidth=2.4, capsize=4,
            )  # fmt: skip
            note = "" if model.change is None else f"\n{100 * model.change.delta:+.2f} pp"
            if model.verdict in _VERDICT_WORDS:
                note += f" ({_VERDICT_WORDS[model.verdict]})"
            x_last, last = tests[-1]
            text = f"{model.family.upper()}: {100 * (last.mean or 0.0):.2f}%{note}"
            labels.append((text, color, x_last, float(last.mean or 0.0)))
    ax.set_xticks([0, 1], ["original pixels", "permuted pixels"])
    ax.set_xlim(-0.3, 2.0)
    low, high = ax.get_ylim()
    span = (high - low) or 1.0
    ys = _spread([(y - low) / span for *_, y in labels], gap=0.12)
    for (text, color, x, y), fraction in zip(labels, ys, strict=True):
        ax.annotate(
            text, (x, y), xytext=(x + 0.12, low + fraction * span), va="center", fontsize=10,
            color=color, fontweight="bold", arrowprops={"arrowstyle": "-", "color": color},
        )  # fmt: skip
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_ylabel("accuracy")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(dataset.dataset, fontsize=13, fontweight="bold")
    if not dataset.models:
        ax.text(0.5, 0.5, "no runs recorded", ha="center", va="center", transform=ax.transAxes)


def _draw_pixel_histories(ax: Axes, dataset: PermutationDataset) -> None:
    for model in dataset.models:
        color = FAMILY_COLORS.get(model.family, "grey")
        for run, style in ((model.original, "-"), (model.permuted, "--")):
            if run is not None and run.history:
                x = np.arange(1, len(run.history) + 1)
                ax.plot(x, _array(run.history), color=color, linestyle=style, linewidth=1.8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)


def draw_permutation(info: PermutationInfo) -> Figure:
    """Original against permuted pixels: test accuracy per model, then validation histories."""
    title = "Permuted pixels: does the model use the order of the pixels?"
    if not info.datasets:
        return message_figure(title, "No permutation runs recorded.")
    n = len(info.datasets)
    fig = Figure(figsize=(max(6.4 * n, 8.0), 8.6), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, n, squeeze=False, height_ratios=[3, 2])
    for column, dataset in enumerate(info.datasets):
        _draw_pixels(axes[0, column], dataset)
        _draw_pixel_histories(axes[1, column], dataset)
    key = [
        *(Line2D([], [], color=c, lw=2.4, label=f.upper()) for f, c in FAMILY_COLORS.items()),
        Line2D([], [], color="grey", marker="o", linewidth=0, label="test accuracy (± 1 std)"),
        Line2D([], [], color="grey", marker="D", markerfacecolor="white", linestyle=":",
               label="validation accuracy"),
        Line2D([], [], color="grey", linestyle="-", label="history: original"),
        Line2D([], [], color="grey", linestyle="--", label="history: permuted"),
    ]  # fmt: skip
    fig.legend(
        handles=key,
        loc="outside upper center",
        ncols=3 if n == 1 else 6,
        frameon=False,
        title=title,
        title_fontproperties={"size": 14, "weight": "bold"},
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
