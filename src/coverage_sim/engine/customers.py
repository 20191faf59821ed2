"""Customer counts and ARR by status x renewal month-of-term (MODEL.md §3.3).

State arrays have shape ``(3, contract_months, trials)`` (trials last, so every motion
works on contiguous per-trial vectors): status 0 onboarding, 1 adopted, 2 at_risk; slot
``s`` renews in the months ``t`` with ``t % contract_months == s``. The land-cohort axis
of MODEL.md is collapsed to what the metrics need: beside ``arr`` the book keeps
``base_arr`` (same shape), zero until the final 12-month window opens and then a copy of
``arr``. Every move of ARR (churn, downsell, status changes, upsell and cross-sell)
applies the same per-cell share to ``base_arr``; new logos add to ``arr`` only. GRR/NRR
read the base flows. The cells, and so the draws, never depend on the horizon: the first
``H`` months of a longer run equal an ``H``-month run, trial by trial.

Within a cell ARR is spread evenly over its customers: a transition that moves ``k`` of
``n`` customers moves ``k / n`` of the cell's ARR (and ``k / n`` of its base ARR).

Renewal by tenure (``renewal.by_tenure``, ``T`` factors after ``compile.tenure_factors``):
the slot axis becomes ``T x contract_months`` long, slot ``b * contract_months + s`` being
the customers of renewal slot ``s`` who have renewed ``b`` times (the last bucket: ``T - 1``
times or more). Only ``renew`` reads the buckets (``tenure.py``); every other motion works
on all slots alike. Without the key ``T = 1``: the state, draws and bytes of the engine
before the key existed.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import FloatArray, IntArray
from coverage_sim.engine.streams import ADOPT, EXPAND, LAND, RENEW, NoiseStreams
from coverage_sim.engine.tenure import advance, due_slots, tenure_rates

ONBOARDING, ADOPTED, AT_RISK = 0, 1, 2


def onboarding_resolution(onboarding_months: FloatArray) -> FloatArray:
    """Monthly chance an onboarding customer resolves: ``clip(1 / onboarding_months, 0, 1)``
    (a mean time to value of ``T`` months; ``T <= 1`` resolves within the first month)."""
    return np.clip(1.0 / np.maximum(onboarding_months, 1e-9), 0.0, 1.0)


def _share(part: IntArray, whole: IntArray) -> FloatArray:
    """``part / whole`` where ``whole > 0``, else 0 (exactly 1.0 when all of a cell moves)."""
    return np.divide(part, whole, out=np.zeros(part.shape, dtype=np.float64), where=whole > 0)


class CustomerBook:
    """The customer state of one chunk of trials, advanced one motion at a time."""

    def __init__(
        self,
        starting_customers: int,
        starting_arr: FloatArray,
        starting_adopted_share: FloatArray,
        contract_months: int,
        tenure: tuple[float, ...] = (),
    ) -> None:
        size = starting_arr.shape[0]
        k = max(int(contract_months), 1)
        self.contract_months = k
        self.tenure = np.array(tenure, dtype=np.float64)  # () without renewal.by_tenure
        buckets = max(len(tenure), 1)
        slots = np.arange(k)[:, None]
        per_slot = starting_customers // k + (slots < starting_customers % k)
        share = np.clip(starting_adopted_share, 0.0, 1.0)
        adopted_total = np.rint(starting_customers * share).astype(np.int64)
        adopted = adopted_total // k + (slots < adopted_total % k)
        self.counts = np.zeros((3, buckets * k, size), dtype=np.int64)
        mature = slice((buckets - 1) * k, buckets * k)  # the installed base: last bucket
        self.counts[ADOPTED, mature] = adopted
        self.counts[AT_RISK, mature] = per_slot - adopted
        each = starting_arr / starting_customers if starting_customers else 0.0 * starting_arr
        self.arr: FloatArray = self.counts.astype(np.float64) * np.asarray(each, dtype=np.float64)
        self.base_arr = np.zeros_like(self.arr)
        self.ever_landed = np.full(size, float(starting_customers))

    # -- state read-outs -------------------------------------------------------------
    def active(self) -> IntArray:
        return self.counts.sum(axis=(0, 1))

    def adopted(self) -> IntArray:
        return self.counts[ADOPTED].sum(axis=0)

    def total_arr(self) -> FloatArray:
        """ARR per trial."""
        return self.arr.sum(axis=(0, 1))

    def active_and_adopted(self) -> tuple[IntArray, IntArray]:
        """``active()`` and ``adopted()`` (the compiled book reads the cells once)."""
        return self.active(), self.adopted()

    def active_and_arr(self) -> tuple[IntArray, FloatArray]:
        """``active()`` and ``total_arr()`` (the compiled book reads the cells once)."""
        return self.active(), self.total_arr()

    def open_window(self) -> FloatArray:
        """The GRR/NRR base becomes today's book (logos landed later are not in it);
        returns its ARR per trial."""
        self.base_arr = self.arr.copy()
        return self.total_arr()

    # -- motions -----------------------------------------------------------------------
    def renew(
        self,
        streams: NoiseStreams,
        month: int,
        p_adopted: FloatArray,
        p_at_risk: FloatArray,
        downsell: FloatArray,
    ) -> dict[str, FloatArray]:
        """Due slot renews: Binomial(n, p) stay, churned ARR leaves, at-risk and onboarding
        renewals give up ``downsell`` of their ARR. Flows are per trial; ``base_*`` are the
        flows of the GRR/NRR base."""
        if self.tenure.size:
            return self._renew_by_tenure(streams, month, p_adopted, p_at_risk, downsell)
        due = month % self.contract_months
        n = self.counts[:, due, :].copy()  # (3, trials)
        p = np.stack([p_at_risk, p_adopted, p_at_risk])
        kept = streams.binomial(RENEW, n, p)
        kept_share = _share(kept, n)
        cut_share = downsell * np.array([1.0, 0.0, 1.0])[:, None]
        flows: dict[str, FloatArray] = {}
        for prefix, state in (("", self.arr), ("base_", self.base_arr)):
            arr = state[:, due, :]
            kept_arr = arr * kept_share
            cut = kept_arr * cut_share
            renewed = kept_arr - cut
            flows[prefix + "churn"] = (arr - kept_arr).sum(axis=0)
            flows[prefix + "contraction"] = cut.sum(axis=0)
            flows[prefix + "renewed"] = renewed.sum(axis=0)
            state[:, due, :] = renewed
        self.counts[:, due, :] = kept
        flows["churned_logos"] = (n - kept).sum(axis=0).astype(np.float64)
        return flows

    def _renew_by_tenure(
        self,
        streams: NoiseStreams,
        month: int,
        p_adopted: FloatArray,
        p_at_risk: FloatArray,
        downsell: FloatArray,
    ) -> dict[str, FloatArray]:
        """``renew`` with tenure buckets: the due slot of every bucket renews at its own
        rates (one draw per status x bucket, status-major), then the survivors move up one
        bucket (the last keeps its own and takes the one below)."""
        due = due_slots(month, self.contract_months, self.tenure.size)
        n = self.counts[:, due, :]  # (3, buckets, trials), a copy
        p = tenure_rates(np.stack([p_at_risk, p_adopted, p_at_risk]), self.tenure)
        kept = streams.binomial(RENEW, n, p)
        kept_share = _share(kept, n)
        cut_share = (downsell * np.array([1.0, 0.0, 1.0])[:, None])[:, None, :]
        flows: dict[str, FloatArray] = {}
        for prefix, state in (("", self.arr), ("base_", self.base_arr)):
            arr = state[:, due, :]
            kept_arr = arr * kept_share
            cut = kept_arr * cut_share
            renewed = kept_arr - cut
            flows[prefix + "churn"] = (arr - kept_arr).sum(axis=(0, 1))
            flows[prefix + "contraction"] = cut.sum(axis=(0, 1))
            flows[prefix + "renewed"] = renewed.sum(axis=(0, 1))
            state[:, due, :] = advance(renewed)
        self.counts[:, due, :] = advance(kept)
        flows["churned_logos"] = (n - kept).sum(axis=(0, 1)).astype(np.float64)
        return flows

    def adopt(
        self,
        streams: NoiseStreams,
        resolve: FloatArray,
        adoption_rate: FloatArray,
        decay: FloatArray,
        recovery: FloatArray,
    ) -> None:
        """Onboarding resolves w.p. ``resolve``, to adopted w.p. ``adoption_rate`` else at
        risk; adopted decay, at-risk recover. All three act on the start-of-step counts."""
        counts = self.counts
        onboarding = counts[ONBOARDING]
        resolved = streams.binomial(ADOPT, onboarding, resolve)
        to_adopted = streams.binomial(ADOPT, resolved, adoption_rate)
        moves = streams.binomial(ADOPT, counts[ADOPTED:], np.stack([decay, recovery])[:, None])
        decayed, recovered = moves[0], moves[1]

        resolved_share = _share(resolved, onboarding)
        to_adopted_share = _share(to_adopted, resolved)
        decayed_share = _share(decayed, counts[ADOPTED])
        recovered_share = _share(recovered, counts[AT_RISK])
        for arr in (self.arr, self.base_arr):
            resolved_arr = arr[ONBOARDING] * resolved_share
            to_adopted_arr = resolved_arr * to_adopted_share
            decayed_arr = arr[ADOPTED] * decayed_share
            recovered_arr = arr[AT_RISK] * recovered_share
            arr[ONBOARDING] -= resolved_arr
            arr[ADOPTED] += to_adopted_arr - decayed_arr + recovered_arr
            arr[AT_RISK] += (resolved_arr - to_adopted_arr) + decayed_arr - recovered_arr

        counts[ONBOARDING] -= resolved
        counts[ADOPTED] += to_adopted - decayed + recovered
        counts[AT_RISK] += resolved - to_adopted + decayed - recovered

    def expand(
        self,
        streams: NoiseStreams,
        upsell: FloatArray,
        cross_sell_per_month: FloatArray,
        cross_sell_size: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Adopted ARR grows by ``upsell``; cross-sell events ~ Poisson(adopted x rate), each
        adding ``cross_sell_size`` x an average adopted account's ARR, spread over the adopted
        book in proportion to ARR. Returns expansion ARR per trial, all and of the base."""
        adopted = self.adopted()
        events = streams.poisson(EXPAND, adopted * cross_sell_per_month)
        growth = upsell + _share(events, adopted) * cross_sell_size
        added = self.arr[ADOPTED] * growth
        base_added = self.base_arr[ADOPTED] * growth
        self.arr[ADOPTED] += added
        self.base_arr[ADOPTED] += base_added
        return added.sum(axis=0), base_added.sum(axis=0)

    def land(
        self, streams: NoiseStreams, month: int, rate: FloatArray, acv: FloatArray
    ) -> IntArray:
        """New logos ~ Poisson(rate) enter onboarding in the slot of their anniversary (not
        in the GRR/NRR base)."""
        new_logos = streams.poisson(LAND, rate)
        slot = month % self.contract_months
        self.counts[ONBOARDING, slot] += new_logos
        self.arr[ONBOARDING, slot] += new_logos * acv
        self.ever_landed += new_logos
        return new_logos
