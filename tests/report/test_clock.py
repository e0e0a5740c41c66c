"""Clock studies: error histograms, the 55-65 minute gallery, clock tables; no keras."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.config import DataSpec
from tunekit.data.loading import load_data
from tunekit.errors import TunekitError
from tunekit.records.meta import StudyMeta
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import (
    ClockGalleryInfo,
    ClockRow,
    ClockTable,
    ErrorHistogram,
    ErrorHistogramInfo,
    Estimate,
    GalleryImage,
    clock_gallery_info,
    clock_table_info,
    comparison_info,
    error_histogram_info,
    load_test_images,
    make_report,
    render_clock_tables,
)
from tunekit.report._clock import ERROR_EDGES

from ._builders import CLOCK_META, CLOCK_SPEC, clock_execution, clock_trial, write_study

TRUE = [0, 100, 200, 300, 400]
#        0.5 off, 60, 60, 0, 41 minutes off
BEST = [0.5, 160.0, 260.0, 300.0, 441.0]
#        every one 90 minutes off
WORSE = [90.0, 190.0, 290.0, 390.0, 490.0]


def _clock_meta(**sections):
    """A clock study's metadata with only ``sections`` given."""
    return StudyMeta.from_dict({"family": "clock", **sections})


def _bins(*pairs: tuple[int, int]) -> tuple[int, ...]:
    counts = [0] * (len(ERROR_EDGES) - 1)
    for index, count in pairs:
        counts[index] = count
    return tuple(counts)


def _study(tmp_path, records=None, meta=None):
    records = records or [
        clock_trial("00", executions=(clock_execution(TRUE, WORSE, val=(90.0, 24.0)),)),
        clock_trial("01", "representation", "regression", (clock_execution(TRUE, BEST),)),
        clock_trial("02", "representation", "periodic", status=TrialStatus.RUNNING),
        clock_trial("03", "backbone", "bn", (clock_execution(TRUE, WORSE),)),
    ]
    return read_study(write_study(tmp_path / "clock", records, meta or CLOCK_META))


def test_histograms_count_circular_errors_per_trial(tmp_path):
    info = error_histogram_info(_study(tmp_path))
    best = ErrorHistogram(
        "trial 01: representation=regression",
        "01",
        _bins((0, 2), (6, 1), (8, 2)),  # 0-1: 0.5 and 0; 30-45: 41; 55-65: 60 twice
        5,
        32.3,
        41.0,
        True,
    )
    assert info == ErrorHistogramInfo(
        title="clock",
        edges=ERROR_EDGES,
        best=best,
        panels=(
            ErrorHistogram("multihead (reference)", "00", _bins((10, 5)), 5, 90.0, 90.0, False),
            ErrorHistogram("regression", "01", best.counts, 5, 32.3, 41.0, True),
        ),
    )


def test_histograms_of_a_study_without_a_representation_space_show_each_representation(tmp_path):
    meta = {**CLOCK_META, "spaces": {"backbone": CLOCK_META["spaces"]["backbone"]}}
    records = [
        clock_trial("00", executions=(clock_execution(TRUE, BEST),)),
        clock_trial("01", "backbone", "bn", (clock_execution(TRUE, WORSE),)),
    ]
    info = error_histogram_info(_study(tmp_path, records, meta))
    # Both are multihead: one panel, its best trial (the reference, 32.3 min mean).
    assert [(p.label, p.trial_id) for p in info.panels] == [("multihead: reference", "00")]
    assert info.best is not None and info.best.label == "trial 00: reference (multihead)"


def test_unusable_predictions_are_problems_not_crashes(tmp_path):
    records = [
        clock_trial("00", executions=(clock_execution(TRUE, BEST[:3]),)),  # lengths differ
        clock_trial("01", "backbone", "bn", (clock_execution(TRUE, ["x"] * 5),)),
        clock_trial("02", "representation", "periodic", (clock_execution(TRUE, [None] * 5),)),
    ]
    info = error_histogram_info(_study(tmp_path, records))
    assert info.best is None and info.panels == ()
    assert len(info.problems) == 2
    assert "trial 00 execution 0: 5 true times but 3 predictions" in info.problems[0]
    assert "trial 01" in info.problems[1]
    assert clock_gallery_info(_study(tmp_path, records)) is None


def test_gallery_picks_the_best_trial_s_hour_off_readings(tmp_path):
    info = clock_gallery_info(_study(tmp_path))
    assert info == ClockGalleryInfo(
        title="trial 01: representation=regression",
        trial_id="01",
        execution=0,
        low=55.0,
        high=65.0,
        matches=2,
        total=5,
        images=(
            GalleryImage(1, 100, 160.0, 60.0, "true 01:40 / pred 02:40"),
            GalleryImage(2, 200, 260.0, 60.0, "true 03:20 / pred 04:20"),
        ),
    )
    assert clock_gallery_info(_study(tmp_path), limit=1).images == info.images[:1]


def test_clock_tables_lower_error_is_better(tmp_path):
    metrics = {
        "time_error": 4.0,
        "time_error_median": 2.0,
        "time_error_p90": 9.0,
        "hour_accuracy": 0.75,
        "within_1_minute": 0.25,
    }
    better = {**metrics, "time_error": 3.0}
    records = [
        clock_trial("00", executions=(clock_execution(TRUE, BEST, test=metrics),)),
        clock_trial("01", "backbone", "bn", (clock_execution(TRUE, BEST, test=better),)),
    ]
    tables = clock_table_info(_study(tmp_path, records))
    representation, backbone = tables
    assert [r.trial_id for r in representation.rows] == ["00"]  # no finished value yet

    def est(value):
        return Estimate(value, None, 1)

    ref_row = ClockRow(
        "00", "seed", True, "completed", 1, est(4.0), est(2.0), est(9.0), est(0.75), est(0.25),
        None, est(30.0), 2.0, 4.0, 500,
    )  # fmt: skip
    assert backbone == ClockTable(
        "backbone",
        "backbone",
        "conv base",
        "seed",
        (
            ref_row,
            ClockRow(
                "01",
                "bn",
                False,
                "completed",
                1,
                est(3.0),
                est(2.0),
                est(9.0),
                est(0.75),
                est(0.25),
                tables[1].rows[1].change,
                est(30.0),
                2.0,
                4.0,
                500,
                # the same per-image predictions as the reference: a paired change of 0
                paired=tables[1].rows[1].paired,
                floor=None,  # the reference was trained once
                verdict="within noise",
            ),  # fmt: skip
        ),
        note=tables[1].note,
    )
    assert (backbone.rows[1].paired.lo, backbone.rows[1].paired.hi) == (0.0, 0.0)
    assert "no seed-noise floor" in backbone.note
    assert backbone.rows[1].change is not None and backbone.rows[1].change.delta == -1.0
    md = render_clock_tables(tables, "md")
    assert (
        "| bn | 3.0 | 2.0 | 9.0 | 75.0 | 25.0 | -1.0 | [+0.0, +0.0] | within noise | 30.0 | 2 "
        "| 4.0 | 500 | completed |"
    ) in md
    assert "lower error is better" in md
    assert "test_time_error_p90" in render_clock_tables(tables, "csv").splitlines()[0]


def test_comparison_draws_the_validation_time_error(tmp_path):
    info = comparison_info(_study(tmp_path))
    assert (info.metric, info.direction, info.chance) == ("time_error", "min", 180.0)
    curve = info.panels[0].curves[0]
    assert curve.val_mean == (90.0, 24.0) and curve.train_mean == (None, None)


# --- the whole report, with test images generated again -----------------------------------


@pytest.fixture(scope="module")
def test_minutes() -> list[int]:
    """The true times of the tiny clock set's test split, in test order."""
    labels = load_data(DataSpec(**CLOCK_SPEC)).test.y
    return [int(m) for m in (labels[:, 0] % 12) * 60 + labels[:, 1]]


def _hour_off(true: list[int], every: int = 9) -> list[float]:
    """Predictions one hour late for every ``every``-th clock, one minute late elsewhere."""
    return [float((t + (60 if i % every == 0 else 1)) % 720) for i, t in enumerate(true)]


def test_report_draws_histograms_and_gallery(tmp_path, test_minutes):
    pred = _hour_off(test_minutes)
    study = write_study(
        tmp_path / "clock",
        [clock_trial("00", executions=(clock_execution(test_minutes, pred),))],
        CLOCK_META,
    )
    result = make_report(study)
    assert result.problems == ()
    names = {p.name for p in result.files}
    assert {"errors.png", "errors.svg", "gallery.png", "gallery.svg", "ablation.md"} <= names
    html = (result.out_dir / "index.html").read_text()
    assert "Test clocks read 55-65 minutes wrong" in html
    assert "8 of 72 test clocks" in html  # indices 0, 9, ..., 63
    assert "mean error (min)" in html  # the clock table, not the accuracy one


def test_gallery_without_loadable_data_is_skipped_with_a_note(tmp_path, test_minutes):
    pred = _hour_off(test_minutes)
    meta = {**CLOCK_META, "data_spec": {**CLOCK_SPEC, "data_dir": str(tmp_path / "nowhere")}}
    study = write_study(
        tmp_path / "clock",
        [clock_trial("00", executions=(clock_execution(test_minutes, pred),))],
        meta,
    )
    result = make_report(study)
    assert len(result.problems) == 1 and "clock gallery skipped" in result.problems[0]
    assert "images.npy" in result.problems[0]
    assert not (result.out_dir / "gallery.png").exists()
    assert (result.out_dir / "errors.png").exists()
    assert "Gallery skipped" in (result.out_dir / "index.html").read_text()


def test_test_images_must_match_the_recorded_times(test_minutes):
    record = clock_trial("00", executions=(clock_execution(test_minutes, test_minutes),))
    images = load_test_images(_clock_meta(data_spec=CLOCK_SPEC), record, 0)
    assert images.shape == (72, 32, 32) and images.dtype == np.uint8
    shifted = [(t + 1) % 720 for t in test_minutes]  # as if the data had changed since
    record = clock_trial("00", executions=(clock_execution(shifted, shifted),))
    with pytest.raises(TunekitError, match="do not match the true times"):
        load_test_images(_clock_meta(data_spec=CLOCK_SPEC), record, 0)
    with pytest.raises(TunekitError, match="fingerprint"):
        load_test_images(
            _clock_meta(data_spec=CLOCK_SPEC, data={"fingerprint": "0" * 16}), record, 0
        )
    with pytest.raises(TunekitError, match="no data_spec"):
        load_test_images(_clock_meta(), record, 0)


def test_no_hour_off_reading_is_said_on_the_page(tmp_path):
    study = write_study(
        tmp_path / "clock",
        [clock_trial("00", executions=(clock_execution(TRUE, [float(t) for t in TRUE]),))],
        {**CLOCK_META, "data_spec": None},
    )
    result = make_report(study)
    assert result.problems == ()  # no image is needed, so the missing data_spec is no problem
    assert (
        "No test clock of trial 00: reference (multihead) is 55-65 minutes wrong (of 5)"
        in (result.out_dir / "index.html").read_text()
    )
    assert not np.any([p.name == "gallery.png" for p in result.files])


def test_histograms_of_a_search_show_each_representation_s_best_trial(tmp_path):
    def searched(trial_id, representation, pred):
        record = clock_trial(trial_id, executions=(clock_execution(TRUE, pred),))
        values = {**record.hyperparameters, "representation": representation}
        return record.finished(space="search", hp="representation", hyperparameters=values)

    records = [
        searched("00", "sincos", WORSE),
        searched("01", "sincos", BEST),
        searched("02", "periodic", WORSE),
    ]
    info = error_histogram_info(_study(tmp_path, records, {**CLOCK_META, "tuner": "random"}))
    assert [(p.label, p.trial_id, p.is_best) for p in info.panels] == [
        ("sincos: trial 01", "01", True),
        ("periodic: trial 02", "02", False),
    ]
    assert info.best is not None and info.best.label == "trial 01 (sincos)"
