"""Known-answer cases: small scenarios against closed forms (MODEL.md §3)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scenario_factory import per_trial, quiet_customers, response, role, scenario, typical

from coverage_sim.engine import simulate


def _within_3_se(samples: np.ndarray, expected: float) -> None:
    se = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - expected) <= 3 * se + 1e-9, (samples.mean(), expected, se)


def test_pure_decay_follows_renewal_rate_to_the_power_of_years() -> None:
    trials, r = 2000, 0.8
    customers = quiet_customers(
        trials, renewal_adopted=response(r, None, trials), renewal_at_risk=response(r, None, trials)
    )
    sc = scenario(trials, 36, (role("renewals", {"renew": 1.0}, trials),), customers=customers)
    out = simulate(sc, seed=11)
    arr_each = 12_000_000 / 120
    for years in (1, 2, 3):
        count = out.series["customers"][:, 12 * years - 1]
        expected = 120 * r**years
        se = np.sqrt(120 * r**years * (1 - r**years) / trials)
        assert abs(count.mean() - expected) <= 3 * se
        np.testing.assert_allclose(out.series["arr"][:, 12 * years - 1], count * arr_each)
    assert out.metrics["new_logos"].max() == 0


def test_pure_upsell_with_certain_renewal_compounds_exactly() -> None:
    trials, g = 50, 0.01
    customers = quiet_customers(trials, upsell_monthly=response(g, None, trials))
    sc = scenario(trials, 30, (role("csm", {"expand": 1.0}, trials),), customers=customers)
    out = simulate(sc, seed=3)
    months = np.arange(1, 31)
    expected = 12_000_000 * (1 + g) ** months
    np.testing.assert_allclose(
        out.series["arr"], np.broadcast_to(expected, (trials, 30)), rtol=1e-12
    )
    np.testing.assert_allclose(out.metrics["nrr"], (1 + g) ** 12, rtol=1e-12)
    np.testing.assert_allclose(out.metrics["grr"], 1.0, rtol=1e-12)


def test_grr_and_nrr_leave_out_the_logos_landed_inside_the_window() -> None:
    # every customer adopts within a month and upsells g a month; logos land all along:
    # the book at the end of month H - 12 grows by exactly (1 + g)^12 over the window,
    # whatever lands inside it (those logos share cells with the base, not its flows)
    trials, g = 200, 0.01
    customers = quiet_customers(
        trials, onboarding_months=per_trial(1.0, trials), upsell_monthly=response(g, None, trials)
    )
    ae = role("ae", {"land": 1.0}, trials, new_logos_per_month=0.5, headcount=10)
    sc = scenario(trials, 24, (ae,), customers=customers)
    out = simulate(sc, seed=8)
    assert (out.series["new_logos"][:, 12:].sum(axis=1) > 0).all()
    np.testing.assert_allclose(out.metrics["nrr"], (1 + g) ** 12, rtol=1e-12)
    np.testing.assert_allclose(out.metrics["grr"], 1.0, rtol=1e-12)


def _fixed_landing(trials: int, horizon: int, **fixed: object) -> np.ndarray:
    ae = role("ae", {"land": 1.0}, trials, new_logos_per_month=0.5, headcount=10, **fixed)
    sc = scenario(trials, horizon, (ae,), starting_customers=0, starting_arr=0.0)
    return simulate(sc, seed=5).metrics["new_logos"]


def test_fixed_headcount_lands_heads_times_rate_times_months() -> None:
    new_logos = _fixed_landing(2000, 24)
    _within_3_se(new_logos, 10 * 0.5 * 24)


def test_new_hires_ramp_linearly_month_by_month() -> None:
    # hired in month 1 with a 4-month ramp: month averages 1/8, 3/8, 5/8, 7/8, then 1
    new_logos = _fixed_landing(2000, 12, ramp_months=4.0, starting_heads=0)
    _within_3_se(new_logos, 10 * 0.5 * (0.125 + 0.375 + 0.625 + 0.875 + 8))


def test_zero_post_sale_budget_gives_the_uncovered_rates() -> None:
    trials = 600
    base = typical(trials, 24)
    c = base.customers
    plain = replace(
        c,
        **{
            name: response(float(getattr(c, name).uncovered[0]), None, trials)
            for name in (
                "adoption_rate",
                "adoption_decay",
                "adoption_recovery",
                "renewal_adopted",
                "renewal_at_risk",
                "upsell_monthly",
                "cross_sell_per_year",
            )
        },
    )
    land_only = np.zeros_like(base.allocation.shares)
    land_only[:, 0] = 1.0
    zero_post_sale = replace(base, allocation=replace(base.allocation, shares=land_only))
    uncovered = replace(zero_post_sale, customers=plain)
    a, b = simulate(zero_post_sale, seed=9), simulate(uncovered, seed=9)
    assert a.series["heads.customer_success_manager"].max() == 0
    for metric in a.metrics:
        np.testing.assert_array_equal(a.metrics[metric], b.metrics[metric], err_msg=metric)


def test_bridge_identity_holds_in_every_trial_to_the_cent() -> None:
    out = simulate(typical(300, 30), seed=1)
    b = out.bridge
    assert b["start"].shape == (300, 3)  # ceil(30 / 12) years, the last one partial
    gap = b["start"] + b["new"] + b["expansion"] - b["contraction"] - b["churn"] - b["end"]
    assert np.abs(gap).max() < 0.01
    np.testing.assert_array_equal(b["end"][:, -1], out.metrics["ending_arr"])
    np.testing.assert_array_equal(b["start"][:, 1:], b["end"][:, :-1])


def test_monthly_logo_series_sum_to_the_logo_metrics_in_every_trial() -> None:
    sc = typical(300, 30)
    out = simulate(sc, seed=6)
    new, churned = out.series["new_logos"], out.series["churned_logos"]
    assert new.shape == churned.shape == (300, 30)
    assert new.sum() > 0 and churned.sum() > 0  # both flows happen, so the sums mean something
    np.testing.assert_array_equal(new.sum(axis=1), out.metrics["new_logos"])
    np.testing.assert_array_equal(churned.sum(axis=1), out.metrics["churned_logos"])
    # active customers change only by landing and churn, month by month
    customers = np.concatenate([np.full((300, 1), 500.0), out.series["customers"]], axis=1)
    np.testing.assert_array_equal(np.diff(customers, axis=1), new - churned)
    # each year's landed logos at the trial's ACV are the bridge's new ARR
    yearly_new = np.add.reduceat(new, [0, 12, 24], axis=1)
    np.testing.assert_allclose(
        yearly_new * sc.customers.land_acv[:, None], out.bridge["new"], rtol=1e-12
    )


def test_no_expansion_gives_nrr_equal_to_grr() -> None:
    trials = 300
    sc = typical(trials, 30)
    no_expansion = replace(
        sc.customers,
        upsell_monthly=response(0.0, None, trials),
        cross_sell_per_year=response(0.0, None, trials),
    )
    out = simulate(replace(sc, customers=no_expansion), seed=2)
    assert np.isfinite(out.metrics["grr"]).all()
    np.testing.assert_allclose(out.metrics["nrr"], out.metrics["grr"], rtol=1e-12)
    assert (out.metrics["grr"] < 1).all()


def test_cohort_lens_with_certain_renewal_and_upsell_matches_the_geometric_sum() -> None:
    trials, g, acv = 20, 0.01, 120_000.0
    customers = quiet_customers(
        trials,
        land_acv=per_trial(acv, trials),
        onboarding_months=per_trial(1, trials),
        upsell_monthly=response(g, None, trials),
    )
    sc = scenario(trials, 24, (role("csm", {"expand": 1.0}, trials),), customers=customers)
    out = simulate(sc, seed=4)
    # month 1: booked, onboarding; from month 2 adopted, ARR grows by g a month
    revenue = acv / 12 * (1 + g) ** np.concatenate([[0], np.arange(1, 60)])
    multiple = (revenue.sum() - acv) / acv
    np.testing.assert_allclose(out.metrics["expansion_multiple"], multiple, rtol=1e-12)
    np.testing.assert_allclose(
        out.metrics["post_booking_share"], multiple / (1 + multiple), rtol=1e-12
    )
    discount = 1.10 ** (-np.arange(1, 61) / 12)
    np.testing.assert_allclose(out.metrics["clv"], (revenue * discount).sum() * 0.75, rtol=1e-12)


def test_cohort_lens_without_expansion_or_churn_books_four_more_years() -> None:
    trials = 10
    sc = scenario(trials, 12, (role("csm", {"adopt": 1.0}, trials),))
    out = simulate(sc, seed=4)
    np.testing.assert_allclose(out.metrics["expansion_multiple"], 4.0, rtol=1e-12)
    np.testing.assert_allclose(out.metrics["post_booking_share"], 0.8, rtol=1e-12)


def test_at_risk_renewals_churn_at_their_rate_and_give_up_the_downsell() -> None:
    trials = 1000
    customers = quiet_customers(
        trials, renewal_at_risk=response(0.5, None, trials), downsell=per_trial(0.1, trials)
    )
    sc = scenario(
        trials,
        12,
        (role("csm", {"adopt": 1.0}, trials),),
        customers=customers,
        starting_adopted_share=0.0,
    )
    out = simulate(sc, seed=6)
    kept = out.metrics["ending_customers"]
    _within_3_se(kept, 60.0)
    np.testing.assert_allclose(out.metrics["ending_arr"], kept * 100_000 * 0.9)
    np.testing.assert_allclose(out.metrics["grr"], kept * 0.9 / 120)


def test_customers_still_onboarding_renew_at_the_at_risk_rate() -> None:
    trials = 2000
    customers = quiet_customers(
        trials,
        onboarding_months=per_trial(1e12, trials),  # never reach value
        renewal_at_risk=response(0.5, None, trials),
    )
    ae = role("ae", {"land": 1.0}, trials, new_logos_per_month=0.5, headcount=10)
    sc = scenario(trials, 13, (ae,), customers=customers, starting_customers=0, starting_arr=0.0)
    out = simulate(sc, seed=6)
    # month 13 renews the logos landed in month 1: Poisson(5) of them, each kept w.p. 0.5
    _within_3_se(out.metrics["churned_logos"], 2.5)
