"""What the engine hands on: per-trial results of one scenario (before any summary)."""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage_sim.compiled import FloatArray

# The engine -> metrics contract: what every ``ScenarioOutcome`` holds. The metric ids are
# MODEL.md §4's; ``coverage_sim.metrics.definitions.METRICS`` describes each, in this order.
METRIC_IDS: tuple[str, ...] = (
    "ending_arr",
    "total_revenue",
    "total_spend",
    "contribution",
    "npv",
    "new_logos",
    "churned_logos",
    "ending_customers",
    "grr",
    "nrr",
    "cac",
    "cac_payback_months",
    "clv",
    "clv_cac",
    "expansion_multiple",
    "post_booking_share",
    "post_sale_share",
    # added later, at the end so that readers of the earlier order keep working
    "sales_cac",
    "cac_ratio",
    "marketing_spend",
    "terminal_value",
)
BRIDGE_FIELDS: tuple[str, ...] = ("start", "new", "expansion", "contraction", "churn", "end")
SERIES_NAMES: tuple[str, ...] = (
    "arr",
    "customers",
    "revenue",
    "spend",
    "contribution",
    "post_sale_share",  # that month's share of coverage spend on adopt/expand/renew
    "new_logos",  # logos landed that month
    "churned_logos",  # logos lost that month (not renewed at their anniversary)
)
# plus one series per role: "heads.<role name>"


@dataclass(frozen=True)
class ScenarioOutcome:
    """Per-trial results of one simulated scenario.

    ``metrics[id]``: shape ``(trials,)``, one value per trial for every id in
    ``METRIC_IDS`` (NaN where undefined in a trial, e.g. CAC with no new logo).
    ``bridge[field]``: shape ``(trials, years)`` for each of
    ``BRIDGE_FIELDS``; ``start + new + expansion - contraction - churn == end``.
    ``series[name]``: shape ``(trials, months)``; names in ``SERIES_NAMES`` plus
    ``heads.<role>``.
    ``paths``: each motion's coverage path and the spend path, shape ``(trials, months)``,
    only when the engine was asked to keep them (``coverage_sim.engine.paths``).
    """

    name: str
    metrics: dict[str, FloatArray]
    bridge: dict[str, FloatArray]
    series: dict[str, FloatArray]
    paths: dict[str, FloatArray] = field(default_factory=dict)
