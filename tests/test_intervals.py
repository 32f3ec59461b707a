"""Interval mechanics: exact bounds against published values, coverage on simulated data."""

from __future__ import annotations

import numpy as np
import pytest

from szpolicy.analysis.intervals import (
    binomial_interval,
    poisson_interval,
    rank_intervals,
    unit_bootstrap,
    wilson_interval,
)

# Garwood (1936) 95 % limits, as tabulated (e.g. Ulm 1990, Am J Epidemiol 131:373)
POISSON_95 = {0: (0.0, 3.689), 1: (0.0253, 5.572), 5: (1.624, 11.668), 10: (4.795, 18.390)}


@pytest.mark.parametrize(("k", "bounds"), POISSON_95.items())
def test_poisson_bounds_match_the_tables(k, bounds) -> None:
    assert poisson_interval(k) == pytest.approx(bounds, abs=1e-3)


def test_binomial_and_wilson_bounds_match_known_values() -> None:
    assert binomial_interval(0, 10) == pytest.approx((0.0, 0.3085), abs=1e-4)
    assert binomial_interval(5, 10) == pytest.approx((0.1871, 0.8129), abs=1e-4)
    assert binomial_interval(10, 10) == pytest.approx((0.6915, 1.0), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert poisson_interval(3, 0.90) == pytest.approx((0.8177, 7.754), abs=1e-3)


def test_bad_counts_and_levels_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        poisson_interval(-1)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        binomial_interval(4, 3)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        poisson_interval(2, 1.0)


def test_exact_intervals_cover_at_least_their_level_on_simulated_counts() -> None:
    rng = np.random.default_rng(7)
    for mean in (0.5, 3.0, 20.0):
        draws = rng.poisson(mean, size=2000)
        bounds = {k: poisson_interval(int(k)) for k in set(draws.tolist())}
        covered = np.mean([bounds[k][0] <= mean <= bounds[k][1] for k in draws.tolist()])
        assert covered >= 0.94, (mean, covered)
    p = 0.1
    draws = rng.binomial(30, p, size=2000)
    bounds = {k: binomial_interval(int(k), 30) for k in set(draws.tolist())}
    assert np.mean([bounds[k][0] <= p <= bounds[k][1] for k in draws.tolist()]) >= 0.94


def test_unit_bootstrap_covers_an_overdispersed_rate_with_enough_units() -> None:
    """Sections with their own rate (gamma-Poisson): resampling whole sections keeps coverage
    near nominal at 40 units, where resampling sentences would not see the clustering."""
    rng = np.random.default_rng(11)
    rate, covered = 2.0, []
    for _ in range(300):
        exposure = rng.uniform(0.5, 3.0, size=40)
        events = rng.poisson(rng.gamma(2.0, rate / 2.0, size=40) * exposure).astype(float)
        low, high = unit_bootstrap(events, exposure, 400, rng)
        covered.append(low <= rate <= high)
    assert 0.88 <= np.mean(covered) <= 0.99


def test_rank_intervals_separate_only_what_the_intervals_separate() -> None:
    low = np.array([10.0, 1.0, 2.0, 0.0])
    high = np.array([12.0, 3.0, 4.0, 0.5])
    best, worst = rank_intervals(low, high)
    assert best.tolist() == [1, 2, 2, 4]
    assert worst.tolist() == [1, 3, 3, 4]
