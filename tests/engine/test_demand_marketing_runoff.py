"""Known answers for land demand, marketing cost and the run-off terminal value."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scenario_factory import per_trial, quiet_customers, role, scenario, typical

from coverage_sim.compiled import CompiledScenario, Demand, Market, Valuation
from coverage_sim.engine import simulate


def _within_3_se(samples: np.ndarray, expected: float) -> None:
    se = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - expected) <= 3 * se + 1e-9, (samples.mean(), expected, se)


def _demand(trials: int, per_month: float, **changes: object) -> Demand:
    base = Demand(
        new_logos_per_month=per_trial(per_month, trials),
        growth=per_trial(0.0, trials),
        cost_annual=per_trial(0.0, trials),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _with_demand(sc: CompiledScenario, demand: Demand) -> CompiledScenario:
    return replace(sc, market=Market(sc.market.addressable_accounts, demand))


def _landing(trials: int, months: int, heads: int, per_head: float, demand: Demand):
    ae = role("ae", {"land": 1.0}, trials, new_logos_per_month=per_head, headcount=heads)
    sc = scenario(trials, months, (ae,), starting_customers=0, starting_arr=0.0)
    return simulate(_with_demand(sc, demand), seed=5)


@pytest.mark.parametrize("shape", ["exp", "linear"])
def test_capacity_far_above_demand_lands_the_demand(shape: str) -> None:
    trials, months, d = 2000, 12, 5.0
    out = _landing(trials, months, 1000, 1.0, _demand(trials, d, shape=shape))  # E = 1000
    _within_3_se(out.metrics["new_logos"], d * months)


def test_capacity_far_below_demand_lands_the_capacity() -> None:
    trials, months = 2000, 12
    out = _landing(trials, months, 1, 0.5, _demand(trials, 1000.0))  # E = 0.5, D = 1000
    # D (1 - exp(-E / D)) = 0.49988 a month: the capacity, to 0.03%
    _within_3_se(out.metrics["new_logos"], 1000 * -np.expm1(-0.5 / 1000) * months)
    assert abs(1000 * -np.expm1(-0.5 / 1000) - 0.5) < 2e-4


def test_seller_logos_follow_d_times_one_minus_exp_of_capacity_over_demand() -> None:
    trials, months = 2000, 12
    out = _landing(trials, months, 10, 0.5, _demand(trials, 4.0))  # E = 5, D = 4
    _within_3_se(out.metrics["new_logos"], 4.0 * -np.expm1(-5.0 / 4.0) * months)


def test_demand_grows_once_a_plan_year() -> None:
    trials = 2000
    demand = _demand(trials, 3.0, growth=per_trial(0.5, trials), shape="linear")
    out = _landing(trials, 24, 100, 1.0, demand)
    _within_3_se(out.series["new_logos"][:, :12].sum(axis=1), 3.0 * 12)
    _within_3_se(out.series["new_logos"][:, 12:].sum(axis=1), 4.5 * 12)


def test_the_sales_cycle_lands_this_months_capacity_that_many_months_later() -> None:
    trials = 500
    ae = role("ae", {"land": 1.0}, trials, new_logos_per_month=0.5, headcount=10, starting_heads=0)
    sc = scenario(trials, 12, (ae,), starting_customers=0, starting_arr=0.0)
    demand = _demand(trials, 1e6, shape="linear", sales_cycle_months=3)
    out = simulate(_with_demand(sc, demand), seed=5)
    # months 1-3 close the pipeline of the starting heads (none); month 4 the hires' of month 1
    assert (out.series["new_logos"][:, :3] == 0).all()
    _within_3_se(out.series["new_logos"][:, 3:].sum(axis=1), 5.0 * 9)


def test_marketing_lowers_contribution_by_exactly_its_cost_and_changes_nothing_else() -> None:
    trials, months = 300, 30
    growth = per_trial(0.1, trials)  # grows demand and its cost alike
    base = _with_demand(typical(trials, months), _demand(trials, 30.0, growth=growth))
    cost = _demand(trials, 30.0, cost_annual=per_trial(1_200_000, trials), growth=growth)
    free, paid = simulate(base, seed=9), simulate(_with_demand(base, cost), seed=9)
    monthly = np.array([100_000 * 1.1 ** ((t - 1) // 12) for t in range(1, months + 1)])
    discount = 1.10 ** (-np.arange(1, months + 1) / 12)
    np.testing.assert_allclose(
        free.metrics["contribution"] - paid.metrics["contribution"], monthly.sum(), rtol=1e-9
    )
    np.testing.assert_allclose(
        free.metrics["npv"] - paid.metrics["npv"], (monthly * discount).sum(), rtol=1e-9
    )
    np.testing.assert_allclose(paid.metrics["marketing_spend"], monthly.sum(), rtol=1e-12)
    np.testing.assert_allclose(
        free.series["contribution"] - paid.series["contribution"],
        np.broadcast_to(monthly, (trials, months)),
        rtol=1e-9,
    )
    acquisition = {"cac", "cac_ratio", "cac_payback_months", "clv_cac"}
    for metric, values in free.metrics.items():
        if metric in {"contribution", "npv", "marketing_spend"} | acquisition:
            continue
        np.testing.assert_array_equal(values, paid.metrics[metric], err_msg=metric)
    for name, values in free.series.items():
        if name != "contribution":
            np.testing.assert_array_equal(values, paid.series[name], err_msg=name)
    # CAC is full sales-and-marketing CAC; sales_cac keeps the land spend alone
    np.testing.assert_allclose(
        paid.metrics["cac"] - free.metrics["cac"],
        monthly.sum() / paid.metrics["new_logos"],
        rtol=1e-9,
    )
    np.testing.assert_array_equal(paid.metrics["sales_cac"], free.metrics["cac"])


def test_cac_ratio_is_land_and_marketing_spend_per_dollar_of_new_logo_acv() -> None:
    trials = 200
    ae = role(
        "ae", {"land": 1.0}, trials, loaded_cost=120_000, headcount=10, new_logos_per_month=0.5
    )
    sc = scenario(trials, 12, (ae,), starting_customers=0, starting_arr=0.0)
    demand = _demand(trials, 100.0, cost_annual=per_trial(600_000, trials), shape="linear")
    out = simulate(_with_demand(sc, demand), seed=3)
    spend = 10 * 10_000 * 12 + 600_000
    np.testing.assert_allclose(
        out.metrics["cac_ratio"], spend / (out.metrics["new_logos"] * 100_000), rtol=1e-12
    )


def _runoff(sc: CompiledScenario, months: int = 60) -> CompiledScenario:
    return replace(sc, valuation=Valuation(sc.valuation.arr_multiple, "runoff", months))


def _annuity(rate: float, horizon: int, months: int) -> float:
    """sum_{tau=1..months} (1 + rate) ** (-(horizon + tau) / 12), in closed form."""
    v = (1.0 + rate) ** (-1.0 / 12.0)
    return float(v**horizon * v * (1.0 - v**months) / (1.0 - v))


def test_runoff_of_a_book_without_churn_or_expansion_is_the_discounted_annuity() -> None:
    trials, horizon, months = 20, 24, 60
    ae = role("ae", {"land": 1.0}, trials, headcount=2, new_logos_per_month=0.0)
    sc = _runoff(scenario(trials, horizon, (ae,), customers=quiet_customers(trials)), months)
    out = simulate(sc, seed=1)
    expected = 12_000_000 / 12 * 0.75 * _annuity(0.10, horizon, months)
    np.testing.assert_allclose(out.metrics["terminal_value"], expected, rtol=1e-12)


def test_runoff_charges_the_post_sale_cost_of_keeping_the_coverage() -> None:
    trials, horizon, months = 20, 24, 36
    csm = role(
        "csm",
        {"adopt": 0.5, "renew": 0.5},
        trials,
        loaded_cost=120_000,
        headcount=3,
        accounts_per_head=40,
    )
    sc = _runoff(scenario(trials, horizon, (csm,), customers=quiet_customers(trials)), months)
    out = simulate(sc, seed=1)
    # 120 customers all the way: the salaries of month H (3 x 10k) every run-off month
    expected = (12_000_000 / 12 * 0.75 - 30_000) * _annuity(0.10, horizon, months)
    np.testing.assert_allclose(out.metrics["terminal_value"], expected, rtol=1e-12)
    without = simulate(replace(sc, valuation=Valuation(per_trial(0.0, trials))), seed=1)
    np.testing.assert_allclose(
        out.metrics["npv"] - without.metrics["npv"], out.metrics["terminal_value"], rtol=1e-9
    )
    assert (without.metrics["terminal_value"] == 0).all()


def test_runoff_follows_churn_at_each_anniversary() -> None:
    # no coverage response, adopted customers renew w.p. keep: slot s's expected ARR after
    # run-off month tau is its ending ARR x keep^(its renewals so far)
    trials, horizon, months, keep = 10, 12, 30, 0.8
    quiet = quiet_customers(trials)
    renewal = replace(
        quiet.renewal_adopted, uncovered=per_trial(keep, trials), covered=per_trial(keep, trials)
    )
    customers = replace(quiet, renewal_adopted=renewal)
    ae = role("ae", {"land": 1.0}, trials, headcount=1, new_logos_per_month=0.0)
    sc = scenario(trials, horizon, (ae,), customers=customers, starting_customers=120)
    out = simulate(_runoff(sc, months), seed=2)
    v = 1.10 ** (-1 / 12)
    # month H + tau renews slot (H + tau) mod 12; the slot at offset s' in 0..11 has renewed
    # (tau - 1 - s') // 12 + 1 times by run-off month tau (none while tau <= s')
    ending = out.metrics["ending_arr"]
    expected = np.zeros(trials)
    for tau in range(1, months + 1):
        renewals = np.array([(tau - 1 - s) // 12 + 1 if tau > s else 0 for s in range(12)])
        share = np.mean(keep**renewals)  # slots hold equal ARR only in expectation
        expected += ending * share / 12 * 0.75 * v ** (horizon + tau)
    np.testing.assert_allclose(out.metrics["terminal_value"].mean(), expected.mean(), rtol=0.02)
