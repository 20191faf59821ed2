"""Bounded-memory bands and bridge: exact for integer series, within the stated relative
error for money series, independent of how trials are split into blocks."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.streaming import (
    BAND_PERCENTILES,
    BAND_RELATIVE_ERROR,
    ZERO_BELOW,
    MonthlyHistogram,
    ScenarioAccumulator,
    SeriesCounts,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from scenario_factory import typical


def _histogram(parts: list[FloatArray], exact: bool) -> MonthlyHistogram:
    histogram = MonthlyHistogram(parts[0].shape[1], exact)
    for part in parts:
        histogram.add(SeriesCounts.of(part, exact))
    return histogram


def _bound(values: FloatArray, percent: float) -> FloatArray:
    """The stated error bound: a ((1 - w)|x_lo| + w|x_hi|) per month, plus ZERO_BELOW."""
    ordered = np.sort(values, axis=0)
    n = ordered.shape[0]
    virtual = (n - 1) * percent / 100
    lower = int(np.floor(virtual))
    upper = min(lower + 1, n - 1)
    w = virtual - lower
    weighted = (1 - w) * np.abs(ordered[lower]) + w * np.abs(ordered[upper])
    return BAND_RELATIVE_ERROR * weighted * (1 + 1e-9) + ZERO_BELOW


@pytest.mark.parametrize("trials", [1, 2, 7, 1000, 2501])
def test_integer_series_bands_equal_numpy_percentile_exactly(trials: int) -> None:
    rng = np.random.default_rng(trials)
    values = rng.poisson(rng.uniform(0, 300, size=6), size=(trials, 6)).astype(np.float64)
    histogram = _histogram(np.array_split(values, 3) if trials >= 3 else [values], exact=True)
    for percent in BAND_PERCENTILES:
        expected = np.percentile(values, percent, axis=0)
        np.testing.assert_array_equal(histogram.percentile(percent), expected)


def test_money_series_bands_are_within_the_stated_relative_error() -> None:
    rng = np.random.default_rng(5)
    values = np.concatenate(
        [
            rng.lognormal(15, 1.5, size=(1500, 4)),  # ARR-like, several decades
            -rng.lognormal(10, 2, size=(400, 4)),  # losses
            np.zeros((60, 4)),
            rng.uniform(-1e-7, 1e-7, size=(40, 4)),  # below ZERO_BELOW
        ]
    )
    rng.shuffle(values, axis=0)
    histogram = _histogram(np.array_split(values, 4), exact=False)
    for percent in (*BAND_PERCENTILES, 0.0, 1.0, 37.5, 99.9, 100.0):
        error = np.abs(histogram.percentile(percent) - np.percentile(values, percent, axis=0))
        assert np.all(error <= _bound(values, percent)), percent


def test_bands_do_not_depend_on_how_trials_are_split_or_ordered() -> None:
    rng = np.random.default_rng(8)
    values = rng.normal(1e6, 3e5, size=(3000, 5))
    whole = _histogram([values], exact=False)
    blocks = _histogram(list(reversed(np.array_split(values, 7))), exact=False)
    for percent in BAND_PERCENTILES:
        assert whole.percentile(percent).tobytes() == blocks.percentile(percent).tobytes()


def test_block_wise_summary_keeps_metrics_exact_and_bridge_means_close() -> None:
    from coverage_sim.engine import simulate
    from coverage_sim.execution import SerialExecutor
    from coverage_sim.metrics import summarize
    from coverage_sim.trial_blocks import simulate_in_blocks

    scenario = typical(2300, 14)
    exact = summarize(simulate(scenario, seed=4))
    streamed = simulate_in_blocks(scenario, 4, SerialExecutor()).summary()
    assert asdict(streamed)["metrics"] == asdict(exact)["metrics"]
    assert streamed.trials == exact.trials == 2300
    for ours, theirs in zip(streamed.bridge, exact.bridge, strict=True):
        for field, value in asdict(theirs).items():
            assert asdict(ours)[field] == pytest.approx(value, rel=1e-12, abs=1e-6)
    for name, band in exact.series.items():
        for q in ("p10", "p50", "p90"):
            got, want = getattr(streamed.series[name], q), getattr(band, q)
            np.testing.assert_allclose(got, want, rtol=BAND_RELATIVE_ERROR * 1.001, atol=1e-6)


def test_the_summary_does_not_depend_on_how_many_blocks_a_task_holds() -> None:
    from coverage_sim.execution import SerialExecutor
    from coverage_sim.trial_blocks import block_tasks, simulate_block

    scenario = typical(5300, 14)
    summaries = []
    for task_blocks in (1, 3, 4):
        accumulator = ScenarioAccumulator(scenario.name)
        tasks = block_tasks(scenario, 4, 0, task_blocks)
        for block in SerialExecutor().imap(simulate_block, tasks):
            accumulator.add(block)
        summaries.append(repr(asdict(accumulator.summary())))
    assert summaries[0] == summaries[1] == summaries[2]


def test_tasks_hold_one_block_with_progress_and_fill_the_workers_without() -> None:
    from coverage_sim.trial_blocks import task_blocks_for

    assert task_blocks_for(10_000, 2, 60, progress=True) == 1
    assert task_blocks_for(10_000, 2, 60, progress=False) == 5  # one task per worker
    assert task_blocks_for(10_000, 2, 120, progress=False) == 2  # memory: 2,000 x 120
    assert task_blocks_for(100_000, 2, 60, progress=False) == 3  # large run: less memory
    assert task_blocks_for(3_000, 2, 60, progress=False) == 2
    assert task_blocks_for(1_500, 8, 60, progress=False) == 1
