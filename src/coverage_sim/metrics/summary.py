"""Summaries of one scenario's per-trial outcome (MODEL.md §4).

Per metric: mean, sd (sample, ``ddof=1``), p5/p10/p50/p90/p95 (linear interpolation
between order statistics, numpy's default) and ``mc_se = sd / sqrt(n)``, over the trials
where the metric is defined. A statistic with no defined value is ``None``: no NaN ever
leaves this module. Series bands are p10/p50/p90 per month; bridge years are trial means.
"""

from __future__ import annotations

import math

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.definitions import BRIDGE_FIELDS, METRICS
from coverage_sim.metrics.summary_types import Band, BridgeYear, MetricSummary, ScenarioSummary
from coverage_sim.outcome import ScenarioOutcome

PERCENTILES: tuple[tuple[str, float], ...] = (
    ("p5", 5.0),
    ("p10", 10.0),
    ("p50", 50.0),
    ("p90", 90.0),
    ("p95", 95.0),
)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summarize_values(values: FloatArray) -> MetricSummary:
    """Statistics of one metric over the trials where it is finite."""
    defined = np.asarray(values, dtype=np.float64)
    defined = defined[np.isfinite(defined)]
    n = int(defined.size)
    if n == 0:
        return MetricSummary(None, None, None, None, None, None, None, None, 0)
    # values near the float limit (a 1e-300 ACV makes a 1e305 payback) overflow the mean or
    # the spread: those statistics are then undefined (None), not a warning on stderr
    with np.errstate(over="ignore", invalid="ignore"):
        qs = np.percentile(defined, [q for _, q in PERCENTILES])
        sd = _finite(float(np.std(defined, ddof=1))) if n > 1 else None
        mean = _finite(float(np.mean(defined)))
    quantiles = {name: _finite(q) for (name, _), q in zip(PERCENTILES, qs, strict=True)}
    return MetricSummary(
        mean=mean,
        sd=sd,
        mc_se=None if sd is None else sd / math.sqrt(n),
        n=n,
        **quantiles,
    )


def band(series: FloatArray) -> Band:
    """p10 / p50 / p90 across trials for each month (series are finite by contract)."""
    p10, p50, p90 = np.percentile(series, [10.0, 50.0, 90.0], axis=0)
    return Band(p10=p10, p50=p50, p90=p90)


def bridge_years(bridge: dict[str, FloatArray]) -> list[BridgeYear]:
    """Trial means per year; means of sums are sums of means, so the identity still holds."""
    means = {f: np.mean(bridge[f], axis=0) for f in BRIDGE_FIELDS}
    years = means["start"].shape[0]
    return [
        BridgeYear(year=y + 1, **{f: float(means[f][y]) for f in BRIDGE_FIELDS})
        for y in range(years)
    ]


def scenario_summary(
    name: str, metrics: dict[str, FloatArray], bridge: list[BridgeYear], series: dict[str, Band]
) -> ScenarioSummary:
    """Every metric of ``METRICS`` summarized from its per-trial values, with the bridge
    and the bands as given."""
    missing = [m for m in METRICS if m not in metrics]
    if missing:
        raise ValueError(f"outcome {name!r} lacks metrics: {', '.join(missing)}")
    trials = int(next(iter(metrics.values())).shape[0])
    return ScenarioSummary(
        name=name,
        trials=trials,
        metrics={m: summarize_values(metrics[m]) for m in METRICS},
        bridge=bridge,
        series=series,
    )


def summarize(outcome: ScenarioOutcome) -> ScenarioSummary:
    """Every metric of ``METRICS``, the ARR bridge and the monthly bands of one scenario,
    from all its trials at once (exact bands; ``metrics.streaming`` for block-wise runs)."""
    return scenario_summary(
        outcome.name,
        outcome.metrics,
        bridge_years(outcome.bridge),
        {name: band(values) for name, values in outcome.series.items()},
    )
