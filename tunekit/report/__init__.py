"""Reports of tunekit studies: info objects (no matplotlib), then figures, tables and pages.

Compute, then draw: ``comparison_info``, ``ablation_info``, ``leaderboard_info``,
``clock_table_info``, ``error_histogram_info``, ``clock_gallery_info``,
``permutation_info`` and ``search_info`` turn records into plain frozen dataclasses;
the ``draw_*`` functions and the table renderers turn those into figures and text;
``make_report`` does both and writes a self-contained ``index.html``. matplotlib is
imported only when drawing.
"""

from __future__ import annotations

from tunekit.report._ablation import AblationRow, AblationTable, Change, Estimate, ablation_info
from tunekit.report._clock import (
    ClockGalleryInfo,
    ErrorHistogram,
    ErrorHistogramInfo,
    GalleryImage,
    clock_gallery_info,
    error_histogram_info,
    load_test_images,
)
from tunekit.report._clock_tables import ClockRow, ClockTable, clock_table_info, render_clock_tables
from tunekit.report._comparison import ComparisonInfo, Curve, Panel, comparison_info
from tunekit.report._export import ExportFormat, export_rows, write_export
from tunekit.report._kinds import ReportInputs, find_report_inputs
from tunekit.report._leaderboard import (
    LeaderboardInfo,
    LeaderboardRow,
    leaderboard_info,
    metric_on_test,
)
from tunekit.report._notebook import leaderboard_html
from tunekit.report._paired import PairedChange, paired_bootstrap
from tunekit.report._permutation import (
    PermutationDataset,
    PermutationInfo,
    PermutationModel,
    PermutationRun,
    permutation_info,
)
from tunekit.report._report import (
    ReportResult,
    draw_comparison,
    draw_error_histograms,
    draw_gallery,
    draw_permutation,
    draw_search,
    make_report,
)
from tunekit.report._search import HPScatter, SearchInfo, SearchTrial, search_info
from tunekit.report._tables import (
    TIME_HEADER,
    TableFormat,
    fmt_metric,
    fmt_seconds,
    metric_unit,
    render_ablation,
    render_leaderboard,
)
from tunekit.report._tensorboard import (
    TensorBoardInfo,
    export_tensorboard,
    tensorboard_info,
    write_tensorboard,
)

__all__ = [
    "PairedChange",
    "paired_bootstrap",
    "AblationRow",
    "AblationTable",
    "Change",
    "ClockGalleryInfo",
    "ClockRow",
    "ClockTable",
    "ComparisonInfo",
    "Curve",
    "ErrorHistogram",
    "ErrorHistogramInfo",
    "Estimate",
    "ExportFormat",
    "GalleryImage",
    "HPScatter",
    "LeaderboardInfo",
    "LeaderboardRow",
    "Panel",
    "PermutationDataset",
    "PermutationInfo",
    "PermutationModel",
    "PermutationRun",
    "ReportInputs",
    "ReportResult",
    "SearchInfo",
    "SearchTrial",
    "TIME_HEADER",
    "TableFormat",
    "TensorBoardInfo",
    "ablation_info",
    "clock_gallery_info",
    "clock_table_info",
    "comparison_info",
    "draw_comparison",
    "draw_error_histograms",
    "draw_gallery",
    "draw_permutation",
    "draw_search",
    "error_histogram_info",
    "export_rows",
    "export_tensorboard",
    "find_report_inputs",
    "fmt_metric",
    "fmt_seconds",
    "leaderboard_html",
    "leaderboard_info",
    "load_test_images",
    "make_report",
    "metric_on_test",
    "metric_unit",
    "permutation_info",
    "render_ablation",
    "render_clock_tables",
    "render_leaderboard",
    "search_info",
    "tensorboard_info",
    "write_export",
    "write_tensorboard",
]
