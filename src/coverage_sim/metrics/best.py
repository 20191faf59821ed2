"""Comparisons among all the plans of a run, trial by trial (docs/cli.md, "P(best) and pairwise").

- ``prob_best``: in each trial where every plan's metric is defined, the plan with the best
  value in the metric's direction; a tie at the top is shared equally. P(best) of a plan is
  its share over those trials, so the shares of a run sum to 1 (the baseline included).
- ``pairwise``: every ordered pair of plans, paired as ``compare`` pairs a plan with the
  baseline: P(row beats column) (ties half) and the median of ``row - column``. So
  ``P(a beats b) + P(b beats a) = 1`` over the trials where both are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.compare import paired_difference
from coverage_sim.metrics.definitions import Better

Matrix = tuple[tuple[float | None, ...], ...]
VERDICT_METRIC = "npv"  # what the verdict, P(best) in it and the pairwise matrix judge on


@dataclass(frozen=True)
class Pairwise:
    """The pairwise matrix of one metric: ``[row][column]``, ``None`` on the diagonal and
    where no trial defines both plans."""

    metric: str
    plans: tuple[str, ...]
    prob_beats: Matrix  # P(row beats column), ties half
    delta_p50: Matrix  # median of the paired differences row - column


def prob_best(values: Sequence[FloatArray], better: Better) -> list[float | None]:
    """Each plan's share of the trials in which it is best (ties at the top shared)."""
    if better is None or not values:
        return [None] * len(values)
    stack = np.vstack([np.asarray(v, dtype=np.float64) for v in values])
    defined = np.all(np.isfinite(stack), axis=0)
    if not defined.any():
        return [None] * len(values)
    scores = stack[:, defined] if better == "higher" else -stack[:, defined]
    top = scores == scores.max(axis=0)
    shares = top / top.sum(axis=0)
    return [float(x) for x in shares.mean(axis=1)]


def pairwise(
    metric: str, plans: Sequence[str], values: Sequence[FloatArray], better: Better
) -> Pairwise:
    """P(row beats column) and Δ p50 (row - column) for every ordered pair of plans."""
    probs: list[tuple[float | None, ...]] = []
    deltas: list[tuple[float | None, ...]] = []
    for i, row in enumerate(values):
        p_row: list[float | None] = []
        d_row: list[float | None] = []
        for j, column in enumerate(values):
            pair = None if i == j else paired_difference(column, row, better)
            p_row.append(None if pair is None else pair.prob_better)
            d_row.append(None if pair is None else pair.delta_p50)
        probs.append(tuple(p_row))
        deltas.append(tuple(d_row))
    return Pairwise(metric, tuple(plans), tuple(probs), tuple(deltas))
