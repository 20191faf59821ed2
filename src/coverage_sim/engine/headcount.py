"""Heads by role, tracked by tenure (MODEL.md §3.2).

Each role keeps, per trial, the heads still ramping by tenure (bin ``j`` holds heads in
their ``j + 1``-th month, for the ``ceil(R)`` months of that trial's ramp ``R``) and one pool
of fully productive heads (tenure past the trial's own ramp). Each month: everyone ages one
month (the last ramping bin joins the pool); attrition removes
``Binomial(heads, 1 - (1 - attrition) ** (1 / 12))`` from the pool and from every ramping
bin; hiring fills the gap to the target (at most ``max_hires_per_month`` if set) into bin 0
(into the pool when ``R = 0``); with ``reduce: immediate`` heads over target are cut at
once, newest first (last in, first out), otherwise they leave by attrition only.

A trial's cells depend only on its own ramp, and the attrition draw reads the pool first
and bin ``j`` at row ``1 + j``: whichever other trials share the chunk (however many bins
they need), a trial's draws are the same.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import FloatArray, IntArray, Role
from coverage_sim.engine.streams import NoiseStreams, attrition_purpose


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

    def __init__(
        self, role: Role, trials: slice, starting_target: IntArray, horizon_months: int
    ) -> None:
        self.role = role
        ramp = np.maximum(role.ramp_months[trials], 0.0)
        # months with productivity below 1; a head never gets past month H of tenure, so
        # bins beyond the horizon would stay empty and are not kept
        self.ramp_bins = np.minimum(np.ceil(ramp), max(horizon_months, 0)).astype(np.int64)
        bins = int(self.ramp_bins.max()) if ramp.size else 0
        month = np.arange(1, bins + 1, dtype=np.float64)[:, None]
        self.in_ramp = np.arange(bins)[:, None] < self.ramp_bins[None, :]  # (bins, trials)
        self.productivity = np.where(self.in_ramp, month_productivity(ramp[None, :], month), 0.0)
        self.hazard = 1.0 - (1.0 - np.clip(role.attrition[trials], 0.0, 1.0)) ** (1.0 / 12.0)
        self.purpose = attrition_purpose(role.name)
        self.ramping = np.zeros((bins, ramp.size), dtype=np.int64)  # (bins, trials)
        start = role.starting_heads if role.starting_heads is not None else starting_target
        self.productive = np.zeros(ramp.size, dtype=np.int64) + start
        self.heads = self.productive.copy()
        self.ramped = self.productive.astype(np.float64)

    def step(self, streams: NoiseStreams, target: IntArray) -> None:
        """Age, attrition, then hire up to (or, if ``reduce: immediate``, cut down to) target."""
        ramping = self.ramping
        if ramping.shape[0]:
            last = np.maximum(self.ramp_bins - 1, 0)[None, :]
            graduating = np.take_along_axis(ramping, last, axis=0)[0]
            self.productive += np.where(self.ramp_bins > 0, graduating, 0)
            ramping[1:] = ramping[:-1].copy()
            ramping[0] = 0
            ramping *= self.in_ramp  # the row past each trial's ramp held the graduates
        self._attrition(streams)
        heads = self.productive + ramping.sum(axis=0)
        hires = np.maximum(target - heads, 0)
        if self.role.max_hires_per_month is not None:
            hires = np.minimum(hires, self.role.max_hires_per_month)
        if ramping.shape[0]:
            ramping[0] += np.where(self.ramp_bins > 0, hires, 0)
            self.productive += np.where(self.ramp_bins > 0, 0, hires)
        else:
            self.productive += hires
        if self.role.reduce == "immediate":
            excess = np.maximum(heads - target, 0)
            if excess.any():
                newest_first = np.concatenate([ramping, self.productive[None, :]])
                before = np.cumsum(newest_first, axis=0) - newest_first
                newest_first -= np.clip(excess - before, 0, newest_first)
                ramping[:] = newest_first[:-1]
                self.productive = newest_first[-1].copy()
        self.heads = self.productive + ramping.sum(axis=0)
        self.ramped = self.productive + (ramping * self.productivity).sum(axis=0)

    def _attrition(self, streams: NoiseStreams) -> None:
        """Remove Binomial(heads, hazard) leavers from the productive pool and from every
        ramping bin (one draw per cell, the pool at row 0, bin ``j`` at row ``1 + j``)."""
        cells = np.concatenate([self.productive[None, :], self.ramping])
        leaving = streams.binomial(self.purpose, cells, self.hazard)
        self.productive -= leaving[0]
        self.ramping -= leaving[1:]
