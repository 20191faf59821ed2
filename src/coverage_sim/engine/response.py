"""Rates that move with coverage (MODEL.md §3.3; ``CoverageResponse`` in compiled.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coverage_sim.compiled import CoverageResponse, Customers, FloatArray


@dataclass(frozen=True)
class ChunkResponse:
    """A ``CoverageResponse`` for one chunk of trials, sliced (and ``covered - uncovered``
    taken) once, so that the monthly loop only evaluates it.

    ``half_saturation`` is set for the ``hill`` shape only.
    """

    uncovered: FloatArray
    gap: FloatArray  # covered - uncovered
    half_saturation: FloatArray | None

    @classmethod
    def of(cls, response: CoverageResponse, trials: slice) -> ChunkResponse:
        uncovered = response.uncovered[trials]
        h = response.half_saturation if response.shape == "hill" else None
        return cls(
            uncovered=np.ascontiguousarray(uncovered, dtype=np.float64),
            gap=response.covered[trials] - uncovered,
            half_saturation=None if h is None else np.ascontiguousarray(h[trials], dtype=float),
        )

    def at(self, coverage: FloatArray) -> FloatArray:
        """The rate each trial gets at its coverage ``c`` in [0, 1].

        linear: ``uncovered + (covered - uncovered) * c``;
        hill:   ``uncovered + (covered - uncovered) * c * (1 + h) / (c + h)``.
        ``coverage`` has the chunk's trials on axis 0 (any trailing axes, e.g. months).
        """
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


# the customer book's responses, in the order the compiled kernels read them, and the
# coverage each one reads (0 adopt, 1 renew, 2 expand)
BOOK_RESPONSES = (
    "renewal_adopted",
    "renewal_at_risk",
    "adoption_rate",
    "adoption_decay",
    "adoption_recovery",
    "upsell_monthly",
    "cross_sell_per_year",
)
BOOK_COVERAGE = (1, 1, 0, 0, 0, 2, 2)
_READS = np.array(BOOK_COVERAGE, dtype=np.int64)  # (built once, not every month)


@dataclass(frozen=True)
class BookResponses:
    """``BOOK_RESPONSES`` of ``customers`` for one chunk, packed for the compiled kernels:
    rows of ``uncovered``, ``gap`` and ``half`` (0 where linear) per trial, ``hill`` per
    response."""

    uncovered: FloatArray
    gap: FloatArray
    half: FloatArray
    hill: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, customers: Customers, trials: slice) -> BookResponses:
        rows = [ChunkResponse.of(getattr(customers, name), trials) for name in BOOK_RESPONSES]
        size = trials.stop - trials.start
        half = np.zeros((len(rows), size))
        for i, row in enumerate(rows):
            if row.half_saturation is not None:
                half[i] = row.half_saturation
        return cls(
            uncovered=np.array([r.uncovered for r in rows], dtype=np.float64).reshape(-1, size),
            gap=np.array([r.gap for r in rows], dtype=np.float64).reshape(-1, size),
            half=half,
            hill=np.array([r.half_saturation is not None for r in rows]),
        )

    def at(self, adopt: FloatArray, renew: FloatArray, expand: FloatArray) -> dict[str, FloatArray]:
        """Every response at its motion's coverage this month (one kernel pass; the same
        bytes as ``ChunkResponse.at``)."""
        from coverage_sim.engine.kernel_month import book_rates

        out = np.empty(self.uncovered.shape)
        book_rates(
            self.uncovered, self.gap, self.half, self.hill, _READS,
            _row(adopt), _row(renew), _row(expand), out,
        )  # fmt: skip
        return dict(zip(BOOK_RESPONSES, out, strict=True))


def _row(values: FloatArray) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64)


def rate_at(response: CoverageResponse, coverage: FloatArray, trials: slice) -> FloatArray:
    """``response`` at ``coverage`` for trials ``trials`` (see ``ChunkResponse.at``)."""
    return ChunkResponse.of(response, trials).at(coverage)


def coverage_of(capacity: FloatArray, accounts: FloatArray) -> FloatArray:
    """``c = min(1, capacity / accounts)``; with no accounts, any capacity covers them all."""
    ratio = np.divide(capacity, accounts, out=np.ones_like(capacity), where=accounts > 0)
    return np.where((accounts <= 0) & (capacity <= 0), 0.0, np.minimum(ratio, 1.0))
