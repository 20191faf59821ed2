"""``--format json``: one object (MODEL.md §5), never NaN, keys in a fixed order.

Layout::

    {"settings": {tool_version, numpy_version, seed, trials, months, sampling,
                  overrides: ["PATH=VALUE", ...]},
     "baseline": name | null,
     "scenarios": [{name, source, trials,
                    metrics: {<id>: {mean, sd, p5, p10, p50, p90, p95, mc_se, n}},
                    bridge: [{year, start, new, expansion, contraction, churn, end}],
                    series: {<name>: {p10: [...], p50: [...], p90: [...]}}}],
     "comparisons": [{scenario, baseline, metric, delta_mean, delta_p50, prob_better}]}

Floats are written in full (shortest round-trip repr), never rounded: the same seed
gives byte-identical output with the same installed versions and platform
(docs/cli.md, "Reproducibility"); an undefined statistic is ``null``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from coverage_sim.metrics.summary_types import Band, MetricSummary, ScenarioSummary
from coverage_sim.report.model import RunReport, metric_order, series_order

STAT_FIELDS: tuple[str, ...] = ("mean", "sd", "p5", "p10", "p50", "p90", "p95", "mc_se", "n")


def _finite(value: float | int | None) -> float | int | None:
    """A JSON-safe number: NaN and infinities become ``None`` (null)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    value = float(value)
    return value if math.isfinite(value) else None


def _metric(summary: MetricSummary) -> dict[str, Any]:
    return {field: _finite(getattr(summary, field)) for field in STAT_FIELDS}


def _band(band: Band) -> dict[str, list[float | int | None]]:
    return {
        "p10": [_finite(float(v)) for v in band.p10],
        "p50": [_finite(float(v)) for v in band.p50],
        "p90": [_finite(float(v)) for v in band.p90],
    }


def _scenario(summary: ScenarioSummary, source: str | None) -> dict[str, Any]:
    return {
        "name": summary.name,
        "source": source,
        "trials": summary.trials,
        "metrics": {m: _metric(summary.metrics[m]) for m in metric_order(list(summary.metrics))},
        "bridge": [
            {key: _finite(value) for key, value in asdict(year).items()} for year in summary.bridge
        ],
        "series": {s: _band(summary.series[s]) for s in series_order(list(summary.series))},
    }


def report_to_dict(report: RunReport) -> dict[str, Any]:
    """The JSON document as plain Python objects (dicts keep the documented key order)."""
    sources: list[str | None] = list(report.sources) + [None] * (
        len(report.scenarios) - len(report.sources)
    )
    settings = report.settings
    return {
        "settings": {
            "tool_version": settings.tool_version,
            "numpy_version": settings.numpy_version,
            "seed": settings.seed,
            "trials": settings.trials,
            "months": settings.months,
            "sampling": settings.sampling,
            "overrides": list(settings.overrides),
        },
        "baseline": report.baseline,
        "scenarios": [_scenario(s, src) for s, src in zip(report.scenarios, sources, strict=True)],
        "comparisons": [
            {
                "scenario": c.scenario,
                "baseline": c.baseline,
                "metric": c.metric,
                "delta_mean": _finite(c.delta_mean),
                "delta_p50": _finite(c.delta_p50),
                "prob_better": _finite(c.prob_better),
            }
            for c in report.comparisons
        ],
    }


def render_json(report: RunReport) -> str:
    """The report as indented JSON text ending in a newline; raises if a NaN slipped through."""
    return json.dumps(report_to_dict(report), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
