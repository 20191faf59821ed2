"""Run-off terminal value (``valuation.terminal: runoff``; docs/model.md §7).

The book at the end of month ``H`` (counts and ARR by status x renewal slot, by tenure
bucket with ``renewal.by_tenure``) is traced in
expectation (``ExpectedBook``) for ``runoff_months`` more months with no new logos, at
the trial's month-``H`` coverage and rates. Each run-off month ``H + tau`` is worth

    ARR / 12 * (gross_margin - other_opex_pct)
    - post-sale salaries of month H * active customers / active customers at month H
    - expansion ARR * (expansion commission paid / expansion ARR, month H)
    - renewed ARR * (renewal commission paid / renewed ARR, month H)

discounted at ``(1 + r) ** (-(H + tau) / 12)``: gross profit minus the post-sale cost of
keeping month H's coverage (salaries scale with the accounts still to cover; commissions
with what is booked). Land salaries, new-logo commissions and marketing stop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.engine.customers import onboarding_resolution
from coverage_sim.engine.expected import ExpectedBook, expected_rates


def _rate(paid: FloatArray, booked: FloatArray) -> FloatArray:
    return np.divide(paid, booked, out=np.zeros_like(paid), where=booked > 0)


@dataclass(frozen=True)
class FinalMonth:
    """What the run-off needs from month ``H`` of one chunk."""

    counts: FloatArray  # (3, slots, trials), end of month H
    arr: FloatArray
    coverage: tuple[FloatArray, FloatArray, FloatArray]  # adopt, expand, renew
    post_sale_salary: FloatArray
    expansion_commission: FloatArray
    expansion_arr: FloatArray
    renewal_commission: FloatArray
    renewed_arr: FloatArray


def runoff_value(scenario: CompiledScenario, trials: slice, final: FinalMonth) -> FloatArray:
    """Discounted value of the ending book's run-off, per trial (see the module docstring)."""
    company, customers = scenario.company, scenario.customers
    horizon, months = scenario.horizon_months, scenario.valuation.runoff_months
    rates = expected_rates(customers, *final.coverage, trials)
    resolve = onboarding_resolution(customers.onboarding_months[trials])
    downsell = customers.downsell[trials]
    margin = company.gross_margin[trials] - company.other_opex_pct[trials]
    rate = company.discount_rate[trials]
    commission_expansion = _rate(final.expansion_commission, final.expansion_arr)
    commission_renewal = _rate(final.renewal_commission, final.renewed_arr)
    book = ExpectedBook(final.counts, final.arr)
    start_accounts = book.active()
    salary_per_account = _rate(final.post_sale_salary, start_accounts)
    tenure = np.array(customers.renewal_by_tenure, dtype=np.float64)
    value = np.zeros(resolve.shape)
    for month in range(horizon + 1, horizon + months + 1):
        renewed = book.renew_month(
            month, max(company.contract_months, 1), tenure,
            rates["renew_adopted"], rates["renew_at_risk"], downsell,
        )  # fmt: skip
        book.adopt(resolve, rates["adoption"], rates["decay"], rates["recovery"])
        expansion = book.expand(rates["growth"])
        cost = (
            salary_per_account * book.active()
            + commission_expansion * expansion
            + commission_renewal * renewed
        )
        worth = book.total_arr() / 12.0 * margin - cost
        value += worth * (1.0 + rate) ** (-month / 12.0)
    return value
