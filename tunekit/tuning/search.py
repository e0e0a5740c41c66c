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


#: Draws per point of a space before a random draw gives up finding an untried one:
#: missing the last point of n in 50·n draws has odds of e^-50.
_DRAWS_PER_POINT = 50


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


def _brackets(max_epochs: int, factor: int) -> int:
    """keras-tuner's Hyperband brackets: one per power of ``factor`` up to ``max_epochs``."""
    brackets, epochs = 0, float(max_epochs)
    while epochs >= 1:
        epochs /= factor
        brackets += 1
    return brackets


def _round_size(max_epochs: int, factor: int, bracket: int, round_num: int) -> int:
    """Trials in one round of one bracket (keras-tuner's ``_get_size``)."""
    end_size = math.ceil(1 + math.log(max_epochs, factor))
    return math.ceil(end_size / (bracket + 1) * factor ** (bracket - round_num))


def hyperband_draws(max_epochs: int, factor: int) -> int:
    """How many new points one Hyperband iteration draws: its brackets' first rounds."""
    return sum(_round_size(max_epochs, factor, b, 0) for b in range(_brackets(max_epochs, factor)))


def _hyperband_rounds(
    max_epochs: int, factor: int, points: int | None
) -> list[tuple[int, int, int]]:
    """``(trials, first epoch, last epoch)`` of each round, in keras-tuner's order."""
    left = math.inf if points is None else points
    rounds: list[tuple[int, int, int]] = []
    for bracket in reversed(range(_brackets(max_epochs, factor))):
        for round_num in range(bracket + 1):
            size = _round_size(max_epochs, factor, bracket, round_num)
            until = math.ceil(max_epochs / factor ** (bracket - round_num))
            since = math.ceil(max_epochs / factor ** (bracket - round_num + 1)) if round_num else 0
            if round_num == 0:
                if left < size:  # the last new points train; then the search stops
                    return [*rounds, (int(left), 0, until)] if left else rounds
                left -= size
            rounds.append((size, since, until))
    return rounds


def hyperband_schedule(
    max_epochs: int, factor: int, points: int | None = None
) -> list[tuple[int, int]]:
    """Every round of one Hyperband iteration as ``(trials, epochs each trains)``.

    The formulas are keras-tuner 1.4.8's ``HyperbandOracle``; a test checks that
    its trial count matches a real oracle's. A trial of a later round continues a
    model of the round before, so it trains only the epochs that round adds. The
    first round of each bracket draws new, untried points; when a space of
    ``points`` points runs out, keras-tuner stops the whole search at that draw, and
    so does the schedule.
    """
    return [
        (size, until - since)
        for size, since, until in _hyperband_rounds(max_epochs, factor, points)
    ]


def search_points(spec: StudySpec, family: Family) -> int:
    """How many distinct points the spaces of a joint search hold."""
    reference = family.study_reference(spec.data, spec.reference_overrides)
    spaces = family.study_spaces(spec)
    return math.prod(len(values) for values in free_choices(spaces, reference).values())


@dataclass(frozen=True)
class SearchCost:
    """What a study will train, at most.

    Attributes:
        trials: Trials the study trains (Random and Bayesian: completed ones).
        epochs: The most epochs all trials and executions train together; early
            stopping usually ends trials sooner.
        trial_epochs: The most epochs one execution of a trial trains its model to
            (Hyperband: ``max_epochs``, which only its last rounds reach).
        executions: Executions (training runs, each with its own seed) per trial.
        seconds_per_epoch: The reference model's epoch on this data, if known.
        note: Why the search trains fewer trials than its settings suggest, or "".
    """

    trials: int
    epochs: int
    trial_epochs: int
    executions: int
    seconds_per_epoch: float | None
    note: str = ""

    @property
    def seconds(self) -> float | None:
        """The most the study could take, from the reference model's epoch time."""
        return None if self.seconds_per_epoch is None else self.epochs * self.seconds_per_epoch


def _hyperband_cost(spec: StudySpec, points: int) -> tuple[int, int, int, str]:
    """Hyperband's trials, epochs, most epochs per model, and a note on what limits them.

    Epochs count one execution of each trial; the caller multiplies by executions.
    """
    max_epochs, factor = spec.search.max_epochs or spec.train.epochs, spec.search.factor
    rounds = _hyperband_rounds(max_epochs, factor, points)
    trials = sum(size for size, _, _ in rounds)
    epochs = sum(size * (until - since) for size, since, until in rounds)
    reached = max((until for size, _, until in rounds if size), default=0)
    full = sum(size for size, _ in hyperband_schedule(max_epochs, factor))
    draws = hyperband_draws(max_epochs, factor)
    note = ""
    if points < draws:
        note = (
            f"Hyperband would draw {draws} different points, but the spaces hold only "
            f"{points}: it stops after {trials} of its {full} trials"
        )
    elif _brackets(max_epochs, factor) == 1:
        note = (
            f"with max_epochs {max_epochs} and factor {factor}, Hyperband has a single "
            f"bracket of {trials} trials and stops none early; max_epochs {factor**2} "
            "or more lets it compare more"
        )
    return trials, epochs, reached, note


def search_cost(spec: StudySpec, family: Family, plan: Sequence[Variant]) -> SearchCost:
    """Count a study's trials and epochs, and estimate its time on 2 CPU cores.

    A random or Bayesian search ends early when its spaces hold fewer points than
    ``max_trials``; Hyperband when they hold fewer than its brackets draw.
    """
    train = spec.train
    note = ""
    if spec.tuner is TunerKind.HYPERBAND:
        trials, epochs, trial_epochs, note = _hyperband_cost(spec, search_points(spec, family))
    elif plan:
        trials, trial_epochs = len(plan), train.epochs
        epochs = trials * train.epochs
    else:
        points = search_points(spec, family)
        trials, trial_epochs = min(spec.search.max_trials, points), train.epochs
        epochs = trials * train.epochs
        if points < spec.search.max_trials:
            note = f"the spaces hold only {points} points, so it stops after {points} trials"
    per_1k = EPOCH_SECONDS_PER_1K.get(family.name)
    images = spec.data.subset or (60000 - spec.data.validation_size)
    per_epoch = None if per_1k is None else per_1k * max(images, 0) / 1000
    return SearchCost(
        trials, epochs * train.executions, trial_epochs, train.executions, per_epoch, note
    )


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


def describe_epochs(trial_epochs: int, executions: int) -> str:
    """``at most 9 epochs per trial`` (per execution when a trial trains several)."""
    each = "trial" if executions == 1 else "execution"
    return f"at most {trial_epochs:,} epoch{'s' * (trial_epochs != 1)} per {each}"


def describe_cost(cost: SearchCost) -> str:
    """``at most 9 epochs per trial, 75 epochs in all, about 1 min on 2 CPU cores``."""
    text = f"{describe_epochs(cost.trial_epochs, cost.executions)}, {cost.epochs:,} epochs in all"
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
        # keras-tuner stops drawing after 20 draws of points already tried, which can
        # end a search over a small space before its last points, and before the trial
        # count the plan promised; this many draws find the last point of any space.
        points = math.prod(len(values) for values in choices.values())
        oracle._max_collisions = max(oracle._max_collisions, min(_DRAWS_PER_POINT * points, 10**5))
    oracle.worst_score = worst_score(family, name, direction)
    oracle.verbose = 0
    return oracle
