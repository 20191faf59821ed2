"""Break-even of an input: where P(better) crosses 50% inside its p5..p95 range.

P(better) is evaluated with the input held (every other input and the process noise
paired, as in ``swing``) at its p5 and its p95. If both ends are on the same side of 50%
the input "does not flip" the verdict. Otherwise the crossing is bracketed by bisection on
the input's probability level ``q`` (its value is ``ppf(q)``): each round halves the
bracket, so after ``k`` rounds the level is known within ``0.9 / 2**k``. The inputs are
bisected in lockstep, one batch of evaluations per round through the executor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from coverage_sim.analysis.inputs import UncertainInput
from coverage_sim.analysis.paired import Question, Task
from coverage_sim.analysis.results import BreakEven, InputEffect
from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.compare import prob_better
from coverage_sim.metrics.definitions import METRICS

RANGE_LOW, RANGE_HIGH = 0.05, 0.95


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

    def at(path: str, q: float) -> Task:
        return question.task({path: inputs[path].quantile(q)})

    paths = [e.path for e in effects]
    ends = p_better([at(p, q) for p in paths for q in (RANGE_LOW, RANGE_HIGH)])
    low_p = {p: ends[2 * k] for k, p in enumerate(paths)}
    high_p = {p: ends[2 * k + 1] for k, p in enumerate(paths)}
    brackets: dict[str, tuple[float, float]] = {}
    for p in paths:
        lo, hi = low_p[p], high_p[p]
        if lo is not None and hi is not None and (lo - 0.5) * (hi - 0.5) <= 0 and lo != hi:
            brackets[p] = (RANGE_LOW, RANGE_HIGH)
    for _ in range(iterations if brackets else 0):
        active = list(brackets)
        mids = [(brackets[p][0] + brackets[p][1]) / 2 for p in active]
        values = p_better([at(p, m) for p, m in zip(active, mids, strict=True)])
        for p, mid, value in zip(active, mids, values, strict=True):
            lo_q, hi_q = brackets[p]
            same_side_as_low = value is not None and (value - 0.5) * (low_p[p] - 0.5) > 0  # type: ignore[operator]
            brackets[p] = (mid, hi_q) if same_side_as_low else (lo_q, mid)
    out = []
    for e in effects:
        bracket = brackets.get(e.path)
        q = None if bracket is None else (bracket[0] + bracket[1]) / 2
        found = BreakEven(
            value=None if q is None else inputs[e.path].quantile(q),
            quantile=q,
            prob_better_low=low_p[e.path],
            prob_better_high=high_p[e.path],
        )
        out.append(dataclasses.replace(e, breakeven=found))
    return out
