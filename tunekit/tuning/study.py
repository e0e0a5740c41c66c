"""Run a study: check the directory, load data, then let keras-tuner work through it."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tunekit.config import LONG_STUDY_TRIALS, StudySpec, TunerKind, check_study_name
from tunekit.errors import StudyConfigError, TunekitError
from tunekit.hypermodels import family_dir_name, get_family
from tunekit.records.atomic import remove_orphaned_temporaries
from tunekit.records.layout import LOCK_FILE, STUDY_FILE
from tunekit.records.meta import StudyMeta, stored_meta, write_meta
from tunekit.records.study import StudyRecords, read_study, write_test_labels
from tunekit.records.trial import TrialStatus
from tunekit.tuning.checkpoints import prune_checkpoints
from tunekit.tuning.events import NullObserver, StudyObserver, StudyStart
from tunekit.tuning.heap import frozen_heap
from tunekit.tuning.lock import study_lock
from tunekit.tuning.meta import build_meta, differences, has_trials, merged, recovery_problems
from tunekit.tuning.plan import GridPlan, Variant, find_variant, one_factor_plan, trial_values
from tunekit.tuning.search import SearchCost, search_cost

#: Where a local chief listens unless told otherwise: loopback, any free port.
LOOPBACK = "127.0.0.1:0"


@dataclass(frozen=True)
class PreparedStudy:
    """A study checked and ready to run, before any heavy import.

    Attributes:
        spec: What the user asked for.
        study_dir: Where the study lives.
        plan: The variants this run must have trained when it ends (one-factor and
            grid); empty for the searches whose oracle chooses as it goes.
        named: Whether the user named the directory. An unnamed study whose default
            directory holds a study made with other settings moves to the first
            free or matching ``<name>-2``, ``<name>-3``, ...; a named one is refused.
    """

    spec: StudySpec
    study_dir: Path
    plan: Sequence[Variant]
    named: bool = True

    @property
    def cost(self) -> SearchCost:
        """How many trials and epochs the study trains at most, and roughly how long."""
        return search_cost(self.spec, get_family(self.spec.family), self.plan)


def study_name(spec: StudySpec) -> str:
    """The default directory name of a study: ``<family>-<dataset>`` (or the data file's name).

    A user's own model ``.../my_model.py:build`` is ``my_model-build`` here.
    """
    return f"{family_dir_name(spec.family)}-{spec.data.name}"


def prepare_study(spec: StudySpec, directory: Path, name: str | None = None) -> PreparedStudy:
    """Resolve names and plan a study without importing keras or touching the disk."""
    family = get_family(spec.family)
    reference = family.study_reference(spec.data, spec.reference_overrides)
    # A one-factor study of no space trains the reference alone (a study file's spaces = []).
    spaces = family.study_spaces(spec)
    plan: Sequence[Variant] = ()
    if spec.tuner is TunerKind.ONE_FACTOR:
        plan = tuple(one_factor_plan(spaces, reference, spec.train.reference_repeats or 1))
    elif spec.tuner is TunerKind.GRID:
        plan = GridPlan(spaces, reference)
    study_dir = Path(directory) / (study_name(spec) if name is None else check_study_name(name))
    return PreparedStudy(spec, study_dir, plan, named=name is not None)


def _writable_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".tunekit-write-test.{os.getpid()}"  # per process: runs may race
        probe.write_text("")
        probe.unlink(missing_ok=True)
    except OSError as exc:
        raise TunekitError(
            f"Cannot write to {path} ({exc.strerror}). Make it writable, or choose another --dir."
        ) from None


def run_study(
    prepared: PreparedStudy,
    *,
    overwrite: bool = False,
    observer: StudyObserver | None = None,
    workers: int | None = None,
    listen: str = LOOPBACK,
) -> StudyRecords:
    """Run (or resume) a study and return its records.

    Running the same study again continues it: finished trials are kept, an
    interrupted trial runs again from its start, and missing variants are trained.

    Args:
        prepared: The study, from ``prepare_study``.
        overwrite: Discard a study made with another configuration in the directory.
        observer: Receives progress.
        workers: Train in this many worker processes, with this process as the
            chief that hands out trials (0: train here). ``None``: train here, or in
            one worker replaced every ``TRIALS_PER_PROCESS`` trials when more than
            ``LONG_STUDY_TRIALS`` trials are left to train, so memory stays flat.
        listen: ``HOST:PORT`` the chief listens on (port 0: any free port);
            ``0.0.0.0:PORT`` lets workers on other machines join.

    Raises:
        StudyConfigError: The directory holds a study made with another
            configuration, and ``overwrite`` is false; or the models do not log
            the objective.
        StudyLockedError: Another live process is running this study.
    """
    from tunekit.data.loading import load_data  # reads tens of MB: only once the plan is valid

    observer = observer or NullObserver()
    spec = prepared.spec
    family = get_family(spec.family)
    family.check_objective(spec.search.objective)
    reference = family.study_reference(spec.data, spec.reference_overrides)
    data = load_data(spec.data)
    spaces = family.study_spaces(spec)
    meta = build_meta(spec, family, reference, spaces, data.describe())
    _writable_dir(prepared.study_dir.parent)
    default_dir = prepared.study_dir
    study_dir, moved_because = _choose_dir(prepared, meta, overwrite)
    prepared = replace(prepared, study_dir=study_dir)
    existing = (study_dir / STUDY_FILE).exists() or has_trials(study_dir)
    _writable_dir(study_dir)  # a read-only study is refused before anything is written
    with study_lock(study_dir):
        if not overwrite and _mismatch(study_dir, meta):
            raise StudyConfigError(  # it was chosen before the lock; another run won it
                f"Another study started in {study_dir} at the same moment; "
                "run the command again to choose a directory."
            )
        remove_orphaned_temporaries(study_dir)
        if existing and overwrite:
            _clear(study_dir)
            existing = False
        if existing:  # a lost metadata file is written again from this command
            meta = merged(stored_meta(study_dir) or meta, meta)
        write_meta(study_dir, meta)
        _keep_test_labels(study_dir, data)
        done = _done(prepared)
        recycled = workers is None and prepared.cost.trials - done > LONG_STUDY_TRIALS
        workers = 1 if recycled else workers or 0
        observer.study_started(
            StudyStart(
                study_dir=study_dir,
                total=prepared.cost.trials,
                done=done,
                resumed=existing,
                epochs=prepared.cost.trial_epochs,
                executions=spec.train.executions,
                objective=meta.objective,
                direction=meta.direction,
                moved_from=default_dir if moved_because else None,
                moved_because=moved_because,
                recycled=recycled,
            )
        )
        tuner = make_tuner(prepared, data, observer)
        _search(tuner, prepared, data, observer, workers, listen)
        prune_checkpoints(study_dir, spec.train.keep_checkpoints, meta.direction)
    return read_study(study_dir)


def _keep_test_labels(study_dir: Path, data: Any) -> None:
    """Keep a classifier's test labels, so reports can score each test image's prediction."""
    y = getattr(getattr(data, "test", None), "y", None)
    if y is None or getattr(y, "ndim", 0) != 1 or not len(y) or y.dtype.kind not in "iu":
        return  # no test split, or not class labels (clock times): nothing to pair
    if getattr(data, "num_classes", 0) < 2 or y.min() < 0:
        return
    write_test_labels(study_dir, tuple(y.tolist()))


def _search(
    tuner: Any,
    prepared: PreparedStudy,
    data: Any,
    observer: StudyObserver,
    workers: int,
    listen: str,
) -> None:
    """Search here, or as the chief of ``workers`` worker processes."""
    from tunekit.tuning.ktfiles import quiet_failed_trials
    from tunekit.tuning.tuner import StudyAborted

    try:
        # frozen_heap: each trial's garbage collection skips the libraries' objects.
        with frozen_heap(), quiet_failed_trials():
            if workers:
                from tunekit.tuning.distributed import run_chief

                run_chief(tuner, prepared, workers=workers, listen=listen, observer=observer)
            else:
                tuner.search(data=data)
    except StudyAborted as exc:
        raise StudyConfigError(f"{exc}.") from None


def _choose_dir(
    prepared: PreparedStudy, meta: StudyMeta, overwrite: bool
) -> tuple[Path, tuple[str, ...]]:
    """The directory the study runs in, and how the default one differs if it moved.

    No study is ever discarded unasked: an unnamed study that does not match its
    default directory goes to ``<name>-2``, ``<name>-3``, ..., the first that is free
    or holds this same study, so running the same command again resumes it there.

    Raises:
        StudyConfigError: The user named the directory, and it holds a study made
            with other settings.
    """
    study_dir = prepared.study_dir
    found = _mismatch(study_dir, meta)
    if not found or overwrite:
        return study_dir, ()
    if prepared.named:
        raise StudyConfigError(
            f"{study_dir} holds a study made differently ({'; '.join(found)}). "
            "Give this study another --name (or --dir); --overwrite would discard the "
            "trials there."
        )
    free: Path | None = None
    for number in itertools.count(2):
        candidate = study_dir.with_name(f"{study_dir.name}-{number}")
        if not candidate.exists():
            return free or candidate, found  # the numbers in use end here
        if not candidate.is_dir():
            continue
        try:
            if not _mismatch(candidate, meta):
                if _holds_study(candidate):
                    return candidate, found  # this same study, made by an earlier run
                free = free or candidate  # an empty folder: free, unless this study is further on
        except (TunekitError, OSError):
            continue  # unreadable: not this study, and not to be touched
    raise AssertionError("unreachable")


def _holds_study(folder: Path) -> bool:
    return (folder / STUDY_FILE).exists() or has_trials(folder)


def _mismatch(study_dir: Path, meta: StudyMeta) -> tuple[str, ...]:
    """How the study in ``study_dir`` differs from ``meta`` (empty: none, or no study).

    A study whose metadata file was lost (missing, empty, corrupt) but whose trial
    records agree with ``meta`` matches: running its command again recovers it.
    """
    stored = stored_meta(study_dir)
    if stored is not None:
        return tuple(differences(stored, meta))
    if (study_dir / STUDY_FILE).exists() or has_trials(study_dir):
        lost = "corrupt" if (study_dir / STUDY_FILE).exists() else "missing"
        found = recovery_problems(study_dir, meta)
        return (f"its {STUDY_FILE} is {lost} and {found[0]}",) if found else ()
    if study_dir.is_dir() and any(_content(study_dir)):
        return ("a folder that is not a tunekit study",)
    return ()


def _content(folder: Path) -> Iterator[Path]:
    """What a folder holds besides a lock and hidden files (temporaries, the lock's guard)."""
    return (p for p in folder.iterdir() if p.name != LOCK_FILE and not p.name.startswith("."))


def _clear(study_dir: Path) -> None:
    """Remove a study's contents but not its lock, which this process holds."""
    for child in study_dir.iterdir():
        if child.name == LOCK_FILE:
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def _most_epochs(spec: StudySpec) -> int:
    """The most epochs one trial trains: Hyperband's longest round, else ``--epochs``."""
    if spec.tuner is TunerKind.HYPERBAND:
        return spec.search.max_epochs or spec.train.epochs
    return spec.train.epochs


def _done(prepared: PreparedStudy) -> int:
    """Trials of this run already finished: variants of the plan, or results of a search."""
    records = read_study(prepared.study_dir).records
    if prepared.plan:
        finished = [r for r in records if r.status is not TrialStatus.RUNNING]
        return sum(
            find_variant(prepared.plan, trial_values(r.hyperparameters, r.repeat)) is not None
            for r in finished
        )
    if prepared.spec.tuner is TunerKind.HYPERBAND:
        return sum(r.status is not TrialStatus.RUNNING for r in records)
    return sum(r.status in (TrialStatus.COMPLETED, TrialStatus.DIVERGED) for r in records)


def make_tuner(
    prepared: PreparedStudy, data: Any, observer: StudyObserver, trial_limit: int | None = None
) -> Any:
    """The ``StudyTuner`` of a study, with its oracle; a study run so far is reloaded."""
    from tunekit.hypermodels import DataShape
    from tunekit.tuning.search import make_oracle
    from tunekit.tuning.tuner import FamilyHyperModel, StudyTuner

    spec = prepared.spec
    family = get_family(spec.family)
    reference = family.study_reference(spec.data, spec.reference_overrides)
    spaces = family.study_spaces(spec)
    oracle = make_oracle(spec, family, reference, spaces, prepared.plan)
    hypermodel = FamilyHyperModel(
        family, reference, DataShape(data.train.x.shape[1:], data.num_classes)
    )
    # keras-tuner prints "Reloading Tuner from ..." on resume; the console says it instead.
    with contextlib.redirect_stdout(io.StringIO()):
        return StudyTuner(
            hypermodel,
            spec.train,
            observer,
            oracle=oracle,
            hold_checkpoints=spec.tuner is TunerKind.HYPERBAND,
            trial_limit=trial_limit,
            directory=str(prepared.study_dir.parent),
            project_name=prepared.study_dir.name,
        )
