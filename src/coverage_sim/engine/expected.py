"""A customer book traced in expectation: the cohort lens (MODEL.md §3.5) and the run-off
terminal value (``valuation.terminal: runoff``).

State: expected customers and ARR by status (onboarding, adopted, at_risk) x renewal slot
x trial, shape ``(3, slots, trials)`` like ``CustomerBook``'s, in floats. Each month runs
the simulation's motions on expected values, in the same order: renew the due slot
(``kept = n * p``; at-risk and onboarding renewals give up ``downsell``), adopt (resolve,
adopt or not, decay, recover, all on the start-of-step state), expand (adopted ARR grows by
``upsell + cross_sell_per_year / 12 * cross_sell_size``). With ``renewal.by_tenure`` the
slots are tenure buckets x renewal slots as in ``CustomerBook`` (``renew_month``).
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import CoverageResponse, Customers, FloatArray
from coverage_sim.engine.response import rate_at
from coverage_sim.engine.tenure import advance, due_slots, tenure_rates

_ONBOARDING, _ADOPTED, _AT_RISK = 0, 1, 2


def _per_customer(arr: FloatArray, count: FloatArray) -> FloatArray:
    return np.divide(arr, count, out=np.zeros_like(arr), where=count > 0)


class ExpectedBook:
    """Expected counts and ARR, advanced one motion at a time (no process noise)."""

    def __init__(self, counts: FloatArray, arr: FloatArray) -> None:
        self.counts = np.array(counts, dtype=np.float64)
        self.arr = np.array(arr, dtype=np.float64)

    def active(self) -> FloatArray:
        return self.counts.sum(axis=(0, 1))

    def total_arr(self) -> FloatArray:
        return self.arr.sum(axis=(0, 1))

    def renew(
        self, slot: int, p_adopted: FloatArray, p_at_risk: FloatArray, downsell: FloatArray
    ) -> FloatArray:
        """Slot ``slot`` renews in expectation; returns the renewed ARR (after downsell)."""
        keep = np.stack([p_at_risk, p_adopted, p_at_risk])
        self.counts[:, slot] *= keep
        self.arr[:, slot] *= keep
        self.arr[_ONBOARDING, slot] *= 1.0 - downsell
        self.arr[_AT_RISK, slot] *= 1.0 - downsell
        renewed: FloatArray = self.arr[:, slot].sum(axis=0)
        return renewed

    def renew_month(
        self,
        month: int,
        contract_months: int,
        tenure: FloatArray,
        p_adopted: FloatArray,
        p_at_risk: FloatArray,
        downsell: FloatArray,
    ) -> FloatArray:
        """The renewals of ``month``: ``renew`` of the due slot without tenure factors;
        with them, every bucket's due slot at its own rates (clipped to [0, 1]), then the
        survivors move up one bucket. Returns the renewed ARR (after downsell)."""
        if not tenure.size:
            return self.renew(month % self.counts.shape[1], p_adopted, p_at_risk, downsell)
        due = due_slots(month, contract_months, tenure.size)
        keep = np.clip(tenure_rates(np.stack([p_at_risk, p_adopted, p_at_risk]), tenure), 0, 1)
        counts = self.counts[:, due] * keep
        arr = self.arr[:, due] * keep
        arr[_ONBOARDING] *= 1.0 - downsell
        arr[_AT_RISK] *= 1.0 - downsell
        renewed: FloatArray = arr.sum(axis=(0, 1))
        self.counts[:, due] = advance(counts)
        self.arr[:, due] = advance(arr)
        return renewed

    def adopt(
        self, resolve: FloatArray, adoption: FloatArray, decay: FloatArray, recovery: FloatArray
    ) -> None:
        count, arr = self.counts, self.arr
        per_head = _per_customer(arr, count)
        resolved = count[_ONBOARDING] * resolve
        decayed = count[_ADOPTED] * decay
        recovered = count[_AT_RISK] * recovery
        moved = [per_head[_ONBOARDING] * resolved, per_head[_ADOPTED] * decayed]
        moved.append(per_head[_AT_RISK] * recovered)
        count[_ONBOARDING] -= resolved
        count[_ADOPTED] += resolved * adoption - decayed + recovered
        count[_AT_RISK] += resolved * (1.0 - adoption) + decayed - recovered
        arr[_ONBOARDING] -= moved[0]
        arr[_ADOPTED] += moved[0] * adoption - moved[1] + moved[2]
        arr[_AT_RISK] += moved[0] * (1.0 - adoption) + moved[1] - moved[2]

    def expand(self, growth: FloatArray) -> FloatArray:
        """Adopted ARR grows by ``growth``; returns the expansion ARR."""
        added = self.arr[_ADOPTED] * growth
        self.arr[_ADOPTED] += added
        expansion: FloatArray = added.sum(axis=0)
        return expansion


def expected_rates(
    customers: Customers,
    coverage_adopt: FloatArray,
    coverage_expand: FloatArray,
    coverage_renew: FloatArray,
    trials: slice,
) -> dict[str, FloatArray]:
    """The book's monthly rates at the given coverages (trials on axis 0, any trailing
    axes), probabilities clipped to [0, 1]; ``growth`` = upsell + expected cross-sell.
    (The compiled cohort lens computes the same rates inside ``kernel_lens``.)"""
    size = customers.cross_sell_size[trials]
    size = size.reshape(size.shape + (1,) * (coverage_expand.ndim - 1))

    def at(response: CoverageResponse, coverage: FloatArray) -> FloatArray:
        return rate_at(response, coverage, trials)

    rates = {
        "renew_adopted": at(customers.renewal_adopted, coverage_renew),
        "renew_at_risk": at(customers.renewal_at_risk, coverage_renew),
        "adoption": at(customers.adoption_rate, coverage_adopt),
        "decay": at(customers.adoption_decay, coverage_adopt),
        "recovery": at(customers.adoption_recovery, coverage_adopt),
    }
    rates = {name: np.clip(rate, 0.0, 1.0) for name, rate in rates.items()}
    rates["growth"] = (
        at(customers.upsell_monthly, coverage_expand)
        + at(customers.cross_sell_per_year, coverage_expand) / 12.0 * size
    )
    return rates
