"""The compiled engine's kernels (numba): counts by inversion, a row of cells at a time
(each cell's walk its own), and the monthly motions in one pass per cell, ``inverse.py`` /
``customers.py`` / ``headcount.py`` bit for bit.

Inversion: the arithmetic of ``inverse.py``, operation for operation (``(a - b (k - 1)) *
(1 / k)`` per step, the same tail rule at the passes ``k = 32, 64, ...``). Motions: for
every cell of one chunk of trials, what the numpy motion does with whole arrays, in the
same floating-point order: the same uniform per cell (read where ``NoiseStreams.fill``
leaves them: ``u[block, cell, trial % 1000]``), the same shares, sums that start at 0.0
and add the cells in order (as numpy's ``add.reduce`` over an outer axis does). Empty
cells skip their draw. Binomial terms are per trial: ``flip, s, ratio`` rows of
``inverse.binomial_terms``.

What the kernels do not compute themselves, because a compiled version could differ in
the last bit:

- ``pmf(0)``: ``exp(n log1p(-s))`` and ``exp(-lam)`` come from numpy (its SIMD ``exp`` and
  ``log1p`` differ from the C library's, which numba calls, in about 5% of cases on an
  AVX-512 machine): a kernel writes ``x = n log1p(-s)`` per cell, the caller takes
  ``np.exp`` of the buffer in place, the next kernel reads it (``kernel_book.py``);
- the exact CDFs and the normal quantile of the guess-and-correct path are scipy's own C
  functions (``bdtr``, ``pdtr``, ``ndtri`` from ``scipy.special.cython_special``), passed
  in as function objects so that the compiled code can be cached on disk.

Compiled code is cached beside this file (``cache=True``). numba keys that cache on this
file alone: after changing a constant imported from ``inverse.py``, delete the cache
(``__pycache__/kernel.*.nbi``/``.nbc``). Importing this module imports numba (about 0.3 s):
only the engine's compiled path does.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from numba import njit
from numba.extending import get_cython_function_address

from coverage_sim.engine.inverse import SEARCH_MEAN, TAIL, TAIL_EVERY

BLOCK = 1000  # streams.BLOCK_TRIALS (a literal: numba reads module globals at compile time)
_SPECIAL = "scipy.special.cython_special"


@cache
def special_functions() -> tuple[Any, Any, Any]:
    """``(bdtr, pdtr, ndtri)``: the C functions behind ``scipy.special``'s ufunc loops
    ``bdtr(double k, long n, double p)``, ``pdtr(double k, double lam)``, ``ndtri(double)``
    (the last ``int`` argument of each is Cython's dispatch flag, always 0)."""
    c_double, c_long, c_int = ctypes.c_double, ctypes.c_long, ctypes.c_int
    bdtr = ctypes.CFUNCTYPE(c_double, c_double, c_long, c_double, c_int)(
        get_cython_function_address(_SPECIAL, "__pyx_fuse_1bdtr")
    )
    pdtr = ctypes.CFUNCTYPE(c_double, c_double, c_double, c_int)(
        get_cython_function_address(_SPECIAL, "pdtr")
    )
    ndtri = ctypes.CFUNCTYPE(c_double, c_double, c_int)(
        get_cython_function_address(_SPECIAL, "ndtri")
    )
    return bdtr, pdtr, ndtri


@njit(cache=True)
def walk_terms(ps: Any, rows: Any, flip: Any, s: Any, ratio: Any) -> None:
    """``inverse.binomial_terms`` of ``ps[rows[m]]`` into row ``m`` of ``flip``, ``s`` and
    ``ratio``: ``p`` clipped to [0, 1] as ``np.clip`` does (a NaN and a -0.0 kept),
    ``flip = p > 0.5``, ``s = 1 - p`` where flipped else ``p``, ``ratio = s / (1 - s)``."""
    for m in range(rows.shape[0]):
        p_row, flip_row, s_row, ratio_row = ps[rows[m]], flip[m], s[m], ratio[m]
        for j in range(p_row.shape[0]):
            p = p_row[j]
            p = 0.0 if p < 0.0 else p  # np.clip: a NaN, and a -0.0, are kept
            p = 1.0 if p > 1.0 else p
            flipped = p > 0.5
            rare = 1.0 - p if flipped else p
            flip_row[j] = flipped
            s_row[j] = rare
            ratio_row[j] = rare / (1.0 - rare)


@njit(cache=True)
def walk(level: float, first: float, a: float, b: float) -> int:
    """The smallest ``k`` whose CDF reaches ``level`` (``inverse._walk`` for one cell)."""
    pmf = first
    cdf = first
    if not cdf < level:
        return 0
    k = 0
    while True:
        k += 1
        term = (a - b * (k - 1)) * (1.0 / k)
        pmf *= term
        cdf += pmf
        if not cdf < level:
            return k
        if k % TAIL_EVERY == 0 and k > a / (1.0 + b) and pmf <= TAIL * cdf:
            return k + 1


@njit(cache=True)
def _normal_quantile(level: float, ndtri: Any) -> float:
    return ndtri(min(max(level, 1e-300), 1.0 - 1e-16), 0)


@njit(cache=True)
def binomial_correct(level: float, n: int, s: float, bdtr: Any, ndtri: Any) -> int:
    """Cornish-Fisher guess, then up while ``F(k) < level``, down while ``F(k-1) >= level``."""
    mean = n * s
    sd = (mean * (1.0 - s)) ** 0.5
    z = _normal_quantile(level, ndtri)
    skew = (1.0 - 2.0 * s) / sd
    guess = np.floor(mean + sd * (z + skew * (z * z - 1.0) / 6.0) + 0.5)
    k = int(min(max(guess, 0.0), float(n)))
    while k < n and bdtr(float(k), n, s, 0) < level:
        k += 1
    while k > 0 and bdtr(float(k - 1), n, s, 0) >= level:
        k -= 1
    return k


@njit(cache=True)
def poisson_correct(level: float, lam: float, pdtr: Any, ndtri: Any) -> int:
    """Wilson-Hilferty guess, then the same exact correction with ``pdtr``."""
    z = _normal_quantile(level, ndtri)
    cube = 1.0 - 1.0 / (9.0 * lam) + z / (3.0 * lam**0.5)
    k = int(max(np.floor(lam * cube * cube * cube - 0.5), 0.0))  # the guess (any guess
    # gives the same answer: only the exact correction decides; numpy computes cube**3)
    while pdtr(float(k), lam, 0) < level:
        k += 1
    while k > 0 and pdtr(float(k - 1), lam, 0) >= level:
        k -= 1
    return k


@njit(cache=True)
def binomial_count(
    u: float,
    n: int,
    flip: bool,
    s: float,
    ratio: float,
    first: float,
    bdtr: Any,
    ndtri: Any,
) -> int:
    """Binomial(n, p) from one uniform (``inverse.binomial_quantile`` for one cell), with
    ``flip, s, ratio = binomial_terms(p)`` and ``first = exp(n log1p(-s))`` from numpy."""
    if n == 0:
        return 0
    level = 1.0 - u if flip else u
    trials = float(n)
    if trials * s > SEARCH_MEAN:
        rare = binomial_correct(level, n, s, bdtr, ndtri)
    else:
        rare = min(walk(level, first, trials * ratio, ratio), n)
    return n - rare if flip else rare


# -- rows of draws ------------------------------------------------------------------
# A row is one cell over the trials of a block (contiguous in the state, the terms and the
# uniforms). Every cell first takes WALK_STEPS steps of the walk without a branch (the same
# operations as numpy's dense passes, so the compiler can run several cells at once); the
# cells whose CDF has not reached their level by then, and the large-mean ones, are then
# drawn again one by one by ``binomial_count``.

WALK_STEPS = 8


@njit(cache=True)
def _binomial_row(
    u: Any,
    n: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    out: Any,
    bdtr: Any,
    ndtri: Any,
    rare_events: bool = False,
) -> None:
    """``rare_events``: a pass that only settles the cells whose first term reaches their
    level (count 0 of the rarer outcome) replaces the eight steps; for rows of small means
    (attrition), where nearly every cell ends there."""
    size = n.shape[0]
    if rare_events:
        for i in range(size):
            level = 1.0 - u[i] if flip[i] else u[i]
            done = first[i] >= level and n[i] * s[i] <= SEARCH_MEAN
            out[i] = (n[i] if flip[i] else 0) if done else -1
    for i in range(size if not rare_events else 0):
        nn = n[i]
        level = 1.0 - u[i] if flip[i] else u[i]
        trials = float(nn)
        r = ratio[i]
        a = trials * r
        pmf = first[i]
        cdf = pmf
        below = 1 if cdf < level else 0
        for k in range(1, WALK_STEPS + 1):
            pmf *= (a - r * (k - 1)) * (1.0 / k)
            cdf += pmf
            below += 1 if cdf < level else 0
        rare = min(below, nn)
        done = cdf >= level and trials * s[i] <= SEARCH_MEAN
        out[i] = (nn - rare if flip[i] else rare) if done else -1
    for i in range(size):
        if out[i] < 0:
            out[i] = binomial_count(u[i], n[i], flip[i], s[i], ratio[i], first[i], bdtr, ndtri)


@njit(cache=True)
def binomial_rows(
    u: Any,
    u_row: int,
    n: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    out: Any,
    bdtr: Any,
    ndtri: Any,
) -> None:
    """``out[c, j] = Binomial(n[c, j], p_j)`` from ``u[j // 1000, u_row + c, j % 1000]``
    (``flip, s, ratio`` of ``p`` per trial; ``first = exp(n log1p(-s))`` from numpy)."""
    cells, size = n.shape
    for b in range((size + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        hi = min(lo + BLOCK, size)
        for c in range(cells):
            _binomial_row(
                u[b, u_row + c, : hi - lo], n[c, lo:hi], flip[lo:hi], s[lo:hi],
                ratio[lo:hi], first[c, lo:hi], out[c, lo:hi], bdtr, ndtri,
            )  # fmt: skip


@njit(cache=True)
def _poisson_row(u: Any, lam: Any, first: Any, out: Any, pdtr: Any, ndtri: Any) -> None:
    """``out[i] = Poisson(lam[i])`` from ``u[i]`` (``lam >= 0``; ``first = exp(-lam)`` from
    numpy): ``walk(u, first, lam, 0)`` for every cell, in lockstep: passes of
    ``WALK_STEPS`` steps over all cells, each counting the steps whose CDF is still below
    its uniform, until none is; the tail rule at ``k = 32, 64, ...`` freezes a cell's count
    at ``k + 1`` as ``walk`` returns it. Large means are drawn one at a time by
    ``poisson_correct``."""
    size = lam.shape[0]
    pmf, cdf, level = np.empty(size), np.empty(size), np.empty(size)
    count = np.empty(size, dtype=np.int64)
    walking = 0
    for i in range(size):
        big = lam[i] > SEARCH_MEAN
        pmf[i] = first[i]
        cdf[i] = first[i]
        level[i] = -1.0 if big else u[i]  # a big cell never counts (drawn below)
        below = first[i] < level[i]
        count[i] = 1 if below else 0
        walking += 1 if below else 0
    k = 0
    while walking:
        for step in range(1, WALK_STEPS + 1):
            inverse_k = 1.0 / (k + step)
            for i in range(size):
                pmf[i] *= lam[i] * inverse_k
                cdf[i] += pmf[i]
                count[i] += 1 if cdf[i] < level[i] else 0
            if (k + step) % TAIL_EVERY == 0:
                kk = k + step
                for i in range(size):
                    if cdf[i] < level[i] and kk > lam[i] and pmf[i] <= TAIL * cdf[i]:
                        level[i] = -1.0  # walk returns kk + 1, the count so far
        k += WALK_STEPS
        walking = 0
        for i in range(size):
            walking += 1 if cdf[i] < level[i] else 0
    for i in range(size):
        out[i] = poisson_correct(u[i], lam[i], pdtr, ndtri) if lam[i] > SEARCH_MEAN else count[i]


@njit(cache=True)
def poisson_cells(u: Any, lam: Any, first: Any, out: Any, pdtr: Any, ndtri: Any) -> None:
    """``out[j] = Poisson(lam[j])`` from ``u[j // 1000, 0, j % 1000]`` (``lam >= 0``)."""
    size = lam.shape[0]
    for b in range((size + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        hi = min(lo + BLOCK, size)
        _poisson_row(u[b, 0, : hi - lo], lam[lo:hi], first[lo:hi], out[lo:hi], pdtr, ndtri)


# -- monthly motions -----------------------------------------------------------------


@njit(cache=True)
def renew(
    counts: Any,
    arr: Any,
    base_arr: Any,
    due: int,
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
    """``CustomerBook.renew``: the due slot's 3 cells per trial; terms per status x trial.

    ``out`` rows: churn, contraction, renewed, base_churn, base_contraction, base_renewed,
    churned_logos (per trial); ``kept`` (3 x trials) a buffer."""
    size = counts.shape[2]
    for st in range(3):
        binomial_rows(
            u, st, counts[st, due : due + 1], flip[st], s[st], ratio[st], first[st : st + 1],
            kept[st : st + 1], bdtr, ndtri,
        )  # fmt: skip
    out[:, :] = 0.0
    for st in range(3):
        for j in range(size):
            renew_cell(counts, arr, base_arr, kept[st, j], downsell[j], out, st, due, j)


@njit(cache=True, inline="always")
def renew_cell(
    counts: Any,
    arr: Any,
    base_arr: Any,
    k: Any,
    downsell: float,
    out: Any,
    st: int,
    slot: int,
    j: int,
) -> None:
    """One renewal cell: ``k`` of its ``n`` customers kept, their ARR and base ARR cut by
    the downsell (at-risk customers only, ``st == 1``), the flows added to ``out``."""
    n = counts[st, slot, j]
    share = k / n if n > 0 else 0.0
    cut_share = downsell * (0.0 if st == 1 else 1.0)
    a = arr[st, slot, j]
    kept_arr = a * share
    cut = kept_arr * cut_share
    renewed = kept_arr - cut
    out[0, j] += a - kept_arr
    out[1, j] += cut
    out[2, j] += renewed
    arr[st, slot, j] = renewed
    a = base_arr[st, slot, j]
    kept_arr = a * share
    cut = kept_arr * cut_share
    renewed = kept_arr - cut
    out[3, j] += a - kept_arr
    out[4, j] += cut
    out[5, j] += renewed
    base_arr[st, slot, j] = renewed
    counts[st, slot, j] = k
    out[6, j] += n - k  # an integer sum, exact in float64


@njit(cache=True)
def adopt_exponents(counts: Any, log_q: Any, x: Any) -> None:
    """``x[m, k, j] = counts[status, k, j] * log_q[m, j]`` for the draws on start-of-step
    counts: m = 0 resolution (onboarding), 1 decay (adopted), 2 recovery (at risk)."""
    slots, size = counts.shape[1], counts.shape[2]
    for m in range(3):
        for k in range(slots):
            for j in range(size):
                x[m, k, j] = counts[m, k, j] * log_q[m, j]


@njit(cache=True)
def adopt_resolve(
    counts: Any,
    u: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    rate_log_q: Any,
    resolved: Any,
    x: Any,
    bdtr: Any,
    ndtri: Any,
) -> None:
    """Onboarding resolutions per cell (``u`` rows ``0..K-1``, terms row 0); ``x =
    resolved * log_q`` of the adoption rate, for the next draw's ``pmf(0)``."""
    slots, size = counts.shape[1], counts.shape[2]
    binomial_rows(u, 0, counts[0], flip[0], s[0], ratio[0], first[0], resolved, bdtr, ndtri)
    for k in range(slots):
        for j in range(size):
            x[k, j] = resolved[k, j] * rate_log_q[j]


@njit(cache=True)
def _move(
    state: Any, k: int, j: int, rs: float, ts: float, ds: float, cs: float
) -> None:  # fmt: skip
    resolved_arr = state[0, k, j] * rs
    to_adopted_arr = resolved_arr * ts
    decayed_arr = state[1, k, j] * ds
    recovered_arr = state[2, k, j] * cs
    state[0, k, j] -= resolved_arr
    state[1, k, j] += to_adopted_arr - decayed_arr + recovered_arr
    state[2, k, j] += (resolved_arr - to_adopted_arr) + decayed_arr - recovered_arr


@njit(cache=True)
def adopt_apply(
    counts: Any,
    arr: Any,
    base_arr: Any,
    u: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    resolved: Any,
    first_to_adopted: Any,
    moved: Any,
    bdtr: Any,
    ndtri: Any,
) -> None:
    """``CustomerBook.adopt`` after the resolutions: to-adopted split (``u`` rows
    ``K..2K-1``, terms row 1), decay (rows ``2K..``, terms row 2, ``first[1]``), recovery
    (rows ``3K..``, terms row 3, ``first[2]``) into ``moved`` (3 x K x trials); then the
    per-cell shares of ARR move."""
    slots, size = counts.shape[1], counts.shape[2]
    binomial_rows(
        u, slots, resolved, flip[1], s[1], ratio[1], first_to_adopted, moved[0], bdtr, ndtri
    )
    for m in (1, 2):
        binomial_rows(
            u, (1 + m) * slots, counts[m], flip[1 + m], s[1 + m], ratio[1 + m], first[m],
            moved[m], bdtr, ndtri,
        )  # fmt: skip
    for k in range(slots):
        for j in range(size):
            n0, n1, n2 = counts[0, k, j], counts[1, k, j], counts[2, k, j]
            r, ta, d, c = resolved[k, j], moved[0, k, j], moved[1, k, j], moved[2, k, j]
            rs = r / n0 if n0 > 0 else 0.0
            ts = ta / r if r > 0 else 0.0
            ds = d / n1 if n1 > 0 else 0.0
            cs = c / n2 if n2 > 0 else 0.0
            _move(arr, k, j, rs, ts, ds, cs)
            _move(base_arr, k, j, rs, ts, ds, cs)
            counts[0, k, j] = n0 - r
            counts[1, k, j] = n1 + (ta - d + c)
            counts[2, k, j] = n2 + (r - ta + d - c)


@njit(cache=True)
def cells_per_trial(cells: Any, out: Any) -> None:
    """``out[j] = cells[..., j]`` summed over the leading axes in C order (from 0), as
    numpy's ``sum(axis=(0, 1))``: customers or ARR per trial."""
    flat = cells.reshape((-1, cells.shape[-1]))
    out[:] = 0
    for c in range(flat.shape[0]):
        for j in range(flat.shape[1]):
            out[j] += flat[c, j]


@njit(cache=True)
def book_sums(counts: Any, arr: Any, active: Any, adopted: Any, total_arr: Any) -> None:
    """In one pass over the cells: customers (``active``), adopted customers and ARR
    (``total_arr``) per trial, each summed as ``cells_per_trial`` / ``adopted_per_trial``
    sum it; an output of length 0 is not computed."""
    statuses, slots, size = counts.shape
    with_adopted, with_arr = adopted.shape[0] > 0, total_arr.shape[0] > 0
    active[:] = 0
    if with_adopted:
        adopted[:] = 0
    if with_arr:
        total_arr[:] = 0.0
    for st in range(statuses):
        for k in range(slots):
            n, a = counts[st, k], arr[st, k]
            for j in range(size):
                active[j] += n[j]
            if with_adopted and st == 1:
                for j in range(size):
                    adopted[j] += n[j]
            if with_arr:
                for j in range(size):
                    total_arr[j] += a[j]


@njit(cache=True)
def adopted_per_trial(counts: Any, out: Any) -> None:
    slots, size = counts.shape[1], counts.shape[2]
    out[:] = 0
    for k in range(slots):
        for j in range(size):
            out[j] += counts[1, k, j]


@njit(cache=True)
def expand(
    arr: Any,
    base_arr: Any,
    adopted: Any,
    u: Any,
    lam: Any,
    first: Any,
    upsell: Any,
    cross_sell_size: Any,
    growth: Any,
    out: Any,
    pdtr: Any,
    ndtri: Any,
) -> None:
    """``CustomerBook.expand``: cross-sell events per trial, then every adopted cell grows;
    ``out`` rows: expansion ARR, expansion of the base, per trial."""
    slots, size = arr.shape[1], arr.shape[2]
    events = np.empty(size, dtype=np.int64)
    for b in range((size + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        hi = min(lo + BLOCK, size)
        _poisson_row(u[b, 0, : hi - lo], lam[lo:hi], first[lo:hi], events[lo:hi], pdtr, ndtri)
    for j in range(size):
        share = events[j] / adopted[j] if adopted[j] > 0 else 0.0
        growth[j] = upsell[j] + share * cross_sell_size[j]
    out[:, :] = 0.0
    for k in range(slots):
        for j in range(size):
            added = arr[1, k, j] * growth[j]
            base_added = base_arr[1, k, j] * growth[j]
            arr[1, k, j] += added
            base_arr[1, k, j] += base_added
            out[0, j] += added
            out[1, j] += base_added


@njit(cache=True)
def age_heads(ramping: Any, productive: Any, ramp_bins: Any, log_q: Any, x: Any) -> None:
    """``RoleWorkforce.step``'s ageing: the last ramping bin joins the pool, bins shift up
    one month, the row past each trial's ramp is emptied. Then ``x = cells * log_q`` for
    the attrition draw (row 0 the pool, row ``1 + i`` bin ``i``)."""
    bins, size = ramping.shape
    # a block of trials at a time, row by row (contiguous views: indices from 0
    # vectorize); per trial the same reads and writes as ageing one trial at a time: the
    # graduates are read before the rows shift. Rows at or past every ramp of a block stay
    # empty and are skipped (``staff`` does not draw them; their ``x`` is 0).
    for b in range((size + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        hi = min(lo + BLOCK, size)
        w = hi - lo
        ramp, pool = ramp_bins[lo:hi], productive[lo:hi]
        rows = min(ramp.max(), bins)
        for k in range(w):
            rb = ramp[k]
            if rb > 0:
                pool[k] += ramping[rb - 1, lo + k]
        for i in range(rows - 1, 0, -1):
            row, below = ramping[i, lo:hi], ramping[i - 1, lo:hi]
            for k in range(w):
                row[k] = below[k] if i < ramp[k] else 0
        if rows:
            ramping[0, lo:hi] = 0
        q, x0 = log_q[lo:hi], x[0, lo:hi]
        for k in range(w):
            x0[k] = pool[k] * q[k]
        for i in range(rows):
            row, xi = ramping[i, lo:hi], x[1 + i, lo:hi]
            for k in range(w):
                xi[k] = row[k] * q[k]
        x[1 + rows :, lo:hi] = 0.0  # not drawn; keeps the caller's in-place exp finite


@njit(cache=True)
def staff(
    ramping: Any,
    productive: Any,
    ramp_bins: Any,
    productivity: Any,
    target: Any,
    max_hires: int,
    reduce_immediate: bool,
    u: Any,
    flip: Any,
    s: Any,
    ratio: Any,
    first: Any,
    leaving: Any,
    heads: Any,
    ramped: Any,
    bdtr: Any,
    ndtri: Any,
) -> None:
    """Attrition (one draw per cell: row 0 the pool, row ``1 + i`` bin ``i``, into the
    buffer ``leaving``), hiring up to target (at most ``max_hires`` if >= 0) and, with
    ``reduce_immediate``, cuts down to target newest first; then heads and ramped capacity
    per trial."""
    bins, size = ramping.shape
    now = np.empty(BLOCK, dtype=np.int64)
    in_bins = np.empty(BLOCK, dtype=np.int64)
    capacity = np.empty(BLOCK)
    # a block of trials at a time (its rows stay in cache); rows at or past every ramp of
    # the block are empty (ageing empties them, hires enter row 0), so they are skipped:
    # they would subtract, add and count zeros
    for b in range((size + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        hi = min(lo + BLOCK, size)
        w = hi - lo
        rows = min(ramp_bins[lo:hi].max(), bins)
        _binomial_row(
            u[b, 0, :w], productive[lo:hi], flip[lo:hi], s[lo:hi], ratio[lo:hi],
            first[0, lo:hi], leaving[0, lo:hi], bdtr, ndtri,
        )  # fmt: skip
        for i in range(rows):
            _binomial_row(
                u[b, 1 + i, :w], ramping[i, lo:hi], flip[lo:hi], s[lo:hi], ratio[lo:hi],
                first[1 + i, lo:hi], leaving[1 + i, lo:hi], bdtr, ndtri, True,
            )  # fmt: skip
        # row by row (contiguous views of the block: indices from 0 vectorize); per trial
        # every sum adds the same cells in the same order
        pool, out_heads, out_ramped = productive[lo:hi], heads[lo:hi], ramped[lo:hi]
        goal, ramp = target[lo:hi], ramp_bins[lo:hi]
        left = leaving[0, lo:hi]
        for k in range(w):
            pool[k] -= left[k]
            now[k] = pool[k]
            in_bins[k] = 0
        for i in range(rows):
            row, left = ramping[i, lo:hi], leaving[1 + i, lo:hi]
            for k in range(w):
                row[k] -= left[k]
                in_bins[k] += row[k]
        first_row = ramping[0, lo:hi] if bins else pool
        for k in range(w):
            now[k] += in_bins[k]
            hires = max(goal[k] - now[k], 0)
            if max_hires >= 0:
                hires = min(hires, max_hires)
            if bins and ramp[k] > 0:
                first_row[k] += hires
            else:
                pool[k] += hires
        if reduce_immediate:
            for k in range(w):
                if now[k] > goal[k]:
                    excess = now[k] - goal[k]
                    before = 0
                    for i in range(rows):
                        cell = ramping[i, lo + k]
                        ramping[i, lo + k] = cell - min(max(excess - before, 0), cell)
                        before += cell
                    cell = pool[k]
                    pool[k] = cell - min(max(excess - before, 0), cell)
        for k in range(w):
            out_heads[k] = pool[k]
            capacity[k] = 0.0
        for i in range(rows):
            row, weight = ramping[i, lo:hi], productivity[i, lo:hi]
            for k in range(w):
                out_heads[k] += row[k]
                capacity[k] += row[k] * weight[k]
        for k in range(w):
            out_ramped[k] = pool[k] + capacity[k]
