"""The metric ids of MODEL.md §4: the public interface, with each one's better direction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coverage_sim.outcome import BRIDGE_FIELDS, METRIC_IDS, SERIES_NAMES

__all__ = [
    "BRIDGE_FIELDS",
    "COMPARISON_STATS",
    "METRICS",
    "SERIES_NAMES",
    "SUMMARY_STATS",
    "Better",
    "MetricDefinition",
]

Better = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class MetricDefinition:
    id: str
    label: str
    unit: Literal["money", "count", "ratio", "months"]
    better: Better
    meaning: str


_DEFINITIONS: dict[str, MetricDefinition] = {
    m.id: m
    for m in (
        MetricDefinition("ending_arr", "Ending ARR", "money", "higher", "ARR at the last month"),
        MetricDefinition(
            "total_revenue", "Total revenue", "money", "higher", "revenue over the horizon"
        ),
        MetricDefinition(
            "total_spend", "Coverage spend", "money", "lower", "coverage spend over the horizon"
        ),
        MetricDefinition(
            "contribution", "Contribution", "money", "higher", "cumulative contribution"
        ),
        MetricDefinition(
            "npv",
            "NPV",
            "money",
            "higher",
            "discounted contribution, plus the discounted terminal value if set",
        ),
        MetricDefinition("new_logos", "New logos", "count", "higher", "customers landed"),
        MetricDefinition("churned_logos", "Churned logos", "count", "lower", "customers lost"),
        MetricDefinition(
            "ending_customers", "Ending customers", "count", "higher", "active customers at the end"
        ),
        MetricDefinition(
            "grr", "GRR", "ratio", "higher", "gross revenue retention over the final 12 months"
        ),
        MetricDefinition(
            "nrr", "NRR", "ratio", "higher", "net revenue retention over the final 12 months"
        ),
        MetricDefinition(
            "cac",
            "CAC",
            "money",
            "lower",
            "sales-and-marketing CAC: (land-motion spend + marketing) / new logos",
        ),
        MetricDefinition(
            "cac_payback_months",
            "CAC payback (months)",
            "months",
            "lower",
            "CAC / (monthly new ACV x gross margin)",
        ),
        MetricDefinition(
            "clv",
            "CLV",
            "money",
            "higher",
            "discounted gross profit per landed customer (cohort lens)",
        ),
        MetricDefinition("clv_cac", "CLV / CAC", "ratio", "higher", "clv / cac"),
        MetricDefinition(
            "expansion_multiple",
            "Expansion multiple",
            "ratio",
            "higher",
            "cohort's 5-year revenue after the initial booking per $1 of initial booking",
        ),
        MetricDefinition(
            "post_booking_share",
            "Post-booking share",
            "ratio",
            "higher",
            "share of the cohort's 5-year revenue after the initial booking",
        ),
        MetricDefinition(
            "post_sale_share",
            "Post-sale share of spend",
            "ratio",
            None,
            "share of coverage spend on adopt/expand/renew",
        ),
        MetricDefinition(
            "sales_cac", "Sales CAC", "money", "lower", "land-motion spend / new logos"
        ),
        MetricDefinition(
            "cac_ratio",
            "CAC ratio",
            "ratio",
            "lower",
            "(land-motion spend + marketing) / new-logo first-year ACV (Benchmarkit)",
        ),
        MetricDefinition(
            "marketing_spend",
            "Marketing spend",
            "money",
            "lower",
            "demand-generation cost over the horizon (market.demand.cost_annual)",
        ),
        MetricDefinition(
            "terminal_value",
            "Terminal value",
            "money",
            "higher",
            "discounted value of the ending book included in npv (arr_multiple or runoff)",
        ),
    )
}

# One definition per id of the engine's contract (``coverage_sim.outcome.METRIC_IDS``), in
# its order.
METRICS: dict[str, MetricDefinition] = {m: _DEFINITIONS[m] for m in METRIC_IDS}

SUMMARY_STATS: tuple[str, ...] = ("mean", "sd", "p5", "p10", "p50", "p90", "p95")
COMPARISON_STATS: tuple[str, ...] = ("delta_mean", "delta_p50", "prob_better", "prob_best")
