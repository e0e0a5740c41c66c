"""Small statistics without scipy: finite means, sample deviations, Welch intervals."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

#: Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom.
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip
Z975 = 1.959964


def finite(values: Iterable[float | None]) -> list[float]:
    """Keep the values that are real numbers (drop ``None``, NaN and infinities)."""
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, or ``None`` for no values."""
    return math.fsum(values) / len(values) if values else None


def _variance(values: Sequence[float]) -> float:
    m = math.fsum(values) / len(values)
    return math.fsum((v - m) ** 2 for v in values) / (len(values) - 1)


def std(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1), or ``None`` for fewer than two values."""
    return math.sqrt(_variance(values)) if len(values) >= 2 else None


def t_quantile_975(df: float) -> float:
    """The 97.5% quantile of Student's t, for a two-sided 95% interval.

    Table values (interpolated for fractional Welch degrees of freedom) up to 30;
    beyond, the Cornish-Fisher expansion around the normal quantile, which agrees
    with the table at 30 to four decimals.
    """
    df = max(float(df), 1.0)
    if df <= len(_T975):
        low = int(df)
        if low == df or low == len(_T975):
            return _T975[low - 1]
        frac = df - low
        return _T975[low - 1] * (1 - frac) + _T975[low] * frac
    z = Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def welch_interval(a: Sequence[float], b: Sequence[float]) -> tuple[float, float] | None:
    """95% Welch t interval for ``mean(a) - mean(b)``; ``None`` unless both have 2+ values."""
    if len(a) < 2 or len(b) < 2:
        return None
    delta = math.fsum(a) / len(a) - math.fsum(b) / len(b)
    va, vb = _variance(a) / len(a), _variance(b) / len(b)
    if va + vb == 0:
        return delta, delta
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = t_quantile_975(df) * math.sqrt(va + vb)
    return delta - half, delta + half
