"""Joint searches: the objective, what a search will cost, and its keras-tuner oracle.

Everything above ``make_oracle`` is plain Python, so the CLI can say what a search
would cost, and refuse a huge one, before TensorFlow is imported.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tunekit.config import StudySpec, TunerKind
from tunekit.errors import TunekitError
from tunekit.hypermodels import Family, HPValue, Space
from tunekit.tuning.plan import Variant, free_choices

if TYPE_CHECKING:
    from tunekit.tuning.oracle import ResumableOracle

#: A grid with more trials than this starts only with ``--yes``.
LARGE_GRID = 100

#: Seconds per epoch per 1,000 training images of each family's reference model on the
#: 2-core development machine, validation included: the MLP measured (20,000 images,
#: 4.7 s), the CNN from its module's 4 minutes per full epoch. Other batch sizes and
#: widths change this several-fold: an estimate, not a promise.
EPOCH_SECONDS_PER_1K = {"mlp": 0.24, "cnn": 4.4}


class LargeSearchError(TunekitError):
    """A search would train so many trials that it must be confirmed with ``--yes``."""


def objective_of(spec: StudySpec, family: Family) -> tuple[str, str]:
    """The metric a study optimises and its direction (``max`` or ``min``)."""
    name = spec.search.objective or family.objective
    return name, dataclasses.replace(family, objective=name).direction


def worst_score(family: Family, objective: str, direction: str) -> float:
    """What keras-tuner is told for a trial without a finite score (a diverged one).

    The family knows its own objective's worst value; for another objective, no
    accuracy-like metric is below 0 and no loss worth having is above a million.
    """
    if objective == family.objective:
        return family.worst_score
    return 0.0 if direction == "max" else 1e6


def hyperband_schedule(max_epochs: int, factor: int) -> list[tuple[int, int]]:
    """Every round of one Hyperband iteration as ``(trials, epochs each trains)``.

    The formulas are keras-tuner 1.4.8's ``HyperbandOracle``; a test checks that
    its trial count matches a real oracle's.
    """
    brackets, epochs = 0, float(max_epochs)
    while epochs >= 1:
        epochs /= factor
        brackets += 1
    end_size = math.ceil(1 + math.log(max_epochs, factor))
    rounds = []
    for bracket in reversed(range(brackets)):
        for round_num in range(bracket + 1):
            size = math.ceil(end_size / (bracket + 1) * factor ** (bracket - round_num))
            until = math.ceil(max_epochs / factor ** (bracket - round_num))
            since = math.ceil(max_epochs / factor ** (bracket - round_num + 1)) if round_num else 0
            rounds.append((size, until - since))
    return rounds


@dataclass(frozen=True)
class SearchCost:
    """What a study will train, at most.

    Attributes:
        trials: Trials the study trains (Random and Bayesian: completed ones).
        epochs: The most epochs all trials and executions train together; early
            stopping usually ends trials sooner.
        seconds_per_epoch: The reference model's epoch on this data, if known.
    """

    trials: int
    epochs: int
    seconds_per_epoch: float | None

    @property
    def seconds(self) -> float | None:
        """The most the study could take, from the reference model's epoch time."""
        return None if self.seconds_per_epoch is None else self.epochs * self.seconds_per_epoch


def search_cost(spec: StudySpec, family: Family, plan: Sequence[Variant]) -> SearchCost:
    """Count a study's trials and epochs, and estimate its time on 2 CPU cores."""
    train = spec.train
    if spec.tuner is TunerKind.HYPERBAND:
        rounds = hyperband_schedule(spec.search.max_epochs or train.epochs, spec.search.factor)
        trials = sum(size for size, _ in rounds)
        epochs = sum(size * each for size, each in rounds) * train.executions
    else:
        trials = len(plan) if plan else spec.search.max_trials
        epochs = trials * train.epochs * train.executions
    per_1k = EPOCH_SECONDS_PER_1K.get(family.name)
    images = spec.data.subset or (60000 - spec.data.validation_size)
    per_epoch = None if per_1k is None else per_1k * max(images, 0) / 1000
    return SearchCost(trials, epochs, per_epoch)


def check_cost(spec: StudySpec, cost: SearchCost, confirmed: bool) -> None:
    """Refuse a grid of more than ``LARGE_GRID`` trials unless the user confirmed it.

    Raises:
        LargeSearchError: Says how many trials and epochs, and what to do instead.
    """
    if spec.tuner is not TunerKind.GRID or cost.trials <= LARGE_GRID or confirmed:
        return
    raise LargeSearchError(
        f"--tuner grid over {','.join(spec.spaces)} would train {cost.trials:,} trials "
        f"({describe_cost(cost)}). Search fewer spaces, use --tuner random or bayesian "
        "with --max-trials, or add --yes to start it anyway."
    )


def describe_cost(cost: SearchCost) -> str:
    """``up to 4,000 epochs, about 2.5 hours on 2 CPU cores`` (or without the time)."""
    text = f"up to {cost.epochs:,} epochs"
    seconds = cost.seconds
    if seconds is None:
        return text
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600)):
        if seconds >= 2 * size:
            return f"{text}, about {seconds / size:,.1f} {unit} on 2 CPU cores"
    return f"{text}, about {max(1, round(seconds / 60)):,} min on 2 CPU cores"


def search_space(choices: Mapping[str, Sequence[HPValue]], reference: Mapping[str, HPValue]) -> Any:
    """keras-tuner hyper-parameters: a ``Choice`` per free hp, the others ``Fixed``."""
    import keras_tuner

    hp = keras_tuner.HyperParameters()
    for name, value in reference.items():
        if name not in choices:
            hp.Fixed(name, value)
            continue
        options = list(choices[name])
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in options)
        if numeric:  # ordered: the Gaussian process may then treat nearby values as alike
            options = sorted(options)
        hp.Choice(name, options, default=value, ordered=numeric)
    return hp


def make_oracle(
    spec: StudySpec,
    family: Family,
    reference: Mapping[str, HPValue],
    spaces: Sequence[Space],
    plan: Sequence[Variant],
) -> ResumableOracle:
    """The oracle of ``spec.tuner``, with tunekit's resume; it stays quiet."""
    import keras_tuner

    from tunekit.tuning import oracle as oracles

    name, direction = objective_of(spec, family)
    objective = keras_tuner.Objective(name, direction)
    seed = spec.train.seed
    if spec.tuner in (TunerKind.ONE_FACTOR, TunerKind.GRID):
        oracle: oracles.ResumableOracle = oracles.PlanOracle(plan, objective, seed=seed)
    else:
        choices = free_choices(spaces, reference)
        common: dict[str, Any] = {
            "objective": objective,
            "hyperparameters": search_space(choices, reference),
            "tune_new_entries": False,
            "seed": seed,
            # Failed and invalid trials are results; the budget ends the search.
            "max_consecutive_failed_trials": 10**9,
        }
        budget = spec.search.max_trials
        if spec.tuner is TunerKind.RANDOM:
            oracle = oracles.RandomOracle(max_trials=None, **common)
        elif spec.tuner is TunerKind.BAYESIAN:
            # keras-tuner counts Fixed values as dimensions (3 random points each);
            # 3 per free hp, and at most half the budget, leaves the model some trials.
            initial = max(2, min(3 * len(choices), budget // 2))
            oracle = oracles.BayesianOracle(max_trials=None, num_initial_points=initial, **common)
        else:
            max_epochs = spec.search.max_epochs or spec.train.epochs
            oracle = oracles.HyperbandOracle(
                max_epochs=max_epochs, factor=spec.search.factor, **common
            )
            budget = None
        oracle.trial_budget = budget
        oracle.free_hps = tuple(choices)
    oracle.worst_score = worst_score(family, name, direction)
    oracle.verbose = 0
    return oracle
