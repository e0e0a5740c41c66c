"""``make_report``: read one study or several, compute the info objects, write every file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tunekit.errors import TunekitError
from tunekit.report._ablation import ablation_info
from tunekit.report._comparison import ComparisonInfo, comparison_info
from tunekit.report._export import write_export
from tunekit.report._html import html_page
from tunekit.report._leaderboard import leaderboard_info
from tunekit.report._markdown import markdown_page
from tunekit.report._sections import StudySection
from tunekit.report._tables import TableFormat, render_ablation, render_leaderboard
from tunekit.tuning.reading import StudyRecords, find_studies, read_study

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_TABLE_NAMES = {
    TableFormat.MARKDOWN: "Markdown",
    TableFormat.CSV: "CSV",
    TableFormat.LATEX: "LaTeX",
    TableFormat.JSON: "JSON",
}


@dataclass(frozen=True)
class ReportResult:
    """What ``make_report`` wrote.

    Attributes:
        out_dir: The report directory; ``index.html`` and ``report.md`` are in it.
        files: Every file written, pages first.
        problems: One line per file or study that was skipped, naming it.
    """

    out_dir: Path
    files: tuple[Path, ...]
    problems: tuple[str, ...]


def draw_comparison(info: ComparisonInfo) -> Figure:
    """Draw a comparison figure (imports matplotlib on first use)."""
    from tunekit.report import _draw

    return _draw.draw_comparison(info)


def _write(path: Path, text: str, files: list[Path]) -> Path:
    path.write_text(text, encoding="utf-8")
    files.append(path)
    return path


def _study_files(study: StudyRecords, out_dir: Path, sub: Path, files: list[Path]) -> StudySection:
    """Write one study's figure and tables under ``out_dir / sub``."""
    from tunekit.report import _draw  # matplotlib is imported only when a report is drawn

    folder = out_dir / sub
    folder.mkdir(parents=True, exist_ok=True)
    comparison = comparison_info(study)
    ablation = ablation_info(study)
    leaderboard = leaderboard_info(study)
    png, svg = _draw.save_figure(_draw.draw_comparison(comparison), folder / "comparison")
    files += [png, svg]
    downloads = [("figure (SVG)", sub / svg.name), ("figure (PNG)", sub / png.name)]
    for fmt in TableFormat:
        path = _write(folder / f"ablation.{fmt.value}", render_ablation(ablation, fmt), files)
        downloads.append((f"ablation ({_TABLE_NAMES[fmt]})", sub / path.name))
    for fmt in (TableFormat.MARKDOWN, TableFormat.CSV):
        path = _write(
            folder / f"leaderboard.{fmt.value}", render_leaderboard(leaderboard, fmt), files
        )
        downloads.append((f"leaderboard ({_TABLE_NAMES[fmt]})", sub / path.name))
    for fmt in ("csv", "json"):
        path = write_export(study, folder / f"executions.{fmt}", fmt)
        files.append(path)
        downloads.append((f"every execution ({fmt.upper()})", sub / path.name))
    return StudySection(
        study, comparison, tuple(ablation), leaderboard, sub / png.name, tuple(downloads)
    )


def make_report(path: Path | str, out_dir: Path | str | None = None) -> ReportResult:
    """Write a study's report: ``index.html``, ``report.md``, figures and tables.

    ``path`` is a study directory or a directory of studies (e.g. ``runs/`` holding
    ``mlp-mnist`` and ``mlp-fashion_mnist``); the latter gets one section and one
    sub-directory of files per study. Running trials are left out; unreadable trial
    files are skipped and named in ``problems`` and on the page.

    Args:
        path: A study directory or a directory of study directories.
        out_dir: Where to write; ``<path>/report`` by default.

    Raises:
        TunekitError: ``path`` holds no study, no study could be read, or the report
            directory cannot be written.
    """
    path = Path(path)
    study_dirs = find_studies(path)
    single = study_dirs == [path]
    out = Path(out_dir) if out_dir is not None else path / "report"
    problems: list[str] = []
    studies = []
    for study_dir in study_dirs:
        try:
            studies.append(read_study(study_dir))
        except TunekitError as exc:
            if single:
                raise
            problems.append(f"{study_dir}: study skipped: {exc}")
    if not studies:
        raise TunekitError(f"No study under {path} could be read: {'; '.join(problems)}")
    files: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        sections = []
        for study in studies:
            problems += study.problems
            if not study.records:
                problems.append(f"{study.path}: no trial records yet; the report is empty")
            sub = Path() if single else Path(study.path.name)
            sections.append(_study_files(study, out, sub, files))
        pages = [
            _write(out / "index.html", html_page(sections, problems, out), []),
            _write(out / "report.md", markdown_page(sections, problems), []),
        ]
    except OSError as exc:
        raise TunekitError(
            f"Cannot write the report to {out} ({exc.strerror or exc}). Choose another --out."
        ) from None
    return ReportResult(out, tuple(pages + files), tuple(problems))
