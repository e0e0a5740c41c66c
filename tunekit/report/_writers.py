"""Write one section's files (figures, tables, exports) and describe it for the pages.

One function per kind of section: a study (one-factor, clock or search) and a
permutation study. matplotlib is imported only here, when a figure is drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError
from tunekit.records.study import StudyRecords
from tunekit.report._ablation import ablation_info
from tunekit.report._clock import (
    GALLERY_RANGE,
    clock_gallery_info,
    error_histogram_info,
    load_test_images,
)
from tunekit.report._clock_tables import clock_display, clock_table_info, render_clock_tables
from tunekit.report._comparison import comparison_info, metric_label
from tunekit.report._displays import (
    permutation_display,
    permutation_rows,
    search_display,
    search_rows,
)
from tunekit.report._export import rows_to_csv, write_export
from tunekit.report._kinds import is_clock, is_search
from tunekit.report._leaderboard import leaderboard_info
from tunekit.report._paired import VERDICT_RULE
from tunekit.report._permutation import PermutationInfo
from tunekit.report._search import search_info
from tunekit.report._sections import Block, Section, anchor, running_note, summary_items
from tunekit.report._spaces import running_count, study_title
from tunekit.report._tables import (
    TableFormat,
    ablation_display,
    display_markdown,
    leaderboard_display,
    render_ablation,
    render_leaderboard,
)

TABLE_NAMES = {
    TableFormat.MARKDOWN: "Markdown",
    TableFormat.CSV: "CSV",
    TableFormat.LATEX: "LaTeX",
    TableFormat.JSON: "JSON",
}
SEARCH_ROWS_SHOWN = 30  # the page's trial table; the CSV holds every trial


class _Files:
    """The files a section writes: where they go, and their links on the page."""

    def __init__(self, out_dir: Path, sub: Path, written: list[Path]) -> None:
        self.out_dir, self.sub, self.written = out_dir, sub, written
        self.downloads: list[tuple[str, Path]] = []
        (out_dir / sub).mkdir(parents=True, exist_ok=True)

    def text(self, name: str, label: str, text: str) -> Path:
        """Write a text file and link it as ``label``."""
        path = self.out_dir / self.sub / name
        path.write_text(text, encoding="utf-8")
        self.written.append(path)
        self.downloads.append((label, self.sub / name))
        return path

    def figure(self, fig: Any, stem: str, label: str) -> Path:
        """Save a figure as PNG and SVG; returns the PNG relative to the report directory."""
        from tunekit.report._draw import save_figure

        png, svg = save_figure(fig, self.out_dir / self.sub / stem)
        self.written += [png, svg]
        self.downloads += [(f"{label} (SVG)", self.sub / svg.name)]
        return self.sub / png.name


def _comparison_block(study: StudyRecords, files: _Files) -> Block:
    from tunekit.report._draw import draw_comparison

    info = comparison_info(study)
    name = metric_label(info.metric)
    better = " Lower is better." if info.direction == "min" else ""
    chance = f" Dotted: a random guess ({info.chance:g})." if info.chance is not None else ""
    return Block(
        "Training histories",
        figure=files.figure(draw_comparison(info), "comparison", "figure"),
        caption=(
            f"One panel per hyper-parameter, one curve per value of validation {name}. "
            "Dashed: the training curve where there is one; thick black: the reference, the "
            f"control of every panel; bands: one standard deviation over executions.{better}"
            f"{chance}"
        ),
    )


def _ablation_block(study: StudyRecords, files: _Files) -> Block:
    metric = study.meta.metric
    tables = ablation_info(study, metric)
    for fmt in TableFormat:
        files.text(
            f"ablation.{fmt.value}", f"ablation ({TABLE_NAMES[fmt]})", render_ablation(tables, fmt)
        )
    return Block(
        "Ablation: each value against the reference",
        text=(
            "Mean ± sample standard deviation over executions. Δ is the change from the "
            "reference (green up, red down). With two or more executions on both sides, the "
            "95% Welch interval of Δ is shown, grey and within noise when it contains 0. "
            "Where each test image's prediction is recorded, the paired 95% interval of Δ "
            "test compares the two models image by image (Wald, mean over executions). "
            f"{VERDICT_RULE} Records without per-image predictions are judged by the Welch "
            "interval alone, and get no verdict without one."
        ),
        notes=() if tables else ("No finished trials yet.",),
        tables=tuple(ablation_display(t) for t in tables),
    )


def _clock_table_block(study: StudyRecords, files: _Files) -> Block:
    tables = clock_table_info(study)
    for fmt in TableFormat:
        files.text(
            f"ablation.{fmt.value}",
            f"ablation ({TABLE_NAMES[fmt]})",
            render_clock_tables(tables, fmt),
        )
    return Block(
        "Ablation: each value against the reference",
        text=(
            "Test clocks: the mean, median and 90th percentile of the common-sense error "
            "(minutes, circular on the 12-hour dial), the share with the right hour and the "
            "share read to within a minute. Δ is the change in mean error from the reference: "
            "green lower (better), red higher; grey within noise (95% Welch interval over "
            "executions, with two or more on both sides). The paired 95% interval of Δ is a "
            "bootstrap over the test clocks (2,000 resamples of each clock's error, averaged "
            f"over executions). {VERDICT_RULE.replace('Δ test', 'Δ mean error')}"
        ),
        notes=() if tables else ("No finished trials yet.",),
        tables=tuple(clock_display(t) for t in tables),
    )


def _clock_blocks(study: StudyRecords, files: _Files, problems: list[str]) -> list[Block]:
    from tunekit.report._draw_clock import draw_error_histograms, draw_gallery

    histograms = error_histogram_info(study)
    problems += [f"{study.path}: {p}" for p in histograms.problems]
    if histograms.best is None:
        return [Block("Test errors", notes=("No trial recorded its test predictions yet.",))]
    blocks = [
        Block(
            "Test errors",
            figure=files.figure(draw_error_histograms(histograms), "errors", "error histograms"),
            caption=(
                "Share of test clocks per error range: fine bins below 10 minutes, coarse "
                "beyond. Orange: 55-65 minutes, an hour hand read as its neighbour."
            ),
        )
    ]
    low, high = GALLERY_RANGE
    heading = f"Test clocks read {low:g}-{high:g} minutes wrong"
    gallery = clock_gallery_info(study)
    if gallery is None:
        return blocks
    if not gallery.images:
        note = (
            f"No test clock of {gallery.title} is {low:g}-{high:g} minutes wrong "
            f"(of {gallery.total:,})."
        )
        return [*blocks, Block(heading, notes=(note,))]
    record = next(r for r in study.records if r.trial_id == gallery.trial_id)
    try:
        images = load_test_images(study.meta, record, gallery.execution)
    except TunekitError as exc:
        note = f"Gallery skipped: {exc}."
        problems.append(f"{study.path}: clock gallery skipped: {exc}")
        return [*blocks, Block(heading, notes=(note,))]
    fig = draw_gallery(gallery, [images[item.index] for item in gallery.images])
    return [
        *blocks,
        Block(
            heading,
            text=(
                f"{gallery.title}: {gallery.matches} of {gallery.total:,} test clocks "
                f"(execution {gallery.execution}). Hour 0 is written 12, as on the dial."
            ),
            figure=files.figure(fig, "gallery", "gallery"),
            caption="Each test clock with its true time and the time the model read.",
        ),
    ]


def _leaderboard_block(study: StudyRecords, files: _Files) -> Block:
    leaderboard = leaderboard_info(study)
    for fmt in (TableFormat.MARKDOWN, TableFormat.CSV):
        files.text(
            f"leaderboard.{fmt.value}",
            f"leaderboard ({TABLE_NAMES[fmt]})",
            render_leaderboard(leaderboard, fmt),
        )
    return Block("Leaderboard", tables=(leaderboard_display(leaderboard),))


def _search_blocks(study: StudyRecords, files: _Files) -> list[Block]:
    from tunekit.report._draw_search import draw_search

    info = search_info(study)
    files.text("trials.md", "trials (Markdown)", display_markdown(search_display(info)))
    files.text("trials.csv", "trials (CSV)", rows_to_csv(search_rows(info)))
    better = "lowest" if info.direction == "min" else "highest"
    return [
        Block(
            f"{info.tuner.capitalize()} search",
            figure=files.figure(draw_search(info), "search", "figure"),
            caption=(
                f"Top: {info.objective} of each trial in the order they ran; the red line is "
                f"the {better} score so far. Below: {info.objective} against each "
                "hyper-parameter the search varied; the red star is the best trial."
            ),
        ),
        Block("Trials", tables=(search_display(info, SEARCH_ROWS_SHOWN),)),
    ]


#: Said on the page of a study whose own data (``--data``) had no x_test and y_test.
NO_TEST_NOTE = (
    "This study's data has no test split (no x_test and y_test), so its trials have no "
    "test metrics: the test columns show —."
)


def study_section(
    study: StudyRecords, out_dir: Path, sub: Path, written: list[Path], problems: list[str]
) -> Section:
    """Write one study's figures and tables under ``out_dir / sub``; describe its section."""
    files = _Files(out_dir, sub, written)
    clock, search = is_clock(study), is_search(study)
    blocks: list[Block] = []
    if search:
        blocks += _search_blocks(study, files)
    else:
        blocks.append(_comparison_block(study, files))
        blocks.append((_clock_table_block if clock else _ablation_block)(study, files))
    if clock:
        blocks += _clock_blocks(study, files, problems)
    if not search:
        blocks.append(_leaderboard_block(study, files))
    for fmt in ("csv", "json"):
        path = write_export(study, out_dir / sub / f"executions.{fmt}", fmt)
        written.append(path)
        files.downloads.append((f"every execution ({fmt.upper()})", sub / path.name))
    left_out = "the figures and tables" if search or clock else None
    note = running_note(running_count(study), *([left_out] if left_out else []))
    notes = (note,) if note else ()
    if study.meta.data.test_size == 0:
        notes += (NO_TEST_NOTE,)
    return Section(
        anchor=anchor(study.path.name),
        title=study_title(study) + (f" ({study.meta.tuner.value} search)" if search else ""),
        facts=tuple(summary_items(study)),
        notes=notes,
        blocks=tuple(blocks),
        downloads=tuple(_png_links(files)),
    )


def _png_links(files: _Files) -> list[tuple[str, Path]]:
    """Downloads with each figure's PNG beside its SVG."""
    out = []
    for label, path in files.downloads:
        out.append((label, path))
        if path.suffix == ".svg":
            out.append((label.replace("(SVG)", "(PNG)"), path.with_suffix(".png")))
    return out


def permutation_section(
    info: PermutationInfo, out_dir: Path, sub: Path, written: list[Path], problems: list[str]
) -> Section:
    """Write the permutation figure and table under ``out_dir / sub``; describe its section."""
    from tunekit.report._draw import draw_permutation

    files = _Files(out_dir, sub, written)
    problems += info.problems
    table = permutation_display(info)
    files.text("permutation.md", "table (Markdown)", display_markdown(table))
    files.text("permutation.csv", "table (CSV)", rows_to_csv(permutation_rows(info)))
    facts: list[tuple[str, str]] = []
    for dataset in info.datasets:
        facts.append((f"{dataset.dataset}: folder", str(dataset.path)))
        seeds = {
            run.permute
            for m in dataset.models
            for run in (m.permuted,)
            if run is not None and run.permute is not None
        }
        if seeds:
            facts.append((f"{dataset.dataset}: permutation seed", ", ".join(map(str, seeds))))
        facts += [
            (f"{dataset.dataset}: {m.family.upper()}", m.source) for m in dataset.models if m.source
        ]
    return Section(
        anchor="permutation",
        title="Permuted pixels: " + ", ".join(d.dataset for d in info.datasets),
        facts=tuple(facts),
        notes=(),
        blocks=(
            Block(
                "Original against permuted pixels",
                text=(
                    "The best MLP and CNN of the one-factor studies, retrained on images whose "
                    "pixels are all shuffled by one fixed permutation. Where both runs "
                    "recorded each test image's prediction, the change has a paired 95% "
                    "interval (image by image) and is judged as the ablation tables judge "
                    f"theirs. {VERDICT_RULE} A run trained once takes s from the reference "
                    "trainings of the study its model was chosen from (the same family on "
                    "the same data). Runs recorded without per-image predictions "
                    "fall back to the earlier rule: a change is within "
                    "noise when its 95% interval contains 0: the Welch interval over "
                    "executions where both runs have two or more, otherwise the binomial "
                    "interval of two test accuracies (the test set's sampling noise only)."
                ),
                notes=tuple(d.finding for d in info.datasets),
                figure=files.figure(draw_permutation(info), "permutation", "figure"),
                caption=(
                    "Top: test accuracy (filled, ± one standard deviation over executions) "
                    "and validation accuracy (hollow) of each model on original and permuted "
                    "pixels. Bottom: validation accuracy per epoch, original solid, permuted "
                    "dashed."
                ),
                tables=(table,),
            ),
        ),
        downloads=tuple(_png_links(files)),
    )
