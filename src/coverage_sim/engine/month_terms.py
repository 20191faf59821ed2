"""The month's coverage of the post-sale motions and its coverage spend, per chunk of
trials (MODEL.md §3.3-3.4): ``MonthTerms`` with numpy (the reference), the compiled
engine's subclass in ``kernel_book.py`` (the same bytes).

Coverage of a motion ``m``: ``coverage_of(sum_r w_m,r * ramped_r * accounts_per_head_r,
accounts)`` with the start-of-month active customers (adopt, renew) or adopted ones
(expand). Spend: ``money.month_spend`` with each role's share of land capacity (the
capacity that built the month's pipeline) and of expand and renew capacity.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import CompiledScenario, FloatArray, IntArray
from coverage_sim.engine.money import MonthSpend, capacity_shares, month_spend
from coverage_sim.engine.response import coverage_of

# the post-sale motions whose coverage a month computes, in ``coverage``'s order
COVERAGE_MOTIONS = ("adopt", "renew", "expand")


def total_over_roles(parts: list[FloatArray], size: int) -> FloatArray:
    """Sum over roles (zeros for a scenario without roles)."""
    return np.sum(parts, axis=0) if parts else np.zeros(size)


class MonthTerms:
    """Coverage and spend of one chunk's months; per-trial inputs sliced once."""

    def __init__(self, scenario: CompiledScenario, trials: slice) -> None:
        self.roles, self.trials = scenario.roles, trials
        self.size = trials.stop - trials.start
        self.weights = [[r.motions.get(m, 0.0) for r in self.roles] for m in COVERAGE_MOTIONS]
        self.accounts_per_head = [r.accounts_per_head[trials] for r in self.roles]
        self._book_capacity: list[list[FloatArray]] = []

    def coverage(
        self, ramped: list[FloatArray], active: IntArray, adopted: IntArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Coverage of adopt, renew and expand (remembers the capacities for ``spend``)."""
        self._book_capacity = [
            [w[i] * ramped[i] * self.accounts_per_head[i] for i in range(len(self.roles))]
            for w in self.weights
        ]
        accounts = (active.astype(np.float64), active.astype(np.float64), adopted.astype(float))
        c_adopt, c_renew, c_expand = (
            coverage_of(total_over_roles(capacity, self.size), n)
            for capacity, n in zip(self._book_capacity, accounts, strict=True)
        )
        return c_adopt, c_renew, c_expand

    def spend(
        self,
        heads: list[IntArray],
        land_capacity: list[FloatArray],
        new_acv: FloatArray,
        expansion_arr: FloatArray,
        renewed_arr: FloatArray,
    ) -> MonthSpend:
        """The month's coverage spend, after ``coverage`` of the same month."""
        _, renew, expand = self._book_capacity
        return month_spend(
            self.roles,
            self.trials,
            [h.astype(np.float64) for h in heads],
            capacity_shares(land_capacity),
            capacity_shares(expand),
            capacity_shares(renew),
            new_acv,
            expansion_arr,
            renewed_arr,
        )
