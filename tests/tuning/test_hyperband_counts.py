"""The plan's trial count is the count a search makes: Hyperband's brackets, small spaces.

keras-tuner's oracles are driven by hand, without training, as in ``test_search.py``.
"""

from __future__ import annotations

import pytest

from tunekit.config import SearchSettings, StudySpec, TrainSettings, TunerKind
from tunekit.hypermodels import get_family
from tunekit.tuning.search import describe_cost, hyperband_schedule, make_oracle, search_cost
from tunekit.tuning.study import prepare_study

MLP = get_family("mlp")
SMALL = ("dropout", "optimizer")  # 4 x 4 = 16 points
LARGE = ("dropout", "optimizer", "batch_size", "widths")  # 256 points


def _spec(tuner, spaces, epochs=2, seed=42, **search) -> StudySpec:
    return StudySpec(
        "mlp", spaces, train=TrainSettings(epochs=epochs, seed=seed), tuner=tuner,
        search=SearchSettings(**search),
    )  # fmt: skip


def _run_out(tmp_path, spec: StudySpec) -> list:
    """Every trial the oracle makes until it stops, each finished at once."""
    spaces = MLP.resolve_spaces(spec.spaces)
    oracle = make_oracle(spec, MLP, MLP.reference, spaces, prepare_study(spec, tmp_path).plan)
    oracle._set_project_dir(str(tmp_path), "study")
    trials = []
    while (trial := oracle.create_trial("tuner0")).status == "RUNNING":
        oracle.update_trial(trial.trial_id, {"val_accuracy": 0.01 * (len(trials) % 13)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
        trials.append(trial)
    assert trial.status == "STOPPED"
    return trials


def _epochs(trials) -> tuple[int, int]:
    """Epochs trained in all, and the most any model reaches."""
    values = [t.hyperparameters.values for t in trials]
    trained = sum(v["tuner/epochs"] - v["tuner/initial_epoch"] for v in values)
    return trained, max(v["tuner/epochs"] for v in values)


@pytest.mark.parametrize(
    ("spaces", "max_epochs", "factor", "trials"),
    [
        (LARGE, 9, 3, 23),
        (LARGE, 8, 2, 36),
        (LARGE, 2, 3, 2),  # one bracket: no trial is stopped early
        (SMALL, 9, 3, 22),  # the brackets draw 17 points; the 16th is the last
        (SMALL, 27, 3, 16),  # the first bracket alone wants 45
        (SMALL, None, 3, 2),  # max_epochs defaults to --epochs
    ],
)
def test_plan_equals_trials_made(tmp_path, spaces, max_epochs, factor, trials):
    spec = _spec(TunerKind.HYPERBAND, spaces, max_epochs=max_epochs, factor=factor)
    cost = search_cost(spec, MLP, ())
    made = _run_out(tmp_path, spec)
    assert cost.trials == len(made) == trials
    assert (cost.epochs, cost.trial_epochs) == _epochs(made)
    # the bar's total is the plan's count
    assert prepare_study(spec, tmp_path).cost.trials == trials


def test_small_space_and_single_bracket_are_explained():
    small = search_cost(_spec(TunerKind.HYPERBAND, SMALL, max_epochs=9), MLP, ())
    assert small.note == (
        "Hyperband would draw 17 different points, but the spaces hold only 16: "
        "it stops after 22 of its 23 trials"
    )
    single = search_cost(_spec(TunerKind.HYPERBAND, LARGE, epochs=2), MLP, ())
    assert "single bracket of 2 trials" in single.note and "max_epochs 9" in single.note
    assert search_cost(_spec(TunerKind.HYPERBAND, LARGE, max_epochs=9), MLP, ()).note == ""


def test_cost_says_epochs_per_trial_and_in_all():
    cost = search_cost(_spec(TunerKind.HYPERBAND, LARGE, max_epochs=9), MLP, ())
    assert describe_cost(cost).startswith("at most 9 epochs per trial, 75 epochs in all, about")
    assert sum(n * e for n, e in hyperband_schedule(9, 3)) == 75


@pytest.mark.parametrize("tuner", [TunerKind.RANDOM, TunerKind.BAYESIAN])
def test_a_budget_beyond_the_space_is_the_space(tmp_path, tuner):
    # Seed 0: keras-tuner's own 20 draws miss the Bayesian search's last point.
    spec = _spec(tuner, SMALL, seed=0, max_trials=30)
    cost = search_cost(spec, MLP, ())
    assert cost.trials == len(_run_out(tmp_path, spec)) == 16
    assert cost.note == "the spaces hold only 16 points, so it stops after 16 trials"
