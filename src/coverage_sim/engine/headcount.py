"""Heads by role, tracked by tenure (MODEL.md §3.2).

Each role keeps a tenure histogram per trial: bin ``j`` holds heads in their ``j + 1``-th
month of employment, and the last bin holds everyone past the longest ramp of any trial
(fully productive). Each month: everyone ages one month; attrition removes
``Binomial(heads_in_bin, 1 - (1 - attrition) ** (1 / 12))`` from every bin; hiring fills
the gap to the target (at most ``max_hires_per_month`` if set) into bin 0; with
``reduce: immediate`` heads over target are cut at once, newest first (last in, first out),
otherwise they leave by attrition only.
"""

from __future__ import annotations

import math

import numpy as np

from coverage_sim.compiled import FloatArray, Role
from coverage_sim.engine.streams import IntArray, NoiseStreams, attrition_purpose


def month_productivity(ramp_months: FloatArray, month_of_employment: FloatArray) -> FloatArray:
    """Average of the linear ramp ``min(1, tau / R)`` over month ``m`` (``tau`` in [m-1, m]).

    ``(m - 1/2) / R`` while the month lies inside the ramp, 1 once past it, the exact
    integral in the month the ramp ends; ``R = 0`` is productive at once.
    """
    ramp = np.maximum(ramp_months, 0.0)
    m = month_of_employment
    safe = np.where(ramp > 0, ramp, 1.0)
    inside = (m - 0.5) / safe
    crossing = (ramp**2 - (m - 1.0) ** 2) / (2.0 * safe) + (m - ramp)
    out = np.where(m <= ramp, inside, np.where(m - 1.0 >= ramp, 1.0, crossing))
    return np.where(ramp > 0, out, 1.0)


def target_heads(monthly_budget: FloatArray, share: float, loaded_cost: FloatArray) -> IntArray:
    """``h* = floor(B_t * share / (loaded_cost / 12))`` (a tiny tolerance absorbs float error)."""
    monthly_cost = loaded_cost / 12.0
    heads = np.divide(
        monthly_budget * share,
        monthly_cost,
        out=np.zeros_like(monthly_budget),
        where=monthly_cost > 0,
    )
    return np.floor(heads * (1.0 + 1e-12) + 1e-9).astype(np.int64)


class RoleWorkforce:
    """One role's heads over a chunk of trials."""

    def __init__(self, role: Role, trials: slice, starting_target: IntArray) -> None:
        self.role = role
        ramp = role.ramp_months[trials]
        longest = float(np.max(ramp)) if ramp.size else 0.0
        self.bins = math.ceil(max(longest, 0.0)) + 1
        months = np.arange(1, self.bins + 1, dtype=np.float64)
        self.productivity = month_productivity(ramp[None, :], months[:, None])  # (bins, trials)
        self.productivity[-1] = 1.0
        self.hazard = 1.0 - (1.0 - np.clip(role.attrition[trials], 0.0, 1.0)) ** (1.0 / 12.0)
        self.purpose = attrition_purpose(role.name)
        self.tenure = np.zeros((self.bins, ramp.size), dtype=np.int64)  # (bins, trials)
        if role.starting_heads is not None:
            self.tenure[-1] = role.starting_heads
        else:
            self.tenure[-1] = starting_target
        self.heads = self.tenure.sum(axis=0)
        self.ramped = self.tenure[-1].astype(np.float64)
        self.hires = np.zeros(ramp.size, dtype=np.int64)
        self.leavers = np.zeros(ramp.size, dtype=np.int64)

    def step(self, streams: NoiseStreams, target: IntArray) -> None:
        """Age, attrition, then hire up to (or, if ``reduce: immediate``, cut down to) target."""
        tenure = self.tenure
        if self.bins > 1:
            tenure[-1] += tenure[-2]
            tenure[1:-1] = tenure[:-2].copy()
            tenure[0] = 0
        self.leavers = self._attrition(streams)
        heads = tenure.sum(axis=0)
        hires = np.maximum(target - heads, 0)
        if self.role.max_hires_per_month is not None:
            hires = np.minimum(hires, self.role.max_hires_per_month)
        tenure[0] += hires
        if self.role.reduce == "immediate":
            excess = np.maximum(heads - target, 0)
            if excess.any():
                before = np.cumsum(tenure, axis=0) - tenure
                tenure -= np.clip(excess - before, 0, tenure)
        self.hires = hires
        self.heads = tenure.sum(axis=0)
        self.ramped = (tenure * self.productivity).sum(axis=0)

    def _attrition(self, streams: NoiseStreams) -> IntArray:
        """Remove Binomial(heads, hazard) leavers from every tenure bin; returns leavers.

        Every head has the same hazard, so the draw is made on two cells per trial: the
        fully ramped bin and the ramping bins together. Leavers from the ramping bins are
        then a uniformly random subset of the ramping heads: picked one at a time (without
        replacement) with a uniform draw over the remaining heads. This is the same
        distribution as one binomial per bin, at a fraction of the draws.
        """
        tenure = self.tenure
        ramping = tenure[:-1]
        pooled = np.stack([tenure[-1], ramping.sum(axis=0)])
        leaving = streams.binomial(self.purpose, pooled, self.hazard)
        tenure[-1] -= leaving[0]
        to_pick = leaving[1].copy()
        while to_pick.any():
            who = np.flatnonzero(to_pick)
            remaining = np.cumsum(ramping[:, who], axis=0)
            point = streams.uniform_for(self.purpose, who) * remaining[-1]
            bin_of = (remaining <= point[None, :]).sum(axis=0)
            ramping[bin_of, who] -= 1
            to_pick[who] -= 1
        return leaving.sum(axis=0)
