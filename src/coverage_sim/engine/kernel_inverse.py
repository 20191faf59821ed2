"""Compiled counts by inversion, one cell at a time (numba): ``inverse.py`` bit for bit.

The arithmetic is ``inverse.py``'s, operation for operation (``(a - b (k - 1)) * (1 / k)``
per step, the same tail rule at the passes ``k = 32, 64, ...``). What the kernel does not
compute itself, because a compiled version could differ in the last bit:

- ``pmf(0)``: ``exp(n log1p(-s))`` and ``exp(-lam)`` come from numpy (its SIMD ``exp`` and
  ``log1p`` can differ from the C library's, which numba calls), computed by the caller;
- the exact CDFs and the normal quantile of the guess-and-correct path are scipy's own C
  functions (``bdtr``, ``pdtr``, ``ndtri`` from ``scipy.special.cython_special``), passed
  in as function objects so that the compiled code can be cached on disk.

Importing this module imports numba (about 0.3 s): only the engine's compiled path does.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
from numba import njit
from numba.extending import get_cython_function_address

from coverage_sim.engine.inverse import SEARCH_MEAN, TAIL, TAIL_EVERY

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


@njit(cache=True)
def poisson_count(u: float, lam: float, first: float, pdtr: Any, ndtri: Any) -> int:
    """Poisson(lam) from one uniform, ``lam >= 0``, ``first = exp(-lam)`` from numpy."""
    if lam > SEARCH_MEAN:
        return poisson_correct(u, lam, pdtr, ndtri)
    return walk(u, first, lam, 0.0)
