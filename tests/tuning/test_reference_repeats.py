"""``--reference-repeats``: the reference trained N times, each repeat a trial of its own.

The studies are tiny (1 epoch, a 20-10 MLP on 256 images) and vary ``kernel_regularizer``,
whose two values besides the reference keep them to a few trials.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from typer.testing import CliRunner

import tunekit
from tunekit.cli import app
from tunekit.config import StudySpec, TrainSettings, TunerKind
from tunekit.errors import InvalidValueError
from tunekit.records.layout import STUDY_FILE
from tunekit.records.meta import StudyMeta, read_meta
from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus, record_from_dict, record_to_dict
from tunekit.report import ablation_info, leaderboard_info
from tunekit.studyfile import StudyFileError, load_study_file
from tunekit.tuning.meta import merged, recovery_problems
from tunekit.tuning.plan import REPEAT_KEY, find_variant, one_factor_plan
from tunekit.tuning.study import prepare_study

from ..conftest import TINY_VAL
from ..report._builders import execution, trial, write_study

runner = CliRunner()
SPACE = "kernel_regularizer"
SMALL = {"widths": "20-10", "depth": 2}
VARIANTS = ["kernel_regularizer=l1", "kernel_regularizer=l2"]


def _cli(data_dir, runs, *extra):
    args = ["study", "mlp", "--space", SPACE, "--dataset", "mnist", "--data-dir", str(data_dir)]
    args += ["--val-size", str(TINY_VAL), "--epochs", "1", "--dir", str(runs), "--name", "rr"]
    args += [f"--set={hp}={value}" for hp, value in SMALL.items()]
    return runner.invoke(app, [*args, *extra])


def _api(data_dir, runs, repeats):
    return tunekit.run_study(
        "mlp",
        SPACE,
        dataset="mnist",
        data_dir=data_dir,
        validation_size=TINY_VAL,
        epochs=1,
        reference=SMALL,
        reference_repeats=repeats,
        directory=runs,
        name="grow",
    )


@pytest.fixture(scope="module")
def three_repeats(tiny_data_dir, tmp_path_factory):
    """A study made with ``--reference-repeats 3 --executions 2 --seed 7``."""
    runs = tmp_path_factory.mktemp("runs")
    result = _cli(
        tiny_data_dir, runs, "--reference-repeats", "3", "--executions", "2", "--seed", "7"
    )
    assert result.exit_code == 0, result.output
    return runs / "rr"


def test_each_repeat_is_a_trial_with_seeds_after_the_last_repeats(three_repeats):
    records = read_study(three_repeats).records
    assert [r.label for r in records] == [
        "reference",
        "reference (repeat 1)",
        "reference (repeat 2)",
        *VARIANTS,
    ]
    assert [r.repeat for r in records] == [0, 1, 2, 0, 0]
    assert all(r.status is TrialStatus.COMPLETED for r in records)
    # Repeat r trains execution i with seed + r * executions + i; variants keep seed + i.
    assert [[ex.seed for ex in r.executions] for r in records] == [
        [7, 8],
        [9, 10],
        [11, 12],
        [7, 8],
        [7, 8],
    ]
    first = records[0].hyperparameters
    assert all(r.hyperparameters == first for r in records[:3])
    assert REPEAT_KEY not in first  # never a model hyper-parameter
    assert read_meta(three_repeats).train.reference_repeats == 3
    trial_json = json.loads((three_repeats / f"trial_{records[2].trial_id}/trial.json").read_text())
    assert trial_json["hyperparameters"]["values"][REPEAT_KEY] == 2


def test_the_report_sees_every_repeat_as_one_reference(three_repeats):
    study = read_study(three_repeats)
    (table,) = ablation_info(study)
    reference = table.rows[0]
    assert reference.is_reference and reference.executions == 6
    assert reference.val.n == 6 and reference.test.n == 6
    variant = table.rows[1]
    assert variant.executions == 2 and variant.val_change is not None
    assert variant.val_change.lo is not None  # a Welch interval, with 6 reference executions
    # The leaderboard and the API still list each repeat as its own trial.
    labels = [row.label for row in leaderboard_info(study).rows]
    assert sorted(labels) == sorted(
        ["reference", "reference (repeat 1)", "reference (repeat 2)", *VARIANTS]
    )
    trials = tunekit.open_study(three_repeats).trials
    assert [t.repeat for t in trials] == [0, 1, 2, 0, 0]


def test_a_rerun_with_fewer_repeats_trains_nothing_and_keeps_them_all(three_repeats, tiny_data_dir):
    before = read_study(three_repeats).records
    result = _cli(
        tiny_data_dir, three_repeats.parent, "--reference-repeats", "1", "--executions", "2",
        "--seed", "7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 trials (3 already done)" in " ".join(result.output.split())
    after = read_study(three_repeats)
    assert after.records == before
    assert read_meta(three_repeats).train.reference_repeats == 3  # the most asked for
    assert ablation_info(after)[0].rows[0].executions == 6


def test_recovery_accepts_the_repeats(three_repeats, tmp_path):
    copy = shutil.copytree(three_repeats, tmp_path / "rr")
    meta = read_meta(copy)
    (copy / STUDY_FILE).unlink()
    assert recovery_problems(copy, meta) == []


def test_adding_repeats_trains_only_the_new_ones(tiny_data_dir, tmp_path):
    once = _api(tiny_data_dir, tmp_path, 1)
    assert [t.label for t in once.trials] == ["reference", *VARIANTS]
    assert read_meta(once.path).train.reference_repeats == 1
    grown = _api(tiny_data_dir, tmp_path, 3)
    assert grown.path == once.path
    assert len(grown.trials) == 5
    assert grown.trials[:3] == once.trials  # the same records: nothing trained again
    new = grown.trials[3:]
    assert [(t.label, t.repeat) for t in new] == [
        ("reference (repeat 1)", 1),
        ("reference (repeat 2)", 2),
    ]
    assert [[ex.seed for ex in t.executions] for t in grown.trials] == [
        [42],
        [42],
        [42],
        [43],
        [44],
    ]
    assert all(t.started >= once.trials[-1].started for t in new)
    assert read_meta(once.path).train.reference_repeats == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reference-repeats", "0"], "--reference-repeats must be at least 1, got 0"),
        (["--reference-repeats", "-1"], "--reference-repeats must be at least 1, got -1"),
        (
            ["--reference-repeats", "3", "--tuner", "grid"],
            "--reference-repeats applies to one-factor studies only",
        ),
    ],
)
def test_bad_repeats_are_refused_in_one_line(tiny_data_dir, tmp_path, extra, message):
    result = _cli(tiny_data_dir, tmp_path / "runs", *extra)
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert message in text, text
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()  # nothing written


def test_the_default_is_three_for_one_factor_and_one_for_searches(tmp_path):
    one_factor = prepare_study(StudySpec("mlp", (SPACE,)), tmp_path)
    assert one_factor.spec.train.reference_repeats == 3
    assert one_factor.cost.trials == 5  # the two extra repeats are counted and costed
    assert one_factor.cost.epochs == 5 * 100
    grid = StudySpec("mlp", (SPACE,), tuner=TunerKind.GRID)
    assert grid.train.reference_repeats == 1
    assert prepare_study(grid, tmp_path).cost.trials == 3
    explicit = StudySpec("mlp", (SPACE,), train=TrainSettings(reference_repeats=1))
    assert explicit.train.reference_repeats == 1
    with pytest.raises(InvalidValueError, match="seed must be at most"):
        TrainSettings(seed=2**32 - 3, executions=2, reference_repeats=2)


def test_plan_keys_repeats_apart_and_finds_them():
    from tunekit.hypermodels import get_family

    family = get_family("mlp")
    spaces = family.resolve_spaces([SPACE])
    plan = one_factor_plan(spaces, family.reference, repeats=3)
    assert [v.label for v in plan][:3] == [
        "reference",
        "reference (repeat 1)",
        "reference (repeat 2)",
    ]
    assert len({v.key for v in plan}) == len(plan) == 5
    assert plan[0].trial_values == dict(family.reference)  # repeat 0: today's reference
    assert find_variant(plan, {**family.reference, REPEAT_KEY: 2}) == (2, plan[2])
    assert find_variant(plan, {**family.reference, REPEAT_KEY: 3}) is None
    assert one_factor_plan(spaces, family.reference) == plan[:1] + plan[3:]


def test_records_and_metadata_read_leniently():
    record = trial("00", executions=(execution(),))
    assert record_from_dict(record_to_dict(dataclasses.replace(record, repeat=2))).repeat == 2
    plain = record_to_dict(record)
    del plain["repeat"]
    assert record_from_dict(plain).repeat == 0
    old = StudyMeta.from_dict({"family": "mlp", "train": {"epochs": 3}})
    assert old.train.reference_repeats == 1  # studies before repeats trained it once
    more = dataclasses.replace(old, train=dataclasses.replace(old.train, reference_repeats=3))
    assert merged(more, old).train.reference_repeats == 3
    assert merged(old, more).train.reference_repeats == 3


def test_merged_reference_skips_failed_and_running_repeats(tmp_path):
    repeat = lambda r, *a, **k: dataclasses.replace(trial(*a, **k), repeat=r)  # noqa: E731
    study = read_study(
        write_study(
            tmp_path / "s",
            [
                trial("00", executions=(execution(val_acc=0.5, test_acc=0.5),)),
                repeat(1, "01", executions=(execution(val_acc=0.75, test_acc=0.75, seed=1),)),
                repeat(2, "02", executions=(), status=TrialStatus.FAILED),
                repeat(3, "03", executions=(), status=TrialStatus.RUNNING),
                trial("04", "dropout", 0.2, (execution(val_acc=0.5, test_acc=0.5),)),
            ],
        )
    )
    reference = ablation_info(study)[0].rows[0]
    assert reference.trial_id == "00" and reference.executions == 2
    assert reference.val.mean == 0.625


def test_a_study_file_names_the_key(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(
        'family = "mlp"\nspaces = ["dropout"]\ntuner = "grid"\n[train]\nreference_repeats = 3\n'
    )
    with pytest.raises(StudyFileError, match=r"\[train\] reference_repeats applies to one-factor"):
        load_study_file(path)
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n[train]\nreference_repeats = 0\n')
    with pytest.raises(StudyFileError, match=r"\[train\] reference_repeats must be at least 1"):
        load_study_file(path)
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n[train]\nreference_repeats = 2\n')
    assert load_study_file(path).spec.train.reference_repeats == 2
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n')
    assert load_study_file(path).spec.train.reference_repeats == 3
