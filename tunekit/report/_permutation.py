"""The seed's task 2 in a report: each model on original against permuted pixels.

A permutation folder (``permutation-<dataset>``) holds ``permutation.json`` (where each
model came from) and one one-trial study per model and pixel order
(``mlp-original``, ``mlp-permuted``, ``cnn-original``, ``cnn-permuted``).

Whether a change is noise: where both runs recorded each test image's prediction,
the paired 95% interval of the change (image by image, as in the ablation tables) and
the seed-noise floor (``VERDICT_RULE``) of the original run's executions, or, where it
was trained once, of the repeats of the reference of the study it was chosen from (the
same family on the same data; ``permutation.json`` keeps their test accuracies). Runs
recorded before that fall back to the 95% Welch interval over executions, with two or
more on both sides; with one, the 95% interval of the difference of two test
accuracies measured on ``n`` test images each (binomial standard errors), which
counts the test set's sampling noise but not the training seed's.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunekit.errors import TunekitError
from tunekit.records.layout import CHOICE_FILE, PERMUTATION_FAMILIES, STUDY_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.report._ablation import Change, Estimate, change_between, estimate, metric_values
from tunekit.report._comparison import per_epoch
from tunekit.report._kinds import PERMUTATION_PREFIX
from tunekit.report._paired import (
    BETTER,
    NOISE,
    class_change,
    floor_of_spread,
    seed_floor,
    verdict,
)
from tunekit.report._stats import Z975, finite, mean, std

ORIGINAL, PERMUTED = "original", "permuted"
METRIC = "accuracy"

_BROKEN = frozenset(s.value for s in (TrialStatus.FAILED, TrialStatus.INVALID))

#: What the seed expects: pixel order means nothing to a dense layer and a lot to a conv.
EXPECTED = {"mlp": "unchanged", "cnn": "lost"}


@dataclass(frozen=True)
class PermutationRun:
    """One model trained on one pixel order.

    Attributes:
        study: The run's study directory name, e.g. ``mlp-permuted``.
        permute: The permutation's seed (``None`` for the original pixels).
        status: The trial's status (``missing`` when the study holds no trial yet).
        val: Validation accuracy at the best epoch, over executions.
        test: Test accuracy of the best weights, over executions.
        epochs: Mean epochs run.
        seconds: Mean training time of one execution, in seconds.
        test_size: Test images (``None`` when the metadata does not say).
        history: Mean validation accuracy per epoch over executions.
    """

    study: str
    permute: int | None
    status: str
    val: Estimate
    test: Estimate
    epochs: float | None
    seconds: float | None
    test_size: int | None
    history: tuple[float | None, ...]


@dataclass(frozen=True)
class PermutationModel:
    """One model family on one data set: original against permuted pixels.

    Attributes:
        family: ``mlp`` or ``cnn``.
        source: Where the model's hyper-parameters came from, in words.
        fallback: True when the reference was used for want of an earlier study.
        original: The run on the original pixels (``None`` if absent).
        permuted: The run on permuted pixels (``None`` if absent).
        change: Permuted minus original test accuracy, with its 95% interval.
        noise: How that interval was found (``""`` when there is none).
        verdict: ``unchanged`` (within noise), ``lost``, ``gained``, ``unknown`` (no
            interval) or ``incomplete`` (a run is missing or has no test accuracy).
    """

    family: str
    source: str
    fallback: bool
    original: PermutationRun | None
    permuted: PermutationRun | None
    change: Change | None
    noise: str
    verdict: str


@dataclass(frozen=True)
class PermutationDataset:
    """The permutation study on one data set.

    Attributes:
        dataset: The data set, e.g. ``fashion_mnist``.
        path: The permutation folder.
        models: One entry per model family, MLP first.
        finding: A sentence saying what changed and whether the seed's finding holds.
    """

    dataset: str
    path: Path
    models: tuple[PermutationModel, ...]
    finding: str


@dataclass(frozen=True)
class PermutationInfo:
    """Every data set's permutation study, and what could not be read."""

    datasets: tuple[PermutationDataset, ...]
    problems: tuple[str, ...] = ()


def _final(records: tuple[TrialRecord, ...]) -> TrialRecord | None:
    """The run's trial: the last one recorded (a rerun replaces an earlier try)."""
    return records[-1] if records else None


#: A run, its trial and its study's test labels.
_Run = tuple[PermutationRun, TrialRecord | None, tuple[int, ...] | None]


def _run(path: Path, problems: list[str]) -> _Run | None:
    if not (path / STUDY_FILE).is_file():
        return None
    try:
        study = read_study(path)
    except TunekitError as exc:
        problems.append(f"{path}: run skipped: {exc}")
        return None
    problems += study.problems
    record = _final(study.records)
    executions = () if record is None else record.executions
    histories = [list(ex.history.get(f"val_{METRIC}", [])) for ex in executions]
    return (
        PermutationRun(
            study=path.name,
            permute=study.meta.data.permute,
            status="missing" if record is None else record.status.value,
            val=estimate(metric_values(record, "val", METRIC) if record else []),
            test=estimate(metric_values(record, "test", METRIC) if record else []),
            epochs=mean([float(ex.epochs_run) for ex in executions]),
            seconds=mean(finite(ex.train_seconds for ex in executions)),
            test_size=study.meta.data.test_size or None,
            history=tuple(mean(v) for v in per_epoch(histories)),
        ),
        record,
        study.test_labels,
    )


def _binomial_change(a: PermutationRun, b: PermutationRun) -> tuple[Change, str] | None:
    """The test-set interval of ``b - a`` from two single test accuracies."""
    if a.test.mean is None or b.test.mean is None or not a.test_size or not b.test_size:
        return None
    pa, pb = a.test.mean, b.test.mean
    se = math.sqrt(pa * (1 - pa) / a.test_size + pb * (1 - pb) / b.test_size)
    delta = pb - pa
    lo, hi = delta - Z975 * se, delta + Z975 * se
    return Change(delta, lo, hi, lo <= 0.0 <= hi), f"test set of {b.test_size:,} images"


def _permutation_floor(
    before: list[float], after: list[float], seeds: tuple[float, ...]
) -> tuple[float | None, str]:
    """The seed-noise floor of ``after`` against ``before``, and where its spread came from.

    The original run's own executions where it has two or more; otherwise the spread of
    ``seeds`` (the source study's reference repeats), for ``len(after)`` runs against
    ``len(before)``.
    """
    floor = seed_floor(before, len(after))
    if floor is not None:
        return floor, f"{len(before)} executions"
    spread = std(list(seeds))
    floor = None if spread is None else floor_of_spread(spread, len(after), len(before))
    if floor is None:
        return None, ""
    return floor, f"the source study's {len(seeds)} reference trainings"


def _paired_change(
    ra: TrialRecord, rb: TrialRecord, labels: tuple[int, ...] | None, seeds: tuple[float, ...]
) -> tuple[Change, str, str] | None:
    """(change, how its noise was found, verdict) image by image; ``None`` without outcomes."""
    paired = class_change(rb, ra, labels)
    if paired is None:
        return None
    before, after = metric_values(ra, "test", METRIC), metric_values(rb, "test", METRIC)
    floor, spread_from = _permutation_floor(before, after, seeds)
    judged = verdict(paired, floor, higher_is_better=True)
    change = Change(paired.delta, paired.lo, paired.hi, judged == NOISE)
    floor_text = (
        "no seed-noise floor"
        if floor is None
        else f"seed-noise floor {100 * floor:.2f} pp from {spread_from}"
    )
    noise = f"paired, test set of {paired.images:,} images; {floor_text}"
    return (
        change,
        noise,
        "unchanged" if judged == NOISE else "gained" if judged == BETTER else "lost",
    )


def _compare(
    original: _Run | None, permuted: _Run | None, seeds: tuple[float, ...] = ()
) -> tuple[Change | None, str, str]:
    """(change, how its noise was found, verdict) of permuted against original.

    ``seeds``: test accuracies of the source study's reference trainings (the floor of
    runs trained once).
    """
    if original is None or permuted is None:
        return None, "", "incomplete"
    (a, ra, labels_a), (b, rb, labels_b) = original, permuted
    if ra is None or rb is None or TrialStatus.RUNNING in (ra.status, rb.status):
        return None, "", "incomplete"
    before, after = metric_values(ra, "test", METRIC), metric_values(rb, "test", METRIC)
    change = change_between(after, before)
    if change is None:
        return None, "", "incomplete"
    if labels_a == labels_b and (paired := _paired_change(ra, rb, labels_a, seeds)) is not None:
        return paired
    # Runs recorded before tunekit kept predictions: the intervals it has always used.
    noise = f"{len(before)} and {len(after)} executions" if change.lo is not None else ""
    if change.lo is None and (binomial := _binomial_change(a, b)) is not None:
        change, noise = binomial
    if change.within_noise is None:
        return change, noise, "unknown"
    if change.within_noise:
        return change, noise, "unchanged"
    return change, noise, "lost" if change.delta < 0 else "gained"


def _choices(folder: Path, problems: list[str]) -> dict[str, dict[str, Any]]:
    path = folder / CHOICE_FILE
    if not path.is_file():
        return {}
    try:
        chosen = json.loads(path.read_text())
        return {str(c["family"]): dict(c) for c in chosen}
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        problems.append(f"{path}: unreadable ({type(exc).__name__}: {exc}); sources not shown")
        return {}


def _seed_runs(choice: dict[str, Any]) -> tuple[float, ...]:
    """The chosen model's source reference test accuracies (none in older files)."""
    values = choice.get("reference_test", ())
    if not isinstance(values, list):
        return ()
    return tuple(float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v))


def _dataset_name(folder: Path) -> str:
    name = folder.name
    return name[len(PERMUTATION_PREFIX) :] if name.startswith(PERMUTATION_PREFIX) else name


def _families(folder: Path, chosen: dict[str, Any]) -> list[str]:
    found = {p.parent.name.rsplit("-", 1)[0] for p in folder.glob(f"*-*/{STUDY_FILE}")}
    extra = sorted((found | set(chosen)) - set(PERMUTATION_FAMILIES))
    return [f for f in PERMUTATION_FAMILIES if f in found or f in chosen] + extra


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{100 * value:.2f}%"


def _clause(model: PermutationModel, first: bool) -> str:
    name = model.family.upper()
    if model.verdict == "incomplete":
        runs = (("original", model.original), ("permuted", model.permuted))
        bad = [f"its {kind} run {r.status}" for kind, r in runs if r and r.status in _BROKEN]
        return f"the {name} has no finished pair of runs yet" + (
            f" ({', '.join(bad)})" if bad else ""
        )
    assert model.change is not None and model.original and model.permuted
    what = "test accuracy went" if first else "went"
    reading = {
        "unchanged": "within noise",
        "lost": "a loss beyond noise",
        "gained": "a gain beyond noise",
        "unknown": "noise unknown",
    }[model.verdict]
    return (
        f"the {name}'s {what} from {_pct(model.original.test.mean)} to "
        f"{_pct(model.permuted.test.mean)} ({100 * model.change.delta:+.2f} pp, {reading})"
    )


def finding(dataset: str, models: tuple[PermutationModel, ...]) -> str:
    """Say, from the numbers, what permuting the pixels did and whether the seed's finding holds."""
    if not models:
        return f"On {dataset}, no run has been recorded yet."
    clauses = "; ".join(_clause(m, i == 0) for i, m in enumerate(models))
    text = f"On {dataset}, with permuted pixels {clauses}."
    verdicts = {m.family: m.verdict for m in models}
    if any(v == "incomplete" for v in verdicts.values()) or not set(EXPECTED) <= set(verdicts):
        return text + " The comparison is not complete yet."
    if any(verdicts[f] == "unknown" for f in EXPECTED):
        return text + " Without a noise estimate the seed's finding cannot be judged."
    if all(verdicts[f] == want for f, want in EXPECTED.items()):
        return text + (
            " This is the seed's finding: the MLP is unaffected (it has no notion of pixel "
            "order) and the CNN loses accuracy (its filters rely on neighbouring pixels)."
        )
    misses = [
        f"the {f.upper()} was expected to be {want} but is {verdicts[f]}"
        for f, want in EXPECTED.items()
        if verdicts[f] != want
    ]
    return text + " This differs from the seed's finding: " + "; ".join(misses) + "."


def permutation_info(folders: list[Path]) -> PermutationInfo:
    """Read permutation folders into one entry per data set, in folder order."""
    problems: list[str] = []
    datasets = []
    for folder in folders:
        chosen = _choices(folder, problems)
        models = []
        for family in _families(folder, chosen):
            original = _run(folder / f"{family}-{ORIGINAL}", problems)
            permuted = _run(folder / f"{family}-{PERMUTED}", problems)
            choice = chosen.get(family, {})
            change, noise, verdict = _compare(original, permuted, _seed_runs(choice))
            models.append(
                PermutationModel(
                    family=family,
                    source=str(choice.get("source", "")),
                    fallback=bool(choice.get("fallback", False)),
                    original=None if original is None else original[0],
                    permuted=None if permuted is None else permuted[0],
                    change=change,
                    noise=noise,
                    verdict=verdict,
                )
            )
        name = _dataset_name(folder)
        datasets.append(
            PermutationDataset(name, folder, tuple(models), finding(name, tuple(models)))
        )
    return PermutationInfo(tuple(datasets), tuple(problems))
