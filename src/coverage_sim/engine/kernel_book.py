"""The compiled engine's state: ``CustomerBook`` and ``RoleWorkforce`` whose monthly
motions run as numba kernels (``kernel.py``), byte-identical to the numpy ones.

Each motion computes its per-trial terms in one kernel pass (``kernel.walk_terms``, the
arithmetic of ``inverse.binomial_terms``) and ``log(1 - s)`` with numpy's ``log1p``, lets
a kernel write ``x = n log(1 - s)`` per cell, takes numpy's ``exp`` of that buffer in
place, and runs the next kernel pass. Buffers are allocated once per chunk of trials.
Importing this module imports numba: ``simulate`` does so only for the compiled path.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from coverage_sim.compiled import CompiledScenario, FloatArray, IntArray, Role
from coverage_sim.engine import kernel as km
from coverage_sim.engine import kernel_month
from coverage_sim.engine.customers import CustomerBook
from coverage_sim.engine.headcount import RoleWorkforce
from coverage_sim.engine.inverse import binomial_terms, first_term_log
from coverage_sim.engine.kernel import special_functions
from coverage_sim.engine.money import MonthSpend
from coverage_sim.engine.month_terms import MonthTerms
from coverage_sim.engine.streams import ADOPT, EXPAND, RENEW, NoiseStreams
from coverage_sim.engine.tenure import due_slots, tenure_rates

# the rows of ``kernel.renew``'s output, as ``CustomerBook.renew`` names them
_RENEWAL_FLOWS = (
    "churn",
    "contraction",
    "renewed",
    "base_churn",
    "base_contraction",
    "base_renewed",
    "churned_logos",
)


def _walk_terms(
    ps: tuple[FloatArray, ...], rows: tuple[int, ...]
) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """``binomial_terms(np.stack([ps[i] for i in rows]))`` in one kernel pass."""
    size = ps[0].shape[0]
    flip = np.empty((len(rows), size), dtype=np.bool_)
    s, ratio = np.empty((len(rows), size)), np.empty((len(rows), size))
    p = tuple(np.ascontiguousarray(x, dtype=np.float64) for x in ps)
    km.walk_terms(p, np.array(rows, dtype=np.int64), flip, s, ratio)
    return flip, s, ratio


class KernelBook(CustomerBook):
    """``CustomerBook`` with renew, adopt and expand compiled (land draws through
    ``NoiseStreams.poisson``, compiled when the streams are)."""

    def __init__(
        self,
        starting_customers: int,
        starting_arr: FloatArray,
        starting_adopted_share: FloatArray,
        contract_months: int,
        tenure: tuple[float, ...] = (),
    ) -> None:
        super().__init__(
            starting_customers, starting_arr, starting_adopted_share, contract_months, tenure
        )
        slots, size = self.counts.shape[1:]
        due_cells = 3 * max(self.tenure.size, 1)  # status x tenure bucket
        self._exponents = np.empty((3, slots, size))
        self._resolved = np.empty((slots, size), dtype=np.int64)
        self._to_adopted_exponent = np.empty((slots, size))
        self._due_exponent = np.empty((due_cells, size))
        self._renewal = np.empty((7, size))
        self._kept = np.empty((due_cells, size), dtype=np.int64)
        self._moved = np.empty((3, slots, size), dtype=np.int64)
        self._adopted = np.empty(size, dtype=np.int64)
        self._growth = np.empty(size)
        self._expansion = np.empty((2, size))
        self._bdtr, self._pdtr, self._ndtri = special_functions()

    def active(self) -> IntArray:
        out = np.empty(self.counts.shape[-1], dtype=np.int64)
        km.cells_per_trial(self.counts, out)
        return out

    def adopted(self) -> IntArray:
        out = np.empty(self.counts.shape[-1], dtype=np.int64)
        km.adopted_per_trial(self.counts, out)
        return out

    def total_arr(self) -> FloatArray:
        out = np.empty(self.arr.shape[-1])
        km.cells_per_trial(self.arr, out)
        return out

    def active_and_adopted(self) -> tuple[IntArray, IntArray]:
        active, adopted, _ = self._sums(adopted=True, arr=False)
        return active, adopted

    def active_and_arr(self) -> tuple[IntArray, FloatArray]:
        active, _, arr = self._sums(adopted=False, arr=True)
        return active, arr

    def _sums(self, *, adopted: bool, arr: bool) -> tuple[IntArray, IntArray, FloatArray]:
        """``kernel.book_sums`` in one pass: customers, and adopted customers and ARR
        where asked (length 0 otherwise)."""
        size = self.counts.shape[-1]
        out = (
            np.empty(size, dtype=np.int64),
            np.empty(size if adopted else 0, dtype=np.int64),
            np.empty(size if arr else 0),
        )
        km.book_sums(self.counts, self.arr, *out)
        return out

    def renew(
        self,
        streams: NoiseStreams,
        month: int,
        p_adopted: FloatArray,
        p_at_risk: FloatArray,
        downsell: FloatArray,
    ) -> dict[str, FloatArray]:
        if self.tenure.size:
            return self._renew_tenure_compiled(streams, month, p_adopted, p_at_risk, downsell)
        due = month % self.contract_months
        flip, s, ratio = _walk_terms((p_at_risk, p_adopted), (0, 1, 0))
        first = self._due_exponent
        np.multiply(self.counts[:, due, :], first_term_log(s), out=first)
        np.exp(first, out=first)
        out = self._renewal
        km.renew(
            self.counts, self.arr, self.base_arr, due, streams.fill(RENEW, 3),
            flip, s, ratio, first, np.ascontiguousarray(downsell, dtype=np.float64),
            self._kept, out, self._bdtr, self._ndtri,
        )  # fmt: skip
        return {name: out[i].copy() for i, name in enumerate(_RENEWAL_FLOWS)}

    def _renew_tenure_compiled(
        self,
        streams: NoiseStreams,
        month: int,
        p_adopted: FloatArray,
        p_at_risk: FloatArray,
        downsell: FloatArray,
    ) -> dict[str, FloatArray]:
        """``CustomerBook._renew_by_tenure`` by ``kernel_tenure.renew_by_tenure``."""
        from coverage_sim.engine.kernel_tenure import renew_by_tenure

        buckets, size = self.tenure.size, self.counts.shape[-1]
        due = due_slots(month, self.contract_months, buckets)
        p = tenure_rates(np.stack([p_at_risk, p_adopted, p_at_risk]), self.tenure)
        rows = np.ascontiguousarray(p.reshape(3 * buckets, size))
        flip = np.empty((3 * buckets, size), dtype=np.bool_)
        s, ratio = np.empty((3 * buckets, size)), np.empty((3 * buckets, size))
        km.walk_terms(rows, np.arange(3 * buckets, dtype=np.int64), flip, s, ratio)
        first = self._due_exponent
        np.multiply(self.counts[:, due, :].reshape(3 * buckets, size), first_term_log(s), out=first)
        np.exp(first, out=first)
        out = self._renewal
        renew_by_tenure(
            self.counts, self.arr, self.base_arr, due, streams.fill(RENEW, 3 * buckets),
            flip, s, ratio, first, np.ascontiguousarray(downsell, dtype=np.float64),
            self._kept, out, self._bdtr, self._ndtri,
        )  # fmt: skip
        return {name: out[i].copy() for i, name in enumerate(_RENEWAL_FLOWS)}

    def adopt(
        self,
        streams: NoiseStreams,
        resolve: FloatArray,
        adoption_rate: FloatArray,
        decay: FloatArray,
        recovery: FloatArray,
    ) -> None:
        flip, s, ratio = _walk_terms((resolve, adoption_rate, decay, recovery), (0, 1, 2, 3))
        log_q = first_term_log(s)
        first = self._exponents
        km.adopt_exponents(self.counts, log_q[[0, 2, 3]], first)
        np.exp(first, out=first)
        u = streams.fill(ADOPT, 4 * self.counts.shape[1])  # 4 draws per slot
        to_adopted_first = self._to_adopted_exponent
        km.adopt_resolve(
            self.counts, u, flip, s, ratio, first, log_q[1], self._resolved, to_adopted_first,
            self._bdtr, self._ndtri,
        )  # fmt: skip
        np.exp(to_adopted_first, out=to_adopted_first)
        km.adopt_apply(
            self.counts, self.arr, self.base_arr, u, flip, s, ratio, first, self._resolved,
            to_adopted_first, self._moved, self._bdtr, self._ndtri,
        )  # fmt: skip

    def expand(
        self,
        streams: NoiseStreams,
        upsell: FloatArray,
        cross_sell_per_month: FloatArray,
        cross_sell_size: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        adopted = self._adopted
        km.adopted_per_trial(self.counts, adopted)
        lam = np.maximum(adopted * cross_sell_per_month, 0.0)
        out = self._expansion
        km.expand(
            self.arr, self.base_arr, adopted, streams.fill(EXPAND, 1), lam, np.exp(-lam),
            np.ascontiguousarray(upsell, dtype=np.float64),
            np.ascontiguousarray(cross_sell_size, dtype=np.float64),
            self._growth, out, self._pdtr, self._ndtri,
        )  # fmt: skip
        return out[0].copy(), out[1].copy()


class KernelWorkforce(RoleWorkforce):
    """``RoleWorkforce`` whose monthly step (age, attrition, hire, cut) is compiled."""

    def __init__(
        self, role: Role, trials: slice, starting_target: IntArray, horizon_months: int
    ) -> None:
        super().__init__(role, trials, starting_target, horizon_months)
        self._flip, self._s, self._ratio = binomial_terms(self.hazard)
        self._log_q = first_term_log(self._s)
        self._first = np.empty((1 + self.ramping.shape[0], self.productive.shape[0]))
        self._leaving = np.empty(self._first.shape, dtype=np.int64)
        limit = role.max_hires_per_month
        self._max_hires = -1 if limit is None else int(limit)
        self._bdtr, _, self._ndtri = special_functions()

    def step(self, streams: NoiseStreams, target: IntArray) -> None:
        first = self._first
        km.age_heads(self.ramping, self.productive, self.ramp_bins, self._log_q, first)
        np.exp(first, out=first)
        size = self.productive.shape[0]
        heads, ramped = np.empty(size, dtype=np.int64), np.empty(size)
        km.staff(
            self.ramping, self.productive, self.ramp_bins, self.productivity,
            np.ascontiguousarray(target, dtype=np.int64), self._max_hires,
            self.role.reduce == "immediate", streams.fill(self.purpose, first.shape[0]),
            self._flip, self._s, self._ratio, first, self._leaving, heads, ramped,
            self._bdtr, self._ndtri,
        )  # fmt: skip
        self.heads, self.ramped = heads, ramped


class KernelMonthTerms(MonthTerms):
    """``MonthTerms`` computed by ``kernel_month`` (one pass over the trials each)."""

    def __init__(self, scenario: CompiledScenario, trials: slice) -> None:
        super().__init__(scenario, trials)
        roles, size = len(self.roles), self.size
        self._weights = np.array(self.weights, dtype=np.float64).reshape(3, roles)
        self._per_head = np.array(self.accounts_per_head, dtype=np.float64).reshape(roles, size)
        self._loaded_cost = np.array(
            [r.loaded_cost[trials] for r in self.roles], dtype=np.float64
        ).reshape(roles, size)
        self._commissions = np.array(
            [
                [getattr(r, f"commission_{kind}")[trials] for r in self.roles]
                for kind in ("new", "expansion", "renewal")
            ],
            dtype=np.float64,
        ).reshape(3, roles, size)
        self._land_weight = np.array([r.motions.get("land", 0.0) for r in self.roles])
        self._ramped = np.empty((roles, size))

    def coverage(
        self, ramped: list[FloatArray], active: IntArray, adopted: IntArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        for i, r in enumerate(ramped):
            self._ramped[i] = r
        out = np.empty((3, self.size))
        kernel_month.coverages(self._weights, self._ramped, self._per_head, active, adopted, out)
        return out[0], out[1], out[2]

    def spend(
        self,
        heads: list[IntArray],
        land_capacity: list[FloatArray],
        new_acv: FloatArray,
        expansion_arr: FloatArray,
        renewed_arr: FloatArray,
    ) -> MonthSpend:
        roles, size = len(self.roles), self.size
        out = np.empty((6, size))
        kernel_month.month_spend(
            np.array(heads, dtype=np.int64).reshape(roles, size), self._loaded_cost,
            self._commissions, self._land_weight, self._weights[[2, 1]], self._ramped,
            self._per_head, np.array(land_capacity, dtype=np.float64).reshape(roles, size),
            np.ascontiguousarray(new_acv, dtype=np.float64), expansion_arr, renewed_arr, out,
        )  # fmt: skip
        return MonthSpend(
            total=out[0],
            land=out[1],
            post_sale=out[2],
            post_sale_salary=out[3],
            on_expansion=out[4],
            on_renewal=out[5],
        )
