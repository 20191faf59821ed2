"""Break-even of an input: where P(better) crosses 50% over the key's whole valid range.

P(better) is evaluated with the input held (every other input and the process noise
paired, as in ``swing``) at four points: the ends of its searched range
(``key_domain.search_range``: a rate or share from 0 to 1, an amount or count from a tenth
of its p5 to ten times its p95) and its p5 and p95. The first segment whose ends lie on
opposite sides of 50% is bisected, preferring p5..p95 (the plausible crossing), then the
range below p5, then above p95. Inside p5..p95 the bisection is on the input's
probability level ``q`` (its value is ``ppf(q)``): after ``k`` rounds the level is known
within ``0.9 / 2**k``. Outside it, on the value itself (geometric midpoints on a positive
range wider than 10x). If no segment crosses, the input "does not flip" the verdict
anywhere in the range, and the output says which range was searched. The inputs are
bisected in lockstep, one batch of evaluations per round through the executor.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coverage_sim.analysis.inputs import UncertainInput
from coverage_sim.analysis.key_domain import search_range
from coverage_sim.analysis.paired import Question, Task
from coverage_sim.analysis.results import BreakEven, InputEffect
from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.compare import prob_better
from coverage_sim.metrics.definitions import METRICS

RANGE_LOW, RANGE_HIGH = 0.05, 0.95
_LEVELS = np.linspace(1e-6, 1 - 1e-6, 20_001)


@dataclass
class _Bracket:
    """A segment being bisected: in probability levels (``by_level``) or in values."""

    low: float
    high: float
    by_level: bool
    p_low: float  # P(better) at ``low``

    def midpoint(self) -> float:
        if not self.by_level and self.low > 0 and self.high > 10 * self.low:
            return math.sqrt(self.low * self.high)
        return (self.low + self.high) / 2


def _crosses(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and (a - 0.5) * (b - 0.5) <= 0 and a != b


def level_of(item: UncertainInput, value: float) -> float | None:
    """The input's probability level at ``value`` (None outside its p0.0001..p99.9999)."""
    values = np.asarray(item.distribution.ppf(_LEVELS), dtype=np.float64)
    if not values[0] <= value <= values[-1] or values[-1] == values[0]:
        return None
    return float(np.interp(value, values, _LEVELS))


def find_breakevens(
    question: Question,
    effects: Sequence[InputEffect],
    inputs: Mapping[str, UncertainInput],
    run: Callable[[Sequence[Task]], list[FloatArray]],
    *,
    iterations: int = 8,
) -> list[InputEffect]:
    """``effects`` with ``breakeven`` set for each (paired question, metric with a direction)."""
    better = METRICS[question.metric].better

    def p_better(tasks: Sequence[Task]) -> list[float | None]:
        return [prob_better(out, better) for out in run(tasks)]

    def at(path: str, value: float) -> Task:
        return question.task({path: value})

    paths = [e.path for e in effects]
    ranges = {p: search_range(inputs[p]) for p in paths}
    points = {
        p: (
            ranges[p][0],
            inputs[p].quantile(RANGE_LOW),
            inputs[p].quantile(RANGE_HIGH),
            ranges[p][1],
        )
        for p in paths
    }
    probs = p_better([at(p, x) for p in paths for x in points[p]])
    seen = {p: probs[4 * k : 4 * k + 4] for k, p in enumerate(paths)}
    brackets: dict[str, _Bracket] = {}
    for p in paths:
        lo, p5, p95, hi = seen[p]
        if _crosses(p5, p95):
            brackets[p] = _Bracket(RANGE_LOW, RANGE_HIGH, True, p5)  # type: ignore[arg-type]
        elif _crosses(lo, p5):
            brackets[p] = _Bracket(points[p][0], points[p][1], False, lo)  # type: ignore[arg-type]
        elif _crosses(p95, hi):
            brackets[p] = _Bracket(points[p][2], points[p][3], False, p95)  # type: ignore[arg-type]
    for _ in range(iterations if brackets else 0):
        active = list(brackets)
        mids = [brackets[p].midpoint() for p in active]
        tasks = [
            at(p, inputs[p].quantile(m) if brackets[p].by_level else m)
            for p, m in zip(active, mids, strict=True)
        ]
        for p, mid, value in zip(active, mids, p_better(tasks), strict=True):
            bracket = brackets[p]
            same_side_as_low = value is not None and (value - 0.5) * (bracket.p_low - 0.5) > 0
            if same_side_as_low:
                bracket.low = mid
            else:
                bracket.high = mid
    out = []
    for e in effects:
        item, final = inputs[e.path], brackets.get(e.path)
        value = quantile = None
        if final is not None:
            mid = final.midpoint()
            value = item.quantile(mid) if final.by_level else mid
            quantile = mid if final.by_level else level_of(item, mid)
        lo, p5, p95, hi = seen[e.path]
        low, high, text = ranges[e.path]
        found = BreakEven(value, quantile, p5, p95, low, high, text, lo, hi)
        out.append(dataclasses.replace(e, breakeven=found))
    return out
