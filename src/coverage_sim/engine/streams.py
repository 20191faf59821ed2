"""Process-noise random streams: common random numbers by inversion, one uniform per cell.

Trials are grouped in fixed blocks of ``BLOCK_TRIALS``. Every (block, purpose) pair has its
own ``numpy.random.Generator`` (PCG64) seeded from ``SeedSequence(seed)`` with spawn key
``(NOISE_DOMAIN, block, purpose)``. A draw of cells with shape ``(*cells, trials)`` takes
``cells x BLOCK_TRIALS`` uniforms from each block's stream, cell-major, whatever the number
of trials actually in the block, and each month's draws start at a fixed stream position
(``month x MONTH_STRIDE``). So the uniform behind a cell of trial ``i`` depends only on
(seed, purpose, month, the cell's place in the month's draws, ``i``): not on the chunk size,
the number of trials, or any simulated value. Each uniform becomes a count by the inverse
CDF (``inverse.py``), so two scenarios run with the same seed get counts that differ only
where their distributions differ (pairing, MODEL.md §3.1).
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt

from coverage_sim.compiled import FloatArray, IntArray
from coverage_sim.engine.inverse import binomial_quantile, poisson_quantile

BLOCK_TRIALS = 1000
NOISE_DOMAIN = 0x6E6F6973  # "nois": keeps process noise apart from input-sampling streams
MONTH_STRIDE = 2**40  # uniforms reserved per month in every (block, purpose) stream

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
        *,
        compiled: bool = False,
    ) -> None:
        if first_trial % BLOCK_TRIALS:
            raise ValueError("a chunk must start on a block boundary")
        self.size = size
        self.compiled = compiled  # Poisson draws by the compiled kernel (same counts)
        first_block = first_trial // BLOCK_TRIALS
        n_blocks = -(-size // BLOCK_TRIALS)
        starts = [b * BLOCK_TRIALS for b in range(n_blocks)]
        self._bounds = [(s, min(s + BLOCK_TRIALS, size)) for s in starts]
        entropy = root.entropy
        prefix = tuple(root.spawn_key)
        self._bits: dict[int, list[np.random.PCG64]] = {
            purpose: [
                np.random.PCG64(
                    np.random.SeedSequence(
                        entropy, spawn_key=(*prefix, NOISE_DOMAIN, first_block + b, purpose)
                    )
                )
                for b in range(n_blocks)
            ]
            for purpose in purposes
        }
        self._gens = {
            purpose: [np.random.Generator(bits) for bits in block_bits]
            for purpose, block_bits in self._bits.items()
        }
        self._position = dict.fromkeys(purposes, 0)  # uniforms used so far, per block stream
        self._buffers: dict[int, FloatArray] = {}
        self.drawn = 0  # uniforms drawn so far, all streams (whole blocks of 1,000 trials)

    def begin_month(self, month: int) -> None:
        """Move every stream to the month's fixed start: what a month draws (e.g. how many
        tenure bins the chunk needs) cannot shift the uniforms of later months."""
        start = month * MONTH_STRIDE
        for purpose, block_bits in self._bits.items():
            ahead = start - self._position[purpose]
            if ahead < 0:
                raise RuntimeError("a month drew more uniforms than MONTH_STRIDE allows")
            if ahead:
                for bits in block_bits:
                    bits.advance(ahead)
            self._position[purpose] = start

    def uniforms(self, purpose: int, shape: tuple[int, ...]) -> FloatArray:
        """One U[0, 1) per cell of ``shape`` (trials last).

        Each block fills a full ``(cells, BLOCK_TRIALS)`` array from its own stream and keeps
        the columns of the trials it has, so trial ``i`` gets the same uniforms in a chunk or
        run of any size (the prefix property holds for every number of trials).
        """
        cells = int(np.prod(shape[:-1], dtype=np.int64))
        out = np.empty(shape)
        for gen, (lo, hi) in zip(self._gens[purpose], self._bounds, strict=True):
            block = gen.random((cells, BLOCK_TRIALS))
            out[..., lo:hi] = block[:, : hi - lo].reshape((*shape[:-1], hi - lo))
        self._position[purpose] += cells * BLOCK_TRIALS
        self.drawn += cells * BLOCK_TRIALS * len(self._bounds)
        return out

    def fill(self, purpose: int, cells: int) -> FloatArray:
        """The same uniforms as ``uniforms(purpose, (cells, size))``, left in place per
        block: ``out[block, cell, i]`` is the uniform of ``cell`` for the block's trial
        ``i`` (the compiled kernel reads them there; no copy). The array is reused by the
        next ``fill`` of this purpose."""
        out = self._buffers.get(purpose)
        if out is None or out.shape[1] != cells:
            out = np.empty((len(self._bounds), cells, BLOCK_TRIALS))
            self._buffers[purpose] = out
        for b, gen in enumerate(self._gens[purpose]):
            gen.random(out=out[b])
        self._position[purpose] += cells * BLOCK_TRIALS
        self.drawn += cells * BLOCK_TRIALS * len(self._bounds)
        return out

    def binomial(self, purpose: int, n: IntArray, p: npt.ArrayLike) -> IntArray:
        """Binomial(n, p) per cell by inversion; trials on the LAST axis of ``n``.

        ``p`` is a scalar or an array that broadcasts against ``n`` (clipped to [0, 1]).
        Every cell consumes one uniform, empty or not.
        """
        return binomial_quantile(self.uniforms(purpose, n.shape), n, p)

    def poisson(self, purpose: int, lam: FloatArray) -> IntArray:
        """Poisson(lam) per cell by inversion; trials on the last axis."""
        lam = np.maximum(lam, 0.0)
        if not self.compiled or lam.ndim != 1:
            return poisson_quantile(self.uniforms(purpose, lam.shape), lam)
        from coverage_sim.engine import kernel

        _, pdtr, ndtri = kernel.special_functions()
        out = np.empty(lam.shape, dtype=np.int64)
        kernel.poisson_cells(self.fill(purpose, 1), lam, np.exp(-lam), out, pdtr, ndtri)
        return out
