from __future__ import annotations

import dataclasses
import json

import numpy as np
from report_factory import make_report, scenario_summary

from coverage_sim.metrics.definitions import METRICS, SERIES_NAMES
from coverage_sim.metrics.summary_types import Band, Comparison
from coverage_sim.report.json_out import render_json


def test_json_is_one_object_with_settings_scenarios_and_comparisons() -> None:
    doc = json.loads(render_json(make_report()))
    assert list(doc) == [
        "settings",
        "baseline",
        "verdict",
        "comparability",
        "scenarios",
        "comparisons",
    ]
    assert doc["settings"] == {
        "tool_version": "0.1.0",
        "numpy_version": "2.4.6",
        "seed": 7,
        "trials": 400,
        "months": 24,
        "sampling": "lhs",
        "overrides": [],
        "precision": None,
    }
    assert doc["baseline"] == "Traditional"
    first = doc["scenarios"][0]
    assert list(first) == ["name", "source", "trials", "metrics", "bridge", "series"]
    assert list(first["metrics"]) == list(METRICS)
    assert list(first["metrics"]["nrr"]) == [
        "mean",
        "sd",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
        "mc_se",
        "n",
    ]
    assert first["metrics"]["nrr"]["p50"] == 1.04
    assert first["bridge"][0] == {
        "year": 1,
        "start": 50e6,
        "new": 8e6,
        "expansion": 4e6,
        "contraction": 1e6,
        "churn": 5e6,
        "end": 56e6,
    }
    assert list(first["series"])[: len(SERIES_NAMES)] == list(SERIES_NAMES)
    assert set(first["series"]["arr"]) == {"p10", "p50", "p90"}
    assert len(first["series"]["arr"]["p50"]) == 24
    comparison = doc["comparisons"][0]
    assert list(comparison) == [
        "scenario",
        "baseline",
        "metric",
        "delta_mean",
        "delta_p50",
        "prob_better",
        "prob_best",
    ]
    assert comparison["scenario"] == "XaaS" and comparison["baseline"] == "Traditional"


def test_json_writes_undefined_and_non_finite_values_as_null() -> None:
    report = make_report()
    summary = scenario_summary("Traditional", undefined=("cac",))
    nan_series = dict(summary.series)
    nan_series["arr"] = Band(
        p10=np.array([np.nan, 1.0]), p50=np.array([np.inf, 2.0]), p90=np.array([3.0, 4.0])
    )
    summary = dataclasses.replace(summary, series=nan_series)
    odd = Comparison("XaaS", "Traditional", "cac", float("nan"), None, None)
    report = dataclasses.replace(
        report, scenarios=[summary, report.scenarios[1]], comparisons=[odd]
    )
    text = render_json(report)
    assert "NaN" not in text and "Infinity" not in text
    doc = json.loads(text)
    assert doc["scenarios"][0]["metrics"]["cac"]["p50"] is None
    assert doc["scenarios"][0]["series"]["arr"]["p10"] == [None, 1.0]
    assert doc["scenarios"][0]["series"]["arr"]["p50"] == [None, 2.0]
    assert doc["comparisons"][0]["delta_mean"] is None


def test_json_run_of_one_scenario_has_no_baseline_and_no_comparisons() -> None:
    doc = json.loads(render_json(make_report(("Only",))))
    assert doc["baseline"] is None
    assert doc["comparisons"] == []
    assert doc["scenarios"][0]["source"] == "Only.yaml"


def test_json_is_byte_identical_for_the_same_report() -> None:
    assert render_json(make_report()) == render_json(make_report())
