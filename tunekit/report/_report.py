"""``make_report``: read studies, compute the info objects, write every file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tunekit.errors import TunekitError
from tunekit.records.study import read_study
from tunekit.report._clock import ClockGalleryInfo, ErrorHistogramInfo
from tunekit.report._comparison import ComparisonInfo
from tunekit.report._html import html_page
from tunekit.report._kinds import find_report_inputs
from tunekit.report._markdown import markdown_page
from tunekit.report._permutation import PermutationInfo, permutation_info
from tunekit.report._search import SearchInfo
from tunekit.report._writers import permutation_section, study_section

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from matplotlib.figure import Figure


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


def draw_error_histograms(info: ErrorHistogramInfo) -> Figure:
    """Draw a clock study's test-error histograms (imports matplotlib on first use)."""
    from tunekit.report import _draw_clock

    return _draw_clock.draw_error_histograms(info)


def draw_gallery(info: ClockGalleryInfo, images: Sequence[np.ndarray]) -> Figure:
    """Draw test clocks with their true and predicted times (imports matplotlib)."""
    from tunekit.report import _draw_clock

    return _draw_clock.draw_gallery(info, images)


def draw_permutation(info: PermutationInfo) -> Figure:
    """Draw original against permuted pixels (imports matplotlib on first use)."""
    from tunekit.report import _draw

    return _draw.draw_permutation(info)


def draw_search(info: SearchInfo) -> Figure:
    """Draw a search's objective per trial and per hyper-parameter (imports matplotlib)."""
    from tunekit.report import _draw_search

    return _draw_search.draw_search(info)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def make_report(path: Path | str, out_dir: Path | str | None = None) -> ReportResult:
    """Write a report: ``index.html``, ``report.md``, figures and tables.

    ``path`` is a study directory, a permutation folder (``permutation-<dataset>``), or
    a directory of those (e.g. ``runs/`` holding ``mlp-mnist``, ``cnn-mnist`` and
    ``permutation-mnist``); the latter gets one section and one sub-directory of files
    per study, and one section for every permutation folder together. One-factor
    studies get training histories and ablation tables, clock studies error histograms
    and a gallery of hour-off readings too, searches the objective per trial and per
    hyper-parameter. Running trials are left out; unreadable files are skipped and
    named in ``problems`` and on the page.

    Args:
        path: A study directory, a permutation folder, or a directory of them.
        out_dir: Where to write; by default ``reports/<name of path>``, under the
            working directory, where the README keeps reports (studies stay in ``runs/``).

    Raises:
        TunekitError: ``path`` holds no study, no study could be read, or the report
            directory cannot be written.
    """
    path = Path(path)
    inputs = find_report_inputs(path)
    single = len(inputs.studies) + len(inputs.permutations) == 1 and path in (
        *inputs.studies,
        *inputs.permutations,
    )
    out = Path(out_dir) if out_dir is not None else Path("reports") / path.resolve().name
    problems: list[str] = []
    studies = []
    for study_dir in inputs.studies:
        try:
            studies.append(read_study(study_dir))
        except TunekitError as exc:
            if single:
                raise
            problems.append(f"{study_dir}: study skipped: {exc}")
    if not studies and not inputs.permutations:
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
            sections.append(study_section(study, out, sub, files, problems))
        if inputs.permutations:
            info = permutation_info(list(inputs.permutations))
            sub = Path() if single else Path("permutation")
            sections.append(permutation_section(info, out, sub, files, problems))
        pages = [
            _write(out / "index.html", html_page(sections, problems, out)),
            _write(out / "report.md", markdown_page(sections, problems)),
        ]
    except OSError as exc:
        raise TunekitError(
            f"Cannot write the report to {out} ({exc.strerror or exc}). Choose another --out."
        ) from None
    return ReportResult(out, tuple(pages + files), tuple(problems))
