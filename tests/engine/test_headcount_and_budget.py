"""Budget per month, target heads, hiring limits, cuts and the coverage response."""

from __future__ import annotations

import numpy as np
from scenario_factory import per_trial, role, scenario

from coverage_sim.compiled import Budget, CoverageResponse
from coverage_sim.engine import simulate
from coverage_sim.engine.budget import monthly_budget
from coverage_sim.engine.headcount import RoleWorkforce, month_productivity, target_heads
from coverage_sim.engine.response import coverage_of, rate_at
from coverage_sim.engine.streams import NoiseStreams, attrition_purpose


def test_annual_budget_steps_up_once_a_year() -> None:
    budget = Budget(per_trial(1_200_000, 2), per_trial(0.5, 2), None, None, None)
    every = slice(0, 2)
    months = [monthly_budget(budget, m, np.zeros(2), every)[0] for m in (0, 1, 12, 13, 25)]
    assert months == [100_000, 100_000, 100_000, 150_000, 225_000]


def test_percent_of_revenue_budget_is_bounded_by_floor_and_cap() -> None:
    budget = Budget(
        None, per_trial(0, 3), per_trial(0.3, 3), per_trial(120_000, 3), per_trial(1_200_000, 3)
    )
    revenue = np.array([10_000.0, 100_000.0, 1_000_000.0])
    np.testing.assert_allclose(
        monthly_budget(budget, 5, revenue, slice(0, 3)), [10_000, 30_000, 100_000]
    )


def test_target_heads_round_down_whole_people() -> None:
    heads = target_heads(np.array([1_500_000.0, 100_000.0]), 0.6, np.array([350_000.0, 60_000.0]))
    assert heads.tolist() == [30, 12]  # 12.0 exactly despite float error


def test_productivity_averages_the_linear_ramp_over_each_month() -> None:
    ramp = np.array([[2.5]])
    got = month_productivity(ramp, np.array([[1.0, 2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(got, [[0.2, 0.6, (2.5**2 - 4) / 5 + 0.5, 1.0]])
    assert month_productivity(np.array([[0.0]]), np.array([[1.0]]))[0, 0] == 1.0


def test_hiring_fills_the_gap_at_most_max_hires_per_month() -> None:
    trials = 5
    ae = role(
        "ae", {"land": 1.0}, trials, loaded_cost=120_000, starting_heads=0, max_hires_per_month=3
    )
    out = simulate(scenario(trials, 6, (ae,), annual_budget=1_200_000), seed=1)
    assert out.series["heads.ae"][0].tolist() == [3, 6, 9, 10, 10, 10]


def test_immediate_reduction_cuts_to_target_and_attrition_reduction_waits() -> None:
    trials = 5
    cut = role(
        "ae", {"land": 1.0}, trials, loaded_cost=120_000, starting_heads=15, reduce="immediate"
    )
    wait = role("ae", {"land": 1.0}, trials, loaded_cost=120_000, starting_heads=15)
    out_cut = simulate(scenario(trials, 3, (cut,), annual_budget=1_200_000), seed=1)
    out_wait = simulate(scenario(trials, 3, (wait,), annual_budget=1_200_000), seed=1)
    assert out_cut.series["heads.ae"][0].tolist() == [10, 10, 10]
    assert out_wait.series["heads.ae"][0].tolist() == [15, 15, 15]  # no attrition set


def test_attrition_removes_heads_at_the_monthly_hazard() -> None:
    trials, annual = 4000, 0.5
    ae = role("ae", {"land": 1.0}, trials, attrition=annual, headcount=0, starting_heads=40)
    out = simulate(scenario(trials, 12, (ae,)), seed=2)
    heads = out.series["heads.ae"][:, -1]
    expected = 40 * (1 - annual)
    se = np.sqrt(40 * annual * (1 - annual) / trials)
    assert abs(heads.mean() - expected) <= 3 * se


def test_hill_response_matches_linear_at_the_ends_with_diminishing_returns() -> None:
    hill = CoverageResponse(per_trial(0.2, 3), per_trial(0.6, 3), "hill", per_trial(0.25, 3))
    got = rate_at(hill, np.array([0.0, 0.25, 1.0]), slice(0, 3))
    np.testing.assert_allclose(got, [0.2, 0.2 + 0.4 * 1.25 / 2, 0.6])


def test_coverage_is_capacity_over_accounts_capped_at_one() -> None:
    got = coverage_of(np.array([50.0, 500.0, 0.0, 5.0]), np.array([100.0, 100.0, 0.0, 0.0]))
    assert got.tolist() == [0.5, 1.0, 0.0, 1.0]


def test_attrition_hits_the_pool_and_every_ramping_bin_at_the_same_hazard() -> None:
    trials, annual = 4000, 0.9
    hazard = 1 - (1 - annual) ** (1 / 12)
    ae = role("ae", {"land": 1.0}, trials, ramp_months=5.0, attrition=annual, headcount=0)
    force = RoleWorkforce(ae, slice(0, trials), np.zeros(trials, dtype=np.int64), 12)
    start_bins, start_pool = np.array([10, 0, 3, 1, 6]), 20
    force.ramping[:] = start_bins[:, None]
    force.productive[:] = start_pool
    streams = NoiseStreams(np.random.SeedSequence(3), 0, trials, (attrition_purpose("ae"),))
    force._attrition(streams)
    lost = np.vstack([start_pool - force.productive, start_bins[:, None] - force.ramping])
    assert (force.ramping >= 0).all() and (force.productive >= 0).all()
    for start, lost_in_cell in zip([start_pool, *start_bins], lost, strict=True):
        se = np.sqrt(start * hazard * (1 - hazard) / trials)
        # 4 standard errors: six cells are checked at once
        assert abs(lost_in_cell.mean() - start * hazard) <= 4 * se + 1e-12


def test_a_trials_heads_do_not_depend_on_the_ramps_of_other_trials() -> None:
    # trial 0 has a 3.5-month ramp; trial 1's ramp sets how many bins the chunk keeps
    def heads_of_trial_0(other_ramp: float) -> list[tuple[int, float]]:
        ae = role(
            "ae",
            {"land": 1.0},
            2,
            ramp_months=np.array([3.5, other_ramp]),
            attrition=0.6,
            headcount=30,
            starting_heads=0,
        )
        force = RoleWorkforce(ae, slice(0, 2), np.zeros(2, dtype=np.int64), 24)
        streams = NoiseStreams(np.random.SeedSequence(8), 0, 2, (attrition_purpose("ae"),))
        path = []
        for month in range(1, 25):
            streams.begin_month(month)
            force.step(streams, np.array([30, 30]))
            path.append((int(force.heads[0]), float(force.ramped[0])))
        return path

    reference = heads_of_trial_0(2.0)
    assert reference == heads_of_trial_0(9.3) == heads_of_trial_0(40.0)
    assert reference[0] == (30, 30 * 0.5 / 3.5)  # hired in month 1, half a month ramped
    assert all(ramped <= heads for heads, ramped in reference)
    assert reference[-1][1] > reference[0][1]  # ramping up over two years


def test_hires_graduate_into_the_productive_pool_after_their_own_ramp() -> None:
    ae = role("ae", {"land": 1.0}, 2, ramp_months=np.array([2.5, 0.0]), starting_heads=0)
    force = RoleWorkforce(ae, slice(0, 2), np.zeros(2, dtype=np.int64), 12)
    streams = NoiseStreams(np.random.SeedSequence(1), 0, 2, (attrition_purpose("ae"),))
    ramped = []
    for month, target in enumerate([4, 4, 4, 4], start=1):
        streams.begin_month(month)
        force.step(streams, np.array([target, target]))
        ramped.append(force.ramped.tolist())
    # ramp 2.5: months average 0.2, 0.6, then (2.5^2 - 4) / 5 + 0.5 = 0.95, then 1
    np.testing.assert_allclose(
        [r[0] for r in ramped], [4 * 0.2, 4 * 0.6, 4 * 0.95, 4.0], rtol=1e-12
    )
    assert [r[1] for r in ramped] == [4.0] * 4  # no ramp: productive at once
    assert force.productive.tolist() == [4, 4] and force.ramping.sum() == 0
