"""Coverage budget per month ``B_t`` (MODEL.md §3.2).

``budget.annual`` grows in steps, once per plan year: months 1-12 spend ``annual / 12``,
months 13-24 ``annual * (1 + growth) / 12``, and so on; month 0 (the starting headcount)
uses the year-1 rate. ``budget.percent_of_revenue`` spends that share of last month's
revenue each month (the annual budget is the share of annualized revenue: ``pct * 12 *
revenue_{t-1}`` per year, i.e. ``pct * revenue_{t-1}`` per month), bounded by the annual
``floor`` / ``cap`` divided by 12. Month 1 and month 0 use the starting revenue
``starting_arr / 12``.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import Budget, FloatArray
from coverage_sim.engine.money import stepped_growth


def fixed_monthly_budget(budget: Budget, month: int, trials: slice) -> FloatArray:
    """``annual * (1 + growth) ** year_index / 12`` with ``year_index = (month - 1) // 12``."""
    assert budget.annual is not None
    return budget.annual[trials] * stepped_growth(budget.growth[trials], month) / 12.0


def revenue_linked_budget(
    budget: Budget, last_month_revenue: FloatArray, trials: slice
) -> FloatArray:
    """``percent_of_revenue * revenue_{t-1}``, kept within ``floor / 12`` and ``cap / 12``."""
    assert budget.percent_of_revenue is not None
    monthly = budget.percent_of_revenue[trials] * last_month_revenue
    if budget.floor is not None:
        monthly = np.maximum(monthly, budget.floor[trials] / 12.0)
    if budget.cap is not None:
        monthly = np.minimum(monthly, budget.cap[trials] / 12.0)
    return monthly


def monthly_budget(
    budget: Budget, month: int, last_month_revenue: FloatArray, trials: slice
) -> FloatArray:
    if budget.annual is not None:
        return fixed_monthly_budget(budget, month, trials)
    return revenue_linked_budget(budget, last_month_revenue, trials)
