"""Binomial and Poisson counts by inversion: one uniform in, one count out.

``count = F^{-1}(u) = min{k : F(k) >= u}`` for the count's CDF ``F``. The quantile is
monotone in ``u`` and in the parameters (a binomial grows with ``n`` and ``p``, a Poisson
with ``lam``), so two scenarios that feed the same uniform to a cell get counts that differ
only when their distributions differ near ``u``: a small change in a rate changes few
counts, and by little (common random numbers with a monotone coupling).

Two exact methods, chosen per cell by its mean:

- small mean (``<= SEARCH_MEAN``): walk up from 0 with the pmf recurrence, summing the
  CDF, until it reaches ``u`` (vectorized: passes over every cell, then over the
  stragglers alone once fewer than a quarter still walk).
  The binomial walks on the rarer outcome (``min(p, 1 - p)``) so the walk stays short.
- large mean: a normal guess (Cornish-Fisher for the binomial, Wilson-Hilferty for the
  Poisson), then corrected up and down with the exact CDF (``scipy.special.bdtr`` /
  ``pdtr``) until ``F(k - 1) < u <= F(k)``.

``n = 0``, ``p = 0``, ``p = 1`` and ``lam = 0`` are exact: their walk ends at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import special

from coverage_sim.compiled import FloatArray, IntArray

SEARCH_MEAN = 50.0  # cells with a larger mean of the walked outcome use guess-and-correct
TAIL = 1e-17  # the walk stops once past the mean and the next pmf term is this small
TAIL_EVERY = 32  # ... checked at the passes k = 32, 64, ... (the same for every cell)
_DENSE_PASSES = 64  # at most this many passes over every cell before walking the stragglers


def binomial_quantile(u: FloatArray, n: IntArray, p: npt.ArrayLike) -> IntArray:
    """``F^{-1}(u)`` of Binomial(n, p), elementwise (``u`` in [0, 1), same shape as ``n``;
    ``p`` broadcasts against ``n`` and is clipped to [0, 1])."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)  # (clipped again: idempotent)
    if np.count_nonzero(n) * 2 >= n.size:  # mostly non-empty: every cell (n = 0 gives 0)
        return _binomial_cells(u, n, p)
    live = np.flatnonzero(n)
    out = np.zeros(n.shape, dtype=np.int64)
    p_live = np.broadcast_to(p, n.shape).reshape(-1)[live]
    out.reshape(-1)[live] = _binomial_cells(u.reshape(-1)[live], n.reshape(-1)[live], p_live)
    return out


def binomial_terms(p: npt.ArrayLike) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """The per-``p`` terms of the walk, at ``p``'s own shape: ``flip = p > 0.5`` (walk on the
    rarer outcome ``s = min(p, 1 - p)``: successes = ``n - F_s^{-1}(1 - u)``), ``s`` and
    ``r = s / (1 - s)``. ``p`` is clipped to [0, 1]."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    flip = p > 0.5
    s = np.where(flip, 1.0 - p, p)
    return flip, s, s / (1.0 - s)


def first_term_log(s: FloatArray) -> FloatArray:
    """``log(1 - s)``, so that ``pmf(0) = (1 - s)^n = exp(n log(1 - s))``: numpy's ``log1p``
    and ``exp`` (SIMD versions may differ from the C library's in the last bit, so the
    compiled kernel gets these terms from numpy too)."""
    return np.log1p(-s)


def _binomial_cells(u: FloatArray, n: IntArray, p: FloatArray) -> IntArray:
    """Per-``p`` terms are computed at ``p``'s own shape (often one value per trial)."""
    flip, s, ratio = binomial_terms(p)
    level = np.where(flip, 1.0 - u, u)
    trials = n.astype(np.float64)
    big = trials * s > SEARCH_MEAN
    has_big = bool(big.any())
    if has_big:
        trials = np.where(big, 0.0, trials)  # walked as empty cells, replaced below
    first = np.exp(trials * first_term_log(s))  # 1 for n = 0 or s = 0: the walk ends at 0
    b = np.broadcast_to(ratio, n.shape)
    rare = np.minimum(_walk(level, first, trials * ratio, b), n)
    if has_big:
        rare[big] = _binomial_correct(level[big], n[big], np.broadcast_to(s, n.shape)[big])
    return np.where(flip, n - rare, rare)


def poisson_quantile(u: FloatArray, lam: npt.ArrayLike) -> IntArray:
    """``F^{-1}(u)`` of Poisson(lam), elementwise (``lam <= 0`` gives 0)."""
    lam = np.broadcast_to(np.maximum(lam, 0.0), u.shape)
    big = lam > SEARCH_MEAN
    has_big = bool(big.any())
    walked = np.where(big, 0.0, lam) if has_big else lam
    out = _walk(u, np.exp(-walked), walked, np.zeros_like(walked))
    if has_big:
        out[big] = _poisson_correct(u[big], lam[big])
    return out


def _walk(level: FloatArray, first: FloatArray, a: FloatArray, b: FloatArray) -> IntArray:
    """``#{k >= 0 : pmf(0) + ... + pmf(k) < level}`` = the smallest ``k`` whose CDF reaches
    ``level``, where ``pmf(0) = first`` and ``pmf(k) = pmf(k - 1) * (a - (k - 1) b) / k``
    (binomial: ``a = n r``, ``b = r``, ``r = s / (1 - s)``; Poisson: ``a = lam``, ``b = 0``).

    Every pass updates all cells still in play with a few in-place array operations and
    counts the ones still below their level; once fewer than a quarter are, those alone are
    kept for the next passes. A walk also ends at a pass ``k`` that is a multiple of 32 if
    ``k`` is past the mean and the last term is below ``1e-17`` of the CDF: float rounding
    can leave the CDF a hair under a level near 1, and terms that small (under half an ulp
    of the CDF) no longer move it. The count is then ``k + 1``. The rule is per cell, so a
    cell's count does not depend on the other cells walked with it (the compiled kernel,
    ``kernel.py``, walks other groups of cells together and must give the same counts).
    """
    count = np.zeros(level.size, dtype=np.int64)
    idx: IntArray | None = None  # cells in play; None: all of them (no gather yet)
    pmf, cdf = first.reshape(-1).copy(), first.reshape(-1).copy()
    a, b, level = a.reshape(-1), b.reshape(-1), level.reshape(-1)
    below = cdf < level
    steps = below.astype(np.int64)  # k so far, for the cells in play
    term = np.empty_like(pmf)
    k = 0
    while True:
        walking = int(np.count_nonzero(below))
        tail_check = k > 0 and k % TAIL_EVERY == 0
        if walking * 4 < below.size or k >= _DENSE_PASSES or tail_check:
            if idx is None:
                count[:] = steps
            else:
                count[idx] = steps
            if not walking:
                break
            keep = np.flatnonzero(below)
            if tail_check:
                mean = a[keep] / (1.0 + b[keep])  # n s (binomial) or lam (Poisson)
                tail = (k > mean) & (pmf[keep] <= TAIL * cdf[keep])
                keep = keep[~tail]
                if not keep.size:
                    break
            idx = keep if idx is None else idx[keep]
            pmf, cdf, a, b, level, steps = (x[keep] for x in (pmf, cdf, a, b, level, steps))
            below, term = np.ones(keep.size, dtype=bool), np.empty(keep.size)
        k += 1
        np.multiply(b, k - 1, out=term)
        np.subtract(a, term, out=term)
        term *= 1.0 / k
        pmf *= term
        cdf += pmf
        np.less(cdf, level, out=below)
        steps += below
    return count.reshape(first.shape)


def _binomial_correct(level: FloatArray, n: IntArray, s: FloatArray) -> IntArray:
    """Cornish-Fisher guess, then exact correction with the binomial CDF ``bdtr``."""
    mean = n * s
    sd = np.sqrt(mean * (1.0 - s))
    z = special.ndtri(np.clip(level, 1e-300, 1.0 - 1e-16))
    skew = (1.0 - 2.0 * s) / sd
    guess = np.floor(mean + sd * (z + skew * (z * z - 1.0) / 6.0) + 0.5)
    k = np.clip(guess, 0, n).astype(np.int64)
    return _correct(level, k, lambda at, rows: special.bdtr(at, n[rows], s[rows]), n)


def _poisson_correct(level: FloatArray, lam: FloatArray) -> IntArray:
    """Wilson-Hilferty guess, then exact correction with the Poisson CDF ``pdtr``."""
    z = special.ndtri(np.clip(level, 1e-300, 1.0 - 1e-16))
    cube = 1.0 - 1.0 / (9.0 * lam) + z / (3.0 * np.sqrt(lam))
    guess = np.floor(lam * cube**3 - 0.5)
    k = np.maximum(guess, 0).astype(np.int64)
    return _correct(level, k, lambda at, rows: special.pdtr(at, lam[rows]), None)


def _correct(
    level: FloatArray,
    k: IntArray,
    cdf: Callable[[IntArray, IntArray], FloatArray],
    cap: IntArray | None,
) -> IntArray:
    """Move ``k`` to ``min{k : F(k) >= level}``: up while ``F(k) < level``, then down while
    ``F(k - 1) >= level``. ``cdf(k_rows, rows)`` is the exact CDF for those rows."""
    rows = np.arange(k.size)
    while rows.size:
        low = cdf(k[rows], rows) < level[rows]
        if cap is not None:
            low &= k[rows] < cap[rows]
        rows = rows[low]
        k[rows] += 1
    rows = np.flatnonzero(k > 0)
    while rows.size:
        high = cdf(k[rows] - 1, rows) >= level[rows]
        rows = rows[high]
        k[rows] -= 1
        rows = rows[k[rows] > 0]
    return k
