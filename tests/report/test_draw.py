"""Draw hand-built info objects, edge cases included (the only tests that import matplotlib)."""

from __future__ import annotations

import pytest

from tunekit.report import ComparisonInfo, Curve, Panel, draw_comparison
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
