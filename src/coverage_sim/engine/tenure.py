"""Renewal by tenure (``customers.renewal.by_tenure``, docs/model.md §3.3): the rates of
each tenure bucket and the move of renewed customers up one bucket, shared by the
simulated book (``customers.py``), the book traced in expectation (``expected.py``) and
the compiled kernel (``kernel_tenure.py`` repeats the same arithmetic per cell).

Factor ``f_b`` (bucket ``b = 0..T-1``: customers who have renewed ``b`` times, the last
bucket ``T - 1`` times or more) multiplies the churn of the rate ``p`` the status and the
month's coverage give: ``p_b = 1 - f_b (1 - p)``, clipped to [0, 1] where it is drawn.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import FloatArray, IntArray


def due_slots(month: int, contract_months: int, buckets: int) -> IntArray:
    """The slots that renew in ``month``: the due renewal slot of every bucket."""
    return month % contract_months + contract_months * np.arange(buckets)


def tenure_rates(p: FloatArray, factors: FloatArray) -> FloatArray:
    """``p`` of shape ``(statuses, trials)`` -> ``(statuses, buckets, trials)``:
    ``1 - f_b (1 - p)`` (unclipped: the binomial draw clips as it does every rate)."""
    return 1.0 - factors[None, :, None] * (1.0 - p[:, None, :])


def rate_at_renewal(p: FloatArray, factors: FloatArray, renewal: int) -> FloatArray:
    """The rate at a customer's ``renewal``-th renewal (from 1), clipped to [0, 1]; ``p``
    itself without factors."""
    if not factors.size:
        return p
    factor = factors[min(renewal, factors.size) - 1]
    return np.clip(1.0 - factor * (1.0 - p), 0.0, 1.0)


def advance(cells: FloatArray | IntArray) -> FloatArray | IntArray:
    """Renewed cells ``(statuses, buckets, trials)`` one bucket up: bucket ``b + 1`` takes
    bucket ``b``; the last takes its own plus the one below (in that order); bucket 0 is
    left empty (new logos enter it when they land)."""
    out = np.zeros_like(cells)
    if cells.shape[1] == 1:
        out[:] = cells
        return out
    out[:, 1:-1] = cells[:, :-2]
    out[:, -1] = cells[:, -1] + cells[:, -2]
    return out
