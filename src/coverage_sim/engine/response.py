"""Rates that move with coverage (MODEL.md §3.3; ``CoverageResponse`` in compiled.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import CoverageResponse, FloatArray


@dataclass(frozen=True)
class ChunkResponse:
    """A ``CoverageResponse`` for one chunk of trials, sliced (and ``covered - uncovered``
    taken) once, so that the monthly loop only evaluates it.

    ``half_saturation`` is set for the ``hill`` shape only.
    """

    uncovered: FloatArray
    gap: FloatArray  # covered - uncovered
    half_saturation: FloatArray | None
    compiled: bool = False  # evaluate with ``kernel_month.response_rates`` (same bytes)

    @classmethod
    def of(
        cls, response: CoverageResponse, trials: slice, *, compiled: bool = False
    ) -> ChunkResponse:
        uncovered = response.uncovered[trials]
        h = response.half_saturation if response.shape == "hill" else None
        return cls(
            uncovered=np.ascontiguousarray(uncovered, dtype=np.float64),
            gap=response.covered[trials] - uncovered,
            half_saturation=None if h is None else np.ascontiguousarray(h[trials], dtype=float),
            compiled=compiled,
        )

    def at(self, coverage: FloatArray) -> FloatArray:
        """The rate each trial gets at its coverage ``c`` in [0, 1].

        linear: ``uncovered + (covered - uncovered) * c``;
        hill:   ``uncovered + (covered - uncovered) * c * (1 + h) / (c + h)``.
        ``coverage`` has the chunk's trials on axis 0 (any trailing axes, e.g. months).
        """
        if self.compiled and coverage.ndim <= 2:
            return self._compiled_at(coverage)
        uncovered, gap = self.uncovered, self.gap
        extra = coverage.ndim - 1
        if extra:
            uncovered = uncovered.reshape(uncovered.shape + (1,) * extra)
            gap = gap.reshape(gap.shape + (1,) * extra)
        if self.half_saturation is not None:
            h = self.half_saturation.reshape((-1,) + (1,) * extra)
            denominator = coverage + h
            lift = np.divide(
                coverage * (1.0 + h),
                denominator,
                out=np.zeros_like(denominator),
                where=denominator > 0,
            )
            return uncovered + gap * lift
        return uncovered + gap * coverage

    def _compiled_at(self, coverage: FloatArray) -> FloatArray:
        from coverage_sim.engine.kernel_month import response_rates

        by_trial = np.ascontiguousarray(coverage, dtype=np.float64).reshape(len(self.gap), -1)
        out = np.empty(by_trial.shape)
        hill = self.half_saturation is not None
        half = self.half_saturation if hill else self.gap
        response_rates(self.uncovered, self.gap, half, hill, by_trial, out)
        return out.reshape(coverage.shape)


def rate_at(
    response: CoverageResponse, coverage: FloatArray, trials: slice, *, compiled: bool = False
) -> FloatArray:
    """``response`` at ``coverage`` for trials ``trials`` (see ``ChunkResponse.at``)."""
    return ChunkResponse.of(response, trials, compiled=compiled).at(coverage)


def coverage_of(capacity: FloatArray, accounts: FloatArray) -> FloatArray:
    """``c = min(1, capacity / accounts)``; with no accounts, any capacity covers them all."""
    ratio = np.divide(capacity, accounts, out=np.ones_like(capacity), where=accounts > 0)
    return np.where((accounts <= 0) & (capacity <= 0), 0.0, np.minimum(ratio, 1.0))
