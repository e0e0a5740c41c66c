"""tunekit as a library: open a study, or run one, from Python or a notebook.

``open_study(path)`` reads a study directory once into a ``Study``: its trial
records, its best trial and model, and pandas tables of its trials and epochs. In a
notebook a ``Study`` shows its leaderboard. ``run_study(family, space, ...)`` starts
or resumes a study with the options of ``tunekit study`` and returns its ``Study``.

Importing this module imports neither keras nor pandas: a model or a table imports
what it needs when it is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunekit.config import (
    ClockSplit,
    DataSpec,
    KeepCheckpoints,
    SearchSettings,
    StudySpec,
    TrainSettings,
    TunerKind,
)
from tunekit.errors import TunekitError
from tunekit.records.meta import StudyMeta
from tunekit.records.study import StudyRecords, read_study
from tunekit.records.trial import TrialRecord
from tunekit.report import LeaderboardInfo, export_rows, leaderboard_info
from tunekit.tuning.best import BestTrial, best_model, find_best_trial
from tunekit.tuning.checkpoints import best_record

if TYPE_CHECKING:
    import pandas as pd

    from tunekit.tuning.events import StudyObserver


class Study:
    """A study directory, read once: its trials, best trial, best model and tables.

    Read it again with ``reload()`` (or ``open_study``) to see trials finished since.

    Args:
        records: The study's records, from ``read_study``.
    """

    def __init__(self, records: StudyRecords) -> None:
        self.records = records

    @property
    def path(self) -> Path:
        """The study directory."""
        return self.records.path

    @property
    def meta(self) -> StudyMeta:
        """The study's metadata (``tunekit_study.json``): family, spaces, data, training."""
        return self.records.meta

    @property
    def problems(self) -> tuple[str, ...]:
        """One line per trial file that could not be read and was skipped."""
        return self.records.problems

    @property
    def objective(self) -> str:
        """The metric the study ranks trials on, e.g. ``val_accuracy``."""
        return self.meta.objective

    @property
    def direction(self) -> str:
        """``max`` or ``min``: which way the objective is better."""
        return self.meta.direction

    @property
    def trials(self) -> tuple[TrialRecord, ...]:
        """Every readable trial's record, in trial id order."""
        return self.records.records

    @property
    def best_trial(self) -> TrialRecord | None:
        """The finished trial with the best score (ties: the earliest), or None yet."""
        return best_record(self.trials, self.direction)

    def trial(self, trial: TrialRecord | str | int) -> TrialRecord:
        """The record of a trial, given as a record, an id (``"0003"``) or a number (3).

        Raises:
            TunekitError: The study has no such trial.
        """
        if isinstance(trial, TrialRecord):
            return trial
        wanted = str(trial).removeprefix("trial_")
        for record in self.trials:
            if record.trial_id == wanted or (wanted.isdigit() and _number(record) == int(wanted)):
                return record
        known = ", ".join(r.trial_id for r in self.trials) or "none"
        raise TunekitError(f"{self.path} has no trial {trial!r}; its trials: {known}.")

    def best(self) -> BestTrial:
        """The best trial with its metrics and where its weights are.

        Raises:
            TunekitError: No trial has finished with a score yet.
        """
        return find_best_trial(self.records)

    def best_model(self) -> Any:
        """The best trial's keras model, compiled, with its best weights.

        Raises:
            TunekitError: No trial has a score yet, or its weights are not on disk
                (a study run with ``keep_checkpoints="none"``); the message says which.
        """
        return best_model(self.best())

    def export_model(self, path: Path | str) -> Path:
        """Write the best model to a ``.keras`` file that plain keras opens; return its path."""
        from tunekit.modelfile import export_model

        return export_model(self.best(), Path(path))

    def leaderboard(self, top: int | None = None) -> LeaderboardInfo:
        """The trials ranked by the objective (see ``tunekit.report.leaderboard_info``)."""
        return leaderboard_info(self.records, top=top)

    def dataframe(self) -> pd.DataFrame:
        """One row per trial and execution, with the columns of ``tunekit export``."""
        import pandas as pd

        rows = export_rows(self.records)
        columns: dict[str, None] = {}
        for row in rows:
            columns.update(dict.fromkeys(row))
        return pd.DataFrame(rows, columns=list(columns))

    def history(self, trial: TrialRecord | str | int) -> pd.DataFrame:
        """A trial's per-epoch metrics: one row per execution and epoch.

        Columns: ``execution``, ``seed``, ``epoch`` (counted from the model's first
        epoch, so a Hyperband trial that continues another starts after it), then
        every metric keras logged (``loss``, ``val_accuracy``, ...).
        """
        import pandas as pd

        record = self.trial(trial)
        first = int(record.tuner_values.get("tuner/initial_epoch", 0)) + 1
        rows = []
        metrics: dict[str, None] = {}
        for index, ex in enumerate(record.executions):
            metrics.update(dict.fromkeys(ex.history))
            for offset in range(ex.epochs_run):
                row: dict[str, Any] = {"execution": index, "seed": ex.seed, "epoch": first + offset}
                row.update({k: v[offset] for k, v in ex.history.items() if offset < len(v)})
                rows.append(row)
        return pd.DataFrame(rows, columns=["execution", "seed", "epoch", *metrics])

    def reload(self) -> Study:
        """The same study read again, with the trials finished since."""
        return open_study(self.path)

    def __repr__(self) -> str:
        return (
            f"Study({str(self.path)!r}, family={self.meta.family!r}, "
            f"trials={len(self.trials)}, objective={self.objective!r})"
        )

    def _repr_html_(self) -> str:
        from tunekit.report._notebook import leaderboard_html

        return leaderboard_html(self.leaderboard(), f"{self.path}")


def _number(record: TrialRecord) -> int | None:
    return int(record.trial_id) if record.trial_id.isdigit() else None


def open_study(path: Path | str) -> Study:
    """Read a study directory (made by ``tunekit study`` or ``run_study``).

    Raises:
        TunekitError: ``path`` is not a study directory; the message says what to give.
    """
    return Study(read_study(Path(path)))


def run_study(
    family: str,
    space: str | list[str] | tuple[str, ...] = "all",
    *,
    dataset: str | None = None,
    data_dir: Path | str | None = None,
    data: Path | str | None = None,
    subset: int | None = None,
    permute: int | None = None,
    validation_size: int = 5000,
    clock_count: int = 18_000,
    image_size: int | None = None,
    clock_style: str = "full",
    clock_split: ClockSplit | str = ClockSplit.RANDOM,
    data_seed: int = 0,
    epochs: int = 100,
    patience: int = 5,
    executions: int = 1,
    seed: int = 42,
    reference_repeats: int | None = None,
    reference: Mapping[str, Any] | None = None,
    values: Mapping[str, Sequence[Any]] | None = None,
    keep_checkpoints: KeepCheckpoints | str = KeepCheckpoints.BEST,
    tuner: TunerKind | str = TunerKind.ONE_FACTOR,
    max_trials: int = 20,
    objective: str | None = None,
    max_epochs: int | None = None,
    factor: int = 3,
    directory: Path | str = "runs",
    name: str | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    listen: str = "127.0.0.1:0",
    yes: bool = False,
    observer: StudyObserver | None = None,
) -> Study:
    """Run a study, or resume it by calling again with the same arguments.

    The arguments are those of ``tunekit study`` (``tunekit study --help`` says what
    each does), named as in the library: ``validation_size`` for ``--val-size``,
    ``clock_count`` for ``--clocks``, and ``reference={"widths": "300-100"}`` for
    ``--set widths=300-100``, ``values={"dropout": [0.1, 0.3]}`` for
    ``--values dropout=0.1,0.3``. Nothing is printed; pass an ``observer``
    (``tunekit.tuning.events.StudyObserver``) to follow progress.

    Args:
        family: ``mlp``, ``cnn`` or ``clock``, or your own keras-tuner model as
            ``FILE.py:NAME`` or ``package.module:NAME`` (as ``tunekit study`` takes it).
        space: Space(s) to vary: a name, ``"a,b"``, a list, or ``"all"``.
        data: Your own arrays instead of ``dataset`` (``--data``): ``FILE.npz``,
            ``FILE.py:NAME`` or ``package.module:NAME``.
        reference_repeats: Trainings of a one-factor study's reference
            (``--reference-repeats``); ``None``: 3, or 1 for a search.
        workers: Worker processes (``--workers``); ``None``: this process, or for a
            study of more than 100 trials to train, one worker that a fresh one
            replaces every 20 trials, so memory stays flat.

    Returns:
        The study, read when it ended.

    Raises:
        TunekitError: A bad value (named as the argument), missing data, or a
            directory holding a study made with other settings.
    """
    from tunekit.hypermodels import family_name, get_family
    from tunekit.tuning.search import check_cost
    from tunekit.tuning.study import prepare_study
    from tunekit.tuning.study import run_study as run_prepared

    spaces = tuple(space.split(",")) if isinstance(space, str) else tuple(space)
    try:
        keep = KeepCheckpoints(keep_checkpoints)
        kind = TunerKind(tuner)
    except ValueError as exc:
        raise TunekitError(f"{exc}.") from None
    if data is not None and (dataset is not None or data_dir is not None):
        raise TunekitError("data replaces dataset and data_dir; give one or the other.")
    family = family_name(family)
    spec = StudySpec(
        family=family,
        spaces=spaces,
        data=DataSpec(
            dataset=dataset or get_family(family).dataset,
            data_dir=Path(data_dir) if data_dir is not None else None,
            subset=subset,
            permute=permute,
            validation_size=validation_size,
            clock_count=clock_count,
            image_size=image_size,
            clock_style=clock_style,
            data_seed=data_seed,
            file=str(data) if data is not None else None,
            clock_split=clock_split,
        ),
        train=TrainSettings(epochs, patience, executions, seed, keep, reference_repeats),
        reference_overrides=tuple((reference or {}).items()),
        space_values=tuple(
            (s, (v,) if isinstance(v, str) else tuple(v)) for s, v in (values or {}).items()
        ),
        tuner=kind,
        search=SearchSettings(max_trials, objective, max_epochs, factor),
    )
    if workers is not None and workers < 0:
        raise TunekitError(f"workers must be 0 or more, got {workers}.")
    prepared = prepare_study(spec, Path(directory), name)
    check_cost(spec, prepared.cost, yes)
    records = run_prepared(
        prepared, overwrite=overwrite, observer=observer, workers=workers, listen=listen
    )
    return Study(records)
