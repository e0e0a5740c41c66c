"""Joint searches without training: plans, costs, and the oracles' resume and budget logic.

Trials are ended by hand, as keras-tuner's own tests do; a "kill" is a new oracle
reloaded from the files the old one left.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tunekit.config import SearchSettings, StudySpec, TrainSettings, TunerKind
from tunekit.errors import TunekitError
from tunekit.hypermodels import get_family
from tunekit.records.trial import TrialRecord, TrialStatus, write_record
from tunekit.tuning.plan import GridPlan, find_variant, values_key
from tunekit.tuning.search import (
    LargeSearchError,
    check_cost,
    hyperband_schedule,
    make_oracle,
    search_cost,
)
from tunekit.tuning.study import prepare_study

MLP = get_family("mlp")
SPACES = ("dropout", "optimizer")  # 4 x 4 = 16 points


def _spec(tuner: TunerKind, spaces=SPACES, **search) -> StudySpec:
    return StudySpec(
        "mlp", spaces, train=TrainSettings(epochs=3), tuner=tuner, search=SearchSettings(**search)
    )


def _oracle(tmp_path, spec: StudySpec):
    spaces = MLP.resolve_spaces(spec.spaces)
    plan = prepare_study(spec, tmp_path).plan
    oracle = make_oracle(spec, MLP, MLP.reference, spaces, plan)
    oracle._set_project_dir(str(tmp_path), "study")
    return oracle


def _reloaded(tmp_path, spec: StudySpec):
    """The oracle a rerun of the same command builds after a kill."""
    oracle = _oracle(tmp_path, spec)
    oracle.reload()
    return oracle


def _finish(oracle, trial, score=0.5, status="COMPLETED"):
    if status == "COMPLETED":
        oracle.update_trial(trial.trial_id, {"val_accuracy": score})
    trial.status = status
    oracle.end_trial(trial)


def _run_out(oracle, tuner_id="tuner0", scores=None):
    """Finish every trial the oracle hands out until it stops; return their ids."""
    done = []
    while True:
        trial = oracle.create_trial(tuner_id)
        if trial.status == "STOPPED":
            return done
        assert trial.status == "RUNNING", trial.status
        _finish(oracle, trial, score=(scores or {}).get(len(done), 0.1 * (len(done) % 7)))
        done.append(trial.trial_id)


def _completed(oracle):
    return [t for t in oracle.trials.values() if t.status == "COMPLETED"]


# Plans and costs ---------------------------------------------------------------------


def test_grid_is_the_cross_product_with_the_reference_first():
    plan = GridPlan(MLP.resolve_spaces(SPACES), MLP.reference)
    assert len(plan) == 16 == len({v.key for v in plan})
    assert plan[0].values == MLP.reference
    assert plan[0].label == "dropout=0.0, optimizer=sgd"
    assert plan[5].label == "dropout=0.2, optimizer=rmsprop"
    assert [v.key for v in plan] == [plan[i].key for i in range(16)]
    index, variant = find_variant(plan, dict(plan[11].values))
    assert index == 11 and variant.space == "search" and variant.hp == "dropout,optimizer"
    assert find_variant(plan, {**MLP.reference, "dropout": 0.3}) is None
    assert find_variant(plan, {**MLP.reference, "batch_size": 100}) is None


def test_a_grid_over_every_space_is_counted_not_built():
    plan = GridPlan(MLP.resolve_spaces("all"), MLP.reference)
    assert len(plan) == 5 * 4**7 * 3 * 3 == 737_280
    last = plan[-1]
    assert find_variant(plan, dict(last.values))[0] == len(plan) - 1


def test_a_huge_grid_needs_yes_and_says_its_cost():
    spec = _spec(TunerKind.GRID, spaces=("all",))
    cost = prepare_study(spec, "runs").cost
    expected = r"737,280 trials \(at most 3 epochs per trial, 2,211,840 epochs in all, about"
    with pytest.raises(LargeSearchError, match=expected):
        check_cost(spec, cost, confirmed=False)
    check_cost(spec, cost, confirmed=True)
    small = _spec(TunerKind.GRID)
    check_cost(small, prepare_study(small, "runs").cost, confirmed=False)
    random = _spec(TunerKind.RANDOM, spaces=("all",), max_trials=30)
    assert prepare_study(random, "runs").cost.trials == 30


@pytest.mark.parametrize(("max_epochs", "factor"), [(3, 3), (9, 3), (4, 2), (10, 3)])
def test_hyperband_schedule_matches_keras_tuners_oracle(tmp_path, max_epochs, factor):
    # 256 points: more than the brackets draw, so none ends early for want of new points.
    spaces = ("dropout", "optimizer", "batch_size", "widths")
    spec = _spec(TunerKind.HYPERBAND, spaces=spaces, max_epochs=max_epochs, factor=factor)
    oracle = _oracle(tmp_path, spec)
    done = _run_out(oracle)
    rounds = hyperband_schedule(max_epochs, factor)
    assert len(done) == sum(size for size, _ in rounds)
    trained = sum(
        t.hyperparameters.values["tuner/epochs"] - t.hyperparameters.values["tuner/initial_epoch"]
        for t in oracle.trials.values()
    )
    assert trained == search_cost(spec, MLP, ()).epochs


def test_objective_must_be_a_validation_metric():
    with pytest.raises(TunekitError, match="val_accuracy or val_loss"):
        SearchSettings(objective="accuracy")


# Budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("tuner", [TunerKind.RANDOM, TunerKind.BAYESIAN])
def test_failed_trials_do_not_count_against_max_trials(tmp_path, tuner):
    oracle = _oracle(tmp_path, _spec(tuner, max_trials=4))
    for _ in range(3):  # three configurations that cannot be built
        _finish(oracle, oracle.create_trial("tuner0"), status="FAILED")
    _run_out(oracle)
    assert len(_completed(oracle)) == 4
    assert len(oracle.trials) == 7
    assert len({values_key(t.hyperparameters.values) for t in oracle.trials.values()}) == 7


def test_only_free_hyper_parameters_vary(tmp_path):
    oracle = _oracle(tmp_path, _spec(TunerKind.RANDOM, max_trials=6))
    _run_out(oracle)
    for trial in oracle.trials.values():
        values = trial.hyperparameters.values
        assert {k: v for k, v in values.items() if k not in ("dropout", "optimizer")} == {
            k: v for k, v in MLP.reference.items() if k not in ("dropout", "optimizer")
        }
    assert oracle.describe(values, "0005") == (
        "search",
        "dropout,optimizer",
        f"dropout={values['dropout']}, optimizer={values['optimizer']}",
        6,
    )


def test_bayesian_does_not_spend_budget_on_a_point_already_trained(tmp_path):
    oracle = _oracle(tmp_path, _spec(TunerKind.BAYESIAN, max_trials=12))
    # One point far better than the rest pulls the Gaussian process back to it.
    _run_out(oracle, scores={0: 0.99})
    keys = [values_key(t.hyperparameters.values) for t in oracle.trials.values()]
    assert len(keys) == len(set(keys)) == 12


# Resume after a kill ------------------------------------------------------------------


@pytest.mark.parametrize("tuner", [TunerKind.RANDOM, TunerKind.BAYESIAN, TunerKind.HYPERBAND])
def test_killed_search_reruns_the_running_trial_once_and_ends_as_planned(tmp_path, tuner):
    # Hyperband's brackets need more points than the two spaces have.
    spaces = SPACES + (("batch_size", "widths") if tuner is TunerKind.HYPERBAND else ())
    spec = _spec(tuner, spaces=spaces, max_trials=6, max_epochs=9, factor=3)
    first = _oracle(tmp_path, spec)
    for _ in range(4):
        _finish(first, first.create_trial("tuner0"), score=0.3)
    killed = first.create_trial("tuner0")  # the process dies here

    resumed = _reloaded(tmp_path, spec)
    again = resumed.create_trial("tuner0")
    assert again.trial_id == killed.trial_id
    assert again.hyperparameters.values == killed.hyperparameters.values
    _finish(resumed, again)
    _run_out(resumed)
    if tuner is TunerKind.HYPERBAND:
        assert len(resumed.trials) == sum(n for n, _ in hyperband_schedule(9, 3))
    else:
        assert len(_completed(resumed)) == 6 == len(resumed.trials)
    assert all(t.status == "COMPLETED" for t in resumed.trials.values())


def test_trial_whose_record_finished_before_the_kill_is_not_trained_again(tmp_path):
    spec = _spec(TunerKind.RANDOM, max_trials=3)
    first = _oracle(tmp_path, spec)
    _finish(first, first.create_trial("tuner0"))
    trial = first.create_trial("tuner0")
    # The record says completed, but the kill came before keras-tuner heard of it.
    record = TrialRecord(
        trial.trial_id, "mlp", "search", "", "", dict(trial.hyperparameters.values),
        status=TrialStatus.COMPLETED, score=0.8,
    )  # fmt: skip
    write_record(tmp_path / "study" / f"trial_{trial.trial_id}", record)

    resumed = _reloaded(tmp_path, spec)
    assert resumed.trials[trial.trial_id].status == "COMPLETED"
    assert resumed.trials[trial.trial_id].score == 0.8
    ids = _run_out(resumed)
    assert trial.trial_id not in ids and len(ids) == 1
    saved = json.loads((tmp_path / "study" / f"trial_{trial.trial_id}" / "trial.json").read_text())
    assert saved["status"] == "COMPLETED"


@pytest.mark.parametrize("tuner", [TunerKind.RANDOM, TunerKind.HYPERBAND])
def test_trial_created_after_the_last_oracle_save_is_made_again(tmp_path, tuner):
    spec = _spec(tuner, max_trials=3, max_epochs=3)
    first = _oracle(tmp_path, spec)
    _finish(first, first.create_trial("tuner0"))
    state = tmp_path / "study" / "oracle.json"
    saved = tmp_path / "oracle-before.json"
    shutil.copy(state, saved)
    orphan = first.create_trial("tuner0")
    shutil.copy(saved, state)  # the kill came between the trial's file and oracle.json

    resumed = _reloaded(tmp_path, spec)
    assert orphan.trial_id not in resumed.trials
    remade = resumed.create_trial("tuner0")
    assert remade.trial_id == orphan.trial_id
    assert remade.hyperparameters.values == orphan.hyperparameters.values


# Dead workers -----------------------------------------------------------------------


def test_dead_workers_trial_goes_to_the_next_worker_and_runs_once(tmp_path):
    oracle = _oracle(tmp_path, _spec(TunerKind.GRID))
    mine = oracle.create_trial("worker1")
    lost = oracle.create_trial("worker2")
    assert oracle.active_tuners() == {"worker1", "worker2"}
    assert oracle.reclaim("worker2") == lost.trial_id  # worker2 died
    _finish(oracle, mine)
    again = oracle.create_trial("worker1")
    assert again.trial_id == lost.trial_id
    _finish(oracle, again)
    _run_out(oracle, "worker1")
    assert len(oracle.trials) == 16
    assert sorted(values_key(t.hyperparameters.values) for t in oracle.trials.values()) == sorted(
        v.key for v in GridPlan(MLP.resolve_spaces(SPACES), MLP.reference)
    )


def test_late_report_of_a_worker_taken_for_dead_is_accepted_once(tmp_path):
    oracle = _oracle(tmp_path, _spec(TunerKind.RANDOM, max_trials=2))
    slow = oracle.create_trial("worker1")
    oracle.reclaim("worker1")  # silent too long: taken for dead...
    _finish(oracle, slow, score=0.7)  # ...but it finished after all
    assert oracle.trials[slow.trial_id].status == "COMPLETED"
    ids = _run_out(oracle, "worker2")
    assert slow.trial_id not in ids and len(ids) == 1
