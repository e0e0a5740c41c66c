"""keras-tuner oracles that survive kills: a fixed plan, and random, Bayesian and Hyperband search.

keras-tuner 1.4.8 resumes a search from ``oracle.json``, which can disagree with the
trials' own files after a hard kill: a finished trial may still be listed as
running (and would be trained again), a created trial may be missing from it, and
``GridSearchOracle`` keeps its position in memory only. ``ResumableOracle`` trusts
the trials' files instead (tunekit's records first), writes keras-tuner's files
atomically, never reuses a trial id, hands a dead worker's trial to another, and
counts only trials that gave a result against ``--max-trials``.
"""

from __future__ import annotations

import math
import os
import shutil
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import keras_tuner

from tunekit.records.layout import (
    ORACLE_FILE,
    RECORD_FILE,
    REFERENCE_SPACE,
    SEARCH_SPACE,
    TRIAL_FILE,
)
from tunekit.records.trial import UNREADABLE, TrialStatus, read_record
from tunekit.tuning.ktfiles import (
    KTStatus,
    Trial,
    display_state,
    load_state,
    load_trial,
    mark_tried,
    new_trial,
    oracle_path,
    save_state,
    set_base_state,
    trial_from_record,
    trial_path,
    values_hash,
)
from tunekit.tuning.plan import (
    Variant,
    find_variant,
    gained_filled,
    search_label,
    values_key,
    with_gained,
)

_RUNNING = KTStatus.RUNNING
_STOPPED = KTStatus.STOPPED
_INVALID = KTStatus.INVALID
_COMPLETED = KTStatus.COMPLETED
_FAILED = KTStatus.FAILED

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
    #: The search space, set by the tuner: it rebuilds a lost ``oracle.json``.
    fallback_space: keras_tuner.HyperParameters | None = None

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
                return Trial(space, trial_id="stopped", status=_STOPPED)
        if tuner_id in self.ongoing_trials or self._retry_queue:
            return super().create_trial(tuner_id)
        return new_trial(self, tuner_id, self._next_trial_id())

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

    def save(self) -> None:
        """Save ``oracle.json`` atomically: a kill leaves the old state or the new."""
        save_state(oracle_path(self), self.get_state())

    def _save_trial(self, trial: Any) -> None:
        """Save a trial's ``trial.json`` atomically (keras-tuner truncates it first)."""
        save_state(trial_path(self, trial.trial_id), trial.get_state())

    def reload(self) -> None:
        """Reload from the study directory, trusting tunekit's records over keras-tuner's files.

        A ``trial.json`` that is missing, empty or truncated is rebuilt from the
        trial's record, and a damaged ``oracle.json`` from the trials. A trial whose
        record cannot be read is run again, its damaged file kept beside it.

        keras-tuner queues every trial that ``oracle.json`` lists as ongoing. That
        list is saved before a finished trial is removed from it, and a trial whose
        record was written just before the kill is finished although keras-tuner
        never heard so. A kill between a trial's own file and ``oracle.json`` leaves
        a trial that the oracle's state (a Hyperband bracket, the random seed) does
        not know; it never started, so it is removed and made again. The queue is
        therefore rebuilt from the trials' own files.
        """
        lost = self._load_trials()
        space = self._own_space()
        state = load_state(oracle_path(self))
        try:
            if state is None:
                raise KeyError(ORACLE_FILE)
            ongoing = state.get("ongoing_trials", {})
            state["ongoing_trials"] = {k: v for k, v in ongoing.items() if v in self.trials}
            self.set_state(state)
        except (KeyError, TypeError, ValueError, AttributeError):
            self._rebuild_state(space)
        self._remember_gained(space)
        self.ongoing_trials = {}
        # A deleted trial folder leaves its id in the orders; keras-tuner looks it up.
        self.start_order = [t for t in self.start_order if t in self.trials]
        self.end_order = [t for t in self.end_order if t in self.trials]
        for trial_id in lost:  # its record is unreadable: train it again under its own id
            self.trials[trial_id].status = _RUNNING
            self.end_order = [t for t in self.end_order if t != trial_id]
            # Said on disk too: a run whose plan leaves it out must not leave its
            # trial.json "COMPLETED" with no record, which no later run would retrain.
            self._save_trial(self.trials[trial_id])
        started = set(self.start_order)
        queue = []
        for trial_id, trial in sorted(self.trials.items()):
            if trial.status != _RUNNING:
                continue
            if trial_id not in started and trial_id not in lost and not self._has_record(trial_id):
                self._forget(trial_id)
            elif not self._settle(trial) and self.should_rerun(trial):
                queue.append(trial_id)
        self.start_order += [t for t in sorted(self.trials) if t not in started]
        self._retry_queue = sorted(queue, reverse=True)  # popped from the end: trial order
        self.save()

    def _load_trials(self) -> list[str]:
        """Load every trial folder into ``self.trials``; return those to train again.

        A trial whose record is damaged is trained again, whatever keras-tuner
        says of it: that record is what reports and leaderboards read.
        """
        self.trials = {}
        lost = []
        space = self.fallback_space or self.hyperparameters
        for folder in sorted(Path(self._project_dir).glob("trial_*")):
            path = folder / RECORD_FILE
            record, damaged = None, False
            try:
                record = read_record(path)
            except FileNotFoundError:
                pass
            except UNREADABLE:
                damaged = True
            trial = load_trial(folder / TRIAL_FILE)
            if trial is None and record is not None:
                trial = trial_from_record(space, record)
            if trial is None or f"trial_{trial.trial_id}" != folder.name:
                continue  # nothing says what it trained; its id stays taken on disk
            self.trials[trial.trial_id] = trial
            if damaged:
                _set_aside(path)
                lost.append(trial.trial_id)
        return lost

    def _own_space(self) -> keras_tuner.HyperParameters:
        """The space this oracle draws from: a search's own (its free choices, the rest
        fixed at the reference), else the tuner's (a plan gives every value itself)."""
        if self.hyperparameters.space or self.fallback_space is None:
            return self.hyperparameters.copy()
        return self.fallback_space

    def _rebuild_state(self, space: keras_tuner.HyperParameters) -> None:
        """Rebuild a lost ``oracle.json`` from the trials (a subclass's extras stay new).

        ``space`` is the oracle's own: a search rebuilt with the tuner's whole space
        would draw values for hyper-parameters the study keeps at the reference.
        """
        ids = sorted(self.trials)
        hashes = {t: values_hash(self, self.trials[t].hyperparameters.values) for t in ids}
        state = {
            "ongoing_trials": {},
            "hyperparameters": space.get_config(),
            "start_order": ids,
            "end_order": [t for t in ids if self.trials[t].status != _RUNNING],
            "run_times": {},
            "retry_queue": [],
            "seed": self.seed,
            # Past the seeds the lost state may have used; a repeat is skipped anyway.
            "seed_state": self.seed + 1000 * (len(ids) + 1),
            "tried_so_far": sorted(set(hashes.values())),
            "id_to_hash": hashes,
            "display": display_state(self),
        }
        set_base_state(self, state)

    def _remember_gained(self, space: keras_tuner.HyperParameters) -> None:
        """Count each trial as tried :func:`with_gained` ``space``'s values, so that a
        search never draws again a trial recorded before its family gained a
        hyper-parameter (``gained_filled`` does the same for a plan)."""
        reference = {hp.name: hp.default for hp in space.space if not hp.conditions}
        for trial in self.trials.values():
            values = trial.hyperparameters.values
            if any(name not in values for name in reference):
                mark_tried(self, with_gained(values, reference))

    def _next_trial_id(self) -> str:
        """One more than any trial id this study has used, on disk or in memory."""
        used = [t for t in self.trials if t.isdigit()]
        used += [p.name[6:] for p in Path(self._project_dir).glob("trial_*")]
        number = max((int(t) for t in used if t.isdigit()), default=-1) + 1
        return f"{number:0{len(str(self.max_trials))}d}"

    def _has_record(self, trial_id: str) -> bool:
        return (self._trial_path(trial_id) / RECORD_FILE).exists()

    def _trial_path(self, trial_id: str) -> Path:
        return Path(self._project_dir) / f"trial_{trial_id}"

    def _forget(self, trial_id: str) -> None:
        del self.trials[trial_id]
        shutil.rmtree(self._trial_path(trial_id), ignore_errors=True)

    def _settle(self, trial: Any) -> bool:
        """Record a trial as ended if its tunekit record says it finished; say if it did."""
        try:
            record = read_record(self._trial_path(trial.trial_id) / RECORD_FILE)
        except (FileNotFoundError, *UNREADABLE):
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


def _set_aside(path: Path) -> Path:
    """Keep a damaged record under a name no reader looks for, so nothing is lost."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}-{os.getpid()}")
    os.replace(path, aside)
    return aside


class PlanOracle(ResumableOracle):
    """Hands out each variant of a plan exactly once, across any number of restarts.

    It holds no position in the plan: each time it is asked for a trial it looks at
    the trials that exist and hands out the first variant that has none. Each repeat
    of the reference is a variant of its own (told apart by ``tunekit/repeat``), so
    a study given more repeats trains only the new ones.

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
            values_key(gained_filled(self.plan, trial.hyperparameters.values))
            for trial in self.trials.values()
            if trial.status != _INVALID
        }
        for variant in self.plan:
            if variant.key not in taken:
                return {"status": _RUNNING, "values": variant.trial_values}
        return {"status": _STOPPED, "values": None}

    def should_rerun(self, trial: Any) -> bool:
        """Rerun only variants of this run's plan (a study may have shrunk since)."""
        return find_variant(self.plan, trial.hyperparameters.values) is not None

    def variant_for(self, values: Mapping[str, Any]) -> Variant | None:
        """Return the plan's variant with exactly these values, if any."""
        found = find_variant(self.plan, values)
        return found[1] if found else None

    def describe(self, values: Mapping[str, Any], trial_id: str) -> TrialIdentity:
        """The variant's space, hp and value, and its 1-based place in the plan.

        ``values`` are the trial's, a reference repeat's ``tunekit/repeat`` included.
        """
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

    def _rebuild_state(self, space: keras_tuner.HyperParameters) -> None:
        """Also rebuild the brackets, from the bracket, round and model each trial's own
        values name: without them a resumed search would start its brackets again and
        never train on the models its first rounds chose."""
        super()._rebuild_state(space)
        brackets: dict[int, list[list[dict[str, Any]]]] = {}
        for trial_id in sorted(self.trials):
            values = self.trials[trial_id].hyperparameters.values
            if "tuner/bracket" not in values:
                continue
            number = int(values["tuner/bracket"])
            rounds = brackets.setdefault(number, [[] for _ in range(self._get_num_rounds(number))])
            past = values.get("tuner/trial_id")
            rounds[int(values["tuner/round"])].append({"past_id": past, "id": trial_id})
        if brackets:  # one iteration: brackets run from the most halving one down to 0
            self._current_iteration = 0
            self._current_bracket = min(brackets)
            self._brackets = [
                {"bracket_num": n, "rounds": brackets[n]} for n in sorted(brackets, reverse=True)
            ]
