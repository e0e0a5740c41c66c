"""Everything tunekit shows in a terminal: progress, trial lines, tables. Only here is rich."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from tunekit.hypermodels import Family
from tunekit.report import LeaderboardInfo
from tunekit.tuning.events import StudyStart
from tunekit.tuning.plan import space_values
from tunekit.tuning.records import TrialRecord, TrialStatus
from tunekit.tuning.search import SearchCost, describe_cost

STATUS_STYLE = {
    TrialStatus.COMPLETED: "green",
    TrialStatus.DIVERGED: "yellow",
    TrialStatus.FAILED: "red",
    TrialStatus.INVALID: "magenta",
    TrialStatus.RUNNING: "cyan",
}


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}"


class StudyProgress:
    """Shows a running study: trials done out of the total, epochs, metrics, best so far.

    Use as a context manager around ``run_study``; it is the study's observer.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
            console=self.console,
            transient=False,
        )
        self.study_task: TaskID | None = None
        self.trial_task: TaskID | None = None
        self.start: StudyStart | None = None
        self.best: tuple[float, str] | None = None

    def __enter__(self) -> StudyProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def study_started(self, start: StudyStart) -> None:
        """Announce the study and open the trial-count bar."""
        self.start = start
        verb = "Resuming" if start.resumed else "Starting"
        self.console.print(
            f"{verb} [bold]{start.study_dir}[/]: {start.total} trials "
            f"({start.done} already done), up to {start.epochs} epochs, "
            f"{start.executions} execution(s) each, objective {start.objective}."
        )
        self.study_task = self.progress.add_task(
            "trials", total=start.total, completed=start.done, info=""
        )

    def trial_started(self, record: TrialRecord, number: int) -> None:
        """Open a bar for the trial's epochs."""
        assert self.start is not None
        if self.trial_task is not None:
            self.progress.remove_task(self.trial_task)
        total = self.start.epochs * self.start.executions
        self.trial_task = self.progress.add_task(f"#{number} {record.label}", total=total, info="")

    def epoch_ended(
        self, record: TrialRecord, execution: int, epoch: int, logs: dict[str, float]
    ) -> None:
        """Show the epoch's metrics and the best score so far."""
        if self.trial_task is None or self.start is None:
            return
        shown = "  ".join(f"{k} {_fmt(v)}" for k, v in logs.items() if "acc" in k or "loss" in k)
        best = f"  best {self.best[0]:.4f} ({self.best[1]})" if self.best else ""
        run = f"run {execution + 1}/{self.start.executions} " if self.start.executions > 1 else ""
        self.progress.update(
            self.trial_task,
            completed=execution * self.start.epochs + epoch,
            info=f"{run}epoch {epoch}  {shown}{best}",
        )

    def trial_ended(self, record: TrialRecord) -> None:
        """Print one line for the finished trial and advance the trial count."""
        if self.study_task is not None:
            self.progress.advance(self.study_task)
        if self.trial_task is not None:
            self.progress.remove_task(self.trial_task)
            self.trial_task = None
        if record.score is not None and math.isfinite(record.score):
            sign = -1 if self.start is not None and self.start.direction == "min" else 1
            if self.best is None or sign * (record.score - self.best[0]) > 0:
                self.best = (record.score, record.label)
        self.console.print(trial_line(record))

    def workers_started(self, address: str, workers: int) -> None:
        """Say where the chief listens and how another machine joins it."""
        assert self.start is not None
        self.console.print(
            f"Chief listening on {address} with {workers} local worker(s); from another "
            f"machine: tunekit worker {self.start.study_dir} --chief {address}",
            highlight=False,
            soft_wrap=True,
        )


def search_plan(console: Console, tuner: str, spaces: str, cost: SearchCost) -> None:
    """One line before a search starts: what it searches and what it may cost."""
    console.print(
        f"{tuner} search over {spaces}: {cost.trials:,} trials, {describe_cost(cost)}.",
        highlight=False,
    )


def trial_line(record: TrialRecord) -> str:
    """One line summarising a finished trial."""
    style = STATUS_STYLE[record.status]
    test = [ex.test_metrics.get("accuracy", math.nan) for ex in record.executions]
    test_acc = sum(test) / len(test) if test else None
    epochs = sum(ex.epochs_run for ex in record.executions)
    parts = [
        f"[{style}]{record.status.value:9}[/]",
        f"{record.label:40}",
        f"{record.objective} {_fmt(record.score)}",
        f"test acc {_fmt(test_acc)}",
        f"{epochs} epochs",
        f"{record.wall_seconds:.0f} s",
    ]
    if record.reason:
        parts.append(f"[{style}]{record.reason}[/]")
    return "  ".join(parts)


def spaces_table(family: Family) -> Table:
    """A table of a family's spaces: the values each tries and the reference value."""
    table = Table(title=f"{family.name}: {family.description}", title_justify="left")
    table.add_column("space", style="bold")
    table.add_column("values")
    table.add_column("reference", style="green")
    table.add_column("what it changes")
    for space in family.spaces.values():
        values = space_values(space, family.reference)
        table.add_row(
            space.name,
            ", ".join(map(str, values)),
            str(family.reference[space.hp]),
            space.description,
        )
    return table


def leaderboard_table(info: LeaderboardInfo, title: str = "") -> Table:
    """The leaderboard as a rich table: rank, trial, status, changes, score, epochs, time."""
    arrow = "higher" if info.direction == "max" else "lower"
    shown = f" (top {len(info.rows)} of {info.total})" if len(info.rows) < info.total else ""
    table = Table(title=f"{title}{info.objective}, {arrow} is better{shown}", title_justify="left")
    for name, justify in (
        ("#", "right"), ("trial", "left"), ("status", "left"), ("hyper-parameters", "left"),
        ("score", "right"), ("epochs", "right"), ("time", "right"), ("params", "right"),
    ):  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in info.rows:
        style = STATUS_STYLE[TrialStatus(row.status)]
        changes = ", ".join(f"{hp}={value}" for hp, value in row.changes) or "reference"
        table.add_row(
            str(row.rank or ""),
            row.trial_id,
            f"[{style}]{row.status}[/]",
            changes,
            _fmt(row.score),
            "-" if row.epochs is None else f"{row.epochs:.0f}",
            "-" if row.seconds is None else f"{row.seconds:.0f} s",
            "-" if row.params is None else f"{row.params:,}",
        )
    return table


def chosen_model(console: Console, family: str, source: str, fallback: bool) -> None:
    """Say which model a derived study uses; a fallback to the reference is a warning."""
    style = "yellow" if fallback else "green"
    console.print(f"[{style}]{family}[/]: {source}", highlight=False)


def watch(console: Console, tables: Any, every: float) -> None:
    """Redraw ``tables()`` every ``every`` seconds until Ctrl-C."""
    import time

    from rich.console import Group
    from rich.live import Live

    with Live(Group(*tables()), console=console, refresh_per_second=1) as live:
        try:
            while True:
                time.sleep(every)
                live.update(Group(*tables()))
        except KeyboardInterrupt:
            pass


def warning(console: Console, message: Any) -> None:
    """Print a one-line warning."""
    console.print(f"[yellow]Warning:[/] {message}", highlight=False, soft_wrap=True)


def error(console: Console, message: Any) -> None:
    """Print a one-line error."""
    console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
