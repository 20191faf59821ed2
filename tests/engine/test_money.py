"""Money: spend with commissions, CAC, NPV with terminal value, post-sale share."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scenario_factory import per_trial, quiet_customers, response, role, scenario, typical

from coverage_sim.compiled import Budget
from coverage_sim.engine import simulate


def test_spend_is_salaries_plus_commission_on_new_acv_and_cac_divides_land_spend() -> None:
    trials, horizon = 200, 12
    ae = role(
        "ae",
        {"land": 1.0},
        trials,
        loaded_cost=120_000,
        headcount=10,
        new_logos_per_month=0.5,
        commission_new=0.10,
    )
    out = simulate(scenario(trials, horizon, (ae,)), seed=8)
    new_acv = out.metrics["new_logos"] * 100_000
    np.testing.assert_allclose(out.metrics["total_spend"], 10 * 10_000 * horizon + 0.1 * new_acv)
    np.testing.assert_allclose(
        out.metrics["cac"], out.metrics["total_spend"] / out.metrics["new_logos"]
    )
    np.testing.assert_allclose(
        out.metrics["cac_payback_months"], out.metrics["cac"] / (100_000 / 12 * 0.75)
    )
    assert (out.metrics["post_sale_share"] == 0).all()


def test_npv_discounts_monthly_and_adds_the_discounted_terminal_value() -> None:
    trials, horizon = 5, 24
    csm = role("csm", {"adopt": 0.5, "renew": 0.5}, trials, loaded_cost=120_000, headcount=2)
    sc = scenario(trials, horizon, (csm,), arr_multiple=3.0, discount_rate=0.1)
    out = simulate(sc, seed=1)
    monthly = 12_000_000 / 12 * 0.75 - 2 * 10_000
    t = np.arange(1, horizon + 1)
    expected = (monthly * 1.1 ** (-t / 12)).sum() + 3.0 * 12_000_000 * 1.1 ** (-2)
    np.testing.assert_allclose(out.metrics["npv"], expected, rtol=1e-12)
    np.testing.assert_allclose(out.metrics["contribution"], monthly * horizon, rtol=1e-12)
    np.testing.assert_allclose(out.metrics["post_sale_share"], 1.0)
    np.testing.assert_allclose(out.series["post_sale_share"], 1.0)


def test_salaries_split_across_motions_by_weight() -> None:
    trials = 5
    mixed = role("mixed", {"land": 0.25, "expand": 0.75}, trials, headcount=4)
    out = simulate(scenario(trials, 6, (mixed,)), seed=1)
    np.testing.assert_allclose(out.metrics["post_sale_share"], 0.75)


def test_expansion_commission_follows_expansion_arr() -> None:
    trials, g = 5, 0.01
    customers = quiet_customers(trials, upsell_monthly=response(g, None, trials))
    xs = role(
        "xs",
        {"expand": 1.0},
        trials,
        loaded_cost=0,
        headcount=1,
        accounts_per_head=10,
        commission_expansion=0.08,
    )
    out = simulate(scenario(trials, 12, (xs,), customers=customers), seed=1)
    expansion = out.bridge["expansion"].sum(axis=1)
    np.testing.assert_allclose(expansion, 12_000_000 * ((1 + g) ** 12 - 1))
    np.testing.assert_allclose(out.metrics["total_spend"], 0.08 * expansion)


def test_percent_of_revenue_budget_is_capped_and_sets_target_heads() -> None:
    trials = 100
    sc = typical(trials, 6)
    no_commission = tuple(
        replace(
            r,
            commission_new=r.commission_new * 0,
            commission_expansion=r.commission_new * 0,
            commission_renewal=r.commission_new * 0,
        )
        for r in sc.roles
    )
    capped = Budget(
        None, per_trial(0.0, trials), per_trial(0.35, trials), None, per_trial(15_000_000, trials)
    )
    out = simulate(replace(sc, budget=capped, roles=no_commission), seed=3)
    # 0.35 x 50M / 12 exceeds the 1.25M monthly cap; floor(1.25M x share / monthly cost):
    # 25 AEs, 25 CSMs, 6 expansion and 5 renewal specialists
    expected = 25 * 350_000 / 12 + 25 * 150_000 / 12 + 6 * 220_000 / 12 + 5 * 130_000 / 12
    np.testing.assert_allclose(out.series["spend"][:, 0], expected)
    assert out.series["heads.account_executive"][:, 0].tolist() == [25] * trials
