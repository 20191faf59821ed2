"""Which charts a report holds, in order, each built only when drawn (matplotlib is lazy).

From a run: fan charts of ARR, customers, revenue, contribution and heads per role (plans
overlaid), the ARR bridge waterfall per plan, and in a comparison the histogram of the
paired NPV differences. ``--include`` documents add theirs (report/includes.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from coverage_sim.report import charts
from coverage_sim.report.model import RunReport, TrialSamples, series_order

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FAN_SERIES: tuple[str, ...] = ("arr", "customers", "revenue", "contribution")
FAN_TITLES: dict[str, str] = {
    "arr": "ARR",
    "customers": "Active customers",
    "revenue": "Revenue per month",
    "contribution": "Contribution per month",
}


@dataclass(frozen=True)
class ChartSpec:
    """One chart: a file-safe ``key`` (``fan-arr``), its caption, and how to draw it."""

    key: str
    caption: str
    draw: Callable[[], Figure]


def slug(text: str) -> str:
    """A file- and id-safe name: ``heads.account_executive`` -> ``heads-account-executive``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def npv_differences(samples: Sequence[TrialSamples]) -> list[tuple[str, np.ndarray]]:
    """Per-trial NPV of each plan minus the first (the baseline's), trial by trial."""
    if len(samples) < 2:
        return []
    base = np.asarray(samples[0].metrics["npv"], dtype=np.float64)
    return [
        (plan.name, np.asarray(plan.metrics["npv"], dtype=np.float64) - base)
        for plan in samples[1:]
    ]


def run_charts(report: RunReport, samples: Sequence[TrialSamples]) -> list[ChartSpec]:
    """The charts of one run, in report order."""
    specs: list[ChartSpec] = []
    available = series_order(list({s for summary in report.scenarios for s in summary.series}))
    wanted = [s for s in FAN_SERIES if s in available]
    wanted += [s for s in available if s.startswith("heads.")]
    for series in wanted:
        bands = [(s.name, s.series[series]) for s in report.scenarios if series in s.series]
        role = series.removeprefix("heads.")
        title = FAN_TITLES.get(series) or f"Heads: {report.role_labels.get(role, role)}"
        caption = f"{title} by month: p50 line, p10-p90 band, plans overlaid."
        specs.append(
            ChartSpec(
                f"fan-{slug(series)}",
                caption,
                partial(
                    charts.fan_chart,
                    f"{title} (p10 / p50 / p90)",
                    series,
                    bands,
                    axis=None if series in FAN_TITLES else f"{title} (FTE)",
                ),
            )
        )
    for summary in report.scenarios:
        if summary.bridge:
            specs.append(
                ChartSpec(
                    f"bridge-{slug(summary.name)}",
                    f"ARR bridge of {summary.name} over the horizon (trial means).",
                    partial(charts.bridge_waterfall, summary.name, summary.bridge),
                )
            )
    deltas = npv_differences(samples)
    if report.baseline is not None and deltas:
        specs.append(
            ChartSpec(
                "npv-difference",
                f"Paired NPV difference per trial against {report.baseline}: the share of "
                "trials right of zero is P(better).",
                partial(charts.difference_histogram, report.baseline or "", deltas),
            )
        )
    return _unique_keys(specs)


def _unique_keys(specs: list[ChartSpec]) -> list[ChartSpec]:
    """Keys made unique (two plans whose names slug alike get ``-2``)."""
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        count = seen.get(spec.key, 0) + 1
        seen[spec.key] = count
        key = spec.key if count == 1 else f"{spec.key}-{count}"
        out.append(ChartSpec(key, spec.caption, spec.draw))
    return out
