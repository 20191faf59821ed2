"""Customer counts and ARR by group x status x renewal month-of-term (MODEL.md §3.3).

State arrays have shape ``(trials, groups, 3, contract_months)``: status 0 onboarding,
1 adopted, 2 at_risk; slot ``s`` renews in the months ``t`` with ``t % contract_months ==
s``. The land-cohort axis of MODEL.md is collapsed to what the metrics need: one group
until the final-12-month window opens, then a second group for logos landed inside the
window, so GRR/NRR are measured on the ARR that existed when the window opened.

Within a cell ARR is spread evenly over its customers: a transition that moves ``k`` of
``n`` customers moves ``k / n`` of the cell's ARR.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.engine.streams import ADOPT, EXPAND, LAND, RENEW, IntArray, NoiseStreams

ONBOARDING, ADOPTED, AT_RISK = 0, 1, 2


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
        slots = np.arange(k)
        per_slot = starting_customers // k + (slots < starting_customers % k)
        adopted_total = np.rint(
            starting_customers * np.clip(starting_adopted_share, 0.0, 1.0)
        ).astype(np.int64)
        adopted = adopted_total[:, None] // k + (slots[None, :] < (adopted_total % k)[:, None])
        self.counts = np.zeros((size, 1, 3, k), dtype=np.int64)
        self.counts[:, 0, ADOPTED, :] = adopted
        self.counts[:, 0, AT_RISK, :] = per_slot[None, :] - adopted
        arr_each = starting_arr / starting_customers if starting_customers else 0.0 * starting_arr
        self.arr = self.counts * np.asarray(arr_each, dtype=np.float64)[:, None, None, None]
        self.ever_landed = np.full(size, float(starting_customers))

    # -- state read-outs -------------------------------------------------------------
    def active(self) -> IntArray:
        return self.counts.sum(axis=(1, 2, 3))

    def adopted(self) -> IntArray:
        return self.counts[:, :, ADOPTED, :].sum(axis=(1, 2))

    def arr_by_group(self) -> FloatArray:
        return self.arr.sum(axis=(2, 3))

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
        renewals give up ``downsell`` of their ARR. Flows are per trial x group."""
        due = month % self.contract_months
        n = self.counts[:, :, :, due].copy()
        p = np.stack([p_at_risk, p_adopted, p_at_risk], axis=1)[:, None, :]
        kept = streams.binomial(RENEW, n, p)
        arr = self.arr[:, :, :, due].copy()
        kept_arr = arr * _share(kept, n)
        churn_arr = arr - kept_arr
        cut = np.zeros_like(kept_arr)
        cut[:, :, ONBOARDING] = kept_arr[:, :, ONBOARDING] * downsell[:, None]
        cut[:, :, AT_RISK] = kept_arr[:, :, AT_RISK] * downsell[:, None]
        self.counts[:, :, :, due] = kept
        self.arr[:, :, :, due] = kept_arr - cut
        return {
            "churn": churn_arr.sum(axis=2),
            "contraction": cut.sum(axis=2),
            "renewed": (kept_arr - cut).sum(axis=2),
            "churned_logos": (n - kept).sum(axis=2).astype(np.float64),
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
        onboarding = counts[:, :, ONBOARDING, :]
        resolved = streams.binomial(ADOPT, onboarding, resolve[:, None, None], sparse=True)
        to_adopted = streams.binomial(ADOPT, resolved, adoption_rate[:, None, None], sparse=True)
        p_moves = np.stack([decay, recovery], axis=1)[:, None, :, None]
        moves = streams.binomial(ADOPT, counts[:, :, ADOPTED:, :], p_moves)
        decayed, recovered = moves[:, :, 0, :], moves[:, :, 1, :]

        onboarding_arr = arr[:, :, ONBOARDING, :]
        resolved_arr = onboarding_arr * _share(resolved, onboarding)
        to_adopted_arr = resolved_arr * _share(to_adopted, resolved)
        decayed_arr = arr[:, :, ADOPTED, :] * _share(decayed, counts[:, :, ADOPTED, :])
        recovered_arr = arr[:, :, AT_RISK, :] * _share(recovered, counts[:, :, AT_RISK, :])

        counts[:, :, ONBOARDING, :] -= resolved
        counts[:, :, ADOPTED, :] += to_adopted - decayed + recovered
        counts[:, :, AT_RISK, :] += resolved - to_adopted + decayed - recovered
        arr[:, :, ONBOARDING, :] -= resolved_arr
        arr[:, :, ADOPTED, :] += to_adopted_arr - decayed_arr + recovered_arr
        arr[:, :, AT_RISK, :] += (resolved_arr - to_adopted_arr) + decayed_arr - recovered_arr

    def expand(
        self,
        streams: NoiseStreams,
        upsell: FloatArray,
        cross_sell_per_month: FloatArray,
        cross_sell_size: FloatArray,
    ) -> FloatArray:
        """Adopted ARR grows by ``upsell``; cross-sell events ~ Poisson(adopted x rate), each
        adding ``cross_sell_size`` x an average adopted account's ARR, spread over the adopted
        book in proportion to ARR. Returns expansion ARR per trial x group."""
        adopted = self.adopted()
        events = streams.poisson(EXPAND, adopted * cross_sell_per_month)
        cross_rate = _share(events, adopted) * cross_sell_size
        growth = upsell + cross_rate
        adopted_arr = self.arr[:, :, ADOPTED, :]
        added = adopted_arr * growth[:, None, None]
        self.arr[:, :, ADOPTED, :] = adopted_arr + added
        return added.sum(axis=2)

    def land(
        self, streams: NoiseStreams, month: int, rate: FloatArray, acv: FloatArray
    ) -> IntArray:
        """New logos ~ Poisson(rate) enter onboarding in the slot of their anniversary."""
        new_logos = streams.poisson(LAND, rate)
        slot = month % self.contract_months
        self.counts[:, -1, ONBOARDING, slot] += new_logos
        self.arr[:, -1, ONBOARDING, slot] += new_logos * acv
        self.ever_landed += new_logos
        return new_logos
