"""Process-noise random streams, keyed so results do not depend on the chunk size.

Trials are grouped in fixed blocks of ``BLOCK_TRIALS``. Every (block, purpose) pair has its
own ``numpy.random.Generator`` seeded from ``SeedSequence(seed)`` with spawn key
``(NOISE_DOMAIN, block, purpose)``. A chunk is a whole number of blocks and draws each
block's cells from that block's generator, in the same order whatever the chunk size, so
trial ``i`` sees the same noise whether it runs in a chunk of 1,000 or 100,000 trials. Two
scenarios run with the same seed use the same streams (pairing, MODEL.md §3.1).
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt

BLOCK_TRIALS = 1000
NOISE_DOMAIN = 0x6E6F6973  # "nois": keeps process noise apart from input-sampling streams
IntArray = npt.NDArray[np.int64]

# Fixed purpose ids: the motions draw from separate streams, so a change in one motion's
# cells leaves the other motions' noise aligned between paired scenarios.
RENEW = 1
ADOPT = 2
EXPAND = 3
LAND = 4


def attrition_purpose(role_name: str) -> int:
    """Stream id of one role's attrition draws: stable across runs and Python versions."""
    return 1000 + zlib.crc32(role_name.encode("utf-8"))


def root_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or a numpy SeedSequence, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.SeedSequence(int(seed))


class NoiseStreams:
    """Binomial / Poisson draws for trials ``[first, first + size)`` of one chunk."""

    def __init__(
        self,
        root: np.random.SeedSequence,
        first_trial: int,
        size: int,
        purposes: tuple[int, ...],
    ) -> None:
        if first_trial % BLOCK_TRIALS:
            raise ValueError("a chunk must start on a block boundary")
        self.size = size
        first_block = first_trial // BLOCK_TRIALS
        n_blocks = -(-size // BLOCK_TRIALS)
        starts = [b * BLOCK_TRIALS for b in range(n_blocks)]
        self._bounds = [(s, min(s + BLOCK_TRIALS, size)) for s in starts]
        entropy = root.entropy
        prefix = tuple(root.spawn_key)
        self._gens: dict[int, list[np.random.Generator]] = {
            purpose: [
                np.random.Generator(
                    np.random.PCG64(
                        np.random.SeedSequence(
                            entropy, spawn_key=(*prefix, NOISE_DOMAIN, first_block + b, purpose)
                        )
                    )
                )
                for b in range(n_blocks)
            ]
            for purpose in purposes
        }

    def binomial(self, purpose: int, n: IntArray, p: npt.ArrayLike) -> IntArray:
        """Binomial(n, p) per cell; trials on the LAST axis of ``n``.

        ``p`` is a scalar or an array that broadcasts against ``n`` with its last axis
        either the trials (sliced per block) or of length 1.

        Each block of trials draws its cells from its own generator, in C order of the
        block's sub-array, so the draws of a trial do not depend on the chunk it runs in.
        """
        gens = self._gens[purpose]
        p_arr = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        per_trial_p = p_arr.ndim > 0 and p_arr.shape[-1] == n.shape[-1]
        out = np.empty(n.shape, dtype=np.int64)
        for gen, (lo, hi) in zip(gens, self._bounds, strict=True):
            p_block = p_arr[..., lo:hi] if per_trial_p else p_arr
            out[..., lo:hi] = gen.binomial(n[..., lo:hi], p_block)
        return out

    def uniform_for(self, purpose: int, trials: IntArray) -> npt.NDArray[np.float64]:
        """One U[0, 1) per listed trial (ascending chunk indices), from each trial's block."""
        gens = self._gens[purpose]
        out = np.empty(trials.size)
        cuts = np.searchsorted(trials, [lo for lo, _ in self._bounds] + [self.size])
        for b, gen in enumerate(gens):
            if cuts[b + 1] > cuts[b]:
                out[cuts[b] : cuts[b + 1]] = gen.random(cuts[b + 1] - cuts[b])
        return out

    def poisson(self, purpose: int, lam: npt.NDArray[np.float64]) -> IntArray:
        """Poisson(lam) per cell; trials on the last axis."""
        gens = self._gens[purpose]
        lam = np.maximum(lam, 0.0)
        out = np.empty(lam.shape, dtype=np.int64)
        for gen, (lo, hi) in zip(gens, self._bounds, strict=True):
            out[..., lo:hi] = gen.poisson(lam[..., lo:hi])
        return out
