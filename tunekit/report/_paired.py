"""Paired test-set intervals of a change, and one verdict per change.

Two models scored on the same test images are compared image by image: how much of
the difference between their test metrics is the test set's sampling noise. The
seed's noise is another matter: it comes from training the reference several times.
A change is ``better`` or ``worse`` only when it clears both (see ``VERDICT_RULE``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tunekit.clocktime import time_error
from tunekit.records.trial import TrialRecord
from tunekit.report._clock import recorded_times
from tunekit.report._stats import Z975, std

BETTER, WORSE, NOISE = "better", "worse", "within noise"
#: Metrics that are the share of test images whose predicted class is right.
CLASS_ACCURACY = frozenset({"accuracy", "sparse_categorical_accuracy", "categorical_accuracy"})
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 0  # a fixed seed: the same records give the same interval
VERDICT_RULE = (
    "A row is better or worse when its paired 95% test-set interval of Δ test excludes 0 "
    "and |Δ test| exceeds the seed-noise floor 1.96·s·√(1/n + 1/n_ref), where s is the "
    "standard deviation of the reference's test metric over its n_ref ≥ 2 executions; "
    "otherwise it is within noise."
)
NO_FLOOR = "no seed-noise floor: train the reference with --reference-repeats 3"


@dataclass(frozen=True)
class PairedChange:
    """A change in a test metric, measured image by image on one test set.

    Attributes:
        delta: Mean over test images of the variant's outcome minus the reference's.
        lo: Lower end of its 95% interval.
        hi: Upper end of its 95% interval.
        images: Test images paired.
        method: ``paired Wald`` (accuracy) or ``paired bootstrap`` (clock errors).
    """

    delta: float
    lo: float
    hi: float
    images: int
    method: str

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval leaves 0 out."""
        return not self.lo <= 0.0 <= self.hi


def correctness(predicted: Sequence[Sequence[int]], labels: Sequence[int]) -> np.ndarray:
    """Per test image, the share of executions that predicted its label."""
    truth = np.asarray(labels)
    return np.mean([np.asarray(p) == truth for p in predicted], axis=0, dtype=np.float64)


def paired_wald(variant: np.ndarray, reference: np.ndarray) -> PairedChange:
    """Δ and its 95% Wald interval from per-image outcomes of both sides.

    With 0/1 outcomes this is the Wald interval of a paired (McNemar) comparison:
    the mean of the paired differences ± 1.96 standard errors.
    """
    diff = np.asarray(variant, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    delta = float(diff.mean())
    se = float(diff.std(ddof=1)) / math.sqrt(len(diff)) if len(diff) > 1 else 0.0
    return PairedChange(delta, delta - Z975 * se, delta + Z975 * se, len(diff), "paired Wald")


def paired_bootstrap(
    variant: np.ndarray,
    reference: np.ndarray,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> PairedChange:
    """Δ mean and its 95% percentile interval from resampling test images with replacement."""
    diff = np.asarray(variant, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n = len(diff)
    means = np.empty(resamples)
    chunk = max(1, min(resamples, 2_000_000 // max(n, 1)))  # at most ~16 MB of indices
    for start in range(0, resamples, chunk):
        stop = min(start + chunk, resamples)
        means[start:stop] = diff[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return PairedChange(float(diff.mean()), float(lo), float(hi), n, "paired bootstrap")


def seed_floor(reference: Sequence[float], n_variant: int) -> float | None:
    """1.96·s·√(1/n_variant + 1/n_reference): how far seeds alone move the test metric.

    ``s`` is the sample deviation of the reference's test metric over its executions;
    ``None`` when the reference was trained fewer than twice.
    """
    s = std(list(reference))
    return None if s is None else floor_of_spread(s, n_variant, len(reference))


def floor_of_spread(s: float, n_variant: int, n_reference: int) -> float | None:
    """1.96·s·√(1/n_variant + 1/n_reference) for a known seed spread ``s``."""
    if n_variant < 1 or n_reference < 1:
        return None
    return Z975 * s * math.sqrt(1 / n_variant + 1 / n_reference)


def verdict(change: PairedChange, floor: float | None, higher_is_better: bool) -> str:
    """``better``, ``worse`` or ``within noise`` by ``VERDICT_RULE``.

    Without a floor (a reference trained once) the test-set interval decides alone. A
    change that is not a number (a model that diverged before its first best epoch)
    judges nothing: within noise.
    """
    if not all(math.isfinite(v) for v in (change.delta, change.lo, change.hi)):
        return NOISE
    if not change.excludes_zero or (floor is not None and abs(change.delta) <= floor):
        return NOISE
    return BETTER if (change.delta > 0) == higher_is_better else WORSE


def class_change(
    variant: TrialRecord, reference: TrialRecord, labels: Sequence[int] | None
) -> PairedChange | None:
    """The paired change in accuracy; ``None`` unless every execution recorded predictions."""
    if labels is None:
        return None
    sides = [[ex.test_predicted for ex in r.executions] for r in (variant, reference)]
    if any(not side or any(p is None for p in side) for side in sides):
        return None
    return paired_wald(correctness(sides[0], labels), correctness(sides[1], labels))


def clock_errors(record: TrialRecord) -> tuple[np.ndarray, np.ndarray] | None:
    """Per test clock, the true minutes and the error averaged over executions."""
    trues, errors = [], []
    for index, ex in enumerate(record.executions):
        times = recorded_times(record, index, ex, [])  # its problems: the clock report's
        if times is None or times[0].size == 0:
            return None
        trues.append(times[0])
        errors.append(time_error(*times))
    if not trues or any(not np.array_equal(t, trues[0]) for t in trues):
        return None
    mean_errors = np.mean(errors, axis=0)
    return (trues[0], mean_errors) if np.all(np.isfinite(mean_errors)) else None


def clock_change(variant: TrialRecord, reference: TrialRecord) -> PairedChange | None:
    """The paired bootstrap change in mean time error; ``None`` without the same test clocks."""
    a, b = clock_errors(variant), clock_errors(reference)
    if a is None or b is None or not np.array_equal(a[0], b[0]):
        return None
    return paired_bootstrap(a[1], b[1])
