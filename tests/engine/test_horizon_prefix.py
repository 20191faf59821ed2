"""Horizon-prefix pairing: the first H months of a longer run equal an H-month run, trial by
trial (the customer book's cells, and so the draws, never depend on the horizon)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coverage_sim.engine import simulate
from coverage_sim.outcome import ScenarioOutcome
from coverage_sim.scenario import compile_scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TRIALS, SEED, LONG = 300, 11, 72


def _run(plan: str, months: int) -> ScenarioOutcome:
    compiled = compile_scenario(
        load_scenario(SCENARIOS / f"{plan}.yaml"), trials=TRIALS, seed=SEED, horizon_months=months
    )
    return simulate(compiled, SEED)


@pytest.fixture(scope="module", params=["xaas", "transition"])
def long_run(request: pytest.FixtureRequest) -> tuple[str, ScenarioOutcome]:
    return request.param, _run(request.param, LONG)


@pytest.mark.parametrize("months", [12, 24, 60])
def test_the_first_months_of_a_longer_run_equal_a_run_of_that_horizon(
    long_run: tuple[str, ScenarioOutcome], months: int
) -> None:
    plan, long = long_run
    short = _run(plan, months)
    for name, values in short.series.items():
        np.testing.assert_array_equal(values, long.series[name][:, :months], err_msg=name)
    years = months // 12
    for field, values in short.bridge.items():
        np.testing.assert_array_equal(values, long.bridge[field][:, :years], err_msg=field)
    np.testing.assert_array_equal(short.metrics["ending_arr"], long.series["arr"][:, months - 1])
    np.testing.assert_array_equal(
        short.metrics["new_logos"], long.series["new_logos"][:, :months].sum(axis=1)
    )
    # a month-by-month running total against numpy's pairwise sum: equal to float rounding
    np.testing.assert_allclose(
        short.metrics["total_revenue"], long.series["revenue"][:, :months].sum(axis=1), rtol=1e-12
    )
