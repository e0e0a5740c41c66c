"""Tables of the permutation and search sections, as display tables and raw rows."""

from __future__ import annotations

from typing import Any

from tunekit.report._leaderboard import metric_on_test
from tunekit.report._permutation import PermutationInfo, PermutationModel, PermutationRun
from tunekit.report._search import SearchInfo, SearchTrial
from tunekit.report._tables import (
    MISSING,
    TIME_HEADER,
    DisplayTable,
    fmt_estimate,
    fmt_metric,
    fmt_number,
    fmt_seconds,
    metric_unit,
    row_kind,
)

#: How a permutation verdict reads in a table, and its cell colour.
_VERDICTS = {
    "unchanged": ("within noise", "noise"),
    "lost": ("lost accuracy", "down"),
    "gained": ("gained accuracy", "up"),
    "unknown": ("noise unknown", ""),
    "incomplete": ("incomplete", ""),
}


def _run_cell(run: PermutationRun | None, which: str) -> str:
    if run is None:
        return "not run"
    return fmt_estimate(getattr(run, which), "accuracy")


def _epochs(model: PermutationModel) -> str:
    runs = (model.original, model.permuted)
    return " / ".join(MISSING if r is None else fmt_number(r.epochs) for r in runs)


def permutation_display(info: PermutationInfo) -> DisplayTable:
    """One row per data set and model: test and validation accuracy, original and permuted."""
    headers = (
        "data set",
        "model",
        "test original (%)",
        "test permuted (%)",
        "Δ test (pp)",
        "95% interval (pp)",
        "verdict",
        "val original (%)",
        "val permuted (%)",
        "epochs (orig. / perm.)",
        "noise measured on",
    )
    rows, kinds = [], []
    for dataset in info.datasets:
        for model in dataset.models:
            change = model.change
            verdict, kind = _VERDICTS[model.verdict]
            interval = MISSING
            if change is not None and change.lo is not None and change.hi is not None:
                interval = f"[{100 * change.lo:+.2f}, {100 * change.hi:+.2f}]"
            rows.append(
                (
                    dataset.dataset,
                    model.family.upper() + (" (reference model)" if model.fallback else ""),
                    _run_cell(model.original, "test"),
                    _run_cell(model.permuted, "test"),
                    MISSING if change is None else f"{100 * change.delta:+.2f}",
                    interval,
                    verdict,
                    _run_cell(model.original, "val"),
                    _run_cell(model.permuted, "val"),
                    _epochs(model),
                    model.noise or MISSING,
                )
            )
            kinds.append(("", "", "", "", kind, kind, kind, "", "", "", ""))
    return DisplayTable(
        caption="Test accuracy on original and on permuted pixels",
        headers=headers,
        align=("l", "l", "r", "r", "r", "r", "l", "r", "r", "r", "l"),
        rows=tuple(rows),
        row_kinds=("",) * len(rows),
        cell_kinds=tuple(kinds),
    )


def permutation_rows(info: PermutationInfo) -> list[dict[str, Any]]:
    """One flat row per data set, model and pixel order (fractions, not percentages)."""
    out = []
    for dataset in info.datasets:
        for model in dataset.models:
            for kind, run in (("original", model.original), ("permuted", model.permuted)):
                out.append(
                    {
                        "dataset": dataset.dataset,
                        "family": model.family,
                        "pixels": kind,
                        "study": None if run is None else run.study,
                        "permute": None if run is None else run.permute,
                        "status": "not run" if run is None else run.status,
                        "val_accuracy": None if run is None else run.val.mean,
                        "test_accuracy": None if run is None else run.test.mean,
                        "test_accuracy_std": None if run is None else run.test.std,
                        "executions": None if run is None else run.test.n,
                        "epochs": None if run is None else run.epochs,
                        "seconds": None if run is None else run.seconds,
                        "change": None if model.change is None else model.change.delta,
                        "change_lo": None if model.change is None else model.change.lo,
                        "change_hi": None if model.change is None else model.change.hi,
                        "verdict": model.verdict,
                        "source": model.source,
                    }
                )
    return out


def _ranked(info: SearchInfo) -> list[tuple[int | None, SearchTrial]]:
    sign = 1.0 if info.direction == "min" else -1.0
    scored = sorted((t for t in info.trials if t.score is not None), key=lambda t: sign * t.score)
    rest = [t for t in info.trials if t.score is None]
    return [(i, t) for i, t in enumerate(scored, start=1)] + [(None, t) for t in rest]


def search_display(info: SearchInfo, top: int | None = None) -> DisplayTable:
    """The search's trials ranked by the objective, one column per free hyper-parameter."""
    hps = [h.hp for h in info.hps]
    ranked = _ranked(info)
    shown = ranked[:top]
    test = metric_on_test(info.objective)
    rows = tuple(
        (
            MISSING if rank is None else str(rank),
            t.trial_id,
            str(t.number),
            t.status,
            fmt_metric(t.score, info.objective),
            fmt_metric(t.test, test),
            *(_value(dict(t.values).get(hp, MISSING)) for hp in hps),
            fmt_number(t.epochs),
            fmt_seconds(t.seconds),
        )
        for rank, t in shown
    )
    headers = (
        "rank", "trial", "#", "status", _with_unit(info.objective), f"test {_with_unit(test)}",
        *hps, "epochs", TIME_HEADER,
    )  # fmt: skip
    count = f"top {len(shown)} of {len(ranked)}" if len(shown) < len(ranked) else "all"
    better = "higher" if info.direction == "max" else "lower"
    return DisplayTable(
        caption=(
            f"{info.tuner} search: trials ranked by {info.objective}, {better} is better "
            f"({count} trials)"
        ),
        headers=headers,
        align=("r", "l", "r", "l", "r", "r", *("l",) * len(hps), "r", "r"),
        rows=rows,
        row_kinds=tuple(row_kind(t.status, t.is_best) for _, t in shown),
        cell_kinds=tuple(("",) * len(headers) for _ in rows),
    )


def _with_unit(metric: str) -> str:
    return f"{metric} ({metric_unit(metric)})" if metric_unit(metric) else metric


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def search_rows(info: SearchInfo) -> list[dict[str, Any]]:
    """One flat row per trial, in trial order, with ``hp.<name>`` columns."""
    return [
        {
            "number": t.number,
            "trial_id": t.trial_id,
            "status": t.status,
            "score": t.score,
            "test": t.test,
            "epochs": t.epochs,
            "seconds": t.seconds,
            "best_so_far": t.best_so_far,
            "is_best": t.is_best,
            **{f"hp.{k}": v for k, v in t.values},
        }
        for t in info.trials
    ]
