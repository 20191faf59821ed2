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
    total = np.zeros_like(new_acv)
    land = np.zeros_like(new_acv)
    for r, role in enumerate(roles):
        salary = heads[r] * role.loaded_cost[trials] / 12.0
        on_new = role.commission_new[trials] * new_acv * land_share[r]
        on_expansion = role.commission_expansion[trials] * expansion_arr * expand_share[r]
        on_renewal = role.commission_renewal[trials] * renewed_arr * renew_share[r]
        total += salary + on_new + on_expansion + on_renewal
        land += salary * role.motions.get("land", 0.0) + on_new
    return MonthSpend(total=total, land=land, post_sale=total - land)


def monthly_discount(discount_rate: FloatArray, months: int) -> FloatArray:
    """Factor for month ``t = 1..months``: ``(1 + annual_rate) ** (-t / 12)`` (end of month)."""
    t = np.arange(1, months + 1, dtype=np.float64)
    return (1.0 + discount_rate[:, None]) ** (-t[None, :] / 12.0)
