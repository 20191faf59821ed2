"""``--format json``: one object (MODEL.md §5), never NaN, keys in a fixed order.

Layout::

    {"settings": {tool_version, numpy_version, seed, trials, months, sampling,
                  overrides: ["PATH=VALUE", ...],
                  precision: null | {target, trials, max_trials, met, least_precise, ratio}},
     "baseline": name | null,
     "verdict": {metric, best, sentence, best_beyond_coverage,
                 plans: [{name, npv_p50, ending_arr_p50, nrr_p50, delta_p50, prob_better,
                          prob_best}]},
     "comparability": [{scenario, baseline, differing_paths, note}],
     "scenarios": [{name, source, trials,
                    metrics: {<id>: {mean, sd, p5, p10, p50, p90, p95, mc_se, n}},
                    bridge: [{year, start, new, expansion, contraction, churn, end}],
                    series: {<name>: {p10: [...], p50: [...], p90: [...]}}}],
     "comparisons": [{scenario, baseline, metric, delta_mean, delta_p50, prob_better,
                      prob_best}],
     "pairwise": {metric, plans, prob_beats: [[row beats column]], delta_p50: [[...]]}}
                 (only with compare --pairwise; null on the diagonal)

Floats are written in full (shortest round-trip repr), never rounded: the same seed
gives byte-identical output with the same installed versions and platform
(docs/cli.md, "Reproducibility"); an undefined statistic is ``null``.

``--sections`` drops keys: ``verdict``; ``metrics`` (each scenario's ``metrics`` and the
``comparisons``); ``bridge``; ``series``. ``--metrics`` keeps only those metric ids.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from coverage_sim.metrics.summary_types import Band, MetricSummary, ScenarioSummary
from coverage_sim.report.model import (
    PrecisionOutcome,
    RunReport,
    RunSettings,
    Selection,
    metric_order,
    series_order,
)
from coverage_sim.report.verdict import VERDICT_COLUMNS, Verdict, build_verdict

STAT_FIELDS: tuple[str, ...] = ("mean", "sd", "p5", "p10", "p50", "p90", "p95", "mc_se", "n")


def finite_or_none(value: float | int | None) -> float | int | None:
    """A JSON-safe number: NaN and infinities become ``None`` (null)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    value = float(value)
    return value if math.isfinite(value) else None


def metric_dict(summary: MetricSummary) -> dict[str, Any]:
    return {field: finite_or_none(getattr(summary, field)) for field in STAT_FIELDS}


def _band(band: Band) -> dict[str, list[float | int | None]]:
    return {
        "p10": [finite_or_none(float(v)) for v in band.p10],
        "p50": [finite_or_none(float(v)) for v in band.p50],
        "p90": [finite_or_none(float(v)) for v in band.p90],
    }


def _scenario(summary: ScenarioSummary, source: str | None, selection: Selection) -> dict[str, Any]:
    out: dict[str, Any] = {"name": summary.name, "source": source, "trials": summary.trials}
    if selection.shows("metrics"):
        available = list(summary.metrics)
        picked = selection.pick(available, metric_order(available))
        out["metrics"] = {m: metric_dict(summary.metrics[m]) for m in picked}
    if selection.shows("bridge"):
        out["bridge"] = [
            {key: finite_or_none(value) for key, value in asdict(year).items()}
            for year in summary.bridge
        ]
    if selection.shows("series"):
        out["series"] = {s: _band(summary.series[s]) for s in series_order(list(summary.series))}
    return out


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {
        "metric": "npv",
        "best": verdict.best,
        "sentence": verdict.sentence,
        "best_beyond_coverage": verdict.beyond_coverage,
        "plans": [
            {
                "name": row.name,
                **{f"{m}_p50": finite_or_none(row.p50[m]) for m in VERDICT_COLUMNS},
                "delta_p50": finite_or_none(row.delta_p50),
                "prob_better": finite_or_none(row.prob_better),
                "prob_best": finite_or_none(row.prob_best),
            }
            for row in verdict.rows
        ],
    }


def _precision(precision: PrecisionOutcome) -> dict[str, Any]:
    return {
        "target": precision.target,
        "trials": precision.trials,
        "max_trials": precision.max_trials,
        "met": precision.met,
        "least_precise": precision.least_precise,
        "ratio": finite_or_none(precision.ratio),
    }


def settings_dict(
    settings: RunSettings, precision: PrecisionOutcome | None = None
) -> dict[str, Any]:
    """The ``settings`` block every JSON output shares (``precision``: a --precision run's)."""
    return {
        "tool_version": settings.tool_version,
        "numpy_version": settings.numpy_version,
        "seed": settings.seed,
        "trials": settings.trials,
        "months": settings.months,
        "sampling": settings.sampling,
        "overrides": list(settings.overrides),
        "precision": None if precision is None else _precision(precision),
    }


def report_to_dict(report: RunReport, selection: Selection | None = None) -> dict[str, Any]:
    """The JSON document as plain Python objects (dicts keep the documented key order)."""
    selection = selection or Selection()
    sources: list[str | None] = list(report.sources) + [None] * (
        len(report.scenarios) - len(report.sources)
    )
    out: dict[str, Any] = {
        "settings": settings_dict(report.settings, report.precision),
        "baseline": report.baseline,
    }
    if selection.shows("verdict"):
        out["verdict"] = _verdict(build_verdict(report))
    out["comparability"] = [
        {
            "scenario": d.scenario,
            "baseline": d.baseline,
            "differing_paths": list(d.paths),
            "note": d.message(),
        }
        for d in report.differences
    ]
    out["scenarios"] = [
        _scenario(s, src, selection) for s, src in zip(report.scenarios, sources, strict=True)
    ]
    if selection.shows("metrics"):
        available = list(report.scenarios[0].metrics) if report.scenarios else []
        kept = set(selection.pick(available, available))
        out["comparisons"] = [
            {
                "scenario": c.scenario,
                "baseline": c.baseline,
                "metric": c.metric,
                "delta_mean": finite_or_none(c.delta_mean),
                "delta_p50": finite_or_none(c.delta_p50),
                "prob_better": finite_or_none(c.prob_better),
                "prob_best": finite_or_none(c.prob_best),
            }
            for c in report.comparisons
            if c.metric in kept
        ]
    if report.pairwise is not None:
        matrix = report.pairwise
        out["pairwise"] = {
            "metric": matrix.metric,
            "plans": list(matrix.plans),
            "prob_beats": [[finite_or_none(x) for x in row] for row in matrix.prob_beats],
            "delta_p50": [[finite_or_none(x) for x in row] for row in matrix.delta_p50],
        }
    return out


def render_json(report: RunReport, selection: Selection | None = None) -> str:
    """The report as indented JSON text ending in a newline; raises if a NaN slipped through."""
    return (
        json.dumps(report_to_dict(report, selection), indent=2, allow_nan=False, ensure_ascii=False)
        + "\n"
    )
