"""keras-tuner oracles that survive kills: a fixed plan, and random, Bayesian and Hyperband search.

keras-tuner 1.4.8 resumes a search from ``oracle.json``, which can disagree with the
trials' own files after a hard kill: a finished trial may still be listed as
running (and would be trained again), a created trial may be missing from it, and
``GridSearchOracle`` keeps its position in memory only. ``ResumableOracle`` trusts
the trials' files instead, hands a dead worker's trial to another, and counts only
trials that gave a result against ``--max-trials``.
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras_tuner
from keras_tuner.src.engine import trial as trial_module

from tunekit.tuning.plan import (
    REFERENCE_SPACE,
    SEARCH_SPACE,
    Variant,
    find_variant,
    search_label,
    values_key,
)
from tunekit.tuning.records import RECORD_FILE, TrialStatus, record_from_dict

_RUNNING = trial_module.TrialStatus.RUNNING
_STOPPED = trial_module.TrialStatus.STOPPED
_INVALID = trial_module.TrialStatus.INVALID
_COMPLETED = trial_module.TrialStatus.COMPLETED
_FAILED = trial_module.TrialStatus.FAILED

#: A search ends after this many trials per ``max_trials`` even if most of them failed,
#: so a space where almost nothing can be built cannot run for ever.
FAILED_TRIAL_ALLOWANCE = 10

#: ``(space, hp, value, number)``: how a record names a trial and where the progress
#: display counts it.
TrialIdentity = tuple[str, str, Any, int]


class ResumableOracle(keras_tuner.Oracle):
    """The resume, budget and dead-worker logic shared by every tunekit oracle.

    Mix it in before a keras-tuner oracle class. Set ``trial_budget`` to end the
    search with that many completed trials (keras-tuner's ``COMPLETED``: tunekit's
    completed and diverged trials); ``worst_score`` is what a finished trial whose
    record has no finite score reports.
    """

    trial_budget: int | None = None
    worst_score: float = 0.0

    def describe(self, values: Mapping[str, Any], trial_id: str) -> TrialIdentity:
        """Name the trial with these values for its record."""
        raise NotImplementedError

    def should_rerun(self, trial: Any) -> bool:
        """Whether an interrupted trial is run again on resume."""
        return True

    @keras_tuner.synchronized
    def create_trial(self, tuner_id: str) -> Any:
        """Create a trial, or stop once the budget of completed trials is reached."""
        if (
            self.trial_budget is not None
            and tuner_id not in self.ongoing_trials
            and not self._retry_queue
        ):
            counted = sum(t.status in (_COMPLETED, _RUNNING) for t in self.trials.values())
            allowance = self.trial_budget * FAILED_TRIAL_ALLOWANCE
            if counted >= self.trial_budget or len(self.trials) >= allowance:
                self.tuner_ids.discard(tuner_id)
                space = self.hyperparameters.copy()
                space.values = {}
                return trial_module.Trial(space, trial_id="stopped", status=_STOPPED)
        return super().create_trial(tuner_id)

    @keras_tuner.synchronized
    def end_trial(self, trial: Any) -> None:
        """End a trial; a late report from a worker taken for dead is accepted once."""
        ongoing = {t.trial_id for t in self.ongoing_trials.values()}
        if trial.trial_id not in ongoing:
            known = self.trials.get(trial.trial_id)
            if trial.trial_id in self._retry_queue:
                self._retry_queue.remove(trial.trial_id)  # it finished after all
            elif known is None or known.status != _RUNNING:
                return  # already ended: a stale worker's duplicate report
        super().end_trial(trial)

    @keras_tuner.synchronized
    def active_tuners(self) -> set[str]:
        """The tuners (workers) running a trial, or due to ask for one, now."""
        return set(self.ongoing_trials) | set(self.tuner_ids)

    @keras_tuner.synchronized
    def reclaim(self, tuner_id: str) -> str | None:
        """Hand the trial of a worker that died to the next worker that asks.

        Returns:
            The id of the trial that will run again, or ``None`` if the worker held
            none (or its trial had in fact finished, which is then recorded).
        """
        trial = self.ongoing_trials.pop(tuner_id, None)
        self.tuner_ids.discard(tuner_id)
        if trial is None:
            return None
        trial = self.trials[trial.trial_id]
        rerun = not self._settle(trial)
        if rerun and trial.trial_id not in self._retry_queue:
            self._retry_queue.append(trial.trial_id)  # popped from the end: runs next
        self.save()
        return trial.trial_id if rerun else None

    def reload(self) -> None:
        """Reload, then rerun exactly the trials that a killed process left running.

        keras-tuner queues every trial that ``oracle.json`` lists as ongoing. That
        list is saved before a finished trial is removed from it, and a trial whose
        record was written just before the kill is finished although keras-tuner
        never heard so. A kill between a trial's own file and ``oracle.json`` leaves
        a trial that the oracle's state (a Hyperband bracket, the random seed) does
        not know; it never started, so it is removed and made again. The queue is
        therefore rebuilt from the trials' own files.
        """
        super().reload()
        started = set(self.start_order)
        queue = []
        for trial_id, trial in sorted(self.trials.items()):
            if trial.status != _RUNNING:
                continue
            if trial_id not in started:
                self._forget(trial_id)
            elif not self._settle(trial) and self.should_rerun(trial):
                queue.append(trial_id)
        self._retry_queue = sorted(queue, reverse=True)  # popped from the end: trial order
        self.save()

    def _trial_path(self, trial_id: str) -> Path:
        return Path(self._project_dir) / f"trial_{trial_id}"

    def _forget(self, trial_id: str) -> None:
        del self.trials[trial_id]
        shutil.rmtree(self._trial_path(trial_id), ignore_errors=True)

    def _settle(self, trial: Any) -> bool:
        """Record a trial as ended if its tunekit record says it finished; say if it did."""
        path = self._trial_path(trial.trial_id) / RECORD_FILE
        try:
            record = record_from_dict(json.loads(path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, ValueError):
            return False
        if record.status is TrialStatus.RUNNING:
            return False
        if record.status in (TrialStatus.COMPLETED, TrialStatus.DIVERGED):
            finite = record.score is not None and math.isfinite(record.score)
            score = record.score if finite else self.worst_score
            self.update_trial(trial.trial_id, {self.objective.name: score})
            trial.status = _COMPLETED
            self.score_trial(trial)
        else:
            trial.status = _FAILED
            trial.message = record.reason
        if trial.trial_id not in self.end_order:
            self.end_order.append(trial.trial_id)
        self._save_trial(trial)
        return True


class PlanOracle(ResumableOracle):
    """Hands out each variant of a plan exactly once, across any number of restarts.

    It holds no position in the plan: each time it is asked for a trial it looks at
    the trials that exist and hands out the first variant that has none.

    Args:
        plan: The variants to train, in order (a list, or a lazy ``GridPlan``).
        objective: The metric to optimise, e.g. ``keras_tuner.Objective("val_accuracy", "max")``.
        **kwargs: Passed to ``keras_tuner.Oracle``.
    """

    def __init__(self, plan: Sequence[Variant], objective: Any, **kwargs: Any) -> None:
        # A diverged or failed variant is a result: it must never end the study.
        kwargs.setdefault("max_consecutive_failed_trials", 10**9)
        super().__init__(objective=objective, max_trials=None, **kwargs)
        self.plan = plan

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Return the first variant that no trial on disk has taken, or stop."""
        taken = {
            values_key(trial.hyperparameters.values)
            for trial in self.trials.values()
            if trial.status != _INVALID
        }
        for variant in self.plan:
            if variant.key not in taken:
                return {"status": _RUNNING, "values": dict(variant.values)}
        return {"status": _STOPPED, "values": None}

    def should_rerun(self, trial: Any) -> bool:
        """Rerun only variants of this run's plan (a study may have shrunk since)."""
        return find_variant(self.plan, trial.hyperparameters.values) is not None

    def variant_for(self, values: Mapping[str, Any]) -> Variant | None:
        """Return the plan's variant with exactly these values, if any."""
        found = find_variant(self.plan, values)
        return found[1] if found else None

    def describe(self, values: Mapping[str, Any], trial_id: str) -> TrialIdentity:
        """The variant's space, hp and value, and its 1-based place in the plan."""
        found = find_variant(self.plan, values)
        if found is None:
            return REFERENCE_SPACE, "", None, 0
        index, variant = found
        return variant.space, variant.hp, variant.value, index + 1


class _SearchNames:
    """How a keras-tuner search oracle names its trials: by the free values."""

    free_hps: tuple[str, ...] = ()

    def describe(self, values: Mapping[str, Any], trial_id: str) -> TrialIdentity:
        """``("search", "a,b", "a=1, b=x", n)`` with ``n`` the trial's 1-based number."""
        number = int(trial_id) + 1 if trial_id.isdigit() else 0
        return SEARCH_SPACE, ",".join(self.free_hps), search_label(values, self.free_hps), number


class RandomOracle(_SearchNames, ResumableOracle, keras_tuner.oracles.RandomSearchOracle):
    """keras-tuner's random search with tunekit's resume and trial budget."""


class BayesianOracle(_SearchNames, ResumableOracle, keras_tuner.oracles.BayesianOptimizationOracle):
    """keras-tuner's Bayesian optimisation with tunekit's resume and trial budget.

    On a space of choices the Gaussian process often proposes a point already
    trained; a random untried point is used instead, so no budget is spent twice.
    """

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """The Gaussian process's proposal, or a random new point if it was tried."""
        with warnings.catch_warnings():  # scikit-learn's fitting notes are not for users
            warnings.filterwarnings("ignore", module="sklearn")
            response = super().populate_space(trial_id)
        if response["status"] == _RUNNING and self._duplicate(response["values"]):
            return self._random_populate_space()
        return response


class HyperbandOracle(_SearchNames, ResumableOracle, keras_tuner.oracles.HyperbandOracle):
    """keras-tuner's Hyperband with tunekit's resume; it ends when its brackets do."""
