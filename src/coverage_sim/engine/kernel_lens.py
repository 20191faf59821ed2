"""The cohort lens's monthly trace as one compiled pass per trial (numba): bit for bit
what ``cohort_lens.trace_cohort`` computes with ``ExpectedBook`` and ``expected_rates``.

The same floating-point operations in the same order as the numpy reference: each rate is
``uncovered + gap * lift(c)`` (``response.py``) clipped to [0, 1] as ``np.clip`` does (a
NaN and a -0.0 kept), ``growth = upsell + cross_sell / 12 * size``; renew, adopt and
expand as ``ExpectedBook`` does them; a trial's ARR summed over its three statuses in
order, from 0.0 as numpy's ``sum`` does. Only the rates a month of the trace reads are
computed (the numpy path evaluates every month of the horizon and reads some). Nothing
here calls ``exp``/``log``.

Cached beside this file (``cache=True``); numba keys that cache on this file alone, so
these kernels call nothing from another module. Imported by the compiled path only.
"""

from __future__ import annotations

from typing import Any

from numba import njit


@njit(cache=True)
def _rate(uncovered: Any, gap: Any, half: Any, hill: Any, i: int, j: int, c: float) -> float:
    """``ChunkResponse.at`` for response ``i`` of trial ``j`` at coverage ``c``."""
    if hill[i]:
        h = half[i, j]
        denominator = c + h
        lift = c * (1.0 + h) / denominator if denominator > 0 else 0.0
    else:
        lift = c
    return uncovered[i, j] + gap[i, j] * lift


@njit(cache=True)
def _unit(x: float) -> float:
    """``np.clip(x, 0.0, 1.0)`` (a NaN, and a -0.0, are kept)."""
    if x < 0.0:  # (written with returns: as conditional expressions it runs 3 x slower)
        return 0.0
    if x > 1.0:
        return 1.0
    return x


@njit(cache=True)
def trace_revenue(
    contract_months: int,
    tenure: Any,
    resolve: Any,
    downsell: Any,
    acv: Any,
    cross_sell_size: Any,
    uncovered: Any,
    gap: Any,
    half: Any,
    hill: Any,
    coverage_adopt: Any,
    coverage_expand: Any,
    coverage_renew: Any,
    revenue: Any,
) -> None:
    """``revenue[j, tau - 1]``: the lens cohort's revenue (ARR / 12) in month ``tau`` of
    ``revenue.shape[1]``; the month's rates at coverage month ``min(tau, horizon)``; the
    responses packed in ``response.BOOK_RESPONSES`` order (``BookResponses``); ``tenure``
    the churn factors of ``renewal.by_tenure`` (length 0: none, the rates as they are)."""
    size, horizon = coverage_adopt.shape
    months = revenue.shape[1]
    for j in range(size):
        n0, n1, n2 = 1.0, 0.0, 0.0  # expected customers: onboarding, adopted, at risk
        a0, a1, a2 = acv[j], 0.0, 0.0  # their ARR
        revenue[j, 0] = (((0.0 + a0) + a1) + a2) / 12.0
        for tau in range(2, months + 1):
            m = min(tau, horizon) - 1
            if (tau - 1) % contract_months == 0:
                c = coverage_renew[j, m]
                keep_adopted = _unit(_rate(uncovered, gap, half, hill, 0, j, c))
                keep_at_risk = _unit(_rate(uncovered, gap, half, hill, 1, j, c))
                if tenure.shape[0] > 0:  # tenure.rate_at_renewal
                    f = tenure[min((tau - 1) // contract_months, tenure.shape[0]) - 1]
                    keep_adopted = _unit(1.0 - f * (1.0 - keep_adopted))
                    keep_at_risk = _unit(1.0 - f * (1.0 - keep_at_risk))
                n0 *= keep_at_risk
                n1 *= keep_adopted
                n2 *= keep_at_risk
                a0 *= keep_at_risk
                a1 *= keep_adopted
                a2 *= keep_at_risk
                a0 *= 1.0 - downsell[j]
                a2 *= 1.0 - downsell[j]
            c = coverage_adopt[j, m]
            adoption = _unit(_rate(uncovered, gap, half, hill, 2, j, c))
            decay = _unit(_rate(uncovered, gap, half, hill, 3, j, c))
            recovery = _unit(_rate(uncovered, gap, half, hill, 4, j, c))
            per0 = a0 / n0 if n0 > 0 else 0.0
            per1 = a1 / n1 if n1 > 0 else 0.0
            per2 = a2 / n2 if n2 > 0 else 0.0
            resolved = n0 * resolve[j]
            decayed = n1 * decay
            recovered = n2 * recovery
            moved0 = per0 * resolved
            moved1 = per1 * decayed
            moved2 = per2 * recovered
            n0 -= resolved
            n1 += resolved * adoption - decayed + recovered
            n2 += resolved * (1.0 - adoption) + decayed - recovered
            a0 -= moved0
            a1 += moved0 * adoption - moved1 + moved2
            a2 += moved0 * (1.0 - adoption) + moved1 - moved2
            c = coverage_expand[j, m]
            growth = (
                _rate(uncovered, gap, half, hill, 5, j, c)
                + _rate(uncovered, gap, half, hill, 6, j, c) / 12.0 * cross_sell_size[j]
            )
            a1 += a1 * growth
            revenue[j, tau - 1] = (((0.0 + a0) + a1) + a2) / 12.0
