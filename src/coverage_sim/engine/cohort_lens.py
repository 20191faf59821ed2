"""Cohort lens (MODEL.md §3.5): one cohort landed in month 1, traced in expectation.

Per trial, a cohort of one customer with first-year ACV ``land_acv`` lands in month 1
(it is billed from month 1, like every new logo) and follows the same motions as the
simulated book, but on expected counts and ARR (a deterministic Markov chain, vectorized
over trials): renewal at each anniversary (months 13, 25, ... for 12-month contracts),
onboarding resolution, decay / recovery, upsell and expected cross-sell. In calendar month
``t`` it meets that trial's realized coverage of month ``t``; past the horizon, the last
month's coverage holds. Over ``LENS_MONTHS`` = 60 months:

- initial booking = first-year ACV;
- expansion_multiple = (5-year subscription revenue - booking) / booking;
- post_booking_share = (5-year subscription revenue - booking) / 5-year revenue
  (so share = multiple / (1 + multiple));
- clv = sum over months ``tau = 1..60`` of gross profit ``(ARR / 12 + onboarding fee in
  month 1) * gross_margin``, discounted at ``(1 + discount_rate) ** (-tau / 12)``.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import Company, Customers, FloatArray
from coverage_sim.engine.customers import onboarding_resolution
from coverage_sim.engine.money import monthly_discount
from coverage_sim.engine.response import rate_at

LENS_MONTHS = 60


def trace_cohort(
    customers: Customers,
    company: Company,
    coverage_adopt: FloatArray,
    coverage_expand: FloatArray,
    coverage_renew: FloatArray,
    trials: slice,
) -> dict[str, FloatArray]:
    """``expansion_multiple``, ``post_booking_share`` and ``clv`` per trial of the chunk.

    ``coverage_*`` are the realized coverages, shape ``(chunk trials, horizon)``.
    """
    horizon = coverage_adopt.shape[1]
    renew_adopted = rate_at(customers.renewal_adopted, coverage_renew, trials)
    renew_at_risk = rate_at(customers.renewal_at_risk, coverage_renew, trials)
    adoption = rate_at(customers.adoption_rate, coverage_adopt, trials)
    decay = rate_at(customers.adoption_decay, coverage_adopt, trials)
    recovery = rate_at(customers.adoption_recovery, coverage_adopt, trials)
    growth = (
        rate_at(customers.upsell_monthly, coverage_expand, trials)
        + rate_at(customers.cross_sell_per_year, coverage_expand, trials)
        / 12.0
        * customers.cross_sell_size[trials][:, None]
    )
    renew_adopted = np.clip(renew_adopted, 0, 1)
    renew_at_risk = np.clip(renew_at_risk, 0, 1)
    adoption = np.clip(adoption, 0, 1)
    decay = np.clip(decay, 0, 1)
    recovery = np.clip(recovery, 0, 1)

    acv = customers.land_acv[trials]
    resolve = onboarding_resolution(customers.onboarding_months[trials])
    downsell = customers.downsell[trials]
    k = max(company.contract_months, 1)
    # expected customers and ARR by status: onboarding, adopted, at_risk
    count = np.zeros((acv.size, 3))
    arr = np.zeros((acv.size, 3))
    count[:, 0] = 1.0
    arr[:, 0] = acv
    revenue = np.zeros((acv.size, LENS_MONTHS))
    revenue[:, 0] = arr.sum(axis=1) / 12.0
    for tau in range(2, LENS_MONTHS + 1):
        m = min(tau, horizon) - 1
        if (tau - 1) % k == 0:
            keep = np.stack([renew_at_risk[:, m], renew_adopted[:, m], renew_at_risk[:, m]], 1)
            count *= keep
            arr *= keep
            arr[:, 0] *= 1.0 - downsell
            arr[:, 2] *= 1.0 - downsell
        per_head = np.divide(arr, count, out=np.zeros_like(arr), where=count > 0)
        resolved = count[:, 0] * resolve
        adopted_share = adoption[:, m]
        decayed = count[:, 1] * decay[:, m]
        recovered = count[:, 2] * recovery[:, m]
        moved_arr = [
            per_head[:, 0] * resolved,
            per_head[:, 1] * decayed,
            per_head[:, 2] * recovered,
        ]
        count[:, 0] -= resolved
        count[:, 1] += resolved * adopted_share - decayed + recovered
        count[:, 2] += resolved * (1.0 - adopted_share) + decayed - recovered
        arr[:, 0] -= moved_arr[0]
        arr[:, 1] += moved_arr[0] * adopted_share - moved_arr[1] + moved_arr[2]
        arr[:, 2] += moved_arr[0] * (1.0 - adopted_share) + moved_arr[1] - moved_arr[2]
        arr[:, 1] *= 1.0 + growth[:, m]
        revenue[:, tau - 1] = arr.sum(axis=1) / 12.0

    total = revenue.sum(axis=1)
    after_booking = total - acv
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple = np.where(acv > 0, after_booking / acv, np.nan)
        share = np.where(total > 0, after_booking / total, np.nan)
    discount = monthly_discount(company.discount_rate[trials], LENS_MONTHS)
    gross = revenue.copy()
    gross[:, 0] += customers.onboarding_fee[trials]
    clv = (gross * discount).sum(axis=1) * company.gross_margin[trials]
    return {"expansion_multiple": multiple, "post_booking_share": share, "clv": clv}
