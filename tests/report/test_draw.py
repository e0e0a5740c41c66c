"""Draw hand-built info objects, edge cases included (the only tests that import matplotlib)."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.report import (
    Change,
    ClockGalleryInfo,
    ComparisonInfo,
    Curve,
    ErrorHistogram,
    ErrorHistogramInfo,
    Estimate,
    GalleryImage,
    HPScatter,
    Panel,
    PermutationDataset,
    PermutationInfo,
    PermutationModel,
    PermutationRun,
    SearchInfo,
    SearchTrial,
    draw_comparison,
    draw_error_histograms,
    draw_gallery,
    draw_permutation,
    draw_search,
)
from tunekit.report._clock import ERROR_EDGES
from tunekit.report._draw import REFERENCE_COLOR, REFERENCE_WIDTH, save_figure

# A layout that collapses only warns: make it fail the test.
pytestmark = pytest.mark.filterwarnings("error")


def _curve(label, *, reference=False, status="completed", val=(0.5, 0.75), band=False):
    return Curve(
        label=label,
        value=label,
        status=status,
        is_reference=reference,
        executions=2 if band else 1,
        epochs=tuple(range(1, len(val) + 1)),
        val_mean=val,
        val_lo=tuple(None if v is None else v - 0.1 for v in val) if band else (),
        val_hi=tuple(None if v is None else v + 0.1 for v in val) if band else (),
        train_mean=val,
    )


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_reference_is_thick_black_and_labelled(tmp_path):
    info = ComparisonInfo(
        "mlp on mnist",
        "accuracy",
        (
            Panel(
                "dropout", "dropout", "", (_curve("0.0 (reference)", reference=True), _curve("0.2"))
            ),
        ),
    )
    fig = draw_comparison(info)
    (ax,) = _visible_axes(fig)
    ref = next(line for line in ax.get_lines() if line.get_label() == "0.0 (reference)")
    assert (ref.get_color(), ref.get_linewidth()) == (REFERENCE_COLOR, REFERENCE_WIDTH)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0.0 (reference)", "0.2"]
    png, svg = save_figure(fig, tmp_path / "figure")
    assert png.stat().st_size > 0 and svg.read_text().startswith("<?xml")


def test_ten_panels_with_bands_fill_a_grid():
    panels = tuple(
        Panel(f"space{i}", f"space{i}", "", (_curve("ref", reference=True, band=True), _curve("x")))
        for i in range(10)
    )
    fig = draw_comparison(ComparisonInfo("t", "accuracy", panels))
    assert len(_visible_axes(fig)) == 10
    assert len(fig.axes) == 12  # 4 rows of 3, two left empty and hidden
    assert "± 1 std over executions" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_edge_cases_do_not_crash(tmp_path):
    nan_curves = (
        _curve("exponential (diverged)", status="diverged", val=(0.25, None, None)),
        _curve("all missing", val=(None, None)),
        _curve("one epoch", val=(0.5,)),
        _curve("failed", status="failed", val=()),
    )
    for info in (
        ComparisonInfo("empty", "accuracy", ()),
        ComparisonInfo("nan", "accuracy", (Panel("p", "p", "", nan_curves),)),
        ComparisonInfo("loss", "loss", (Panel("p", "p", "", (_curve("a", val=(2.5, 1.5)),)),)),
    ):
        save_figure(draw_comparison(info), tmp_path / info.title)
        assert (tmp_path / f"{info.title}.png").exists()


# --- the other kinds' figures --------------------------------------------------------------


def _hist(label, counts, best=False):
    return ErrorHistogram(label, "00", counts, sum(counts), 5.0, 2.0, best)


def test_error_histograms_big_and_small(tmp_path):
    edges = ERROR_EDGES
    counts = (5, 3, 2, 1, 0, 0, 0, 0, 2, 0, 0, 0, 1)
    panels = tuple(_hist(f"r{i}", counts, i == 2) for i in range(5))
    fig = draw_error_histograms(ErrorHistogramInfo("clock", edges, panels[2], panels))
    visible = _visible_axes(fig)
    assert len(visible) == 6  # the best, then 5 of a 2 x 4 grid
    big = visible[0]
    assert big.get_xticklabels()[8].get_text() == "55-65"
    save_figure(fig, tmp_path / "errors")
    zero = _hist("empty", (0,) * 13)
    for info in (
        ErrorHistogramInfo("none", edges, None, ()),
        ErrorHistogramInfo("one", edges, zero, ()),
    ):
        draw_error_histograms(info).canvas.draw()  # lays out and renders, writes nothing


def test_gallery_titles_every_image(tmp_path):
    images = tuple(
        GalleryImage(i, 60 * i, 60.0 * i + 60, 60.0, f"true {i:02d}:00 / pred {i + 1:02d}:00")
        for i in range(1, 8)
    )
    info = ClockGalleryInfo("trial 01", "01", 0, 55.0, 65.0, 9, 100, images)
    pixels = [np.full((16, 16), 200, dtype=np.uint8)] * 6 + [np.full((16, 16), 0.5)]
    fig = draw_gallery(info, pixels)
    titles = [ax.get_title() for ax in _visible_axes(fig)]
    assert titles == [item.title for item in images]
    assert "the first 7 of 9" in fig._suptitle.get_text()
    save_figure(fig, tmp_path / "gallery")


def _run(acc, std=None, history=(0.5, 0.75)):
    test = Estimate(acc, std, 1 if std is None else 2)
    return PermutationRun(
        "x", None, "completed", Estimate(acc, None, 1), test, 2.0, 1.0, 100, history
    )


def test_permutation_figure_and_edge_cases(tmp_path):
    change = Change(-0.05, -0.07, -0.03, False)
    full = PermutationDataset(
        "mnist",
        tmp_path,
        (
            PermutationModel(
                "mlp", "", False, _run(0.9), _run(0.9, 0.01), Change(0.0), "", "unknown"
            ),
            PermutationModel("cnn", "", False, _run(0.95), _run(0.9), change, "", "lost"),
        ),
        "",
    )
    partial = PermutationDataset(
        "fashion_mnist",
        tmp_path,
        (
            PermutationModel(
                "mlp", "", False, _run(0.8, history=(None, 0.5)), None, None, "", "incomplete"
            ),
            PermutationModel("cnn", "", True, None, None, None, "", "incomplete"),
        ),
        "",
    )  # fmt: skip
    empty = PermutationDataset("kmnist", tmp_path, (), "")
    fig = draw_permutation(PermutationInfo((full, partial, empty)))
    assert len(fig.axes) == 6
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "CNN: 90.00%\n-5.00 pp (lost)" in texts
    save_figure(fig, tmp_path / "permutation")
    draw_permutation(PermutationInfo(())).canvas.draw()


def test_search_figure_and_edge_cases(tmp_path):
    trials = (
        SearchTrial(1, "00", "completed", 0.5, 0.5, False, (("lr", 0.001), ("opt", "sgd"))),
        SearchTrial(2, "01", "completed", 0.75, 0.75, True, (("lr", 0.01), ("opt", "adam"))),
        SearchTrial(3, "02", "diverged", None, 0.75, False, (("lr", 0.1), ("opt", "adam"))),
    )
    hps = (
        HPScatter("lr", "log", (), ((0.001, 0.5), (0.01, 0.75)), 0.01),
        HPScatter("opt", "categorical", ("sgd", "adam"), (("sgd", 0.5), ("adam", 0.75)), "adam"),
        HPScatter("units", "linear", (), (), None),
    )
    info = SearchInfo("mlp", "random", "val_accuracy", "max", trials, hps, "01")
    fig = draw_search(info)
    assert [ax.get_title() for ax in _visible_axes(fig)][1:] == ["lr", "opt", "units"]
    assert _visible_axes(fig)[1].get_xscale() == "log"
    save_figure(fig, tmp_path / "search")
    unscored = SearchTrial(1, "00", "failed", None, None, False, ())
    for edge in (
        SearchInfo("empty", "grid", "val_loss", "min", (), (), None),
        SearchInfo("unscored", "grid", "val_loss", "min", (unscored,), (), None),
    ):
        draw_search(edge).canvas.draw()
