"""Hand-built summaries and comparisons: what the renderers get from the metrics module."""

from __future__ import annotations

import numpy as np

from coverage_sim.metrics.definitions import BRIDGE_FIELDS, METRICS, SERIES_NAMES
from coverage_sim.metrics.summary_types import (
    Band,
    BridgeYear,
    Comparison,
    MetricSummary,
    ScenarioSummary,
)
from coverage_sim.report.model import RunReport, RunSettings

TYPICAL: dict[str, float] = {
    "ending_arr": 62_500_000.0,
    "total_revenue": 260_000_000.0,
    "total_spend": 95_000_000.0,
    "contribution": 80_000_000.0,
    "npv": 55_000_000.0,
    "new_logos": 410.0,
    "churned_logos": 230.0,
    "ending_customers": 680.0,
    "grr": 0.9,
    "nrr": 1.04,
    "cac": 120_000.0,
    "cac_payback_months": 18.3,
    "clv": 400_000.0,
    "clv_cac": 3.3,
    "expansion_multiple": 4.2,
    "post_booking_share": 0.81,
    "post_sale_share": 0.07,
    "sales_cac": 80_000.0,
    "cac_ratio": 1.8,
    "marketing_spend": 20_000_000.0,
    "terminal_value": 0.0,
}


def metric_summary(center: float, *, undefined: bool = False) -> MetricSummary:
    if undefined:
        return MetricSummary(None, None, None, None, None, None, None, None, 0)
    spread = abs(center) * 0.1
    return MetricSummary(
        mean=center,
        sd=spread,
        p5=center - 1.645 * spread,
        p10=center - 1.2816 * spread,
        p50=center,
        p90=center + 1.2816 * spread,
        p95=center + 1.645 * spread,
        mc_se=spread / 20.0,
        n=400,
    )


def scenario_summary(
    name: str, *, scale: float = 1.0, months: int = 24, undefined: tuple[str, ...] = ()
) -> ScenarioSummary:
    metrics = {m: metric_summary(TYPICAL[m] * scale, undefined=m in undefined) for m in METRICS}
    arr = np.linspace(50e6, 50e6 * scale * 1.25, months)
    series = {name_: Band(p10=arr * 0.9, p50=arr, p90=arr * 1.1) for name_ in SERIES_NAMES}
    series["heads.account_executive"] = Band(
        p10=np.full(months, 40.0), p50=np.full(months, 42.0), p90=np.full(months, 44.0)
    )
    years = []
    start = 50e6
    for year in range(1, months // 12 + 1):
        new, expansion, contraction, churn = 8e6 * scale, 4e6 * scale, 1e6, 5e6
        end = start + new + expansion - contraction - churn
        years.append(BridgeYear(year, start, new, expansion, contraction, churn, end))
        start = end
    assert set(BRIDGE_FIELDS) == {"start", "new", "expansion", "contraction", "churn", "end"}
    return ScenarioSummary(name=name, trials=400, metrics=metrics, bridge=years, series=series)


def comparisons_for(scenario: str, baseline: str, scale: float) -> list[Comparison]:
    out = []
    for metric, definition in METRICS.items():
        delta = TYPICAL[metric] * (scale - 1.0)
        prob = None if definition.better is None else (0.93 if scale > 1 else 0.2)
        out.append(Comparison(scenario, baseline, metric, delta, delta, prob))
    return out


SETTINGS = RunSettings(
    tool_version="0.1.0", numpy_version="2.4.6", seed=7, trials=400, months=24, sampling="lhs"
)


def make_report(names: tuple[str, ...] = ("Traditional", "XaaS"), **kwargs: object) -> RunReport:
    summaries = [scenario_summary(n, scale=1.0 + 0.1 * i) for i, n in enumerate(names)]
    if len(names) == 1:
        return RunReport(SETTINGS, summaries, sources=[f"{names[0]}.yaml"])
    comparisons = [
        c for i, n in enumerate(names[1:], 1) for c in comparisons_for(n, names[0], 1 + 0.1 * i)
    ]
    return RunReport(
        SETTINGS,
        summaries,
        comparisons,
        baseline=names[0],
        sources=[f"s{i}.yaml" for i in range(len(names))],
    )
