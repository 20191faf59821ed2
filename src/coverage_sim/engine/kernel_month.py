"""The compiled engine's per-month arithmetic around the draws (numba): coverage, the
rates that respond to it and the month's coverage spend, one pass over the trials each,
bit for bit what ``simulate.py``, ``response.py`` and ``money.py`` compute with numpy.

Same floating-point operations in the same order as the numpy reference: products left
to right as written there, sums over roles that start at 0.0 and add the roles in order
(as numpy's ``sum(axis=0)`` over a list of per-role arrays does), the same guards where
numpy divides with ``where=``. Nothing here calls ``exp``/``log`` (numpy's SIMD versions
can differ from the C library's in the last bit; see ``kernel.py``).

Cached beside this file (``cache=True``); numba keys that cache on this file alone, so
these kernels call nothing from another module. Imported by the compiled path only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit


@njit(cache=True)
def book_rates(
    uncovered: Any,
    gap: Any,
    half: Any,
    hill: Any,
    reads: Any,
    adopt: Any,
    renew: Any,
    expand: Any,
    out: Any,
) -> None:
    """``response.BookResponses.at``: ``out[i, j] = uncovered[i, j] + gap[i, j] *
    lift(c_j)`` with ``c`` the coverage response ``i`` reads (``reads[i]``: 0 adopt, 1
    renew, 2 expand), ``lift = c`` (linear) or ``c (1 + h) / (c + h)``, 0 where ``c + h <=
    0`` (hill)."""
    for i in range(out.shape[0]):
        coverage = adopt if reads[i] == 0 else renew if reads[i] == 1 else expand
        row, low, rise, h = out[i], uncovered[i], gap[i], half[i]
        if hill[i]:
            for j in range(row.shape[0]):
                c = coverage[j]
                denominator = c + h[j]
                lift = c * (1.0 + h[j]) / denominator if denominator > 0 else 0.0
                row[j] = low[j] + rise[j] * lift
        else:
            for j in range(row.shape[0]):
                row[j] = low[j] + rise[j] * coverage[j]


@njit(cache=True)
def _coverage(capacity: float, accounts: float) -> float:
    """``response.coverage_of`` for one trial (``np.minimum`` keeps a NaN)."""
    if accounts <= 0 and capacity <= 0:
        return 0.0
    ratio = capacity / accounts if accounts > 0 else 1.0
    return 1.0 if ratio > 1.0 else ratio


@njit(cache=True)
def coverages(
    weights: Any, ramped: Any, per_head: Any, active: Any, adopted: Any, out: Any
) -> None:  # fmt: skip
    """Rows ``adopt, renew, expand`` of ``out``: ``coverage_of(sum_r w[m, r] * ramped_r *
    accounts_per_head_r, accounts)`` with the active customers (adopt, renew) or the
    adopted ones (expand) as the accounts."""
    roles, size = ramped.shape
    for m in range(3):
        for j in range(size):
            capacity = 0.0
            for r in range(roles):
                capacity += weights[m, r] * ramped[r, j] * per_head[r, j]
            accounts = float(adopted[j]) if m == 2 else float(active[j])
            out[m, j] = _coverage(capacity, accounts)


@njit(cache=True)
def month_spend(
    heads: Any,
    loaded_cost: Any,
    commissions: Any,
    land_weight: Any,
    book_weight: Any,
    ramped: Any,
    per_head: Any,
    land_capacity: Any,
    new_acv: Any,
    expansion_arr: Any,
    renewed_arr: Any,
    out: Any,
) -> None:
    """``money.month_spend`` with each role's share (``money.capacity_shares``: 0 where
    the motion has no capacity) of land capacity (``land_capacity``, by role) and of
    expand and renew capacity (``book_weight[m, r] * ramped_r * accounts_per_head_r``,
    rows expand, renew). ``commissions[c, r]`` per trial, rows new, expansion, renewal.
    ``out`` rows: total, land, post_sale, post_sale_salary, on_expansion, on_renewal;
    ``out[2]`` holds the salaries and ``out[3]`` the land salaries until the end."""
    roles, size = heads.shape
    capacity = np.zeros((3, size))  # land, expand, renew, summed over roles from 0.0
    for r in range(roles):
        for j in range(size):
            capacity[0, j] += land_capacity[r, j]
            capacity[1, j] += book_weight[0, r] * ramped[r, j] * per_head[r, j]
            capacity[2, j] += book_weight[1, r] * ramped[r, j] * per_head[r, j]
    out[:, :] = 0.0
    for r in range(roles):
        for j in range(size):
            land = capacity[0, j]
            land_share = land_capacity[r, j] / land if land > 0 else 0.0
            expand = capacity[1, j]
            role_expand = book_weight[0, r] * ramped[r, j] * per_head[r, j]
            expand_share = role_expand / expand if expand > 0 else 0.0
            renew = capacity[2, j]
            role_renew = book_weight[1, r] * ramped[r, j] * per_head[r, j]
            renew_share = role_renew / renew if renew > 0 else 0.0
            salary = float(heads[r, j]) * loaded_cost[r, j] / 12.0
            on_new = commissions[0, r, j] * new_acv[j] * land_share
            expansion = commissions[1, r, j] * expansion_arr[j] * expand_share
            renewal = commissions[2, r, j] * renewed_arr[j] * renew_share
            out[0, j] += salary + on_new + expansion + renewal
            out[1, j] += salary * land_weight[r] + on_new
            out[2, j] += salary
            out[3, j] += salary * land_weight[r]
            out[4, j] += expansion
            out[5, j] += renewal
    for j in range(size):
        out[3, j] = out[2, j] - out[3, j]
        out[2, j] = out[0, j] - out[1, j]


@njit(cache=True)
def record_month(
    year: int,
    flows: Any,
    new_logos: Any,
    company: Any,
    contribution: Any,
    post_sale_share: Any,
    bridge: Any,
    totals: Any,
    window: Any,
) -> None:
    """``ChunkRecord.month``'s arithmetic for one month. ``flows`` rows: revenue, spend
    total, land, post-sale, marketing, new ACV, expansion, base expansion, churn,
    contraction, base churn, base contraction, churned logos; ``company`` rows: gross
    margin, other opex share, this month's discount factor. Writes the month's
    ``contribution`` and ``post_sale_share`` and adds to the bridge columns (new,
    expansion, contraction, churn of ``year``), the ``totals`` rows (``ChunkRecord``'s
    order) and ``window`` (churn, contraction, expansion)."""
    for j in range(new_logos.shape[0]):
        revenue = flows[0, j]
        total = flows[1, j]
        gross = revenue * company[0, j]
        c = gross - total - flows[4, j] - company[1, j] * revenue
        contribution[j] = c
        post_sale_share[j] = flows[3, j] / total if total > 0 else 0.0
        bridge[0][j, year] += flows[5, j]
        bridge[1][j, year] += flows[6, j]
        bridge[2][j, year] += flows[9, j]
        bridge[3][j, year] += flows[8, j]
        totals[0, j] += revenue
        totals[1, j] += total
        totals[2, j] += flows[2, j]
        totals[3, j] += flows[3, j]
        totals[4, j] += flows[4, j]
        totals[5, j] += c
        totals[6, j] += c * company[2, j]
        totals[7, j] += float(new_logos[j])
        totals[8, j] += flows[5, j]
        totals[9, j] += flows[12, j]
        window[0, j] += flows[10, j]
        window[1, j] += flows[11, j]
        window[2, j] += flows[7, j]
