"""Reports of tunekit studies: info objects (no matplotlib), then figures, tables and pages.

Compute, then draw: ``comparison_info``, ``ablation_info`` and ``leaderboard_info``
turn a study's records into plain frozen dataclasses; ``draw_comparison`` and the
table renderers turn those into figures and text; ``make_report`` does both and
writes a self-contained ``index.html``. matplotlib is imported only when drawing.
"""

from __future__ import annotations

from tunekit.report._ablation import AblationRow, AblationTable, Change, Estimate, ablation_info
from tunekit.report._comparison import ComparisonInfo, Curve, Panel, comparison_info
from tunekit.report._export import ExportFormat, export_rows, write_export
from tunekit.report._leaderboard import LeaderboardInfo, LeaderboardRow, leaderboard_info
from tunekit.report._report import ReportResult, draw_comparison, make_report
from tunekit.report._tables import TableFormat, render_ablation, render_leaderboard

__all__ = [
    "AblationRow",
    "AblationTable",
    "Change",
    "ComparisonInfo",
    "Curve",
    "Estimate",
    "ExportFormat",
    "LeaderboardInfo",
    "LeaderboardRow",
    "Panel",
    "ReportResult",
    "TableFormat",
    "ablation_info",
    "comparison_info",
    "draw_comparison",
    "export_rows",
    "leaderboard_info",
    "make_report",
    "render_ablation",
    "render_leaderboard",
    "write_export",
]
