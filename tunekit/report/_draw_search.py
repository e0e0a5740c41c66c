"""Draw a search's figure with matplotlib: the objective per trial and per hyper-parameter.

With ``_draw.py`` and ``_draw_clock.py``, the only modules of tunekit that import matplotlib.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from tunekit.report._draw import message_figure
from tunekit.report._search import HPScatter, SearchInfo

SCORE_COLOR, BEST_COLOR = "#1f77b4", "#d62728"


def _jitter(count: int) -> np.ndarray:
    """Fixed, spread-out offsets so points of one category do not hide each other."""
    return (np.mod(np.arange(count) * 0.618034, 1.0) - 0.5) * 0.36


def _draw_history(ax: Axes, info: SearchInfo) -> None:
    scored = [t for t in info.trials if t.score is not None]
    ax.plot(
        [t.number for t in scored], [t.score for t in scored], "o", color=SCORE_COLOR,
        alpha=0.75, label="trial",
    )  # fmt: skip
    so_far = [(t.number, t.best_so_far) for t in info.trials if t.best_so_far is not None]
    if so_far:
        ax.step(*zip(*so_far, strict=True), where="post", color=BEST_COLOR, linewidth=2,
                label="best so far")  # fmt: skip
    for t in (t for t in scored if t.is_best):
        ax.plot(t.number, t.score, "*", color=BEST_COLOR, markersize=16, label="best trial")
    unscored = [t.number for t in info.trials if t.score is None]
    if unscored:  # no score to place them by: mark them along the bottom
        ax.plot(
            unscored,
            [0.02] * len(unscored),
            "x",
            color="grey",
            mew=2,
            transform=ax.get_xaxis_transform(),
            label="no score (diverged, failed, running)",
        )
    better = "lower is better" if info.direction == "min" else "higher is better"
    ax.set_xlabel("trial (in the order they ran)")
    ax.set_ylabel(f"{info.objective}\n({better})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    _percent(ax, info)
    ax.legend(fontsize=9.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4, frameon=False)


def _percent(ax: Axes, info: SearchInfo) -> None:
    """Accuracies read as percentages, as in the tables."""
    if "acc" in info.objective:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))


def _draw_scatter(ax: Axes, scatter: HPScatter, info: SearchInfo) -> None:
    if scatter.scale == "categorical":
        where = {c: i for i, c in enumerate(scatter.categories)}
        x = np.array([where[v] for v, _ in scatter.points], dtype=float)
        x += _jitter(len(x))
        ax.set_xticks(range(len(scatter.categories)), scatter.categories, rotation=30, ha="right")
        ax.set_xlim(-0.6, len(scatter.categories) - 0.4)
    else:
        x = np.array([v for v, _ in scatter.points], dtype=float)
        if scatter.scale == "log":
            ax.set_xscale("log")
    scores = [s for _, s in scatter.points]
    ax.plot(x, scores, "o", color=SCORE_COLOR, alpha=0.7)
    best = [t.score for t in info.trials if t.is_best]
    at = [
        i for i, (v, s) in enumerate(scatter.points) if best and (v, s) == (scatter.best, best[0])
    ]
    if at:  # on the best trial's own (jittered) point
        ax.plot(x[at[0]], scores[at[0]], "*", color=BEST_COLOR, markersize=15, zorder=5)
    ax.set_title(scatter.hp, fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3)
    _percent(ax, info)
    if not scatter.points:
        ax.text(0.5, 0.5, "no scored trial", ha="center", va="center", transform=ax.transAxes)


def draw_search(info: SearchInfo) -> Figure:
    """The objective per trial with the best so far, then against each hyper-parameter."""
    title = f"{info.title}: {info.tuner} search on {info.objective}"
    if not info.trials:
        return message_figure(title, "No trials recorded yet.")
    ncols = min(3, max(len(info.hps), 1))
    nrows = math.ceil(len(info.hps) / ncols)
    fig = Figure(figsize=(14, 4.2 + 3.8 * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1 + nrows, ncols, height_ratios=[4.2] + [3.8] * nrows)
    _draw_history(fig.add_subplot(grid[0, :]), info)
    for index, scatter in enumerate(info.hps):
        ax = fig.add_subplot(grid[1 + index // ncols, index % ncols])
        _draw_scatter(ax, scatter, info)
        if index % ncols == 0:
            ax.set_ylabel(info.objective)
    fig.suptitle(f"{title} (red star: the best trial)", fontsize=14, fontweight="bold")
    return fig
