"""Money (MODEL.md §3.4): revenue, coverage spend with commissions, motion spend, NPV.

Commissions: role ``r`` earns ``commission_new`` on the month's new first-year ACV times
its share of land capacity (``w_land * ramped_heads * new_logos_per_month``),
``commission_expansion`` on the month's expansion ARR times its share of expand capacity
and ``commission_renewal`` on the month's renewed ARR (after downsell) times its share of
renew capacity (``w_m * ramped_heads * accounts_per_head``). A motion nobody has capacity
for pays no commission.

Spend by motion: salaries split by motion weight; each commission goes to the motion that
earned it (new -> land, expansion -> expand, renewal -> renew).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray, Role


def capacity_shares(capacity_by_role: list[FloatArray]) -> list[FloatArray]:
    """Each role's share of one motion's capacity; all zero where the motion has none."""
    total = np.sum(capacity_by_role, axis=0)
    return [
        np.divide(c, total, out=np.zeros_like(total), where=total > 0) for c in capacity_by_role
    ]


@dataclass(frozen=True)
class MonthSpend:
    total: FloatArray
    land: FloatArray  # salaries x land weight + new-logo commissions
    post_sale: FloatArray  # salaries x (adopt + expand + renew weights) + other commissions
    post_sale_salary: FloatArray  # the salary part of ``post_sale``
    on_expansion: FloatArray  # commissions on expansion ARR
    on_renewal: FloatArray  # commissions on renewed ARR


def month_spend(
    roles: tuple[Role, ...],
    trials: slice,
    heads: list[FloatArray],
    land_share: list[FloatArray],
    expand_share: list[FloatArray],
    renew_share: list[FloatArray],
    new_acv: FloatArray,
    expansion_arr: FloatArray,
    renewed_arr: FloatArray,
) -> MonthSpend:
    """``sum_r heads_r * loaded_cost_r / 12`` + commissions, and its split by motion."""
    total, land = np.zeros_like(new_acv), np.zeros_like(new_acv)
    salaries, land_salaries = np.zeros_like(new_acv), np.zeros_like(new_acv)
    on_expansion, on_renewal = np.zeros_like(new_acv), np.zeros_like(new_acv)
    for r, role in enumerate(roles):
        salary = heads[r] * role.loaded_cost[trials] / 12.0
        on_new = role.commission_new[trials] * new_acv * land_share[r]
        expansion = role.commission_expansion[trials] * expansion_arr * expand_share[r]
        renewal = role.commission_renewal[trials] * renewed_arr * renew_share[r]
        total += salary + on_new + expansion + renewal
        land += salary * role.motions.get("land", 0.0) + on_new
        salaries += salary
        land_salaries += salary * role.motions.get("land", 0.0)
        on_expansion += expansion
        on_renewal += renewal
    return MonthSpend(
        total=total,
        land=land,
        post_sale=total - land,
        post_sale_salary=salaries - land_salaries,
        on_expansion=on_expansion,
        on_renewal=on_renewal,
    )


def stepped_growth(growth: FloatArray, month: int) -> FloatArray:
    """``(1 + growth) ** floor((t - 1) / 12)``: a per-year growth that steps once per plan
    year (month 0 uses the year-1 level), like ``budget.annual``."""
    return np.asarray((1.0 + growth) ** (max(month - 1, 0) // 12))


def monthly_discount(discount_rate: FloatArray, months: int) -> FloatArray:
    """Factor for month ``t = 1..months``: ``(1 + annual_rate) ** (-t / 12)`` (end of month)."""
    t = np.arange(1, months + 1, dtype=np.float64)
    return (1.0 + discount_rate[:, None]) ** (-t[None, :] / 12.0)
