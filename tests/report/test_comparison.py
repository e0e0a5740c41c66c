from __future__ import annotations

import math

from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import ComparisonInfo, Curve, Panel, ablation_info, comparison_info

from ._builders import META, execution, trial, write_study


def _curve(label, value, *, reference=False, status="completed", **fields) -> Curve:
    fields.setdefault("executions", 1)
    fields.setdefault("val_lo", ())
    fields.setdefault("val_hi", ())
    fields.setdefault("train_mean", fields["val_mean"])
    return Curve(label, value, status, reference, epochs=fields.pop("epochs"), **fields)


def test_reference_is_in_every_panel_with_that_space_s_value(tmp_path):
    study = write_study(
        tmp_path / "s",
        [
            trial("00", executions=(execution((0.5, 0.75)),)),
            trial("01", "dropout", 0.2, (execution((0.25, 0.5)),)),
            trial("02", "optimizer", "adam", (execution((0.75, 1.0)),)),
        ],
    )
    info = comparison_info(read_study(study))
    ref = dict(epochs=(1, 2), val_mean=(0.5, 0.75))
    assert info == ComparisonInfo(
        title="mlp on fashion_mnist",
        metric="accuracy",
        panels=(
            Panel(
                "dropout",
                "dropout",
                "dropout rate",
                (
                    _curve("0.0 (reference)", 0.0, reference=True, **ref),
                    _curve("0.2", 0.2, epochs=(1, 2), val_mean=(0.25, 0.5)),
                ),
            ),
            Panel(
                "optimizer",
                "optimizer",
                "optimiser",
                (
                    _curve("sgd (reference)", "sgd", reference=True, **ref),
                    _curve("adam", "adam", epochs=(1, 2), val_mean=(0.75, 1.0)),
                ),
            ),
        ),
        running=0,
    )


def test_executions_of_different_lengths_align_on_epoch(tmp_path):
    study = write_study(
        tmp_path / "s",
        [
            trial(
                "00",
                executions=(
                    execution((0.5, 0.75), (0.5, 1.0)),
                    execution((0.75, 0.875, 1.0), (0.75, 1.0, 1.0), seed=1),
                ),
            )
        ],
    )
    curve = comparison_info(read_study(study)).panels[0].curves[0]
    s1, s2 = math.sqrt(0.03125), math.sqrt(0.0078125)  # sample deviations at epochs 1, 2
    assert curve == _curve(
        "0.0 (reference)",
        0.0,
        reference=True,
        executions=2,
        epochs=(1, 2, 3),
        val_mean=(0.625, 0.8125, 1.0),
        val_lo=(0.625 - s1, 0.8125 - s2, None),  # one execution reached epoch 3: no band
        val_hi=(0.625 + s1, 0.8125 + s2, None),
        train_mean=(0.625, 1.0, 1.0),
    )


def test_running_skipped_diverged_and_failed_labelled(tmp_path):
    nan = math.nan
    study = write_study(
        tmp_path / "s",
        [
            trial("00", executions=(execution((0.5, 0.75)),)),
            trial("01", "dropout", 0.2, (execution((0.5,)),), status=TrialStatus.RUNNING),
            trial(
                "02",
                "dropout",
                0.5,
                (execution((0.25, nan), (0.25, nan), status=TrialStatus.DIVERGED),),
                status=TrialStatus.DIVERGED,
            ),
            trial("03", "optimizer", "adam", (), status=TrialStatus.FAILED, params=None),
        ],
    )
    info = comparison_info(read_study(study))
    assert info.running == 1
    dropout, optimizer = info.panels
    assert [c.label for c in dropout.curves] == ["0.0 (reference)", "0.5 (diverged)"]
    assert dropout.curves[1].val_mean == (0.25, None)  # NaN becomes None: == still works
    assert optimizer.curves[1] == _curve(
        "adam (failed)", "adam", status="failed", executions=0, epochs=(), val_mean=()
    )


def test_values_follow_the_space_order_not_the_trial_order(tmp_path):
    study = write_study(
        tmp_path / "s",
        [
            trial("00", executions=(execution(),)),
            trial("01", "dropout", 0.5, (execution(),)),
            trial("02", "dropout", 0.2, (execution(),)),
        ],
    )
    panel = comparison_info(read_study(study)).panels[0]
    assert [c.value for c in panel.curves] == [0.0, 0.2, 0.5]


def test_one_trial_study_shows_the_reference_in_each_space(tmp_path):
    study = write_study(tmp_path / "s", [trial("00", executions=(execution((0.5,)),))])
    info = comparison_info(read_study(study))
    assert [(p.space, [c.label for c in p.curves]) for p in info.panels] == [
        ("dropout", ["0.0 (reference)"]),
        ("optimizer", ["sgd (reference)"]),
    ]


def test_study_without_finished_trials_has_no_panels(tmp_path):
    study = write_study(tmp_path / "s", [trial("00", status=TrialStatus.RUNNING)])
    assert comparison_info(read_study(study)) == ComparisonInfo(
        "mlp on fashion_mnist", "accuracy", (), running=1
    )


def test_a_study_of_the_reference_alone_has_one_panel_and_one_control_row(tmp_path):
    study = read_study(
        write_study(
            tmp_path / "s",
            [trial("00", executions=(execution((0.5, 0.75)),))],
            {**META, "spaces": {}},
        )
    )
    (panel,) = comparison_info(study).panels
    assert [c.label for c in panel.curves] == ["mlp (reference)"]
    (table,) = ablation_info(study)
    assert [row.is_reference for row in table.rows] == [True]
