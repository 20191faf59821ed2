"""Common random numbers: the uniforms behind each uncertain input (MODEL.md §3.1).

The uniforms of a parameter depend only on ``(seed, dotted parameter path, trial)``:
a ``numpy.random.SeedSequence`` is built from the seed and a BLAKE2b hash of the
path (never Python's ``hash()``, which changes between processes). So the same
input in two scenarios gets the same draw in every trial, whatever other inputs the
scenarios have and in whatever order; and with ``monte_carlo`` the first 1,000 of
10,000 trials equal a 1,000-trial run.

``lhs`` stratifies each parameter on its own: trial ``i`` gets one uniform in the
stratum ``[k/n, (k+1)/n)`` for a random permutation ``k`` of ``0..n-1``. The strata
depend on ``n``, so the prefix property does not hold for LHS.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np

from coverage_sim.compiled import FloatArray

Sampling = Literal["monte_carlo", "lhs"]
SAMPLING_METHODS: tuple[str, ...] = ("monte_carlo", "lhs")
_STREAM_VERSION = b"coverage-sim/uniforms/v1\x00"
_TINY = 2.0**-54  # replaces an exact 0 so every inverse CDF stays finite


def path_key(path: str) -> tuple[int, ...]:
    """Four 32-bit words of ``blake2b(path)``: the spawn key of the parameter's stream."""
    digest = hashlib.blake2b(_STREAM_VERSION + path.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def parameter_rng(seed: int, path: str) -> np.random.Generator:
    """The generator of one parameter: depends on ``seed`` and ``path`` only."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=path_key(path))
    return np.random.Generator(np.random.PCG64(sequence))


def uniforms(seed: int, path: str, trials: int, sampling: str = "monte_carlo") -> FloatArray:
    """``trials`` uniforms in (0, 1) for parameter ``path``."""
    rng = parameter_rng(seed, path)
    if sampling == "monte_carlo":
        u = rng.random(trials)
    elif sampling == "lhs":
        strata = rng.permutation(trials).astype(np.float64)
        u = (strata + rng.random(trials)) / trials
    else:
        raise ValueError(f"unknown sampling {sampling!r}; expected one of {SAMPLING_METHODS}")
    return np.where(u > 0.0, u, _TINY)
