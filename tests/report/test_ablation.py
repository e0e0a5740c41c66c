from __future__ import annotations

import math

import pytest

from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import AblationRow, AblationTable, Change, Estimate, ablation_info
from tunekit.report._stats import t_quantile_975, welch_interval

from ._builders import execution, trial, write_study

# Binary fractions keep every mean and difference exact, so rows compare with ==.
REF = (
    execution((0.75,), val_acc=0.75, test_acc=0.5, seconds=10.0),
    execution((0.8125,), val_acc=0.8125, test_acc=0.5625, seconds=20.0, seed=1),
)
DROP_02 = (
    execution((0.8125,), val_acc=0.8125, test_acc=0.875),
    execution((0.875, 0.875), val_acc=0.875, test_acc=0.9375, seed=1),
)
SPREAD = 0.0442  # sample deviation of two values 0.0625 apart: sqrt(2) * 0.03125


def _study(tmp_path):
    return read_study(
        write_study(
            tmp_path / "s",
            [
                trial("00", executions=REF, params=1000),
                trial("01", "dropout", 0.2, DROP_02, params=1000),
                trial("02", "dropout", 0.5, (execution((0.5,), val_acc=0.5, test_acc=0.25),)),
                trial("03", "optimizer", "adam", (), status=TrialStatus.RUNNING),
            ],
        )
    )


def test_rows_against_the_reference(tmp_path):
    dropout = ablation_info(_study(tmp_path))[0]
    ref_val = Estimate(0.78125, pytest.approx(SPREAD, abs=1e-4), 2)
    ref_test = Estimate(0.53125, pytest.approx(SPREAD, abs=1e-4), 2)
    half = 4.3027 * math.sqrt(2) * 0.03125  # t(df=2) * sqrt(var/2 + var/2), var = 2 * 0.03125**2
    assert dropout == AblationTable(
        space="dropout",
        hp="dropout",
        description="dropout rate",
        reference_value=0.0,
        metric="accuracy",
        rows=(
            AblationRow(
                "00", 0.0, True, "completed", 2, ref_val, ref_test, None, None, 1.0, 15.0, 1000
            ),
            AblationRow(
                "01",
                0.2,
                False,
                "completed",
                2,
                Estimate(0.84375, pytest.approx(SPREAD, abs=1e-4), 2),
                Estimate(0.90625, pytest.approx(SPREAD, abs=1e-4), 2),
                # val: +0.0625, interval about +-0.19: within noise
                Change(0.0625, pytest.approx(0.0625 - half), pytest.approx(0.0625 + half), True),
                # test: +0.375, same spread: clearly not noise
                Change(0.375, pytest.approx(0.375 - half), pytest.approx(0.375 + half), False),
                1.5,
                10.0,
                1000,
                # no per-image outcomes: the Welch interval and the seed floor decide
                floor=pytest.approx(1.96 * SPREAD * math.sqrt(1 / 2 + 1 / 2), abs=1e-4),
                verdict="better",
            ),
            # one execution: a change but no interval
            AblationRow(
                "02",
                0.5,
                False,
                "completed",
                1,
                Estimate(0.5, None, 1),
                Estimate(0.25, None, 1),
                Change(-0.28125),
                Change(-0.28125),
                1.0,
                10.0,
                100,
                # no interval of any kind: no verdict
                floor=pytest.approx(1.96 * SPREAD * math.sqrt(1 / 1 + 1 / 2), abs=1e-4),
                verdict=None,
            ),
        ),
    )


def test_running_trials_are_left_out(tmp_path):
    optimizer = ablation_info(_study(tmp_path))[1]
    assert [row.value for row in optimizer.rows] == ["sgd"]


def test_missing_test_metrics_give_no_change(tmp_path):
    study = write_study(
        tmp_path / "s",
        [
            trial("00", executions=(execution(val_acc=0.5),)),
            trial("01", "dropout", 0.2, (execution(val_acc=0.75),)),
        ],
    )
    row = ablation_info(read_study(study))[0].rows[1]
    assert (row.test, row.test_change, row.val_change) == (
        Estimate(None, None, 0),
        None,
        Change(0.25),
    )


def test_t_quantiles():
    assert t_quantile_975(1) == 12.7062
    assert t_quantile_975(2) == 4.3027
    assert t_quantile_975(2.5) == pytest.approx((4.3027 + 3.1824) / 2)
    assert t_quantile_975(30) == 2.0423
    assert t_quantile_975(31) == pytest.approx(2.0395, abs=2e-4)
    assert t_quantile_975(120) == pytest.approx(1.9799, abs=2e-4)
    assert t_quantile_975(1e9) == pytest.approx(1.96, abs=1e-3)


def test_welch_interval_needs_two_values_on_each_side():
    assert welch_interval([0.5], [0.5, 0.75]) is None
    assert welch_interval([0.5, 0.5], [0.25, 0.25]) == (0.25, 0.25)  # no spread at all
