"""Customer counts and ARR by status x group x renewal month-of-term (MODEL.md §3.3).

State arrays have shape ``(3, groups, contract_months, trials)`` (trials last, so every
motion works on contiguous per-trial vectors): status 0 onboarding, 1 adopted, 2 at_risk;
slot ``s`` renews in the months ``t`` with ``t % contract_months == s``. The land-cohort
axis of MODEL.md is collapsed to what the metrics need: one group until the final
12-month window opens, then a second group for logos landed inside the window, so GRR/NRR
are measured on the ARR that existed when the window opened.

Within a cell ARR is spread evenly over its customers: a transition that moves ``k`` of
``n`` customers moves ``k / n`` of the cell's ARR.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import FloatArray, IntArray
from coverage_sim.engine.streams import ADOPT, EXPAND, LAND, RENEW, NoiseStreams

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
    ) -> None:
        size = starting_arr.shape[0]
        k = max(int(contract_months), 1)
        self.contract_months = k
        slots = np.arange(k)[:, None]
        per_slot = starting_customers // k + (slots < starting_customers % k)
        share = np.clip(starting_adopted_share, 0.0, 1.0)
        adopted_total = np.rint(starting_customers * share).astype(np.int64)
        adopted = adopted_total // k + (slots < adopted_total % k)
        self.counts = np.zeros((3, 1, k, size), dtype=np.int64)
        self.counts[ADOPTED, 0] = adopted
        self.counts[AT_RISK, 0] = per_slot - adopted
        each = starting_arr / starting_customers if starting_customers else 0.0 * starting_arr
        self.arr = self.counts * np.asarray(each, dtype=np.float64)
        self.ever_landed = np.full(size, float(starting_customers))

    # -- state read-outs -------------------------------------------------------------
    def active(self) -> IntArray:
        return self.counts.sum(axis=(0, 1, 2))

    def adopted(self) -> IntArray:
        return self.counts[ADOPTED].sum(axis=(0, 1))

    def arr_by_group(self) -> FloatArray:
        """ARR per group x trial."""
        return self.arr.sum(axis=(0, 2))

    def open_window(self) -> None:
        """Start a second group: logos landed from now on are not in the GRR/NRR base."""
        self.counts = np.concatenate([self.counts, np.zeros_like(self.counts[:, :1])], axis=1)
        self.arr = np.concatenate([self.arr, np.zeros_like(self.arr[:, :1])], axis=1)

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
        renewals give up ``downsell`` of their ARR. Flows are per group x trial."""
        due = month % self.contract_months
        n = self.counts[:, :, due, :].copy()  # (3, groups, trials)
        p = np.stack([p_at_risk, p_adopted, p_at_risk])[:, None, :]
        kept = streams.binomial(RENEW, n, p)
        arr = self.arr[:, :, due, :]
        kept_arr = arr * _share(kept, n)
        churn_arr = arr - kept_arr
        cut = kept_arr * (downsell * np.array([1.0, 0.0, 1.0])[:, None, None])
        renewed = kept_arr - cut
        self.counts[:, :, due, :] = kept
        self.arr[:, :, due, :] = renewed
        return {
            "churn": churn_arr.sum(axis=0),
            "contraction": cut.sum(axis=0),
            "renewed": renewed.sum(axis=0),
            "churned_logos": (n - kept).sum(axis=0).astype(np.float64),
        }

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
        counts, arr = self.counts, self.arr
        onboarding = counts[ONBOARDING]
        resolved = streams.binomial(ADOPT, onboarding, resolve)
        to_adopted = streams.binomial(ADOPT, resolved, adoption_rate)
        moves = streams.binomial(
            ADOPT, counts[ADOPTED:], np.stack([decay, recovery])[:, None, None]
        )
        decayed, recovered = moves[0], moves[1]

        resolved_arr = arr[ONBOARDING] * _share(resolved, onboarding)
        to_adopted_arr = resolved_arr * _share(to_adopted, resolved)
        decayed_arr = arr[ADOPTED] * _share(decayed, counts[ADOPTED])
        recovered_arr = arr[AT_RISK] * _share(recovered, counts[AT_RISK])

        counts[ONBOARDING] -= resolved
        counts[ADOPTED] += to_adopted - decayed + recovered
        counts[AT_RISK] += resolved - to_adopted + decayed - recovered
        arr[ONBOARDING] -= resolved_arr
        arr[ADOPTED] += to_adopted_arr - decayed_arr + recovered_arr
        arr[AT_RISK] += (resolved_arr - to_adopted_arr) + decayed_arr - recovered_arr

    def expand(
        self,
        streams: NoiseStreams,
        upsell: FloatArray,
        cross_sell_per_month: FloatArray,
        cross_sell_size: FloatArray,
    ) -> FloatArray:
        """Adopted ARR grows by ``upsell``; cross-sell events ~ Poisson(adopted x rate), each
        adding ``cross_sell_size`` x an average adopted account's ARR, spread over the adopted
        book in proportion to ARR. Returns expansion ARR per group x trial."""
        adopted = self.adopted()
        events = streams.poisson(EXPAND, adopted * cross_sell_per_month)
        growth = upsell + _share(events, adopted) * cross_sell_size
        added = self.arr[ADOPTED] * growth
        self.arr[ADOPTED] += added
        return added.sum(axis=1)

    def land(
        self, streams: NoiseStreams, month: int, rate: FloatArray, acv: FloatArray
    ) -> IntArray:
        """New logos ~ Poisson(rate) enter onboarding in the slot of their anniversary."""
        new_logos = streams.poisson(LAND, rate)
        slot = month % self.contract_months
        self.counts[ONBOARDING, -1, slot] += new_logos
        self.arr[ONBOARDING, -1, slot] += new_logos * acv
        self.ever_landed += new_logos
        return new_logos
