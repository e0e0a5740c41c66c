"""The keras-tuner ``Tuner`` that runs a tunekit trial and writes its record."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import keras
import keras_tuner
import numpy as np

from tunekit.config import KeepCheckpoints, TrainSettings
from tunekit.errors import InvalidConfigError, TunekitError
from tunekit.hypermodels import DataShape, Family, HPValue
from tunekit.hypermodels._hypermodels import TunekitHyperModel
from tunekit.records.layout import ORACLE_FILE, RECORD_FILE
from tunekit.records.trial import UNREADABLE, TrialRecord, TrialStatus, read_record, write_record
from tunekit.tuning.backend import trained_with
from tunekit.tuning.checkpoints import prune_checkpoints, save_checkpoint, trial_checkpoint
from tunekit.tuning.events import StudyObserver
from tunekit.tuning.ktfiles import (
    is_worker,
    load_state,
    save_state,
    tuner_path,
)
from tunekit.tuning.oracle import ResumableOracle
from tunekit.tuning.plan import REPEAT_KEY, trial_values, values_key
from tunekit.tuning.training import TEST_PREDICTED, class_predictions, train_execution

#: keras-tuner's own values in a trial (Hyperband's schedule); they are not model values.
TUNER_PREFIX = "tuner/"
#: ``point:seconds``: where a test run pauses, to be killed there (see ``_chaos_pause``).
CHAOS_PAUSE = "TUNEKIT_CHAOS_PAUSE"
#: Seconds a worker waits before asking again when the oracle has no trial ready.
IDLE_WAIT = 1.0


class StudyAborted(keras_tuner.errors.FatalError):
    """A trial showed that no trial of this study can give a result; the search stops."""


class TrialLimitReached(Exception):
    """This process has run its ``trial_limit`` trials; a fresh process takes over."""


class FamilyHyperModel(TunekitHyperModel):
    """The HyperModel of tunekit's own trials: a study's family and reference.

    tunekit's training encodes the labels itself and may train on a ``PyDataset`` of
    fresh clocks, so ``fit`` here only passes the trial's batch size.
    """

    def __init__(self, family: Family, reference: Mapping[str, HPValue], shape: DataShape) -> None:
        super().__init__(family, shape.input_shape, shape.num_classes, reference)

    def fit(self, hp: keras_tuner.HyperParameters, model: Any, *args: Any, **kwargs: Any) -> Any:
        """Fit with the trial's batch size, so batch size is tuned like any other value.

        A ``PyDataset`` (``y`` None) makes its own batches; it says how many make an epoch.
        A family with its own ``fit`` (a user's HyperModel) trains as it chooses.
        """
        if self.family.fit is not None:
            return self.family.fit(self.values(hp), model, *args, **kwargs)
        if isinstance(args[0], keras.utils.PyDataset):
            source = args[0]  # already shuffled: each set is drawn in random order
            steps = source.steps_per_epoch
            return model.fit(source, steps_per_epoch=steps, shuffle=False, **kwargs)
        return model.fit(*args, batch_size=self.family.batch_size(self.values(hp)), **kwargs)


class StudyTuner(keras_tuner.Tuner):
    """Runs each trial's executions and keeps a complete ``TrialRecord`` of them.

    Args:
        hypermodel: The family's HyperModel.
        settings: Epochs, patience, executions, seeds and checkpoints.
        observer: Receives progress; the tuner itself never prints.
        oracle: A tunekit oracle. In a distributed worker keras-tuner replaces
            ``self.oracle`` by a client of the chief's; this one still names trials.
        hold_checkpoints: Keep every trial's weights until the search ends, whatever
            ``settings.keep_checkpoints`` says (Hyperband continues from them).
        trial_limit: Stop ``search`` with ``TrialLimitReached`` after this many trials.
            TensorFlow keeps a few MB of every model's graphs however the session is
            cleared, so a worker process is replaced every so often.
        **kwargs: Passed to ``keras_tuner.Tuner`` (directory, project_name).
    """

    def __init__(
        self,
        hypermodel: FamilyHyperModel,
        settings: TrainSettings,
        observer: StudyObserver,
        *,
        oracle: ResumableOracle,
        hold_checkpoints: bool = False,
        trial_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.names = oracle
        oracle.fallback_space = hypermodel.space()
        self._reloaded = False
        super().__init__(hypermodel=hypermodel, oracle=oracle, **kwargs)
        if not self._reloaded and _has_state(Path(self.project_dir)):
            # keras-tuner reloads only if <tuner_id>.json exists; without it, it
            # would number trials from 0 again and train every finished one twice.
            self.reload()
        self.settings = settings
        self.observer = observer
        self.hold_checkpoints = hold_checkpoints
        self.trial_limit = trial_limit
        self.trials_run = 0
        self._began = True

    def run_trial(self, trial: Any, data: Any, **_: Any) -> dict[str, float]:
        """Train every execution of ``trial`` and return the mean objective.

        Raises:
            StudyAborted: The model does not log the objective, so no trial can be
                ranked; the trial is recorded as failed first.
        """
        hypermodel: FamilyHyperModel = self.hypermodel
        values = hypermodel.values(trial.hyperparameters)
        schedule = {
            k: v for k, v in trial.hyperparameters.values.items() if k.startswith(TUNER_PREFIX)
        }
        # Which training of the reference this is; like the schedule, not a model value.
        repeat = int(trial.hyperparameters.values.get(REPEAT_KEY, 0))
        trial_dir = Path(self.get_trial_dir(trial.trial_id))
        _check_not_taken(trial_dir, values, repeat)
        space, hp, value, number = self.names.describe(trial_values(values, repeat), trial.trial_id)
        record = TrialRecord(
            trial_id=trial.trial_id,
            family=self.family.name,
            space=space,
            hp=hp,
            value=value,
            hyperparameters=dict(values),
            objective=self.oracle.objective.name,
            started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            tuner_values=schedule,
            trained_with=trained_with(),
            repeat=repeat,
        )
        write_record(trial_dir, record)
        self.observer.trial_started(record, number)
        start = time.perf_counter()
        record = self._train(record, trial, data, trial_dir)
        record = record.finished(wall_seconds=time.perf_counter() - start)
        missing = _objective_missing(record)
        if missing:
            record = record.finished(status=TrialStatus.FAILED, reason=missing, score=None)
        write_record(trial_dir, record)
        _chaos_pause("record-written")
        if self.settings.keep_checkpoints is KeepCheckpoints.BEST and not self.hold_checkpoints:
            # A study directory that cannot be read now is pruned when the study ends.
            with contextlib.suppress(OSError, TunekitError):
                prune_checkpoints(Path(self.project_dir), KeepCheckpoints.BEST, self._direction)
        self.observer.trial_ended(record)
        if missing:
            raise StudyAborted(missing)
        if record.status in (TrialStatus.FAILED, TrialStatus.INVALID):
            raise keras_tuner.errors.FailedTrialError(record.reason)
        # keras-tuner cannot rank NaN; the record keeps the truth.
        finite = record.score is not None and np.isfinite(record.score)
        return {self.oracle.objective.name: record.score if finite else self.worst_score}

    @property
    def _direction(self) -> str:
        return self.oracle.objective.direction

    @property
    def worst_score(self) -> float:
        """What keras-tuner is told for a trial without a finite score."""
        return self.names.worst_score

    def pre_create_trial(self) -> None:
        """Stop at the trial limit; wait a little if the oracle had no trial ready.

        Raises:
            TrialLimitReached: This process has run ``trial_limit`` trials.
        """
        if self.trial_limit is not None and self.trials_run >= self.trial_limit:
            raise TrialLimitReached(f"{self.trials_run} trials run")
        if not self._began:  # Hyperband between rounds
            time.sleep(IDLE_WAIT)
        self._began = False

    def on_trial_begin(self, trial: Any) -> None:
        """A trial starts in this process."""
        self._began = True
        super().on_trial_begin(trial)

    def on_trial_end(self, trial: Any) -> None:
        """Report the trial's end to the oracle and count it."""
        super().on_trial_end(trial)
        self.trials_run += 1

    @property
    def family(self) -> Family:
        """The family whose models this tuner trains."""
        return self.hypermodel.family

    def _train(self, record: TrialRecord, trial: Any, data: Any, trial_dir: Path) -> TrialRecord:
        hypermodel: FamilyHyperModel = self.hypermodel
        family = hypermodel.family
        values = record.hyperparameters
        schedule = record.tuner_values
        epochs = int(schedule.get("tuner/epochs", self.settings.epochs))
        initial_epoch = int(schedule.get("tuner/initial_epoch", 0))
        parent = schedule.get("tuner/trial_id")
        keep = self.hold_checkpoints or self.settings.keep_checkpoints is not KeepCheckpoints.NONE
        val_targets = family.prepare_targets(values, data.val.y, data.num_classes)
        split_train: tuple[Any, Any] | None = None  # the split's targets, encoded once
        evaluate = _evaluator(family, values, data)
        executions = []
        params = None
        for index in range(self.settings.executions):
            # Repeats of the reference continue the seeds, so no two trainings share one.
            seed = self.settings.seed + record.repeat * self.settings.executions + index
            keras.backend.clear_session()  # collects garbage too: a second gc.collect costs ~0.4 s
            keras.utils.set_random_seed(seed)
            try:
                # Made inside the try (it may be invalid): a family's source for each seed.
                train = self._family_source(values, data, epochs, initial_epoch, seed)
                if train is None:
                    if split_train is None:
                        targets = family.prepare_targets(values, data.train.y, data.num_classes)
                        split_train = (data.train.x, targets)
                    train = split_train
                split = (*train, data.val.x, val_targets)
                model = hypermodel.build(trial.hyperparameters)
                params = model.count_params()
                if parent:  # Hyperband: continue the parent's model, optimiser state included
                    if getattr(model, "optimizer", None) is not None:
                        model.optimizer.build(model.trainable_variables)
                    model.load_weights(_parent_weights(Path(self.project_dir), str(parent)))
                execution = train_execution(
                    model,
                    lambda m, *a, **k: hypermodel.fit(trial.hyperparameters, m, *a, **k),
                    split,
                    seed=seed,
                    epochs=epochs,
                    initial_epoch=initial_epoch,
                    patience=self.settings.patience,
                    evaluate=evaluate,
                    callbacks=(
                        family.callbacks(values, data.val.x, data.val.y, epochs)
                        if family.callbacks
                        else None
                    ),
                    on_epoch=lambda epoch, logs, i=index: self.observer.epoch_ended(
                        record, i, epoch, logs
                    ),
                )
            except Exception as exc:  # a failed variant is a result; the study goes on
                invalid = isinstance(exc, InvalidConfigError)
                reason = str(exc) if invalid else f"{type(exc).__name__}: {exc}"
                return record.finished(
                    status=TrialStatus.INVALID if invalid else TrialStatus.FAILED,
                    reason=reason.strip().splitlines()[0][:500],
                    params=params,
                    executions=tuple(executions),
                )
            if index == 0 and keep:
                save_checkpoint(model, trial_dir)
            executions.append(execution)
            steps = int(model.steps_per_execution)
            del model
        if executions:  # what the trial trained with, for a reader comparing times
            record = record.finished(trained_with=f"{trained_with()}, steps_per_execution={steps}")
        return _summarise(record, tuple(executions), params, record.objective)

    def _family_source(
        self, values: dict[str, HPValue], data: Any, epochs: int, initial_epoch: int, seed: int
    ) -> tuple[Any, None] | None:
        """The family's own training source, drawn with the execution's ``seed``, as
        ``(source, None)``; None to train on the split."""
        if self.family.train_data is None:
            return None
        source = self.family.train_data(values, data, epochs, initial_epoch, seed)
        return None if source is None else (source, None)

    def save(self) -> None:
        """Save the oracle (unless it lives in the chief) and this tuner, atomically."""
        if not is_worker(self):
            self.oracle.save()
        save_state(tuner_path(self), self.get_state())

    def reload(self) -> None:
        """Reload the oracle (unless it lives in the chief); a damaged tuner file is moot.

        keras-tuner's tuner state is empty: its file only marks a study to reload.
        """
        self._reloaded = True
        if not is_worker(self):
            self.oracle.reload()
        self.set_state(load_state(tuner_path(self)) or {})

    def save_model(self, trial_id: str, model: Any, step: int = 0) -> None:
        """Checkpoints are written by ``run_trial``; keras-tuner's own saving is off."""


def _chaos_pause(point: str) -> None:
    """Sleep at ``point`` if ``TUNEKIT_CHAOS_PAUSE`` is ``point:seconds``; else nothing.

    ``benchmarks/chaos.py`` sets it to kill a study between a trial's finished record
    and keras-tuner's files, a window of milliseconds otherwise.
    """
    name, _, seconds = os.environ.get(CHAOS_PAUSE, "").partition(":")
    if name == point:
        time.sleep(float(seconds or 1.0))


class RecordClash(StudyAborted):
    """A trial's folder holds another trial's record; nothing is overwritten."""


def _has_state(study_dir: Path) -> bool:
    """Whether keras-tuner has saved anything of this study: then it must be reloaded."""
    return (study_dir / ORACLE_FILE).exists() or any(study_dir.glob("trial_*"))


def _check_not_taken(trial_dir: Path, values: Mapping[str, Any], repeat: int = 0) -> None:
    """Refuse to run a trial whose folder holds the record of a trial with other values.

    Another repeat of the reference has the same values, so the repeat is compared too.

    Raises:
        RecordClash: The record would be overwritten; the study stops instead.
    """
    try:
        record = read_record(trial_dir / RECORD_FILE)
    except (FileNotFoundError, *UNREADABLE):
        return
    held = trial_values(record.hyperparameters, record.repeat)
    if values_key(held) != values_key(trial_values(values, repeat)):
        raise RecordClash(
            f"{trial_dir} already holds the record of {record.label}; it is kept. "
            "Rerun the study: a new trial id is chosen for the next variant"
        )


def _parent_weights(study_dir: Path, parent: str) -> Path:
    """The weights a Hyperband trial continues from.

    Raises:
        FileNotFoundError: They were deleted (``--keep-checkpoints`` pruned them
            before this trial ran); the trial is recorded as failed.
    """
    path = trial_checkpoint(study_dir / f"trial_{parent}")  # an older study's name too
    if path is None:
        raise FileNotFoundError(
            f"the weights of trial {parent}, which this trial continues, are gone"
        )
    return path


def _objective_missing(record: TrialRecord) -> str | None:
    """Say so if the models log no ``record.objective``: then no trial can be ranked."""
    for ex in record.executions:
        if "val_loss" in ex.history and record.objective not in ex.history:
            logged = ", ".join(sorted(k for k in ex.history if k.startswith("val_")))
            return (
                f"the model logs no {record.objective} (it logs {logged}); "
                "choose one of those with --objective"
            )
    return None


def _evaluator(family: Family, values: dict[str, HPValue], data: Any) -> Any:
    """Score a model on the test split: the family's way, or keras's ``evaluate``."""
    x, y = data.test.x, data.test.y
    if not len(y):  # the user's own data may have no test split: no test metrics
        return lambda model: ({}, {})
    if family.evaluate is not None:
        return lambda model: family.evaluate(model, values, x, y)
    encoded = family.prepare_targets(values, y, data.num_classes)
    batch = max(family.batch_size(values), 512)  # evaluation batch size changes no result

    def evaluate(model: Any) -> tuple[dict[str, float], dict[str, Any]]:
        metrics = model.evaluate(x, encoded, batch_size=batch, verbose=0, return_dict=True)
        predicted = class_predictions(model, x, batch) if data.num_classes > 1 else None
        return {k: float(v) for k, v in metrics.items()}, {TEST_PREDICTED: predicted}

    return evaluate


def _summarise(
    record: TrialRecord, executions: tuple[Any, ...], params: int | None, objective: str
) -> TrialRecord:
    """Fold executions into the trial: worst status, mean objective."""
    diverged = [ex for ex in executions if ex.status is TrialStatus.DIVERGED]
    metric = objective.removeprefix("val_")
    scores = [ex.val_metrics.get(metric, np.nan) for ex in executions]
    return record.finished(
        status=TrialStatus.DIVERGED if diverged else TrialStatus.COMPLETED,
        reason=diverged[0].reason if diverged else None,
        params=params,
        executions=executions,
        score=float(np.mean(scores)) if scores else None,
    )
