"""Known answers for the sweep/optimize statistics: band, break-even, objective statistics."""

from __future__ import annotations

import numpy as np
import pytest

from coverage_sim.analysis.stats import break_even, flat_band, statistic


def _paired(levels: list[float], noise_sd: float, trials: int = 4_000) -> list[np.ndarray]:
    """Candidates ``level + e`` sharing one noise draw ``e`` per trial (common random numbers)."""
    noise = np.random.default_rng(5).normal(0.0, noise_sd, trials)
    return [level + noise for level in levels]


def test_band_without_noise_is_the_tolerance_exactly() -> None:
    levels = [100.0, 104.0, 109.0, 110.0, 108.5, 95.0]
    values = _paired(levels, noise_sd=0.0, trials=50)
    band = flat_band(values, levels, stat="p50", better="higher", tolerance=1.5, seed=1)
    assert band.best == 3
    assert band.members == [False, False, True, True, True, False]  # gaps 1.0 and 1.5 are in
    assert band.gap == pytest.approx([10.0, 6.0, 1.0, 0.0, 1.5, 15.0])
    assert band.precision == pytest.approx([0.0] * 6)  # paired and noiseless: exact


def test_paired_noise_does_not_widen_the_band_but_unpaired_noise_does() -> None:
    levels = [100.0, 99.0, 97.0]
    paired = _paired(levels, noise_sd=20.0)
    assert flat_band(
        paired, levels, stat="mean", better="higher", tolerance=0.0, seed=1
    ).members == [
        True,
        False,
        False,
    ]
    rng = np.random.default_rng(9)
    unpaired = [level + rng.normal(0.0, 20.0, 4_000) for level in levels]
    scores = [float(np.mean(v)) for v in unpaired]
    band = flat_band(unpaired, scores, stat="mean", better="higher", tolerance=0.0, seed=1)
    best = band.best
    # 1.96 x sd of a difference of two independent means of 4,000 draws of sd 20: ~0.88
    others = [p for i, p in enumerate(band.precision) if i != best]
    assert all(p is not None and 0.75 < p < 1.0 for p in others)


def test_lower_is_better_picks_the_minimum() -> None:
    levels = [5.0, 3.0, 3.2]
    band = flat_band(
        _paired(levels, 0.0, 20), levels, stat="p50", better="lower", tolerance=0.3, seed=0
    )
    assert band.best == 1 and band.members == [False, True, True]


def test_break_even_interpolates_the_fifty_percent_crossing() -> None:
    crossing = break_even([10.0, 20.0, 30.0, 40.0], [0.2, 0.4, 0.7, 0.9])
    assert crossing.crossings == pytest.approx([20.0 + 10.0 * (0.1 / 0.3)])
    assert crossing.side is None


def test_break_even_of_a_known_probability_curve() -> None:
    """P(better) = P(e > c - x) for a symmetric paired noise e crosses 50% at x = c."""
    e = np.random.default_rng(3).normal(0.0, 1.0, 2_001)
    e = np.concatenate([e, -e])  # median exactly 0
    xs = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]
    c = 0.625
    probabilities = [float(np.mean(x - c + e > 0)) for x in xs]
    crossing = break_even(xs, probabilities)
    assert len(crossing.crossings) == 1
    assert crossing.crossings[0] == pytest.approx(c, abs=0.01)


def test_never_within_the_range_says_which_side() -> None:
    assert break_even([1.0, 2.0, 3.0], [0.6, 0.8, 0.9]).crossings == []
    assert break_even([1.0, 2.0, 3.0], [0.6, 0.8, 0.9]).side == "better"
    assert break_even([1.0, 2.0], [0.1, 0.4]).side == "worse"


def test_touching_fifty_percent_is_not_a_crossing() -> None:
    assert break_even([1.0, 2.0, 3.0], [0.7, 0.5, 0.8]).crossings == []
    assert break_even([1.0, 2.0, 3.0], [0.3, 0.5, 0.8]).crossings == [2.0]


def test_cvar10_is_the_mean_of_the_worst_tenth() -> None:
    values = np.arange(1.0, 101.0)
    assert statistic(values, "cvar10", "higher") == pytest.approx(5.5)
    assert statistic(values, "cvar10", "lower") == pytest.approx(95.5)
    assert statistic(values, "p10", "higher") == pytest.approx(np.percentile(values, 10))
    assert statistic(np.array([np.nan, 1.0, 3.0]), "mean", "higher") == 2.0
