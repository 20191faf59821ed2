"""Counts by inversion: exact quantiles, monotone coupling, stream positions fixed by layout."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from coverage_sim.engine.inverse import SEARCH_MEAN, binomial_quantile, poisson_quantile
from coverage_sim.engine.streams import NoiseStreams


def _uniforms(size: int, seed: int) -> np.ndarray:
    u = np.random.default_rng(seed).random(size)
    u[:3] = [1e-12, 0.5, 1.0 - 1e-12]  # near both ends of [0, 1)
    return u


@pytest.mark.parametrize("n_max", [4, 60, 400, 20_000])
def test_binomial_quantile_equals_scipy_binom_ppf(n_max: int) -> None:
    rng = np.random.default_rng(n_max)
    size = 20_000
    n = rng.integers(0, n_max + 1, size)
    p = rng.random(size)
    p[::7], p[::11], p[::5] = 0.0, 1.0, rng.random(p[::5].size) * 0.01
    u = _uniforms(size, n_max + 1)
    got = binomial_quantile(u, n, p)
    np.testing.assert_array_equal(got, stats.binom.ppf(u, n, p))
    if n_max >= 400:  # both methods in play: the walk and guess-and-correct
        assert (n * np.minimum(p, 1 - p) > SEARCH_MEAN).any()


@pytest.mark.parametrize("lam_max", [1.0, 40.0, 5_000.0])
def test_poisson_quantile_equals_scipy_poisson_ppf(lam_max: float) -> None:
    rng = np.random.default_rng(int(lam_max))
    size = 20_000
    lam = rng.random(size) * lam_max
    lam[::9] = 0.0
    u = _uniforms(size, 3)
    np.testing.assert_array_equal(poisson_quantile(u, lam), stats.poisson.ppf(u, lam))


def test_degenerate_cells_are_exact_without_a_search() -> None:
    u = np.array([0.0, 0.3, 0.999, 0.0, 0.999])
    n = np.array([0, 7, 7, 7, 7])
    p = np.array([0.4, 0.0, 1.0, 1.0, 0.0])
    assert binomial_quantile(u, n, p).tolist() == [0, 0, 7, 7, 0]
    assert binomial_quantile(np.zeros(1), np.array([9]), 0.5).tolist() == [0]  # u = 0
    assert poisson_quantile(np.array([0.999, 0.0]), np.array([0.0, 4.0])).tolist() == [0, 0]


def test_the_largest_uniform_ends_in_the_far_tail() -> None:
    # u = 1 - 2**-53 is within float rounding of the CDF's limit: the walk must still end
    top = np.full(4, 1.0 - 2**-53)
    lam = np.array([0.5, 20.0, 49.0, 300.0])
    got = poisson_quantile(top, lam)
    assert (got >= stats.poisson.ppf(1 - 1e-12, lam)).all() and (
        got < lam + 20 * lam**0.5 + 30
    ).all()
    n = np.array([10, 90, 140, 5000])
    got = binomial_quantile(top, n, 0.35)
    assert (got >= stats.binom.ppf(1 - 1e-12, n, 0.35)).all() and (got <= n).all()


def test_counts_are_monotone_in_the_uniform_and_the_parameters() -> None:
    # the coupling behind pairing: for one uniform, a larger n or p never gives fewer
    u = np.random.default_rng(5).random(4000)
    p = np.linspace(0.0, 1.0, 41)
    by_p = np.stack([binomial_quantile(u, np.full(u.size, 30), q) for q in p])
    assert (np.diff(by_p, axis=0) >= 0).all()
    by_n = np.stack([binomial_quantile(u, np.full(u.size, n), 0.3) for n in range(0, 200, 7)])
    assert (np.diff(by_n, axis=0) >= 0).all()
    lam = np.linspace(0.0, 120.0, 61)  # crosses SEARCH_MEAN
    by_lam = np.stack([poisson_quantile(u, np.full(u.size, x)) for x in lam])
    assert (np.diff(by_lam, axis=0) >= 0).all()
    order = np.argsort(u)
    assert (np.diff(binomial_quantile(u[order], np.full(u.size, 50), 0.7)) >= 0).all()


def test_a_small_change_in_p_changes_few_counts_by_at_most_one() -> None:
    u = np.random.default_rng(8).random(100_000)
    n = np.full(u.size, 40)
    a, b = binomial_quantile(u, n, 0.95), binomial_quantile(u, n, 0.951)
    # a count changes only when u falls between the two CDFs: P = E[b] - E[a] = 40 x 0.001
    assert set(np.unique(b - a)) <= {0, 1}
    assert (b != a).mean() == pytest.approx(0.04, abs=0.004)
    independent = np.random.default_rng(9).binomial(n, 0.951)
    assert (independent != a).mean() > 0.5  # what unpaired noise would give


def test_each_cell_uses_one_uniform_whatever_the_values() -> None:
    # the draws after a binomial of any counts sit at the same stream positions
    def after(n: np.ndarray, p: float) -> np.ndarray:
        streams = NoiseStreams(np.random.SeedSequence(4), 0, 1500, (1,))
        streams.binomial(1, n, p)
        return streams.uniforms(1, (2, 1500))

    reference = after(np.zeros((3, 1500), dtype=np.int64), 0.0)
    np.testing.assert_array_equal(reference, after(np.full((3, 1500), 900), 0.5))
    np.testing.assert_array_equal(reference, after(np.full((3, 1500), 5), 1.0))


def test_a_month_starts_at_the_same_stream_position_whatever_earlier_months_drew() -> None:
    def month_two(cells_in_month_one: int) -> np.ndarray:
        streams = NoiseStreams(np.random.SeedSequence(4), 0, 1000, (1,))
        streams.begin_month(1)
        streams.uniforms(1, (cells_in_month_one, 1000))
        streams.begin_month(2)
        return streams.uniforms(1, (3, 1000))

    np.testing.assert_array_equal(month_two(1), month_two(17))


def test_a_trial_gets_the_same_uniforms_in_a_partial_or_a_full_block() -> None:
    def first_trials(size: int) -> np.ndarray:
        streams = NoiseStreams(np.random.SeedSequence(9), 0, size, (1,))
        return streams.uniforms(1, (4, size))[:, :300]

    np.testing.assert_array_equal(first_trials(300), first_trials(2000))
