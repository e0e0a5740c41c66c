"""Paired test-set intervals, seed-noise floors and verdicts; the outcomes they come from."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.records.study import read_study
from tunekit.records.trial import read_record, write_record
from tunekit.report import ablation_info
from tunekit.report._paired import (
    BETTER,
    NOISE,
    WORSE,
    PairedChange,
    correctness,
    paired_bootstrap,
    paired_wald,
    seed_floor,
    verdict,
)
from tunekit.report._tables import render_ablation

from ._builders import predicting, trial, write_labels, write_study

LABELS = [i % 10 for i in range(1000)]


def test_identical_predictions_give_an_interval_around_zero():
    right = correctness([LABELS], LABELS)
    change = paired_wald(right, right)
    assert change.lo <= 0.0 <= change.hi
    assert verdict(change, None, higher_is_better=True) == NOISE


def test_a_model_wrong_on_a_tenth_more_images_is_worse():
    worse = correctness([[(y + 1) % 10 if i < 100 else y for i, y in enumerate(LABELS)]], LABELS)
    change = paired_wald(worse, correctness([LABELS], LABELS))
    assert change.delta == -0.1
    assert change.hi < 0.0
    assert change.images == 1000
    assert verdict(change, None, higher_is_better=True) == WORSE
    assert verdict(change, None, higher_is_better=False) == BETTER  # lower is better


def test_seed_floor_is_196_s_times_root_of_inverse_counts():
    assert seed_floor([0.9], 1) is None
    assert seed_floor([0.9, 1.0], 1) == 1.959964 * np.std([0.9, 1.0], ddof=1) * np.sqrt(1.5)


def _study(tmp_path, reference_accs):
    refs = tuple(predicting(LABELS, 0, seed=i, test_acc=a) for i, a in enumerate(reference_accs))
    records = [
        trial("0000", executions=refs),
        trial("0001", "dropout", 0.2, (predicting(LABELS, 100),)),
        trial("0002", "dropout", 0.5, (predicting(LABELS, 0),)),
    ]
    path = write_study(tmp_path / "mlp-fashion_mnist", records)
    write_labels(path, LABELS)
    return path


def _rows(path):
    (table, *_) = ablation_info(read_study(path))
    return table, {row.value: row for row in table.rows}


def test_a_change_below_the_seed_floor_is_within_noise(tmp_path):
    table, rows = _rows(_study(tmp_path, [0.9, 1.0]))  # floor 0.17 > |Δ| 0.1
    assert rows[0.2].paired.hi < 0.0
    assert rows[0.2].floor > 0.1
    assert rows[0.2].verdict == NOISE
    assert rows[0.5].verdict == NOISE
    assert table.note == ""


def test_a_change_above_the_seed_floor_is_worse(tmp_path):
    table, rows = _rows(_study(tmp_path, [0.999, 1.0]))
    assert rows[0.2].floor < 0.1
    assert rows[0.2].verdict == WORSE
    assert rows[0.0].verdict is None  # the reference itself


def test_without_a_floor_the_interval_decides_and_the_table_says_so(tmp_path):
    table, rows = _rows(_study(tmp_path, [1.0]))
    assert rows[0.2].floor is None
    assert rows[0.2].verdict == WORSE
    assert "--reference-repeats 3" in table.note
    md = render_ablation([table], "md")
    assert "| verdict |" in md and "| worse |" in md and "--reference-repeats 3" in md
    assert "paired_change_lo" in render_ablation([table], "csv").splitlines()[0]


def test_old_records_without_predictions_get_no_paired_interval(tmp_path):
    records = [
        trial("0000", executions=(predicting(LABELS, 0),)),
        trial("0001", "dropout", 0.2, (predicting(LABELS, 100),)),
    ]
    write_study(tmp_path / "s", records)  # no test labels kept
    _, rows = _rows(tmp_path / "s")
    assert rows[0.2].paired is None
    assert rows[0.2].verdict is None  # one execution a side: no Welch interval either


def test_clock_bootstrap_contains_zero_for_identical_errors_only():
    errors = np.random.default_rng(1).uniform(0, 30, size=500)
    same = paired_bootstrap(errors, errors)
    assert same.lo <= 0.0 <= same.hi
    worse = paired_bootstrap(errors + 5.0, errors)
    assert worse.lo > 0.0
    assert abs(worse.delta - 5.0) < 1e-9
    assert verdict(worse, None, higher_is_better=False) == WORSE
    assert paired_bootstrap(errors + 5.0, errors) == worse  # a fixed seed


def test_predictions_survive_the_record_file_exactly(tmp_path):
    predicted = tuple([0, 9, 255, 256, 300, 65535] * 5)
    record = trial("0000", executions=(predicting(LABELS, 3), predicting(LABELS, 0)))
    ex = record.executions[0]
    record = record.finished(
        executions=(ex.__class__(**{**ex.__dict__, "test_predicted": predicted}), ex)
    )
    path = write_record(tmp_path / "trial_0000", record)
    assert read_record(path) == record
    assert '"dtype": "uint16"' in path.read_text()
    small = trial("0001", executions=(predicting(list(range(10)) * 1000, 0),))
    plain = write_record(tmp_path / "trial_0001", small).read_text()
    assert '"uint8"' in plain and len(plain) < 20_000  # 10,000 predictions in ~13 kB


def test_report_refuses_predictions_for_another_test_set(tmp_path):
    path = _study(tmp_path, [1.0])
    short = trial("0003", "dropout", 0.5, (predicting(LABELS[:999], 0),))
    write_record(path / "trial_0003", short)
    result = CliRunner().invoke(app, ["report", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "trial_0003" in result.output and "999" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_tiny_study_records_every_test_prediction(tiny_data_dir, tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.tuning.study import prepare_study, run_study

    from ..conftest import TINY_VAL

    spec = StudySpec(
        family="mlp",
        spaces=("width",),
        data=DataSpec("mnist", tiny_data_dir, validation_size=TINY_VAL),
        train=TrainSettings(epochs=1, executions=1),
    )
    study = run_study(prepare_study(spec, tmp_path))
    assert study.test_labels is not None and len(study.test_labels) > 0
    for record in study.records:
        (ex,) = record.executions
        assert len(ex.test_predicted) == len(study.test_labels)
        right = np.mean(np.asarray(ex.test_predicted) == np.asarray(study.test_labels))
        assert abs(right - ex.test_metrics["accuracy"]) < 1e-6
    md = render_ablation(ablation_info(study), "md")
    assert "| verdict |" in md and "paired 95% CI" in md


def test_a_change_that_is_not_a_number_is_never_better_or_worse():
    nan = float("nan")
    assert verdict(PairedChange(nan, nan, nan, 10, "paired bootstrap"), None, False) == NOISE
    assert verdict(PairedChange(nan, nan, nan, 10, "paired bootstrap"), 0.1, True) == NOISE
