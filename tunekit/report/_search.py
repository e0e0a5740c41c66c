"""Searches (random, Bayesian, Hyperband, grid): the objective per trial and per hyper-parameter.

Only what every search trial has is used: its id, score, status and hyper-parameter
values, with the study's objective, direction, tuner and spaces (whose hps are the
free ones).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.report._leaderboard import metric_on_test
from tunekit.report._spaces import running_count, same_value, study_title
from tunekit.report._stats import finite, mean

CATEGORICAL, LINEAR, LOG = "categorical", "linear", "log"


@dataclass(frozen=True)
class SearchTrial:
    """One trial of a search, in the order the trials were made.

    Attributes:
        number: 1-based position in trial id order.
        trial_id: keras-tuner's trial id.
        status: The trial's status.
        score: The objective's value (``None`` when not finite or still running).
        best_so_far: The best score of trials 1 to ``number`` (``None`` before any).
        is_best: Whether this trial has the best score of the search.
        values: The free hyper-parameters' values, as (name, value).
        test: The objective's metric on the test split, mean over executions.
        epochs: Epochs one execution trained, mean over executions.
        seconds: Training time of one execution, mean over executions.
    """

    number: int
    trial_id: str
    status: str
    score: float | None
    best_so_far: float | None
    is_best: bool
    values: tuple[tuple[str, Any], ...]
    test: float | None = None
    epochs: float | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class HPScatter:
    """The objective against one free hyper-parameter.

    Attributes:
        hp: The hyper-parameter.
        scale: ``categorical`` (strings, or the values a space lists, in its order),
            ``linear`` or ``log`` (positive numbers spanning a factor of 20 or more).
        categories: For a categorical axis, the values' labels in order.
        points: (value, score) per scored trial, in trial order; categorical values as
            their label.
        best: The best trial's value (its label when categorical).
    """

    hp: str
    scale: str
    categories: tuple[str, ...]
    points: tuple[tuple[Any, float], ...]
    best: Any


@dataclass(frozen=True)
class SearchInfo:
    """Everything the search figure and its table show.

    Attributes:
        title: The study, e.g. ``mlp on mnist``.
        tuner: The search strategy, e.g. ``random``.
        objective: The metric searched, e.g. ``val_accuracy``.
        direction: ``max`` or ``min``.
        trials: Every trial, running ones included, in trial id order.
        hps: One scatter per free hyper-parameter.
        best_trial_id: The best trial (``None`` before any trial has a score).
        running: Trials still running.
    """

    title: str
    tuner: str
    objective: str
    direction: str
    trials: tuple[SearchTrial, ...]
    hps: tuple[HPScatter, ...]
    best_trial_id: str | None
    running: int = 0


def free_hps(study: StudyRecords) -> list[str]:
    """The hps a search varies: its spaces' hps, else those that differ between trials."""
    names = [space.hp for space in study.meta.spaces.values()]
    if names:
        return list(dict.fromkeys(names))
    seen: dict[str, list[Any]] = {}
    for record in study.records:
        for hp, value in record.hyperparameters.items():
            seen.setdefault(hp, [])
            if value not in seen[hp]:
                seen[hp].append(value)
    return [hp for hp, values in seen.items() if len(values) > 1]


def _score(record: TrialRecord) -> float | None:
    if record.status is TrialStatus.RUNNING or record.score is None:
        return None
    return record.score if math.isfinite(record.score) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _numeric_scale(values: Sequence[Any]) -> str:
    """``log`` for positive numbers spanning a factor of 20 or more, else ``linear``."""
    low, high = min(values), max(values)
    return LOG if low > 0 and high / low >= 20 else LINEAR


def _declared(study: StudyRecords, hp: str) -> list[Any]:
    """The values the study's spaces offer ``hp`` (empty when it does not say)."""
    values: list[Any] = []
    for space in study.meta.spaces.values():
        if space.hp == hp:
            values += [v for v in space.values if not any(same_value(v, w) for w in values)]
    return values


def _scatter(
    study: StudyRecords, hp: str, scored: list[tuple[TrialRecord, float]], best: Any
) -> HPScatter:
    """The objective against ``hp``.

    A search over a space's listed values gets a categorical axis in the values'
    order; numbers outside such a list (a range) get a linear or log axis.
    """
    declared = _declared(study, hp)
    pairs = [(r.hyperparameters[hp], s) for r, s in scored if hp in r.hyperparameters]
    best_value = None if best is None else best.hyperparameters.get(hp)
    listed = bool(declared) and all(any(same_value(v, d) for d in declared) for v, _ in pairs)
    if not listed and pairs and all(_is_number(v) for v, _ in pairs):
        scale = _numeric_scale([v for v, _ in pairs])
        return HPScatter(hp, scale, (), tuple((float(v), s) for v, s in pairs), best_value)
    if declared and all(_is_number(d) for d in declared):
        declared = sorted(declared)

    def label(value: Any) -> str:  # a value as its listed twin is written (0 and 0.0 are one)
        return str(next((d for d in declared if same_value(d, value)), value))

    categories = list(dict.fromkeys(label(v) for v in [*declared, *(v for v, _ in pairs)]))
    points = tuple((label(v), s) for v, s in pairs)
    shown = None if best is None or hp not in best.hyperparameters else label(best_value)
    return HPScatter(hp, CATEGORICAL, tuple(categories), points, shown)


def search_info(study: StudyRecords) -> SearchInfo:
    """Compute the search figure's data: scores in trial order, best so far, and per hp."""
    objective = study.meta.objective
    direction = study.meta.direction
    better = min if direction == "min" else max
    scored = [(r, s) for r in study.records if (s := _score(r)) is not None]
    best = better(scored, key=lambda pair: pair[1])[0] if scored else None
    hps = free_hps(study)
    trials, so_far = [], None
    for number, record in enumerate(study.records, start=1):
        score = _score(record)
        done = record.executions if record.status is not TrialStatus.RUNNING else ()
        if score is not None:
            so_far = score if so_far is None else better(so_far, score)
        trials.append(
            SearchTrial(
                number=number,
                trial_id=record.trial_id,
                status=record.status.value,
                score=score,
                best_so_far=so_far,
                is_best=record is best,
                values=tuple(
                    (hp, record.hyperparameters[hp]) for hp in hps if hp in record.hyperparameters
                ),
                test=mean(finite(ex.test_metrics.get(metric_on_test(objective)) for ex in done)),
                epochs=mean([float(ex.epochs_run) for ex in done]),
                seconds=mean(finite(ex.train_seconds for ex in done)),
            )
        )
    return SearchInfo(
        title=study_title(study),
        tuner=study.meta.tuner.value,
        objective=objective,
        direction=direction,
        trials=tuple(trials),
        hps=tuple(_scatter(study, hp, scored, best) for hp in hps),
        best_trial_id=None if best is None else best.trial_id,
        running=running_count(study),
    )
