"""Figures of merit over paired per-trial values: objective statistics, the flat-maximum
band and the break-even of a sweep (docs/cli.md, "sweep" and "optimize")."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.definitions import Better

STATS: tuple[str, ...] = ("mean", "p50", "p10", "cvar10")
BOOTSTRAP_RESAMPLES = 200
Z95 = 1.959963984540054  # two-sided 95% normal quantile
DEFAULT_SHARE = 0.01  # of the best point's p50 (or the best objective)


@dataclass(frozen=True)
class Tolerance:
    """The flat-maximum tolerance (``--tolerance``): ``share`` of the best p50's magnitude,
    or an ``absolute`` amount."""

    share: float | None = DEFAULT_SHARE
    absolute: float | None = None

    def amount(self, best_score: float) -> float:
        if self.absolute is not None:
            return self.absolute
        return abs(best_score) * (self.share or 0.0)


DEFAULT_TOLERANCE = Tolerance()


def parse_tolerance(text: str | None) -> Tolerance:
    """``--tolerance``: ``1%`` is a share of the best p50, ``250k`` an amount; ``None`` is
    the default (1%)."""
    from coverage_sim.errors import UsageError
    from coverage_sim.scenario.numbers import parse_number

    if text is None:
        return Tolerance()
    try:
        value = parse_number(text)
    except ValueError as exc:
        raise UsageError(f"--tolerance {text!r}: {exc}") from None
    if value < 0:
        raise UsageError(f"--tolerance {text!r}: must be zero or positive")
    if text.strip().endswith("%"):
        return Tolerance(share=value)
    return Tolerance(share=None, absolute=value)


def _worst_first(values: FloatArray, better: Better) -> FloatArray:
    """Sorted along the last axis so that the worst values (in ``better``'s sense) come first."""
    ordered = np.sort(values, axis=-1)
    return ordered[..., ::-1] if better == "lower" else ordered


def statistic(values: FloatArray, stat: str, better: Better) -> float | None:
    """``stat`` of the finite values: mean, p50, p10 (linear interpolation, as summaries),
    or cvar10 = the mean of the worst ceil(10%) of trials in the metric's better direction."""
    defined = np.asarray(values, dtype=np.float64)
    defined = defined[np.isfinite(defined)]
    if defined.size == 0:
        return None
    return float(_stat_rows(defined[np.newaxis, :], stat, better)[0])


def _stat_rows(rows: FloatArray, stat: str, better: Better) -> FloatArray:
    """``stat`` of each row of a 2-D array of finite values."""
    if stat == "mean":
        return np.mean(rows, axis=1)
    if stat == "p50":
        return np.percentile(rows, 50.0, axis=1)
    if stat == "p10":
        return np.percentile(rows, 10.0, axis=1)
    if stat == "cvar10":
        tail = max(math.ceil(0.1 * rows.shape[1]), 1)
        return np.mean(_worst_first(rows, better)[:, :tail], axis=1)
    raise ValueError(f"unknown statistic {stat!r}; expected one of {', '.join(STATS)}")


def relative_tolerance(best_score: float, share: float) -> float:
    """``share`` (e.g. 1%) of the best score's magnitude: the default flat-maximum tolerance."""
    return abs(best_score) * share


@dataclass(frozen=True)
class FlatBand:
    """Which candidates cannot be told apart from the best.

    Candidate ``i`` is in the band when its gap to the best, ``gap[i]`` (>= 0 in the better
    direction), is at most ``max(tolerance, precision[i])``; ``precision[i]`` is 1.96 x the
    bootstrap standard error of the paired difference of the statistic (trials resampled
    together, so the pairing is kept).
    """

    best: int
    tolerance: float
    gap: list[float | None]
    precision: list[float | None]
    members: list[bool]


def flat_band(
    values: Sequence[FloatArray],
    scores: Sequence[float | None],
    *,
    stat: str,
    better: Better,
    tolerance: float,
    seed: int,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> FlatBand:
    """The best candidate (by ``scores``, in ``better``'s direction) and its flat-maximum band.

    ``values[i]`` are candidate ``i``'s per-trial values (paired across candidates).
    The bootstrap is seeded by ``seed`` and the candidate's index: the same inputs give the
    same band.
    """
    if better is None:
        raise ValueError("a flat-maximum band needs a metric with a better direction")
    sign = 1.0 if better == "higher" else -1.0
    ranked = [(sign * s, -i) for i, s in enumerate(scores) if s is not None]
    if not ranked:
        raise ValueError("no candidate has a defined score")
    best = -max(ranked)[1]
    best_score = scores[best]
    assert best_score is not None
    top = np.asarray(values[best], dtype=np.float64)
    gaps: list[float | None] = []
    precisions: list[float | None] = []
    members: list[bool] = []
    for index, (candidate, score) in enumerate(zip(values, scores, strict=True)):
        if score is None:
            gaps.append(None)
            precisions.append(None)
            members.append(False)
            continue
        gap = sign * (best_score - score)
        precision = (
            0.0
            if index == best
            else _precision(top, candidate, stat, better, seed, index, resamples)
        )
        gaps.append(gap)
        precisions.append(precision)
        members.append(index == best or gap <= max(tolerance, precision))
    return FlatBand(best, tolerance, gaps, precisions, members)


def _precision(
    top: FloatArray,
    candidate: FloatArray,
    stat: str,
    better: Better,
    seed: int,
    index: int,
    resamples: int,
) -> float:
    other = np.asarray(candidate, dtype=np.float64)
    both = np.isfinite(top) & np.isfinite(other)
    a, b = top[both], other[both]
    if a.size < 2:
        return math.inf
    rng = np.random.default_rng([seed, index])
    picks = rng.integers(0, a.size, size=(resamples, a.size))
    differences = _stat_rows(a[picks], stat, better) - _stat_rows(b[picks], stat, better)
    return Z95 * float(np.std(differences, ddof=1))


@dataclass(frozen=True)
class BreakEven:
    """Where P(better) against the baseline crosses 50% along one swept value.

    ``crossings``: interpolated values (linear between neighbouring points), in increasing
    order. A point at exactly 50% is a crossing only where the points around it are on
    opposite sides (touching 50% is not crossing). Empty when it never crosses within the
    range; ``side`` then says whether the points were ``better`` or ``worse`` than the
    baseline (by P(better) above or below 50%; ``None`` if some are undefined or at 50%).
    """

    crossings: list[float]
    side: str | None


def break_even(xs: Sequence[float], probabilities: Sequence[float | None]) -> BreakEven:
    """Linear interpolation of the 50% crossings of ``probabilities`` over ``xs``."""
    pairs = sorted((x, p) for x, p in zip(xs, probabilities, strict=True) if p is not None)
    crossings: list[float] = []
    for (x0, p0), (x1, p1) in itertools.pairwise(pairs):
        if (p0 - 0.5) * (p1 - 0.5) < 0:
            crossings.append(x0 + (0.5 - p0) * (x1 - x0) / (p1 - p0))
    for position, (x, p) in enumerate(pairs):
        # exactly 50% (e.g. the baseline's own plan): a crossing only between opposite sides
        if p == 0.5:
            below = [q for _, q in pairs[:position] if q != 0.5]
            above = [q for _, q in pairs[position + 1 :] if q != 0.5]
            if below and above and (below[-1] - 0.5) * (above[0] - 0.5) < 0:
                crossings.append(x)
    crossings = sorted(dict.fromkeys(crossings))
    side: str | None = None
    if not crossings and pairs and len(pairs) == len(xs):
        if all(p > 0.5 for _, p in pairs):
            side = "better"
        elif all(p < 0.5 for _, p in pairs):
            side = "worse"
    return BreakEven(crossings, side)
