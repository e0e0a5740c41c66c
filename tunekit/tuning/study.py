"""Run a study: check the directory, load data, then let keras-tuner work through the plan."""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from tunekit.config import StudySpec
from tunekit.errors import StudyConfigError, TunekitError
from tunekit.hypermodels import get_family
from tunekit.tuning.events import NullObserver, StudyObserver, StudyStart
from tunekit.tuning.lock import study_lock
from tunekit.tuning.meta import build_meta, differences, merged
from tunekit.tuning.plan import Variant, one_factor_plan, values_key
from tunekit.tuning.reading import STUDY_FILE, StudyRecords, read_meta, read_study
from tunekit.tuning.records import TrialStatus, write_json_atomic


@dataclass(frozen=True)
class PreparedStudy:
    """A study checked and ready to run, before any heavy import.

    Attributes:
        spec: What the user asked for.
        study_dir: Where the study lives.
        plan: The variants this run must have trained when it ends.
    """

    spec: StudySpec
    study_dir: Path
    plan: tuple[Variant, ...]


def study_name(spec: StudySpec) -> str:
    """The default directory name of a study: ``<family>-<dataset>``."""
    return f"{spec.family}-{spec.data.dataset}"


def prepare_study(spec: StudySpec, directory: Path, name: str | None = None) -> PreparedStudy:
    """Resolve names and plan a study without importing keras or touching the disk."""
    family = get_family(spec.family)
    reference = family.reference_with(dict(spec.reference_overrides))
    spaces = family.resolve_spaces(spec.spaces)
    plan = tuple(one_factor_plan(spaces, reference))
    return PreparedStudy(spec, Path(directory) / (name or study_name(spec)), plan)


def _writable_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".tunekit-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise TunekitError(
            f"Cannot write to {path} ({exc.strerror}). Choose another --dir."
        ) from None


def run_study(
    prepared: PreparedStudy,
    *,
    overwrite: bool = False,
    observer: StudyObserver | None = None,
) -> StudyRecords:
    """Run (or resume) a one-factor study and return its records.

    Running the same study again continues it: finished trials are kept, an
    interrupted trial runs again from its start, and missing variants are trained.

    Raises:
        StudyConfigError: The directory holds a study made with another
            configuration, and ``overwrite`` is false.
        StudyLockedError: Another live process is running this study.
    """
    from tunekit.data.loading import load_data  # reads tens of MB: only once the plan is valid

    observer = observer or NullObserver()
    spec, study_dir = prepared.spec, prepared.study_dir
    family = get_family(spec.family)
    reference = family.reference_with(dict(spec.reference_overrides))
    data = load_data(spec.data)
    spaces = family.resolve_spaces(spec.spaces) if spec.spaces else ()
    meta = build_meta(spec, family, reference, spaces, data.describe())
    _writable_dir(study_dir.parent)
    existing = (study_dir / STUDY_FILE).exists()
    if existing and not overwrite:
        found = differences(read_meta(study_dir), meta)
        if found:
            raise StudyConfigError(
                f"{study_dir} holds a study made differently ({'; '.join(found)}). "
                "Rerun with --overwrite to discard it, or pick another --dir or --name."
            )
    study_dir.mkdir(parents=True, exist_ok=True)
    with study_lock(study_dir):
        if existing and overwrite:
            _clear(study_dir)
            existing = False
        if existing:
            meta = merged(read_meta(study_dir), meta)
        write_json_atomic(study_dir / STUDY_FILE, meta)
        done = _finished_keys(study_dir)
        observer.study_started(
            StudyStart(
                study_dir=study_dir,
                total=len(prepared.plan),
                done=sum(v.key in done for v in prepared.plan),
                resumed=existing,
                epochs=spec.train.epochs,
                executions=spec.train.executions,
                objective=family.objective,
            )
        )
        tuner = _make_tuner(prepared, reference, data, observer)
        tuner.search(data=data)
    return read_study(study_dir)


def _clear(study_dir: Path) -> None:
    """Remove a study's contents but not its lock, which this process holds."""
    for child in study_dir.iterdir():
        if child.name == "tunekit.lock":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def _finished_keys(study_dir: Path) -> set[str]:
    return {
        values_key(r.hyperparameters)
        for r in read_study(study_dir).records
        if r.status is not TrialStatus.RUNNING
    }


def _make_tuner(prepared: PreparedStudy, reference, data, observer):  # noqa: ANN001, ANN202
    import keras_tuner

    from tunekit.hypermodels import DataShape
    from tunekit.tuning.oracle import PlanOracle
    from tunekit.tuning.tuner import FamilyHyperModel, StudyTuner

    family = get_family(prepared.spec.family)
    oracle = PlanOracle(prepared.plan, keras_tuner.Objective(family.objective, family.direction))
    oracle.verbose = 0
    hypermodel = FamilyHyperModel(
        family, reference, DataShape(data.train.x.shape[1:], data.num_classes)
    )
    # keras-tuner prints "Reloading Tuner from ..." on resume; the console says it instead.
    with contextlib.redirect_stdout(io.StringIO()):
        return StudyTuner(
            hypermodel,
            prepared.spec.train,
            observer,
            oracle=oracle,
            directory=str(prepared.study_dir.parent),
            project_name=prepared.study_dir.name,
        )
