"""Resume logic of ``PlanOracle`` with no training: trials are ended by hand."""

from __future__ import annotations

import json

import keras_tuner

from tunekit.hypermodels import get_family
from tunekit.tuning.oracle import PlanOracle
from tunekit.tuning.plan import one_factor_plan, values_key

MLP = get_family("mlp")
PLAN = one_factor_plan(MLP.resolve_spaces("dropout"), MLP.reference)
OBJECTIVE = keras_tuner.Objective("val_accuracy", "max")


def _oracle(tmp_path):
    oracle = PlanOracle(PLAN, OBJECTIVE)
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), "study")
    return oracle


def _finish(oracle, trial):
    oracle.update_trial(trial.trial_id, {"val_accuracy": 0.5})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)


def _run_all(oracle):
    keys = []
    while True:
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            return keys
        keys.append(values_key(trial.hyperparameters.values))
        _finish(oracle, trial)


def test_each_variant_once_in_plan_order(tmp_path):
    assert _run_all(_oracle(tmp_path)) == [v.key for v in PLAN]


def test_trial_killed_while_running_reruns_once_then_the_rest(tmp_path):
    first = _oracle(tmp_path)
    _finish(first, first.create_trial("tuner0"))
    killed = first.create_trial("tuner0")  # the process dies here

    resumed = _oracle(tmp_path)
    resumed.reload()
    again = resumed.create_trial("tuner0")
    assert again.trial_id == killed.trial_id
    _finish(resumed, again)
    rest = _run_all(resumed)
    done = [PLAN[0].key, values_key(again.hyperparameters.values), *rest]
    assert sorted(done) == sorted(v.key for v in PLAN)


def test_running_trial_missing_from_oracle_json_is_rerun(tmp_path):
    first = _oracle(tmp_path)
    killed = first.create_trial("tuner0")
    # A kill between the trial's own file and oracle.json leaves it unlisted.
    path = tmp_path / "study" / "oracle.json"
    state = json.loads(path.read_text())
    state["ongoing_trials"] = {}
    path.write_text(json.dumps(state))

    resumed = _oracle(tmp_path)
    resumed.reload()
    assert resumed.create_trial("tuner0").trial_id == killed.trial_id


def test_finished_study_stops_at_once_when_rerun(tmp_path):
    _run_all(_oracle(tmp_path))
    resumed = _oracle(tmp_path)
    resumed.reload()
    assert resumed.create_trial("tuner0").status == "STOPPED"


def _record(trial):
    from tunekit.records.trial import TrialRecord, TrialStatus

    values = dict(trial.hyperparameters.values)
    record = TrialRecord(trial.trial_id, "mlp", "dropout", "dropout", None, values)
    return record.finished(status=TrialStatus.COMPLETED, score=0.5)


def test_unreadable_record_left_out_of_a_smaller_plan_is_retrained_by_a_later_run(tmp_path):
    from tunekit.records.trial import write_record

    first = _oracle(tmp_path)
    while (trial := first.create_trial("tuner0")).status != "STOPPED":
        write_record(tmp_path / "study" / f"trial_{trial.trial_id}", _record(trial))
        _finish(first, trial)
    damaged = tmp_path / "study" / "trial_0002" / "tunekit.json"
    damaged.write_text(damaged.read_text()[:50])

    smaller = PlanOracle(PLAN[:2], OBJECTIVE)  # a run that studies less: 0002 is not in it
    smaller._set_project_dir(str(tmp_path), "study")
    smaller.reload()
    assert smaller.create_trial("tuner0").status == "STOPPED"
    assert list(damaged.parent.glob("tunekit.json.unreadable-*"))  # kept aside

    full = _oracle(tmp_path)  # the whole plan again: the lost result is trained again
    full.reload()
    assert full.create_trial("tuner0").trial_id == "0002"
