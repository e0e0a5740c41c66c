"""Tables as text: ablation and leaderboard info as Markdown, CSV, LaTeX and JSON.

Markdown, LaTeX and HTML share one ``DisplayTable`` of formatted cells; CSV and JSON
keep the raw numbers (fractions, not percentages) for further analysis.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from tunekit.report._ablation import AblationRow, AblationTable, Change, Estimate
from tunekit.report._comparison import value_label
from tunekit.report._export import rows_to_csv
from tunekit.report._leaderboard import LeaderboardInfo
from tunekit.report._paired import BETTER, NOISE, WORSE, PairedChange

MISSING = "—"


class TableFormat(str, Enum):
    """Text formats of the tables; each value is also the file extension."""

    MARKDOWN = "md"
    CSV = "csv"
    LATEX = "tex"
    JSON = "json"


@dataclass(frozen=True)
class DisplayTable:
    """A table of formatted cells, ready for Markdown, LaTeX or HTML.

    Attributes:
        caption: One line saying what the table shows.
        headers: Column names.
        align: ``l`` or ``r`` per column.
        rows: Formatted cells.
        row_kinds: Per row: ``reference``, ``diverged``, ``failed``, ``running`` or "".
        cell_kinds: Per cell: ``up``, ``down``, ``better``, ``worse``, ``noise`` or "" (how
            a change reads; ``better`` and ``worse`` where lower values are better).
    """

    caption: str
    headers: tuple[str, ...]
    align: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_kinds: tuple[str, ...]
    cell_kinds: tuple[tuple[str, ...], ...]


# --- number formatting -------------------------------------------------------------------


def _is_fraction(metric: str) -> bool:
    """Accuracy-like metrics are shown in percent, changes in percentage points."""
    return "acc" in metric


def metric_unit(metric: str) -> str:
    """``%`` for a metric shown in percent (accuracies), "" otherwise."""
    return "%" if _is_fraction(metric) else ""


def _is_minutes(metric: str) -> bool:
    """Clock errors are minutes: two decimals say enough."""
    return "time_error" in metric


def fmt_metric(value: float | None, metric: str) -> str:
    """A metric value: ``88.12`` (percent) for accuracies, ``5.25`` minutes, else ``0.3412``."""
    if value is None:
        return MISSING
    if _is_fraction(metric):
        return f"{100 * value:.2f}"
    return f"{value:.2f}" if _is_minutes(metric) else f"{value:.4f}"


def fmt_estimate(estimate: Estimate, metric: str) -> str:
    """Mean ± sample deviation, or the mean alone with one execution."""
    text = fmt_metric(estimate.mean, metric)
    if estimate.std is not None:
        text += f" ± {fmt_metric(estimate.std, metric)}"
    return text


def fmt_delta(value: float | None, metric: str) -> str:
    """A signed change: ``+2.00`` (percentage points) or ``-0.0125``."""
    if value is None:
        return MISSING
    return f"{100 * value:+.2f}" if _is_fraction(metric) else f"{value:+.4f}"


def fmt_interval(change: Change | None, metric: str) -> str:
    """The 95% interval of a change, ``[-1.20, -0.40]`` (the verdict column judges it)."""
    if change is None or change.lo is None:
        return MISSING
    return f"[{fmt_delta(change.lo, metric)}, {fmt_delta(change.hi, metric)}]"


def fmt_paired(change: PairedChange | None, metric: str) -> str:
    """The paired test-set interval of a change, ``[-1.20, -0.40]``."""
    if change is None:
        return MISSING
    return f"[{fmt_delta(change.lo, metric)}, {fmt_delta(change.hi, metric)}]"


#: How a verdict reads in a cell's colour.
VERDICT_KINDS = {BETTER: "better", WORSE: "worse", NOISE: "noise"}


def fmt_verdict(verdict: str | None, is_reference: bool) -> str:
    """The verdict, ``control`` for the reference, ``—`` where none could be reached."""
    return "control" if is_reference else verdict or MISSING


def fmt_number(value: float | None, digits: int = 1) -> str:
    """A plain number; whole numbers without decimals."""
    if value is None:
        return MISSING
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.{digits}f}"


#: The header of every time column: the mean time of one execution's ``fit``.
TIME_HEADER = "train time (s)"


def fmt_seconds(value: float | None) -> str:
    """A duration in seconds, to a tenth."""
    return MISSING if value is None else f"{value:.1f}"


def fmt_params(value: int | None) -> str:
    """A parameter count with thousands separators."""
    return MISSING if value is None else f"{value:,}"


def _change_kind(change: Change | None) -> str:
    if change is None:
        return ""
    if change.within_noise:
        return "noise"
    return "up" if change.delta > 0 else "down" if change.delta < 0 else ""


def row_kind(status: str, is_reference: bool = False) -> str:
    """A row's kind: its status unless completed, then ``reference`` or ""."""
    if status != "completed":
        return status
    return "reference" if is_reference else ""


# --- display tables ----------------------------------------------------------------------


def ablation_display(table: AblationTable) -> DisplayTable:
    """Format one ablation table; the interval column appears only when there is one."""
    metric = table.metric
    unit = " (%)" if _is_fraction(metric) else ""
    points = " (pp)" if _is_fraction(metric) else ""
    with_ci = any(r.test_change and r.test_change.lo is not None for r in table.rows)
    with_paired = any(r.paired is not None for r in table.rows)
    headers = [
        table.hp,
        f"val {metric}{unit}",
        f"test {metric}{unit}",
        f"Δ test{points}",
        *([f"95% CI Δ test{points}"] if with_ci else []),
        *([f"paired 95% CI Δ test{points}"] if with_paired else []),
        "verdict",
        f"Δ val{points}",
        "epochs",
        TIME_HEADER,
        "params",
        "status",
    ]

    def cells(row: AblationRow) -> tuple[list[str], list[str]]:
        ref = row.is_reference
        texts = [
            value_label(row.value, is_reference=ref, status="completed"),
            fmt_estimate(row.val, metric),
            fmt_estimate(row.test, metric),
            "0 (control)" if ref else fmt_delta(_delta(row.test_change), metric),
            *([fmt_interval(row.test_change, metric)] if with_ci else []),
            *([fmt_paired(row.paired, metric)] if with_paired else []),
            fmt_verdict(row.verdict, ref),
            "0 (control)" if ref else fmt_delta(_delta(row.val_change), metric),
            fmt_number(row.epochs),
            fmt_seconds(row.seconds),
            fmt_params(row.params),
            row.status,
        ]
        test_kind, val_kind = _change_kind(row.test_change), _change_kind(row.val_change)
        verdict_kind = VERDICT_KINDS.get(row.verdict or "", "")
        kinds = [
            "",
            "",
            "",
            test_kind,
            *([test_kind] if with_ci else []),
            *([verdict_kind] if with_paired else []),
            verdict_kind,
            val_kind,
        ]
        return texts, kinds + [""] * (len(texts) - len(kinds))

    built = [cells(r) for r in table.rows]
    caption = f"{table.space}: {table.description}" if table.description else table.space
    if table.note:
        caption += f" ({table.note})"
    return DisplayTable(
        caption=caption,
        headers=tuple(headers),
        align=tuple("l" if h in (table.hp, "verdict", "status") else "r" for h in headers),
        rows=tuple(tuple(texts) for texts, _ in built),
        row_kinds=tuple(row_kind(r.status, r.is_reference) for r in table.rows),
        cell_kinds=tuple(tuple(kinds) for _, kinds in built),
    )


def _delta(change: Change | None) -> float | None:
    return None if change is None else change.delta


def leaderboard_display(info: LeaderboardInfo) -> DisplayTable:
    """Format the leaderboard; a ``changed`` column appears when labels do not say it all.

    Accuracies are percentages, as in the ablation tables; the test column shows the
    objective's metric on the test split, ``—`` where a trial has none.
    """
    metric, test = info.objective, info.test_metric
    unit = f" ({metric_unit(metric)})" if metric_unit(metric) else ""
    test_unit = f" ({metric_unit(test)})" if metric_unit(test) else ""
    with_changes = any(
        r.label != "reference" and r.label != ", ".join(f"{k}={v}" for k, v in r.changes)
        for r in info.rows
    )
    headers = [
        "rank",
        "trial",
        "variant",
        *(["changed"] if with_changes else []),
        "status",
        f"{metric}{unit}",
        f"test {test}{test_unit}",
        "epochs",
        TIME_HEADER,
        "params",
    ]
    rows = tuple(
        (
            MISSING if r.rank is None else str(r.rank),
            r.trial_id,
            r.label,
            *([", ".join(f"{k}={v}" for k, v in r.changes) or MISSING] if with_changes else []),
            r.status,
            fmt_metric(r.score, metric),
            fmt_metric(r.test, test),
            fmt_number(r.epochs),
            fmt_seconds(r.seconds),
            fmt_params(r.params),
        )
        for r in info.rows
    )
    shown = f"top {len(info.rows)} of {info.total}" if len(info.rows) < info.total else "all"
    better = "higher" if info.direction == "max" else "lower"
    return DisplayTable(
        caption=f"Trials ranked by {metric}, {better} is better ({shown} trials)",
        headers=tuple(headers),
        align=("r", "l", "l", *(["l"] if with_changes else []), "l", *["r"] * 5),
        rows=rows,
        row_kinds=tuple(row_kind(r.status, r.label == "reference") for r in info.rows),
        cell_kinds=tuple(("",) * len(headers) for _ in rows),
    )


# --- Markdown and LaTeX ------------------------------------------------------------------


def display_markdown(table: DisplayTable) -> str:
    """A GitHub-flavoured Markdown table with its caption in bold above it."""

    def line(cells: tuple[str, ...] | list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = ["---:" if a == "r" else ":---" for a in table.align]
    lines = [f"**{table.caption}**", "", line(table.headers), "|" + "|".join(rule) + "|"]
    lines += [line(r) for r in table.rows]
    return "\n".join(lines) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SYMBOLS = {"±": r"$\pm$", "Δ": r"$\Delta$", "—": "---"}
_LATEX_MINUS = re.compile(r"(?<!\w)-(?=\d)")  # a negative number, not ``10-30-100``


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters and spell out the few symbols tables use."""
    out = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)
    for symbol, command in _LATEX_SYMBOLS.items():
        out = out.replace(symbol, command)
    return _LATEX_MINUS.sub("$-$", out)


def display_latex(table: DisplayTable) -> str:
    """A booktabs ``table`` environment; the reference row is set in bold."""
    lines = [
        r"% needs \usepackage{booktabs}",
        r"\begin{table}[ht]",
        r"\centering",
        r"\small",
        rf"\caption{{{latex_escape(table.caption)}}}",
        rf"\begin{{tabular}}{{{''.join(table.align)}}}",
        r"\toprule",
        " & ".join(latex_escape(h) for h in table.headers) + r" \\",
        r"\midrule",
    ]
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        cells = [latex_escape(c) for c in row]
        if kind == "reference":
            cells = [rf"\textbf{{{c}}}" for c in cells]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


# --- raw rows ----------------------------------------------------------------------------


def _flat_change(prefix: str, change: Change | None) -> dict[str, Any]:
    return {
        f"{prefix}_change": None if change is None else change.delta,
        f"{prefix}_change_lo": None if change is None else change.lo,
        f"{prefix}_change_hi": None if change is None else change.hi,
        f"{prefix}_within_noise": None if change is None else change.within_noise,
    }


def flat_paired(change: PairedChange | None) -> dict[str, Any]:
    """The paired test-set change as flat columns (``None`` where not recorded)."""
    return {
        "paired_change": None if change is None else change.delta,
        "paired_change_lo": None if change is None else change.lo,
        "paired_change_hi": None if change is None else change.hi,
        "paired_images": None if change is None else change.images,
        "paired_method": None if change is None else change.method,
    }


def ablation_rows(tables: list[AblationTable]) -> list[dict[str, Any]]:
    """Flatten ablation tables into one dict per row (fractions, not percentages)."""
    return [
        {
            "space": table.space,
            "hp": table.hp,
            "value": row.value,
            "is_reference": row.is_reference,
            "trial_id": row.trial_id,
            "status": row.status,
            "executions": row.executions,
            "metric": table.metric,
            "val_mean": row.val.mean,
            "val_std": row.val.std,
            "val_n": row.val.n,
            "test_mean": row.test.mean,
            "test_std": row.test.std,
            "test_n": row.test.n,
            **_flat_change("val", row.val_change),
            **_flat_change("test", row.test_change),
            **flat_paired(row.paired),
            "seed_floor": row.floor,
            "verdict": row.verdict,
            "epochs": row.epochs,
            "seconds": row.seconds,
            "params": row.params,
        }
        for table in tables
        for row in table.rows
    ]


def render_ablation(tables: list[AblationTable], fmt: TableFormat | str) -> str:
    """Render every ablation table of a study in one text of the given format."""
    return render_tables(tables, fmt, ablation_rows, ablation_display)


def render_tables(
    tables: list[Any],
    fmt: TableFormat | str,
    flat_rows: Callable[[list[Any]], list[dict[str, Any]]],
    display: Callable[[Any], DisplayTable],
) -> str:
    """Render a study's tables of one kind in one text of the given format.

    CSV holds ``flat_rows(tables)``, JSON the tables themselves, Markdown and LaTeX
    each table's ``display``.
    """
    fmt = TableFormat(fmt)
    if fmt is TableFormat.CSV:
        return rows_to_csv(flat_rows(tables))
    if fmt is TableFormat.JSON:
        return json.dumps([asdict(t) for t in tables], indent=1, default=str) + "\n"
    render = display_markdown if fmt is TableFormat.MARKDOWN else display_latex
    return "\n".join(render(display(t)) for t in tables)


def render_leaderboard(info: LeaderboardInfo, fmt: TableFormat | str) -> str:
    """Render the leaderboard in the given format."""
    fmt = TableFormat(fmt)
    if fmt is TableFormat.CSV:
        rows = [{**asdict(r), "changes": dict(r.changes)} for r in info.rows]
        return rows_to_csv([{**r, "changes": json.dumps(r["changes"])} for r in rows])
    if fmt is TableFormat.JSON:
        return json.dumps(asdict(info), indent=1, default=str) + "\n"
    render = display_markdown if fmt is TableFormat.MARKDOWN else display_latex
    return render(leaderboard_display(info))
