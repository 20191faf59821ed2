"""``--format table``: rich tables for the terminal, readable at 80 columns.

Three parts: key metrics (p10 / p50 / p90 per scenario, the paired median
difference against the baseline and P(better)), the ARR bridge per year, and ARR
over time as p10 / p50 / p90 sparklines on one shared scale. Scenario names are
``rich.text.Text`` objects, never markup, so ``[bold]`` in a name prints as typed.
Colour is the caller's decision (the ``Console`` it passes in).
"""

from __future__ import annotations

import math

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from coverage_sim.metrics.summary_types import ScenarioSummary
from coverage_sim.report import formatting as fmt
from coverage_sim.report.model import RunReport, metric_order

# The metrics a comparison table shows (every metric is in json / csv / markdown).
KEY_METRICS: tuple[str, ...] = (
    "ending_arr",
    "total_revenue",
    "contribution",
    "npv",
    "total_spend",
    "nrr",
    "grr",
    "cac_payback_months",
    "clv_cac",
    "expansion_multiple",
    "post_sale_share",
)
SPARK_WIDTH = 36


def _settings(report: RunReport) -> Text:
    s = report.settings
    text = Text(
        f"{s.trials:,} trials · seed {s.seed} · {s.months} months · {s.sampling}", style="dim"
    )
    for override in s.overrides:
        text.append("\n--set ", style="dim")
        text.append(override)
    if report.baseline is not None:
        text.append("\nbaseline: ", style="dim")
        text.append(report.baseline, style="bold")
    return text


def _number_columns(table: Table, names: list[str]) -> None:
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)


def _run_metrics(summary: ScenarioSummary) -> Table:
    table = Table(title="Metrics", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Metric", overflow="fold")
    _number_columns(table, ["Mean", "P10", "P50", "P90"])
    for metric in metric_order(list(summary.metrics)):
        stats = summary.metrics[metric]
        table.add_row(
            fmt.metric_label(metric),
            *(fmt.metric_value(metric, v) for v in (stats.mean, stats.p10, stats.p50, stats.p90)),
        )
    return table


def _delta_style(metric: str, prob_better: float | None) -> str:
    better = fmt.metric_definition(metric).better
    if better is None or prob_better is None:
        return ""
    if prob_better >= 0.9:
        return "green"
    if prob_better <= 0.1:
        return "red"
    return ""


def probability_precision(trials: int) -> str:
    """How precise a P(better) is: the widest 95% Monte Carlo half-width, 1.96·√(0.25 / n)."""
    half_width = 1.96 * math.sqrt(0.25 / trials) * 100 if trials > 0 else float("inf")
    return f"P(better) is within ±{half_width:.1f} points (95%, Monte Carlo) at {trials:,} trials."


def _compare_metrics(report: RunReport) -> Table:
    base = report.baseline or ""
    title = Text("Key metrics (Δ p50 = median of paired differences vs ")
    title.append(base, style="bold")
    title.append(")")
    table = Table(
        title=title,
        caption=probability_precision(report.settings.trials),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
        pad_edge=False,
    )
    table.add_column("Metric / scenario", overflow="fold", ratio=1)
    _number_columns(table, ["P10", "P50", "P90", "Δ p50", "P(better)"])
    available = set(report.scenarios[0].metrics) if report.scenarios else set()
    metrics = [m for m in KEY_METRICS if m in available]
    for index, metric in enumerate(metrics):
        table.add_row(Text(fmt.metric_label(metric), style="bold"), end_section=False)
        for summary in report.scenarios:
            stats = summary.metrics.get(metric)
            if stats is None:
                continue
            item = report.comparison(summary.name, metric)
            if item is None:
                delta, chance, style = ("base" if summary.name == base else fmt.MISSING), "", ""
            else:
                delta = fmt.metric_delta(metric, item.delta_p50)
                chance = fmt.probability(item.prob_better)
                style = _delta_style(metric, item.prob_better)
            table.add_row(
                Padding(Text(summary.name), (0, 0, 0, 2)),  # wrapped lines stay indented
                *(fmt.metric_value(metric, v) for v in (stats.p10, stats.p50, stats.p90)),
                Text(delta, style=style),
                Text(chance, style=style),
                end_section=summary is report.scenarios[-1] and index < len(metrics) - 1,
            )
    return table


def _bridge(summary: ScenarioSummary, months: int) -> Table:
    title = Text("ARR bridge (trial means): ")
    title.append(summary.name, style="bold")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Year", justify="right", no_wrap=True)
    _number_columns(table, list(fmt.BRIDGE_HEADINGS))
    for year in summary.bridge:
        *flows, end = fmt.bridge_cells(year)
        table.add_row(fmt.bridge_year(year.year, months), *flows, Text(end, style="bold"))
    return table


def _arr_band(report: RunReport) -> Table | None:
    bands = [(s.name, s.series["arr"]) for s in report.scenarios if "arr" in s.series]
    if not bands:
        return None
    values = [
        float(v)
        for _, band in bands
        for arr in (band.p10, band.p50, band.p90)
        for v in arr
        if math.isfinite(float(v))
    ]
    if not values:
        return None
    low, high = min(values), max(values)
    months = max(len(band.p50) for _, band in bands)
    title = Text(f"ARR, months 1-{months} ({fmt.money(low)} to {fmt.money(high)})")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Scenario", overflow="fold", ratio=1)
    table.add_column("", no_wrap=True)
    table.add_column("Trend", no_wrap=True)
    table.add_column("End", justify="right", no_wrap=True)
    for position, (name, band) in enumerate(bands):
        # One row per scenario with three-line cells, so a long name that wraps stays
        # beside its own band instead of pushing the p50 / p10 lines apart.
        quantiles = (("p90", band.p90, "dim"), ("p50", band.p50, "cyan"), ("p10", band.p10, "dim"))
        trend = Text()
        for line, (_, arr, style) in enumerate(quantiles):
            if line:
                trend.append("\n")
            trend.append(fmt.sparkline(list(arr), low=low, high=high, width=SPARK_WIDTH), style)
        table.add_row(
            Text(name),
            "\n".join(label for label, _, _ in quantiles),
            trend,
            "\n".join(fmt.money(float(arr[-1]) if len(arr) else None) for _, arr, _ in quantiles),
            end_section=position < len(bands) - 1,
        )
    return table


def render_table(report: RunReport, console: Console) -> None:
    """Print the report to ``console`` (its width, colour and file are the caller's choice)."""
    console.print(_settings(report))
    if report.baseline is None and len(report.scenarios) == 1:
        summary = report.scenarios[0]
        console.print(Text("Scenario: ") + Text(summary.name, style="bold"))
        console.print(_run_metrics(summary))
    else:
        console.print(_compare_metrics(report))
        console.print()  # the caption sits under the table; keep the next title apart
    for summary in report.scenarios:
        if summary.bridge:
            console.print(_bridge(summary, report.settings.months))
    band = _arr_band(report)
    if band is not None:
        console.print(band)
