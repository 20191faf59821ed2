"""Rates that move with coverage (MODEL.md §3.3; ``CoverageResponse`` in compiled.py)."""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import CoverageResponse, FloatArray


def rate_at(response: CoverageResponse, coverage: FloatArray, trials: slice) -> FloatArray:
    """The rate each trial gets at its coverage ``c`` in [0, 1].

    linear: ``uncovered + (covered - uncovered) * c``;
    hill:   ``uncovered + (covered - uncovered) * c * (1 + h) / (c + h)``.
    ``coverage`` has the chunk's trials on axis 0 (any trailing axes, e.g. months).
    """
    uncovered = response.uncovered[trials]
    gap = response.covered[trials] - uncovered
    extra = coverage.ndim - 1
    if extra:
        uncovered = uncovered.reshape(uncovered.shape + (1,) * extra)
        gap = gap.reshape(gap.shape + (1,) * extra)
    if response.shape == "hill" and response.half_saturation is not None:
        h = response.half_saturation[trials].reshape((-1,) + (1,) * extra)
        denominator = coverage + h
        lift = np.divide(
            coverage * (1.0 + h),
            denominator,
            out=np.zeros_like(denominator),
            where=denominator > 0,
        )
        return uncovered + gap * lift
    return uncovered + gap * coverage


def coverage_of(capacity: FloatArray, accounts: FloatArray) -> FloatArray:
    """``c = min(1, capacity / accounts)``; with no accounts, any capacity covers them all."""
    ratio = np.divide(capacity, accounts, out=np.ones_like(capacity), where=accounts > 0)
    return np.where((accounts <= 0) & (capacity <= 0), 0.0, np.minimum(ratio, 1.0))
