"""The keras-tuner ``Tuner`` that runs a tunekit trial and writes its record."""

from __future__ import annotations

import gc
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import keras
import keras_tuner
import numpy as np

from tunekit.config import Checkpoints, TrainSettings
from tunekit.errors import InvalidConfigError
from tunekit.hypermodels import DataShape, Family, HPValue
from tunekit.tuning.events import StudyObserver
from tunekit.tuning.plan import REFERENCE_SPACE
from tunekit.tuning.records import TrialRecord, TrialStatus, write_record
from tunekit.tuning.training import train_execution

CHECKPOINT_FILE = "best.weights.h5"


class FamilyHyperModel(keras_tuner.HyperModel):
    """A keras-tuner HyperModel over every hyper-parameter of a family.

    Each hyper-parameter is a ``Choice`` over the values its spaces take, with the
    reference as default, so any tuner can search the same space.
    """

    def __init__(self, family: Family, reference: Mapping[str, HPValue], shape: DataShape) -> None:
        super().__init__(name=family.name, tunable=True)
        self.family = family
        self.reference = dict(reference)
        self.shape = shape

    def choices(self) -> dict[str, list[HPValue]]:
        """The values each hyper-parameter can take, reference first."""
        choices: dict[str, list[HPValue]] = {hp: [v] for hp, v in self.reference.items()}
        for space in self.family.spaces.values():
            choices[space.hp] += [v for v in space.values if v not in choices[space.hp]]
        return choices

    def values(self, hp: keras_tuner.HyperParameters) -> dict[str, HPValue]:
        """Declare every hyper-parameter on ``hp`` and return the trial's values."""
        return {
            name: hp.Choice(name, options, default=self.reference[name], ordered=False)
            for name, options in self.choices().items()
        }

    def build(self, hp: keras_tuner.HyperParameters) -> Any:
        """Build the family's model for the values in ``hp``."""
        return self.family.build(self.values(hp), self.shape)

    def fit(self, hp: keras_tuner.HyperParameters, model: Any, *args: Any, **kwargs: Any) -> Any:
        """Fit with the trial's batch size, so batch size is tuned like any other value."""
        return model.fit(*args, batch_size=self.family.batch_size(self.values(hp)), **kwargs)


class StudyTuner(keras_tuner.Tuner):
    """Runs each trial's executions and keeps a complete ``TrialRecord`` of them.

    Args:
        hypermodel: The family's HyperModel.
        settings: Epochs, patience, executions, seeds and checkpoints.
        observer: Receives progress; the tuner itself never prints.
        **kwargs: Passed to ``keras_tuner.Tuner`` (oracle, directory, project_name).
    """

    def __init__(
        self,
        hypermodel: FamilyHyperModel,
        settings: TrainSettings,
        observer: StudyObserver,
        **kwargs: Any,
    ) -> None:
        super().__init__(hypermodel=hypermodel, **kwargs)
        self.settings = settings
        self.observer = observer

    def run_trial(self, trial: Any, data: Any, **_: Any) -> dict[str, float]:
        """Train every execution of ``trial`` and return the mean objective."""
        hypermodel: FamilyHyperModel = self.hypermodel
        values = hypermodel.values(trial.hyperparameters)
        trial_dir = Path(self.get_trial_dir(trial.trial_id))
        record = self._new_record(trial.trial_id, values)
        write_record(trial_dir, record)
        self.observer.trial_started(record, self._number(values))
        start = time.perf_counter()
        record = self._train(record, trial, data, trial_dir)
        record = record.finished(wall_seconds=time.perf_counter() - start)
        write_record(trial_dir, record)
        self.observer.trial_ended(record)
        if record.status in (TrialStatus.FAILED, TrialStatus.INVALID):
            raise keras_tuner.errors.FailedTrialError(record.reason)
        # keras-tuner cannot rank NaN; the record keeps the truth.
        finite = record.score is not None and np.isfinite(record.score)
        return {self.oracle.objective.name: record.score if finite else self.family.worst_score}

    @property
    def family(self) -> Family:
        """The family whose models this tuner trains."""
        return self.hypermodel.family

    def _train(self, record: TrialRecord, trial: Any, data: Any, trial_dir: Path) -> TrialRecord:
        hypermodel: FamilyHyperModel = self.hypermodel
        family = hypermodel.family
        values = record.hyperparameters
        split = (
            data.train.x,
            family.prepare_targets(values, data.train.y, data.num_classes),
            data.val.x,
            family.prepare_targets(values, data.val.y, data.num_classes),
        )
        evaluate = _evaluator(family, values, data)
        executions = []
        params = None
        for index in range(self.settings.executions):
            seed = self.settings.seed + index
            keras.backend.clear_session()
            gc.collect()
            keras.utils.set_random_seed(seed)
            try:
                model = hypermodel.build(trial.hyperparameters)
                params = model.count_params()
                execution = train_execution(
                    model,
                    lambda m, *a, **k: hypermodel.fit(trial.hyperparameters, m, *a, **k),
                    split,
                    seed=seed,
                    epochs=self.settings.epochs,
                    patience=self.settings.patience,
                    evaluate=evaluate,
                    callbacks=(
                        family.callbacks(values, data.val.x, data.val.y)
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
            if index == 0 and self.settings.checkpoints is Checkpoints.ALL:
                model.save_weights(trial_dir / CHECKPOINT_FILE)
            executions.append(execution)
            del model
        return _summarise(record, tuple(executions), params, family.objective)

    def _new_record(self, trial_id: str, values: dict[str, HPValue]) -> TrialRecord:
        variant = self.oracle.variant_for(values)
        space, hp, value = (
            (variant.space, variant.hp, variant.value)
            if variant is not None
            else (REFERENCE_SPACE, "", None)
        )
        return TrialRecord(
            trial_id=trial_id,
            family=self.hypermodel.family.name,
            space=space,
            hp=hp,
            value=value,
            hyperparameters=dict(values),
            objective=self.oracle.objective.name,
            started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )

    def _number(self, values: dict[str, HPValue]) -> int:
        variant = self.oracle.variant_for(values)
        return self.oracle.plan.index(variant) + 1 if variant is not None else 0

    def save_model(self, trial_id: str, model: Any, step: int = 0) -> None:
        """Checkpoints are written by ``run_trial``; keras-tuner's own saving is off."""


def _evaluator(family: Family, values: dict[str, HPValue], data: Any) -> Any:
    """Score a model on the test split: the family's way, or keras's ``evaluate``."""
    x, y = data.test.x, data.test.y
    if family.evaluate is not None:
        return lambda model: family.evaluate(model, values, x, y)
    encoded = family.prepare_targets(values, y, data.num_classes)
    batch = max(family.batch_size(values), 512)  # evaluation batch size changes no result

    def evaluate(model: Any) -> tuple[dict[str, float], dict[str, Any]]:
        metrics = model.evaluate(x, encoded, batch_size=batch, verbose=0, return_dict=True)
        return {k: float(v) for k, v in metrics.items()}, {}

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
