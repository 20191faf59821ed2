"""Cohort lens (MODEL.md §3.5): one cohort landed in month 1, traced in expectation.

Per trial, a cohort of one customer with first-year ACV ``land_acv`` lands in month 1
(it is billed from month 1, like every new logo) and follows the same motions as the
simulated book, but on expected counts and ARR (a deterministic Markov chain, vectorized
over trials): renewal at each anniversary (months 13, 25, ... for 12-month contracts),
onboarding resolution, decay / recovery, upsell and expected cross-sell; its ``r``-th
renewal at the rates of ``renewal.by_tenure`` for renewal ``r``. In calendar month
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
from coverage_sim.engine.expected import ExpectedBook, expected_rates
from coverage_sim.engine.money import monthly_discount
from coverage_sim.engine.response import BookResponses
from coverage_sim.engine.tenure import rate_at_renewal

LENS_MONTHS = 60


def trace_cohort(
    customers: Customers,
    company: Company,
    coverage_adopt: FloatArray,
    coverage_expand: FloatArray,
    coverage_renew: FloatArray,
    trials: slice,
    *,
    compiled: bool = False,
) -> dict[str, FloatArray]:
    """``expansion_multiple``, ``post_booking_share`` and ``clv`` per trial of the chunk.

    ``coverage_*`` are the realized coverages, shape ``(chunk trials, horizon)``;
    ``compiled``: the engine's compiled path (the same bytes).
    """
    acv = customers.land_acv[trials]
    trace = _compiled_revenue if compiled else _revenue
    revenue = trace(customers, company, (coverage_adopt, coverage_expand, coverage_renew), trials)
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


def _revenue(
    customers: Customers,
    company: Company,
    coverage: tuple[FloatArray, FloatArray, FloatArray],
    trials: slice,
) -> FloatArray:
    """The cohort's revenue (ARR / 12), trials x ``LENS_MONTHS``: ``ExpectedBook`` month by
    month, vectorized over trials (the reference ``kernel_lens.trace_revenue`` equals);
    ``coverage``: adopt, expand, renew, trials x horizon."""
    horizon = coverage[0].shape[1]
    rates = expected_rates(customers, *coverage, trials)
    acv = customers.land_acv[trials]
    resolve = onboarding_resolution(customers.onboarding_months[trials])
    downsell = customers.downsell[trials]
    k = max(company.contract_months, 1)
    # one expected customer, onboarding, in a single renewal slot
    book = ExpectedBook(np.zeros((3, 1, acv.size)), np.zeros((3, 1, acv.size)))
    book.counts[0, 0] = 1.0
    book.arr[0, 0] = acv
    revenue = np.zeros((acv.size, LENS_MONTHS))
    revenue[:, 0] = book.total_arr() / 12.0
    tenure = np.array(customers.renewal_by_tenure, dtype=np.float64)
    for tau in range(2, LENS_MONTHS + 1):
        m = min(tau, horizon) - 1
        if (tau - 1) % k == 0:
            renewal = (tau - 1) // k
            book.renew(
                0,
                rate_at_renewal(rates["renew_adopted"][:, m], tenure, renewal),
                rate_at_renewal(rates["renew_at_risk"][:, m], tenure, renewal),
                downsell,
            )
        book.adopt(resolve, rates["adoption"][:, m], rates["decay"][:, m], rates["recovery"][:, m])
        book.expand(rates["growth"][:, m])
        revenue[:, tau - 1] = book.total_arr() / 12.0
    return revenue


def _compiled_revenue(
    customers: Customers,
    company: Company,
    coverage: tuple[FloatArray, FloatArray, FloatArray],
    trials: slice,
) -> FloatArray:
    """``_revenue`` by ``kernel_lens.trace_revenue``, one pass per trial (the same bytes)."""
    from coverage_sim.engine.kernel_lens import trace_revenue

    responses = BookResponses.of(customers, trials)
    size = trials.stop - trials.start
    revenue = np.empty((size, LENS_MONTHS))
    trace_revenue(
        max(company.contract_months, 1),
        np.array(customers.renewal_by_tenure, dtype=np.float64),
        onboarding_resolution(customers.onboarding_months[trials]),
        np.ascontiguousarray(customers.downsell[trials], dtype=np.float64),
        np.ascontiguousarray(customers.land_acv[trials], dtype=np.float64),
        np.ascontiguousarray(customers.cross_sell_size[trials], dtype=np.float64),
        responses.uncovered,
        responses.gap,
        responses.half,
        responses.hill,
        np.ascontiguousarray(coverage[0], dtype=np.float64),
        np.ascontiguousarray(coverage[1], dtype=np.float64),
        np.ascontiguousarray(coverage[2], dtype=np.float64),
        revenue,
    )  # fmt: skip
    return revenue
