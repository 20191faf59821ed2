"""The compiled renewal with tenure buckets (``renewal.by_tenure``): bit for bit what
``CustomerBook._renew_by_tenure`` computes with numpy (``tenure.py``), in the manner of
``kernel.renew`` (which stays the path without the key, untouched).

Cached beside this file (``cache=True``). It calls ``kernel.binomial_rows``; numba keys the
cache on this file alone, so after changing ``kernel.py`` delete this module's cache too
(``__pycache__/kernel_tenure.*.nbi``/``.nbc``). Imported by the compiled path only.
"""

from __future__ import annotations

from typing import Any

from numba import njit

from coverage_sim.engine.kernel import binomial_rows, renew_cell


@njit(cache=True)
def _advance(state: Any, st: int, due: Any, j: int) -> None:
    """``tenure.advance`` for one status and trial: bucket ``b + 1`` takes bucket ``b``,
    the last its own plus the one below, bucket 0 empties."""
    buckets = due.shape[0]
    if buckets == 1:
        return
    last = state[st, due[buckets - 1], j] + state[st, due[buckets - 2], j]
    for b in range(buckets - 2, 0, -1):
        state[st, due[b], j] = state[st, due[b - 1], j]
    state[st, due[0], j] = 0
    state[st, due[buckets - 1], j] = last


@njit(cache=True)
def renew_by_tenure(
    counts: Any,
    arr: Any,
    base_arr: Any,
    due: Any,
    u: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    downsell: Any,
    kept: Any,
    out: Any,
    bdtr: Any,
    ndtri: Any,
) -> None:
    """The due slot of every bucket (``due[b]``) renews: cell ``c = status * buckets + b``
    draws from uniform row ``c`` with terms row ``c``; the flows sum the cells in that
    order (``out`` rows as ``kernel.renew``'s); then the survivors move up one bucket."""
    buckets, size = due.shape[0], counts.shape[2]
    for st in range(3):
        for b in range(buckets):
            c = st * buckets + b
            d = due[b]
            binomial_rows(
                u, c, counts[st, d : d + 1], flip[c], s[c], ratio[c], first[c : c + 1],
                kept[c : c + 1], bdtr, ndtri,
            )  # fmt: skip
    out[:, :] = 0.0
    for st in range(3):
        for b in range(buckets):
            c = st * buckets + b
            for j in range(size):
                renew_cell(counts, arr, base_arr, kept[c, j], downsell[j], out, st, due[b], j)
    for st in range(3):
        for j in range(size):
            _advance(counts, st, due, j)
            _advance(arr, st, due, j)
            _advance(base_arr, st, due, j)
