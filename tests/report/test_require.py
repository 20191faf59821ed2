from __future__ import annotations

import dataclasses

import pytest
from report_factory import make_report, metric_summary

from coverage_sim.errors import RequirementNotMet, UsageError
from coverage_sim.metrics.definitions import COMPARISON_STATS, METRICS, SUMMARY_STATS
from coverage_sim.metrics.summary_types import Comparison
from coverage_sim.require import (
    check_targets,
    enforce,
    evaluate,
    parse_requirement,
)


@pytest.mark.parametrize(
    ("text", "metric", "stat", "op", "threshold", "scenario"),
    [
        ("nrr.p50 >= 100%", "nrr", "p50", ">=", 1.0, None),
        ("ending_arr.p10>50M", "ending_arr", "p10", ">", 50e6, None),
        ("  cac.mean <= 80k ", "cac", "mean", "<=", 80e3, None),
        ("npv.prob_better != 0.5", "npv", "prob_better", "!=", 0.5, None),
        ("contribution.delta_p50 > -2.5M", "contribution", "delta_p50", ">", -2.5e6, None),
        ("total_spend.delta_mean < 1_000", "total_spend", "delta_mean", "<", 1000.0, None),
        ("XaaS: nrr.p50 == 1", "nrr", "p50", "==", 1.0, "XaaS"),
        ("Plan: v2:grr.p5 >= 85%", "grr", "p5", ">=", 0.85, "Plan: v2"),
    ],
)
def test_require_parses_the_documented_grammar(
    text: str, metric: str, stat: str, op: str, threshold: float, scenario: str | None
) -> None:
    req = parse_requirement(text)
    assert (req.metric, req.stat, req.op, req.scenario) == (metric, stat, op, scenario)
    assert req.threshold == pytest.approx(threshold)


def test_unknown_metric_is_a_usage_error_listing_every_metric() -> None:
    with pytest.raises(UsageError) as info:
        parse_requirement("arr.p50 > 1")
    message = str(info.value)
    assert "unknown metric 'arr'" in message
    assert all(m in message for m in METRICS)


def test_unknown_stat_is_a_usage_error_listing_every_stat() -> None:
    with pytest.raises(UsageError) as info:
        parse_requirement("nrr.median > 1")
    message = str(info.value)
    assert "unknown statistic 'median'" in message
    assert all(s in message for s in SUMMARY_STATS + COMPARISON_STATS)


@pytest.mark.parametrize(
    "text", ["nrr.p50", "nrr.p50 => 1", "nrr > 1", "nrr.p50 > 1 and 2", "nrr.p50 > __import__"]
)
def test_malformed_requirements_are_usage_errors_showing_the_grammar(text: str) -> None:
    with pytest.raises(UsageError, match=r"METRIC\.STAT OP NUMBER|not a number"):
        parse_requirement(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("nrr.p50 >= ", "METRIC.STAT OP NUMBER"),  # not "'=' is not a number"
        ("nrr.p50 >= \u22125%", "U+2212"),
        ("nrr.p50 >= lots", "'lots' is not a number"),
    ],
)
def test_a_missing_or_mistyped_number_is_explained(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_requirement(text)
    assert says in str(raised.value)


def test_prob_better_of_a_metric_without_direction_is_rejected() -> None:
    with pytest.raises(UsageError, match="no better direction"):
        parse_requirement("post_sale_share.prob_better > 0.5")


def test_a_holding_requirement_has_no_shortfall() -> None:
    report = make_report()
    assert evaluate([parse_requirement("nrr.p50 >= 100%")], report) == []
    enforce([parse_requirement("npv.prob_better > 90%")], report)


def test_require_failure_names_the_requirement_the_scenario_and_the_figure() -> None:
    report = make_report()
    with pytest.raises(RequirementNotMet) as info:
        enforce([parse_requirement("nrr.p50 >= 110%")], report)
    message = str(info.value)
    assert '"nrr.p50 >= 110%"' in message
    assert "'Traditional'" in message
    assert "nrr.p50 = 104.0% (1.04)" in message
    assert "XaaS" not in message  # 114.4% holds


def test_summary_stats_apply_to_every_scenario_comparisons_to_all_but_the_baseline() -> None:
    report = make_report(("Base", "B", "C"))
    short = evaluate([parse_requirement("ending_arr.p50 > 100M")], report)
    assert [s.scenario for s in short] == ["Base", "B", "C"]
    short = evaluate([parse_requirement("ending_arr.prob_better > 99%")], report)
    assert [s.scenario for s in short] == ["B", "C"]


def test_a_scenario_prefix_targets_one_scenario() -> None:
    report = make_report(("Base", "B", "C"))
    short = evaluate([parse_requirement("C:ending_arr.p50 > 100M")], report)
    assert [s.scenario for s in short] == ["C"]


def test_a_file_stem_alias_resolves_to_the_scenario_name() -> None:
    reqs = check_targets(
        [parse_requirement("xaas:npv.p50 > 0")],
        ["Traditional", "XaaS coverage"],
        "Traditional",
        {"xaas": "XaaS coverage"},
    )
    assert reqs[0].scenario == "XaaS coverage"


def test_unknown_scenario_prefix_lists_the_scenarios() -> None:
    with pytest.raises(UsageError, match=r"no scenario named 'Nope'.*'Base', 'B'"):
        check_targets([parse_requirement("Nope:npv.p50 > 0")], ["Base", "B"], "Base")


def test_comparison_stats_need_a_baseline() -> None:
    with pytest.raises(UsageError, match="use `coverage-sim compare`"):
        check_targets([parse_requirement("npv.delta_p50 > 0")], ["Only"], None)
    with pytest.raises(UsageError, match="is the baseline"):
        check_targets([parse_requirement("Base:npv.delta_p50 > 0")], ["Base", "B"], "Base")


def test_an_undefined_figure_fails_the_requirement_with_a_clear_message() -> None:
    report = make_report()
    summary = report.scenarios[0]
    metrics = dict(summary.metrics)
    metrics["cac"] = metric_summary(0.0, undefined=True)
    report = dataclasses.replace(
        report,
        scenarios=[dataclasses.replace(summary, metrics=metrics), report.scenarios[1]],
        comparisons=[Comparison("XaaS", "Traditional", "cac", None, None, None)],
    )
    with pytest.raises(RequirementNotMet) as info:
        enforce(
            [parse_requirement("cac.p50 != 1"), parse_requirement("cac.prob_better > 0")], report
        )
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert "'Traditional': cac.p50 is undefined" in lines[0]
    assert "'XaaS': cac.prob_better is undefined" in lines[1]


def test_evaluate_refuses_a_prefix_that_check_targets_has_not_resolved() -> None:
    report = make_report(("Base", "B"))
    with pytest.raises(ValueError, match="check_targets"):
        evaluate([parse_requirement("b:ending_arr.p50 > 1")], report)
