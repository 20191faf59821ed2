"""``sensitivity`` and ``explain`` as JSON and CSV (full-precision numbers, never NaN).

JSON: one object with a top-level ``"command"`` key (``"sensitivity"`` or ``"explain"``)
so that other tools can tell the documents apart; docs/cli.md lists every key.
CSV: one row per input (sensitivity) or per cause plus the total (explain).
"""

from __future__ import annotations

import json
from typing import Any

from coverage_sim.analysis.results import ExplainResult, InputEffect, SensitivityResult
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.json_out import finite_or_none, metric_dict, settings_dict
from coverage_sim.text import json_safe

SENSITIVITY_CSV: tuple[str, ...] = (
    "metric",
    "plan",
    "baseline",
    "method",
    "rank",
    "input",
    "rank_correlation",
    "variance_share",
    "input_p10",
    "input_p90",
    "output_p50_at_p10",
    "output_p50_at_p90",
    "swing",
    "prob_better_at_p10",
    "prob_better_at_p90",
    "sobol_first_order",
    "sobol_first_order_conf",
    "sobol_total_order",
    "sobol_total_order_conf",
    "breakeven_value",
    "breakeven_quantile",
    "prob_better_at_p5",
    "prob_better_at_p95",
    "breakeven_searched_low",
    "breakeven_searched_high",
    "prob_better_at_searched_low",
    "prob_better_at_searched_high",
)
EXPLAIN_CSV: tuple[str, ...] = ("metric", "plan", "baseline", "part", "mean", "p10", "p50", "p90")


def _effect(effect: InputEffect) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": effect.path,
        "rank_correlation": finite_or_none(effect.rank_correlation),
        "variance_share": finite_or_none(effect.variance_share),
    }
    if effect.output_low is not None or effect.output_high is not None:
        out["swing"] = {
            "input_p10": finite_or_none(effect.low),
            "input_p90": finite_or_none(effect.high),
            "output_p50_at_p10": finite_or_none(effect.output_low),
            "output_p50_at_p90": finite_or_none(effect.output_high),
            "swing": finite_or_none(effect.swing),
            "prob_better_at_p10": finite_or_none(effect.prob_better_low),
            "prob_better_at_p90": finite_or_none(effect.prob_better_high),
        }
    if effect.first_order is not None or effect.total_order is not None:
        out["sobol"] = {
            "first_order": finite_or_none(effect.first_order),
            "first_order_conf": finite_or_none(effect.first_order_conf),
            "total_order": finite_or_none(effect.total_order),
            "total_order_conf": finite_or_none(effect.total_order_conf),
        }
    if effect.breakeven is not None:
        b = effect.breakeven
        out["breakeven"] = {
            "flips": b.value is not None,
            "value": finite_or_none(b.value),
            "quantile": finite_or_none(b.quantile),
            "prob_better_at_p5": finite_or_none(b.prob_better_low),
            "prob_better_at_p95": finite_or_none(b.prob_better_high),
            "searched": {
                "low": finite_or_none(b.range_low),
                "high": finite_or_none(b.range_high),
                "what": b.range_text,
                "prob_better_at_low": finite_or_none(b.prob_better_range_low),
                "prob_better_at_high": finite_or_none(b.prob_better_range_high),
            },
        }
    return out


def sensitivity_to_dict(result: SensitivityResult) -> dict[str, Any]:
    """The JSON document as plain objects, keys in the documented order."""
    return {
        "command": "sensitivity",
        "settings": settings_dict(result.settings),
        "method": result.method,
        "metric": result.metric,
        "plan": result.plan,
        "baseline": result.baseline,
        "sources": result.sources,
        "output": metric_dict(result.output),
        "prob_better": finite_or_none(result.prob_better),
        "process_noise": {
            "share": finite_or_none(result.noise_share),
            "output": metric_dict(result.noise_output),
        },
        "inputs_total": result.inputs_total,
        "evaluations": result.evaluations,
        "simulated_trials": result.simulated_trials,
        "inputs": [_effect(e) for e in result.effects],
        "notes": result.notes,
    }


def _spread(summary: MetricSummary) -> dict[str, Any]:
    return {k: finite_or_none(getattr(summary, k)) for k in ("mean", "p10", "p50", "p90", "n")}


def explain_to_dict(result: ExplainResult) -> dict[str, Any]:
    return {
        "command": "explain",
        "settings": settings_dict(result.settings),
        "metric": result.metric,
        "plan": result.plan,
        "baseline": result.baseline,
        "sources": result.sources,
        "total": _spread(result.total),
        "prob_better": finite_or_none(result.prob_better),
        "parts": [{"name": p.name, **_spread(p.spread)} for p in result.parts],
        "max_residual": finite_or_none(result.max_residual),
        "evaluations": result.evaluations,
        "notes": result.notes,
    }


def to_json(document: dict[str, Any]) -> str:
    """The JSON text, with the characters ``json.dumps`` leaves raw escaped (``json_safe``)."""
    return json_safe(json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False)) + "\n"


def sensitivity_csv(result: SensitivityResult) -> str:
    lines = [",".join(SENSITIVITY_CSV)]
    head = [
        csv_text(result.metric),
        csv_text(result.plan),
        csv_text(result.baseline or ""),
        result.method,
    ]
    for rank, e in enumerate(result.effects, start=1):
        b = e.breakeven
        numbers = [
            e.rank_correlation,
            e.variance_share,
            e.low,
            e.high,
            e.output_low,
            e.output_high,
            e.swing,
            e.prob_better_low,
            e.prob_better_high,
            e.first_order,
            e.first_order_conf,
            e.total_order,
            e.total_order_conf,
            None if b is None else b.value,
            None if b is None else b.quantile,
            None if b is None else b.prob_better_low,
            None if b is None else b.prob_better_high,
            None if b is None else b.range_low,
            None if b is None else b.range_high,
            None if b is None else b.prob_better_range_low,
            None if b is None else b.prob_better_range_high,
        ]
        lines.append(",".join([*head, str(rank), csv_text(e.path), *map(csv_number, numbers)]))
    return "\n".join(lines) + "\n"


def explain_csv(result: ExplainResult) -> str:
    lines = [",".join(EXPLAIN_CSV)]
    head = [csv_text(result.metric), csv_text(result.plan), csv_text(result.baseline)]
    rows = [("total", result.total), *((p.name, p.spread) for p in result.parts)]
    for name, s in rows:
        numbers = [s.mean, s.p10, s.p50, s.p90]
        lines.append(",".join([*head, csv_text(name), *map(csv_number, numbers)]))
    return "\n".join(lines) + "\n"
