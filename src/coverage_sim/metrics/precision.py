"""When a run has enough trials: the 95% intervals behind ``--precision`` (docs/cli.md).

- A p50 (median) is precise enough when its distribution-free 95% interval, the order
  statistics of ranks ``n/2 -/+ 1.96 sqrt(n)/2`` (the binomial interval for the median,
  e.g. Conover, *Practical Nonparametric Statistics*, §3.2), has a half-width within
  ``relative x |p50|``; a p50 of 0 needs both ends at 0. A metric whose values are all
  whole numbers (logos, customers) is reported in whole units, so a half-width of 0.5
  (the interval reaching at most the next whole number) is always precise enough: the
  median of a count sitting on a boundary between two integers would otherwise never
  settle.
- A P(better) is precise enough when its Wilson score 95% interval has a half-width within
  ``PROBABILITY_HALF_WIDTH`` (1 percentage point); Wilson, not the normal approximation,
  so that a P(better) of 0 or 1 still needs enough trials to mean it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.summary_types import Comparison

Z95 = 1.959963984540054
PROBABILITY_HALF_WIDTH = 0.01


def median_interval(values: FloatArray) -> tuple[float, float] | None:
    """The 95% interval of the median of the finite ``values`` (None if there are none)."""
    defined = np.sort(values[np.isfinite(values)])
    n = defined.size
    if n == 0:
        return None
    spread = Z95 * math.sqrt(n) / 2
    low = max(math.floor(n / 2 - spread), 0)
    high = min(math.ceil(n / 2 + spread), n - 1)
    return float(defined[low]), float(defined[high])


def wilson_half_width(p: float, n: int) -> float:
    """Half-width of the Wilson score 95% interval of a proportion ``p`` out of ``n``."""
    if n <= 0:
        return math.inf
    z2 = Z95 * Z95
    return Z95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))


@dataclass(frozen=True)
class Shortfall:
    """The least precise figure of a run and how far it is from the target (>1: short)."""

    what: str
    ratio: float


def shortfall(
    metrics: dict[str, dict[str, FloatArray]],
    comparisons: list[Comparison],
    relative: float,
) -> Shortfall:
    """The worst ratio of an interval's half-width to its target over every scenario's
    metric p50 (``metrics[scenario][metric]``, per-trial values) and every comparison's
    P(better) (out of the trials where both scenarios define the metric)."""
    worst = Shortfall("", 0.0)
    for scenario, by_metric in metrics.items():
        for metric, values in by_metric.items():
            interval = median_interval(values)
            if interval is None:
                continue
            half = (interval[1] - interval[0]) / 2
            defined = values[np.isfinite(values)]
            target = relative * abs(float(np.median(defined)))
            if np.array_equal(defined, np.rint(defined)):
                target = max(target, 0.5)
            ratio = (0.0 if half == 0 else math.inf) if target == 0 else half / target
            if ratio > worst.ratio:
                worst = Shortfall(f"{scenario}: {metric}.p50", ratio)
    for item in comparisons:
        if item.prob_better is None:
            continue
        base, other = metrics[item.baseline][item.metric], metrics[item.scenario][item.metric]
        n = int(np.count_nonzero(np.isfinite(base) & np.isfinite(other)))
        ratio = wilson_half_width(item.prob_better, n) / PROBABILITY_HALF_WIDTH
        if ratio > worst.ratio:
            worst = Shortfall(f"{item.scenario}: {item.metric}.prob_better", ratio)
    return worst


def parse_precision(text: str | None) -> float | None:
    """``--precision``: ``None`` (a fixed number of trials), or a share such as ``0.5%`` or
    ``0.005``, above 0 and at most 50%."""
    if text is None:
        return None
    from coverage_sim.errors import UsageError
    from coverage_sim.scenario.numbers import parse_number

    try:
        value = parse_number(text)
    except ValueError as exc:
        raise UsageError(f"--precision {text!r}: expected a share such as 0.5% or 0.005") from exc
    if not 0 < value <= 0.5:
        written_as_share = "%" not in text  # 2 (meaning 2%) is a share of 200%
        hint = f"; did you mean {text.strip()}%?" if written_as_share and 0.5 < value <= 50 else ""
        raise UsageError(
            f"--precision {text!r}: expected a share above 0 and at most 50%, such as 0.5%{hint}"
        )
    return value
