"""The splits ``optimize`` evaluates and the P10/P50 frontier over them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from coverage_sim.metrics.definitions import Better

RAMP = "ramp_months"  # --path: the band's and the bounds' key of the final point's month
Split = tuple[dict[str, float], float | None, float | None]  # shares, budget, month


@dataclass(frozen=True)
class Candidate:
    """One evaluated split: shares of every role, the budget if varied, objective figures."""

    shares: dict[str, float]
    budget: float | None
    score: float | None
    p10: float | None
    p50: float | None
    month: float | None = None  # --path: the month the final split is reached


def frontier(candidates: Sequence[Candidate], better: Better) -> list[int]:
    """Indexes of the splits no other split beats on both P10 and P50 (Pareto), by P50."""
    sign = 1.0 if better == "higher" else -1.0
    usable = [
        (sign * c.p50, sign * c.p10, i)
        for i, c in enumerate(candidates)
        if c.p50 is not None and c.p10 is not None
    ]
    usable.sort(key=lambda t: (-t[0], -t[1], t[2]))
    kept: list[int] = []
    best_p10 = -math.inf
    for _, p10, index in usable:
        if p10 > best_p10:
            kept.append(index)
            best_p10 = p10
    return kept
