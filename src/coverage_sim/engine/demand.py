"""Land demand and marketing (``market.demand``; docs/model.md §5).

Demand ``D_t = new_logos_per_month * (1 + growth) ** floor((t - 1) / 12)`` is the most
new logos a month the market yields, however many sellers; the land capacity
``E_land`` meets it with diminishing returns: the expected new logos from sellers are
``D_t * s(E_land / D_t)`` with ``s(x) = 1 - exp(-x)`` (``shape: exp``, the default: ``~x``
for small capacity, ``-> 1`` as it grows) or ``min(x, 1)`` (``shape: linear``). ``D_t = 0``
lands nothing. Marketing (demand generation) costs ``cost_annual / 12`` a month, growing
with demand. Without the block land is ``E_land`` (no limit) and marketing costs nothing.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import Demand, FloatArray
from coverage_sim.engine.money import stepped_growth


def demand_at(demand: Demand, month: int, trials: slice) -> FloatArray:
    """``D_t``: the most new logos the market yields in month ``t``."""
    return np.asarray(
        demand.new_logos_per_month[trials] * stepped_growth(demand.growth[trials], month)
    )


def seller_logos(capacity: FloatArray, demand: FloatArray, shape: str) -> FloatArray:
    """Expected new logos from sellers: ``D * s(E / D)`` (0 where ``D = 0``)."""
    x = np.divide(capacity, demand, out=np.zeros_like(capacity), where=demand > 0)
    s = -np.expm1(-x) if shape == "exp" else np.minimum(x, 1.0)
    return np.asarray(demand * s)


def marketing_cost(demand: Demand | None, month: int, trials: slice, size: int) -> FloatArray:
    """Marketing spend of month ``t``: ``cost_annual / 12`` grown like demand (0 without it)."""
    if demand is None:
        return np.zeros(size)
    return np.asarray(
        demand.cost_annual[trials] * stepped_growth(demand.growth[trials], month) / 12.0
    )
