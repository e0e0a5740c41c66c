from __future__ import annotations

import csv
import io
import json

from tunekit.report import (
    AblationRow,
    AblationTable,
    Change,
    Estimate,
    LeaderboardInfo,
    LeaderboardRow,
    TableFormat,
    render_ablation,
    render_leaderboard,
)
from tunekit.report._tables import latex_escape

TABLE = AblationTable(
    space="kernel_regularizer",
    hp="kernel_regularizer",
    description="penalty on every hidden kernel",
    reference_value="none",
    metric="accuracy",
    rows=(
        AblationRow(
            "00", "none", True, "completed", 2,
            Estimate(0.875, 0.0125, 2), Estimate(0.86, 0.01, 2),
            None, None, 12.0, 30.25, 12345,
        ),
        AblationRow(
            "07", "l1", False, "completed", 2,
            Estimate(0.8, 0.02, 2), Estimate(0.79, 0.02, 2),
            Change(-0.075, -0.1, -0.05, False), Change(-0.07, -0.1, -0.04, False),
            9.5, 20.0, 12345,
        ),
        AblationRow(
            "08", "l2", False, "diverged", 2,
            Estimate(0.87, 0.01, 2), Estimate(0.865, 0.02, 2),
            Change(-0.005, -0.03, 0.02, True), Change(0.005, -0.03, 0.04, True),
            4.0, 8.0, 12345,
        ),
    ),
)  # fmt: skip


def test_markdown():
    assert render_ablation([TABLE], TableFormat.MARKDOWN).splitlines() == [
        "**kernel_regularizer: penalty on every hidden kernel**",
        "",
        "| kernel_regularizer | val accuracy (%) | test accuracy (%) | Δ test (pp) "
        "| 95% CI Δ test (pp) | verdict | Δ val (pp) | epochs | train time (s) | params | status |",
        "|:---|---:|---:|---:|---:|:---|---:|---:|---:|---:|:---|",
        "| none (reference) | 87.50 ± 1.25 | 86.00 ± 1.00 | 0 (control) | — | control "
        "| 0 (control) | 12 | 30.2 | 12,345 | completed |",
        "| l1 | 80.00 ± 2.00 | 79.00 ± 2.00 | -7.00 | [-10.00, -4.00] | — | -7.50 "
        "| 9.5 | 20.0 | 12,345 | completed |",
        "| l2 | 87.00 ± 1.00 | 86.50 ± 2.00 | +0.50 | [-3.00, +4.00] | — | -0.50 "
        "| 4 | 8.0 | 12,345 | diverged |",
    ]


def test_latex_is_booktabs_and_escaped():
    tex = render_ablation([TABLE], "tex")
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"\caption{kernel\_regularizer: penalty on every hidden kernel}" in tex
    assert r"\textbf{none (reference)}" in tex
    assert r"val accuracy (\%)" in tex
    assert r"80.00 $\pm$ 2.00 & 79.00 $\pm$ 2.00 & $-$7.00" in tex
    assert "_" not in tex.replace(r"\_", "")


def test_latex_escape():
    assert latex_escape("a_b & 50% {x} #1 $ ~ ^ \\") == (
        r"a\_b \& 50\% \{x\} \#1 \$ \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    assert latex_escape("10-30-100 -2.5") == "10-30-100 $-$2.5"


def test_csv_keeps_raw_fractions():
    rows = list(csv.DictReader(io.StringIO(render_ablation([TABLE], "csv"))))
    assert [
        (r["value"], r["is_reference"], r["test_change"], r["test_within_noise"]) for r in rows
    ] == [
        ("none", "True", "", ""),
        ("l1", "False", "-0.07", "False"),
        ("l2", "False", "0.005", "True"),
    ]


def test_json_round_trips():
    (table,) = json.loads(render_ablation([TABLE], TableFormat.JSON))
    assert table["rows"][1]["test_change"] == {
        "delta": -0.07, "lo": -0.1, "hi": -0.04, "within_noise": False,
    }  # fmt: skip
    assert table["rows"][0]["test_change"] is None


def test_no_interval_column_with_single_executions():
    row = AblationRow(
        "01", 0.2, False, "completed", 1, Estimate(0.5, None, 1), Estimate(0.5, None, 1),
        Change(0.25), Change(0.25), 3.0, 1.0, None,
    )  # fmt: skip
    text = render_ablation([AblationTable("dropout", "dropout", "", 0.0, "accuracy", (row,))], "md")
    assert "CI" not in text
    assert "| 0.2 | 50.00 | 50.00 | +25.00 | — | +25.00 | 3 | 1.0 | — | completed |" in text


def test_leaderboard_markdown_and_csv():
    info = LeaderboardInfo(
        "val_accuracy",
        "max",
        (
            LeaderboardRow(1, "01", "dropout=0.2", "completed", (("dropout", 0.2),),
                           0.9, 3.0, 10.0, 5, test=0.875),
            LeaderboardRow(None, "02", "dropout=0.5", "running", (("dropout", 0.5),),
                           None, None, None, None),
        ),
        total=3,
    )  # fmt: skip
    md = render_leaderboard(info, "md")
    assert "**Trials ranked by val_accuracy, higher is better (top 2 of 3 trials)**" in md
    assert (
        "| rank | trial | variant | status | val_accuracy (%) | test accuracy (%) | epochs "
        "| train time (s) | params |" in md
    )
    assert "| 1 | 01 | dropout=0.2 | completed | 90.00 | 87.50 | 3 | 10.0 | 5 |" in md
    assert "| — | 02 | dropout=0.5 | running | — | — | — | — | — |" in md
    rows = list(csv.DictReader(io.StringIO(render_leaderboard(info, "csv"))))
    assert rows[0]["changes"] == '{"dropout": 0.2}'
    assert (rows[0]["score"], rows[0]["test"], rows[1]["test"]) == ("0.9", "0.875", "")
