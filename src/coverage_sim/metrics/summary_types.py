"""Summaries of per-trial outcomes: what the report renders (MODEL.md §4-5)."""

from __future__ import annotations

from dataclasses import dataclass

from coverage_sim.compiled import FloatArray


@dataclass(frozen=True)
class MetricSummary:
    """Per-metric statistics over trials.

    ``mc_se`` = sd / sqrt(n), the Monte Carlo error of the mean.

    Any statistic with no defined value (every trial NaN) is ``None``, never NaN.
    ``n`` counts the trials in which the metric was defined.
    """

    mean: float | None
    sd: float | None
    p5: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p95: float | None
    mc_se: float | None
    n: int


@dataclass(frozen=True)
class Band:
    """p10 / p50 / p90 of a monthly series across trials, one value per month."""

    p10: FloatArray
    p50: FloatArray
    p90: FloatArray


@dataclass(frozen=True)
class BridgeYear:
    """One year of the ARR bridge, as trial means (means add up, so the identity holds)."""

    year: int
    start: float
    new: float
    expansion: float
    contraction: float
    churn: float
    end: float


@dataclass(frozen=True)
class ScenarioSummary:
    name: str
    trials: int
    metrics: dict[str, MetricSummary]
    bridge: list[BridgeYear]
    series: dict[str, Band]


@dataclass(frozen=True)
class Comparison:
    """Paired, trial-by-trial comparison of one metric of ``scenario`` against ``baseline``.

    ``prob_better``: share of trials in which the scenario beats the baseline in the
    metric's better direction, ties counted half; ``None`` for metrics without a
    direction or with no trial where both are defined.
    """

    scenario: str
    baseline: str
    metric: str
    delta_mean: float | None
    delta_p50: float | None
    prob_better: float | None
    prob_best: float | None = None  # share of trials this plan is best among all (metrics.best)
