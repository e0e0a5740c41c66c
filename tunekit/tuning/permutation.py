"""The seed's task 2: retrain the best MLP and CNN on original and on permuted pixels.

Each of the four runs (model x original/permuted) is a one-trial study of its own in
``<dir>/permutation-<dataset>/<family>-<original|permuted>``, so it resumes, records and
reports like any other study. The models are the best trials of the ``mlp-<dataset>``
and ``cnn-<dataset>`` studies in ``<dir>``; where there is none, the reference is used
and the choice says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tunekit.config import DataSpec, StudySpec, TrainSettings
from tunekit.hypermodels import get_family
from tunekit.records.atomic import write_json_atomic
from tunekit.records.layout import CHOICE_FILE, PERMUTATION_FAMILIES, REFERENCE_SPACE, STUDY_FILE
from tunekit.records.study import StudyRecords, read_study
from tunekit.records.trial import TrialStatus
from tunekit.tuning.events import StudyObserver
from tunekit.tuning.plan import Variant
from tunekit.tuning.study import PreparedStudy, run_study


@dataclass(frozen=True)
class ChosenModel:
    """A model picked for the permutation study, and why.

    Attributes:
        family: Model family.
        values: Every hyper-parameter's value.
        source: Where the values come from, in words.
        fallback: True when no earlier study gave a model and the reference is used.
        reference_test: The test accuracy of each training of that earlier study's
            reference (all its repeats): how far seeds alone move this family on this
            data, for runs trained once. Empty without such a study.
    """

    family: str
    values: Mapping[str, Any]
    source: str
    fallback: bool
    reference_test: tuple[float, ...] = ()


def choose_model(
    directory: Path, family_name: str, dataset: str, overrides: Mapping[str, Any]
) -> ChosenModel:
    """Pick the best trial of ``<directory>/<family>-<dataset>``, or the reference.

    ``overrides`` (such as a CNN width multiplier for the CPU budget) are applied on
    top of the chosen values.
    """
    family = get_family(family_name)
    study_dir = Path(directory) / f"{family_name}-{dataset}"
    study = read_study(study_dir) if (study_dir / STUDY_FILE).exists() else None
    best = _best_record(study) if study is not None else None
    if best is None:
        values = family.reference_with(overrides)
        why = "no finished trial" if study_dir.exists() else "no study"
        return ChosenModel(family_name, values, f"reference ({why} in {study_dir})", True)
    values = family.reference_with({**best.hyperparameters, **overrides})
    source = f"best of {study_dir}: trial {best.trial_id}, {best.label}, {best.objective} "
    return ChosenModel(
        family_name, values, source + f"{best.score:.4f}", False, _reference_tests(study)
    )


def _reference_tests(study: StudyRecords) -> tuple[float, ...]:
    """The finite test accuracy of every execution of every finished reference repeat."""
    return tuple(
        float(value)
        for r in study.records
        if r.space == REFERENCE_SPACE and r.status is TrialStatus.COMPLETED
        for ex in r.executions
        if isinstance(value := ex.test_metrics.get("accuracy"), (int, float))
        and math.isfinite(value)
    )


def _best_record(study: StudyRecords) -> Any:
    """The best finished trial; the reference's repeats count as one, scored by their mean.

    A lucky seed of the reference is the reference's configuration, not a better one.
    """
    scored = [
        r
        for r in study.records
        if r.status is TrialStatus.COMPLETED and r.score is not None and math.isfinite(r.score)
    ]
    repeats = [r for r in scored if r.space == REFERENCE_SPACE]
    scored = [r for r in scored if r.space != REFERENCE_SPACE]
    if repeats:
        scored.append(replace(repeats[0], score=math.fsum(r.score for r in repeats) / len(repeats)))
    return (min if study.meta.minimise else max)(scored, key=lambda r: r.score) if scored else None


def permutation_studies(
    directory: Path,
    data: DataSpec,
    train: TrainSettings,
    permute: int,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[list[ChosenModel], list[PreparedStudy]]:
    """Plan the four runs: each chosen model on original and on permuted pixels."""
    root = Path(directory) / f"permutation-{data.dataset}"
    chosen = [
        choose_model(directory, name, data.dataset, (overrides or {}).get(name, {}))
        for name in PERMUTATION_FAMILIES
    ]
    prepared = []
    for model in chosen:
        for kind, seed in (("original", None), ("permuted", permute)):
            spec = StudySpec(
                family=model.family,
                spaces=(),
                data=replace(data, permute=seed),
                train=train,
                reference_overrides=tuple(model.values.items()),
            )
            variant = Variant(REFERENCE_SPACE, "", None, dict(model.values))
            prepared.append(PreparedStudy(spec, root / f"{model.family}-{kind}", (variant,)))
    return chosen, prepared


def run_permutation_study(
    chosen: list[ChosenModel],
    prepared: list[PreparedStudy],
    *,
    overwrite: bool = False,
    observer: StudyObserver | None = None,
) -> list[StudyRecords]:
    """Run (or resume) each of the permutation study's runs and return their records.

    ``permutation.json`` in the study's folder says where each model came from.
    """
    root = prepared[0].study_dir.parent
    root.mkdir(parents=True, exist_ok=True)
    write_json_atomic(root / CHOICE_FILE, [asdict(model) for model in chosen])
    return [run_study(p, overwrite=overwrite, observer=observer) for p in prepared]
