"""How a running study reports progress without printing: an observer it calls."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tunekit.records.trial import TrialRecord


@dataclass(frozen=True)
class StudyStart:
    """What is known when a study starts.

    Attributes:
        study_dir: Where the study lives.
        total: Variants in this run's plan.
        done: Variants of the plan already finished in earlier runs.
        resumed: Whether the study directory already held this study.
        epochs: Maximum epochs per execution.
        executions: Executions per trial.
        objective: The metric the tuner optimises.
        direction: ``"max"`` or ``"min"``: which way the objective improves.
        moved_from: The default directory, when it held a study made with other
            settings and this study went to ``study_dir`` instead.
        moved_because: How the study in ``moved_from`` differs.
        recycled: The study is long, so it trains in a worker process that a fresh
            one replaces every few trials, which keeps memory flat (``run_study``'s
            ``workers=None``); the user did not ask for workers.
    """

    study_dir: Path
    total: int
    done: int
    resumed: bool
    epochs: int
    executions: int
    objective: str
    direction: str = "max"
    moved_from: Path | None = None
    moved_because: tuple[str, ...] = ()
    recycled: bool = False


class StudyObserver(Protocol):
    """Receives a study's progress; ``tunekit.console`` shows it with rich."""

    def study_started(self, start: StudyStart) -> None:
        """The study is about to run its first trial."""

    def trial_started(self, record: TrialRecord, number: int) -> None:
        """A trial starts; ``number`` counts the plan's variants from 1."""

    def epoch_ended(
        self, record: TrialRecord, execution: int, epoch: int, logs: dict[str, float]
    ) -> None:
        """An epoch of one execution of a trial has ended."""

    def trial_ended(self, record: TrialRecord) -> None:
        """A trial has finished, diverged or failed."""

    def workers_started(self, address: str, workers: int) -> None:
        """A chief listens at ``address`` and has started ``workers`` local workers."""


class NullObserver:
    """An observer that ignores everything, for library use and tests."""

    def study_started(self, start: StudyStart) -> None:  # noqa: D102
        pass

    def trial_started(self, record: TrialRecord, number: int) -> None:  # noqa: D102
        pass

    def epoch_ended(  # noqa: D102
        self, record: TrialRecord, execution: int, epoch: int, logs: dict[str, float]
    ) -> None:
        pass

    def trial_ended(self, record: TrialRecord) -> None:  # noqa: D102
        pass

    def workers_started(self, address: str, workers: int) -> None:  # noqa: D102
        pass
