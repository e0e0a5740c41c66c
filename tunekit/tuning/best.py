"""The best trial of a study, where its weights are, and its model rebuilt from them.

Finding the best trial reads records only; ``best_model`` imports keras, through
the family's ``build``, only when a model is asked for.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunekit.config import KeepCheckpoints
from tunekit.errors import TunekitError
from tunekit.hypermodels import DataShape, get_family
from tunekit.records.layout import trial_dir
from tunekit.records.meta import StudyMeta
from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialRecord
from tunekit.tuning.checkpoints import best_record, trial_checkpoint


class MissingWeightsError(TunekitError):
    """The best trial's weights are not on disk, so its model cannot be rebuilt."""


@dataclass(frozen=True)
class BestTrial:
    """The best trial of a study and where its trained weights are.

    Attributes:
        study_dir: The study directory.
        record: The trial's record.
        objective: The metric the study ranks on, e.g. ``val_accuracy``.
        direction: ``max`` or ``min``.
        weights: The file of its first execution's best weights, or None.
        missing: Why there are no weights (None when ``weights`` is set).
        shape: The input shape and classes its model is built for.
        dataset: The dataset the study trained on.
        permute: Seed of the pixel permutation the study's images had, or None.
    """

    study_dir: Path
    record: TrialRecord
    objective: str
    direction: str
    weights: Path | None
    missing: str | None
    shape: DataShape
    dataset: str
    permute: int | None = None

    @property
    def metrics(self) -> dict[str, float]:
        """The trial's score, then its first execution's ``val_*`` and ``test_*`` metrics.

        With several executions the score is their mean, shown as such; the weights
        on disk are the first execution's, so its own metrics follow.
        """
        metrics: dict[str, float] = {}
        executions = self.record.executions
        if self.record.score is not None and len(executions) > 1:
            metrics[f"{self.objective} (mean of {len(executions)})"] = self.record.score
        elif self.record.score is not None:
            metrics[self.objective] = self.record.score
        if executions:
            first = executions[0]
            metrics.update({f"val_{k}": v for k, v in first.val_metrics.items()})
            metrics.update({f"test_{k}": v for k, v in first.test_metrics.items()})
        return metrics


def study_shape(meta: StudyMeta) -> DataShape:
    """The input shape and class count a study's models were built for.

    Raises:
        TunekitError: The metadata does not say (a study made by an old tunekit).
    """
    data = meta.data
    if data.image_shape and data.num_classes is not None:
        return DataShape(data.image_shape, data.num_classes)
    size = data.image_size or (meta.data_spec.image_size if meta.data_spec else None)
    if meta.family == "clock" and size:
        return DataShape((int(size), int(size)), 0)
    raise TunekitError(
        "The study's metadata does not say its images' shape; rerun `tunekit study` "
        "with the same options to record it."
    )


def find_best_trial(study: StudyRecords) -> BestTrial:
    """Return the study's best trial: the best finite score, ties to the earliest.

    Raises:
        TunekitError: No trial has finished with a finite score yet.
    """
    record = best_record(study.records, study.meta.direction)
    if record is None:
        raise TunekitError(
            f"{study.path} has no finished trial with a score yet; "
            "`tunekit leaderboard` shows where its trials stand."
        )
    return _located(study, record)


def find_trial(study: StudyRecords, trial_id: str) -> BestTrial:
    """Return one trial of the study by its id, best or not (a repeat, a variant).

    ``trial_id`` is the number of its ``trial_*`` folder, with or without the zeros:
    ``0001`` and ``1`` both name ``trial_0001``.

    Raises:
        TunekitError: No trial of the study has that id; the message lists the ids.
    """
    wanted = trial_id.strip()
    for record in study.records:
        if record.trial_id == wanted or (
            wanted.isdigit() and record.trial_id.isdigit() and int(record.trial_id) == int(wanted)
        ):
            return _located(study, record)
    known = ", ".join(r.trial_id for r in study.records) or "none yet"
    raise TunekitError(f"{study.path} has no trial {trial_id!r}; its trials: {known}.")


def _located(study: StudyRecords, record: TrialRecord) -> BestTrial:
    """``record`` with where its weights are, or why there are none."""
    weights = trial_checkpoint(trial_dir(study.path, record.trial_id))
    keep = study.meta.train.keep_checkpoints
    missing = None
    if weights is None:
        best = best_record(study.records, study.meta.direction)
        if keep is KeepCheckpoints.NONE:
            why = "the study keeps no weights: --keep-checkpoints none"
        elif keep is KeepCheckpoints.BEST and best is not None and best.trial_id != record.trial_id:
            why = "the study keeps only the best trial's: --keep-checkpoints best"
        else:
            why = "they were deleted or never written"
        missing = (
            f"the weights of trial {record.trial_id} are not in {study.path} ({why}); "
            "rerun the study with --keep-checkpoints all in a new --dir to keep "
            "every trial's weights"
        )
    data = study.meta.data
    return BestTrial(
        study_dir=study.path,
        record=record,
        objective=study.meta.objective,
        direction=study.meta.direction,
        weights=weights,
        missing=missing,
        shape=study_shape(study.meta),
        dataset=data.name,
        permute=data.permute,
    )


def best_model(best: BestTrial) -> Any:
    """Build the best trial's model and load its weights (a compiled keras model).

    Raises:
        MissingWeightsError: The weights are not on disk; the message says why.
    """
    if best.weights is None:
        raise MissingWeightsError(f"No model: {best.missing}.")
    family = get_family(best.record.family)
    model = family.build(best.record.hyperparameters, best.shape)
    with warnings.catch_warnings():
        # The checkpoint also holds the optimizer's state of the training, which a model
        # rebuilt for prediction or export has no use for; keras warns that it skips it.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(best.weights)
    return model
