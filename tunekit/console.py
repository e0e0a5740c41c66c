"""Everything tunekit shows in a terminal: progress, trial lines, tables. Only here is rich."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from tunekit.config import TRIALS_PER_PROCESS
from tunekit.hypermodels import Family
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.report import (
    TIME_HEADER,
    LeaderboardInfo,
    LeaderboardRow,
    fmt_metric,
    fmt_seconds,
    metric_on_test,
    metric_unit,
)
from tunekit.tuning.events import StudyStart
from tunekit.tuning.plan import space_values
from tunekit.tuning.search import SearchCost, describe_cost, describe_epochs

STATUS_STYLE = {
    TrialStatus.COMPLETED: "green",
    TrialStatus.DIVERGED: "yellow",
    TrialStatus.FAILED: "red",
    TrialStatus.INVALID: "magenta",
    TrialStatus.RUNNING: "cyan",
}


def _metric(value: float | None, metric: str) -> str:
    """A metric as the report shows it, with its unit: ``88.04%``, ``0.3412``, or ``—``."""
    if value is not None and not math.isfinite(value):
        value = None
    text = fmt_metric(value, metric)
    return text + metric_unit(metric) if value is not None else text


def _clock(seconds: float | None) -> str:
    """``1:02:03`` or ``2:03``: elapsed time as a log line shows it."""
    minutes, secs = divmod(int(seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _mean(values: Sequence[float]) -> float | None:
    kept = [v for v in values if v is not None and math.isfinite(v)]
    return sum(kept) / len(kept) if kept else None


def _trial_epochs(record: TrialRecord, epochs: int) -> tuple[int, int]:
    """The epochs one execution of a trial trains: (first, last); Hyperband sets its own."""
    initial = int(record.tuner_values.get("tuner/initial_epoch", 0))
    return initial, int(record.tuner_values.get("tuner/epochs", epochs))


#: Seconds between epoch lines when the output is a log, not a terminal (no live bars).
LOG_EPOCH_EVERY = 60.0


class StudyProgress:
    """Shows a running study: trials done out of the total, epochs, metrics, best so far.

    Use as a context manager around ``run_study``; it is the study's observer. Where the
    output is not a terminal (a log file, nohup), the live bars show nothing, so a line
    for the latest epoch is printed at most every ``LOG_EPOCH_EVERY`` seconds instead.
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
        self.logged_at = time.monotonic()  # when the last epoch line went to a log

    def __enter__(self) -> StudyProgress:
        self.progress.start()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # A search that ended on its own has made every trial it will make (a Hyperband
        # bracket whose trials failed promotes fewer), so its bar ends full.
        if exc_type is None and self.study_task is not None:
            task = next(t for t in self.progress.tasks if t.id == self.study_task)
            if task.total is not None and task.completed < task.total:
                self.progress.update(self.study_task, total=task.completed)
        self.progress.stop()

    def study_started(self, start: StudyStart) -> None:
        """Announce the study and open the trial-count bar."""
        self.start = start
        if start.moved_from is not None:
            self.console.print(
                f"{start.moved_from} holds a study made differently "
                f"({'; '.join(start.moved_because)}); it is kept, and this study runs in "
                f"{start.study_dir}.",
                markup=False,
                soft_wrap=True,  # paths are not broken mid-name; the terminal wraps
            )
        verb = "Resuming" if start.resumed else "Starting"
        self.console.print(
            f"{verb} [bold]{escape(str(start.study_dir))}[/]: {start.total} trials "
            f"({start.done} already done), {describe_epochs(start.epochs, start.executions)}, "
            f"{start.executions} execution(s) each, objective {escape(start.objective)}.",
            highlight=False,
            soft_wrap=not self.console.is_terminal,  # a log keeps whole lines
        )
        if start.recycled:
            self.console.print(
                "A long study: it trains in a worker process that a fresh one replaces every "
                f"{TRIALS_PER_PROCESS} trials, so memory stays flat (--workers 0 trains in "
                "this one).",
                markup=False,
                highlight=False,
                soft_wrap=not self.console.is_terminal,
            )
        self.study_task = self.progress.add_task(
            "trials", total=start.total, completed=start.done, info=""
        )

    def trial_started(self, record: TrialRecord, number: int) -> None:
        """Open a bar for the trial's epochs."""
        assert self.start is not None
        if self.trial_task is not None:
            self.progress.remove_task(self.trial_task)
        first, last = _trial_epochs(record, self.start.epochs)
        total = (last - first) * self.start.executions
        self.trial_task = self.progress.add_task(
            f"#{number} {escape(record.label)}", total=total, info=""
        )

    def epoch_ended(
        self, record: TrialRecord, execution: int, epoch: int, logs: dict[str, float]
    ) -> None:
        """Show the epoch's metrics and the best score so far."""
        if self.trial_task is None or self.start is None:
            return
        objective = self.start.objective
        shown = "  ".join(
            f"{k} {_metric(v, k)}"
            for k, v in logs.items()
            if "acc" in k or k in ("loss", "val_loss", objective)  # not each output's loss
        )
        best = (
            f"  best {_metric(self.best[0], objective)} ({escape(self.best[1])})"
            if self.best
            else ""
        )
        run = f"run {execution + 1}/{self.start.executions} " if self.start.executions > 1 else ""
        first, last = _trial_epochs(record, self.start.epochs)
        self.progress.update(
            self.trial_task,
            completed=execution * (last - first) + epoch - first,
            info=f"{run}epoch {epoch}  {shown}{best}",
        )
        if not self.console.is_terminal and time.monotonic() - self.logged_at >= LOG_EPOCH_EVERY:
            self.logged_at = time.monotonic()
            task = next(t for t in self.progress.tasks if t.id == self.trial_task)
            self.console.print(
                f"  {task.description}: {run}epoch {epoch}/{last}  {shown}  "
                f"({_clock(task.elapsed)})",
                highlight=False,
                soft_wrap=True,
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
        self.console.print(
            trial_line(record), highlight=False, soft_wrap=not self.console.is_terminal
        )

    def workers_started(self, address: str, workers: int) -> None:
        """Say where the chief listens and how another machine joins it."""
        assert self.start is not None
        self.console.print(
            f"Chief listening on {address} with {workers} local worker(s); from another "
            f"machine: tunekit worker {self.start.study_dir} --chief {address}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def search_plan(console: Console, tuner: str, spaces: str, cost: SearchCost) -> None:
    """One line before a search starts: what it searches and what it may cost.

    A second line says why a search makes fewer trials than its settings suggest.
    """
    console.print(
        f"{tuner} search over {spaces}: {cost.trials:,} trials, {describe_cost(cost)}.",
        markup=False,
        highlight=False,
        soft_wrap=not console.is_terminal,
    )
    if cost.note:
        console.print(
            f"Note: {cost.note}.", markup=False, highlight=False, soft_wrap=not console.is_terminal
        )


def trial_line(record: TrialRecord) -> str:
    """One line summarising a finished trial, in the leaderboard's units and times."""
    style = STATUS_STYLE[record.status]
    test_metric = metric_on_test(record.objective)
    test = _mean([ex.test_metrics.get(test_metric, math.nan) for ex in record.executions])
    epochs = _mean([float(ex.epochs_run) for ex in record.executions])
    first = int(record.tuner_values.get("tuner/initial_epoch", 0))
    trained = "— epochs" if epochs is None else f"{epochs:g} epoch{'s' * (epochs != 1)}"
    if first and epochs is not None:  # Hyperband continued an earlier trial's model
        trained += f" ({first + 1}-{first + epochs:g})"
    seconds = _mean([ex.train_seconds for ex in record.executions])
    parts = [
        f"[{style}]{record.status.value:9}[/]",
        escape(f"{record.label:40}"),
        f"{escape(record.objective)} {_metric(record.score, record.objective)}",
        f"test {escape(test_metric)} {_metric(test, test_metric)}",
        trained,
        f"train {fmt_seconds(seconds)} s",
    ]
    if record.reason:
        parts.append(f"[{style}]{escape(record.reason)}[/]")
    return "  ".join(parts)


# --- tables that fit the width they are drawn at ------------------------------------------
#
# Names a user types (spaces, hyper-parameters, values) are never cut: each column is at
# least as wide as its longest word, and rich breaks lines only between words, so a
# ``hp=value`` cell breaks only after ", ". What does not fit is left out, least
# important first, or the table takes a narrower layout.


class _Fitted:
    """A renderable that builds its table for the width rich draws it at."""

    def __init__(self, build: Callable[[int], Table]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


@dataclass(frozen=True)
class _Column:
    """A column of plain cells; ``drop`` > 0 orders what goes first when space is short."""

    header: str
    cells: tuple[Text, ...]
    justify: str = "left"
    drop: int = 0
    widen_first: bool = False

    @property
    def min_width(self) -> int:
        """Its longest word: narrower, a name would be cut."""
        words = (w for text in (self.header, *(c.plain for c in self.cells)) for w in text.split())
        return max((cell_len(w) for w in words), default=1)

    @property
    def natural_width(self) -> int:
        """Its longest line: wider is wasted."""
        lines = (
            line
            for text in (self.header, *(c.plain for c in self.cells))
            for line in text.split("\n")
        )
        return max((cell_len(line) for line in lines), default=1)


def _table_width(widths: Sequence[int]) -> int:
    """The width of a rich table with the default box and padding and these columns."""
    return sum(widths) + 3 * len(widths) + 1


def _fit(columns: Sequence[_Column], width: int) -> list[_Column] | None:
    """The columns that fit ``width``, leaving out droppable ones as needed; or ``None``."""
    order = sorted((c for c in columns if c.drop), key=lambda c: -c.drop)
    for left_out in range(len(order) + 1):
        kept = [c for c in columns if c not in order[:left_out]]
        if _table_width([c.min_width for c in kept]) <= width:
            return kept
    return None


def _widths(columns: Sequence[_Column], width: int) -> list[int]:
    """Each column's longest word, then what is left, to ``widen_first`` ones first.

    rich narrows the widest columns when a table is too wide, below their longest word
    if need be, so tunekit sets every width itself.
    """
    widths = [c.min_width for c in columns]
    spare = width - _table_width(widths)
    for i in sorted(range(len(columns)), key=lambda i: not columns[i].widen_first):
        grow = max(0, min(spare, columns[i].natural_width - widths[i]))
        widths[i] += grow
        spare -= grow
    return widths


def _table(title: str, columns: Sequence[_Column], width: int) -> Table:
    table = Table(title=title, title_justify="left")
    for column, column_width in zip(columns, _widths(columns, width), strict=True):
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            width=column_width,
            overflow="fold",
        )
    for row in zip(*(c.cells for c in columns), strict=True):
        table.add_row(*row)
    return table


def spaces_table(family: Family) -> _Fitted:
    """A family's spaces: the values each tries, the reference value, what it changes.

    Four columns where they fit; else the description goes under the values, and
    the reference value is marked among them.
    """
    title = escape(f"{family.name}: {family.description}")
    spaces = list(family.spaces.values())
    values = [[str(v) for v in space_values(s, family.reference)] for s in spaces]
    references = [str(family.reference[s.hp]) for s in spaces]
    names = tuple(Text(s.name, style="bold") for s in spaces)
    wide = [
        _Column("space", names),
        _Column("values", tuple(Text(", ".join(v)) for v in values), widen_first=True),
        _Column("reference", tuple(Text(r, style="green") for r in references)),
        _Column("what it changes", tuple(Text(s.description) for s in spaces)),
    ]

    def marked(vals: list[str], reference: str, description: str) -> Text:
        text = Text()
        for i, value in enumerate(vals):
            text.append(", " if i else "")
            text.append(value, style="green" if value == reference else "")
            text.append(" (reference)" if value == reference else "")
        if reference not in vals:
            text.append(f"; reference {reference}", style="green")
        return text.append(f"\n{description}", style="dim")

    rows = zip(values, references, spaces, strict=True)
    described = tuple(marked(v, r, space.description) for v, r, space in rows)
    narrow = [
        _Column("space", names),
        _Column("values, and what it changes", described, widen_first=True),
    ]

    def build(width: int) -> Table:
        return _table(title, wide if _fit(wide, width) else narrow, width)

    return _Fitted(build)


def leaderboard_table(info: LeaderboardInfo, title: str = "") -> _Fitted:
    """The leaderboard: rank, trial, status, changes, score, test score, epochs, time, params.

    Accuracies are percentages and times the mean training time of one execution, as
    in the report. At narrow widths the params, trial id, epochs, time and status
    columns are left out in that order; below that each trial takes two lines.
    """
    arrow = "higher" if info.direction == "max" else "lower"
    shown = f" (top {len(info.rows)} of {info.total})" if len(info.rows) < info.total else ""
    heading = escape(f"{title}{info.objective}, {arrow} is better{shown}")
    metric, test = info.objective, info.test_metric

    def unit(name: str) -> str:
        return f" ({metric_unit(name)})" if metric_unit(name) else ""

    def cells(get: Callable[[LeaderboardRow], str]) -> tuple[Text, ...]:
        return tuple(Text(get(r)) for r in info.rows)

    status = tuple(Text(r.status, style=STATUS_STYLE[TrialStatus(r.status)]) for r in info.rows)
    columns = [
        _Column("#", cells(lambda r: str(r.rank or "")), "right"),
        _Column("trial", cells(lambda r: r.trial_id), drop=4),
        _Column("status", status, drop=1),
        _Column("hyper-parameters", cells(_changes), widen_first=True),
        _Column(f"{metric}{unit(metric)}", cells(lambda r: fmt_metric(r.score, metric)), "right"),
        _Column(f"test {test}{unit(test)}", cells(lambda r: fmt_metric(r.test, test)), "right"),
        _Column("epochs", cells(lambda r: _number(r.epochs)), "right", drop=3),
        _Column(TIME_HEADER, cells(lambda r: fmt_seconds(r.seconds)), "right", drop=2),
        _Column("params", cells(lambda r: _number(r.params)), "right", drop=5),
    ]

    def build(width: int) -> Table:
        kept = _fit(columns, width)
        return _table(heading, kept, width) if kept else _stacked(heading, info)

    return _Fitted(build)


def _changes(row: LeaderboardRow) -> str:
    return ", ".join(f"{hp}={value}" for hp, value in row.changes) or row.label


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.1f}"


def _stacked(heading: str, info: LeaderboardInfo) -> Table:
    """Each trial on two lines: its hyper-parameters, then its scores and status."""
    metric, test = info.objective, info.test_metric
    table = Table(title=heading, title_justify="left", box=None, show_header=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("trial", overflow="fold")
    for row in info.rows:
        text = Text(_changes(row) + "\n")
        text.append(
            f"{metric} {_metric(row.score, metric)}, test {test} {_metric(row.test, test)}, ",
            style="dim",
        )
        text.append(row.status, style=STATUS_STYLE[TrialStatus(row.status)])
        table.add_row(str(row.rank or ""), text)
    return table


def chosen_model(console: Console, family: str, source: str, fallback: bool) -> None:
    """Say which model a derived study uses; a fallback to the reference is a warning."""
    style = "yellow" if fallback else "green"
    console.print(f"[{style}]{escape(family)}[/]: {escape(source)}", highlight=False)


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
    console.print(f"[yellow]Warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


def error(console: Console, message: Any) -> None:
    """Print a one-line error."""
    console.print(f"[bold red]Error:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
