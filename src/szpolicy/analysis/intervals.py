"""Confidence intervals for small counts: exact Poisson (Garwood) and binomial (Clopper–Pearson)
bounds, Wilson score intervals, and a percentile bootstrap that resamples whole units.

Exact bounds invert the distribution function by bisection (numpy and the standard library only,
no scipy): the Poisson bound for k events is the mean whose tail probability is (1 - level) / 2,
the same value as the chi-square relation gives. A zero count has a lower bound of 0 and a
finite upper bound (3.69 events at 95 %), never [0, 0].
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from statistics import NormalDist

import numpy as np

BISECTIONS = 200  # halvings of the bracket: far below float resolution for any count


def _check(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"the confidence level must lie strictly between 0 and 1; got {level!r}")
    return (1 - level) / 2


@lru_cache(maxsize=64)
def _log_factorials(k: int) -> np.ndarray:
    """log(i!) for i = 0 … k."""
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, k + 1)))])


def _poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), summed in log space."""
    if mu <= 0:
        return 1.0
    i = np.arange(k + 1)
    logs = i * math.log(mu) - mu - _log_factorials(k)
    top = logs.max()
    return float(min(1.0, math.exp(top) * np.exp(logs - top).sum()))


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 1.0 if k >= n else 0.0
    i = np.arange(k + 1)
    log_choose = _log_factorials(n)[n] - _log_factorials(n)[i] - _log_factorials(n)[n - i]
    logs = log_choose + i * math.log(p) + (n - i) * math.log1p(-p)
    top = logs.max()
    return float(min(1.0, math.exp(top) * np.exp(logs - top).sum()))


def _solve(decreasing: Callable[[float], float], target: float, low: float, high: float) -> float:
    """The x in [low, high] where a decreasing function crosses `target`, by bisection."""
    for _ in range(BISECTIONS):
        mid = (low + high) / 2
        if decreasing(mid) > target:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def poisson_interval(k: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count k."""
    tail = _check(level)
    if k < 0 or int(k) != k:
        raise ValueError(f"a count must be a non-negative integer; got {k!r}")
    k = int(k)
    top = k + 10 * math.sqrt(k + 1) + 10
    high = _solve(lambda mu: _poisson_cdf(k, mu), tail, 0.0, top)
    low = 0.0 if k == 0 else _solve(lambda mu: _poisson_cdf(k - 1, mu), 1 - tail, 0.0, top)
    return low, high


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval for a proportion of k successes in n trials."""
    tail = _check(level)
    if not (0 <= k <= n) or int(k) != k or int(n) != n or n < 1:
        raise ValueError(f"need whole numbers 0 <= k <= n and n >= 1; got k={k!r}, n={n!r}")
    k, n = int(k), int(n)
    high = 1.0 if k == n else _solve(lambda p: _binom_cdf(k, n, p), tail, 0.0, 1.0)
    low = 0.0 if k == 0 else _solve(lambda p: _binom_cdf(k - 1, n, p), 1 - tail, 0.0, 1.0)
    return low, high


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (NaN bounds when n is 0)."""
    tail = _check(level)
    if n == 0:
        return float("nan"), float("nan")
    z = NormalDist().inv_cdf(1 - tail)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def unit_bootstrap(
    events: np.ndarray,
    exposure: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of sum(events) / sum(exposure) when whole units (sections, reports)
    are resampled with replacement: the unit, not the sentence, is what varies between reports."""
    tail = _check(level)
    n = len(events)
    idx = rng.integers(0, n, size=(n_boot, n))
    ratios = events[idx].sum(axis=1) / exposure[idx].sum(axis=1)
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return float(low), float(high)


def rank_intervals(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank (1 = highest) each item may take given its interval: it is surely
    behind the items whose interval lies wholly above its own, and may be behind every item
    whose interval reaches above its lower bound."""
    low, high = np.asarray(low, float), np.asarray(high, float)
    above = low[None, :] > high[:, None]  # [i, j]: j is surely ahead of i
    maybe = high[None, :] > low[:, None]  # [i, j]: j may be ahead of i
    np.fill_diagonal(maybe, False)
    return 1 + above.sum(axis=1), 1 + maybe.sum(axis=1)
