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
from coverage_sim.report.model import RunReport, Selection, metric_order
from coverage_sim.report.pairwise_out import pairwise_grids, pairwise_titles
from coverage_sim.report.verdict import (
    COMPARE_HEADINGS,
    VERDICT_HEADINGS,
    build_verdict,
    verdict_cells,
)

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
# From this console width on, tables add p5 / p95 (and, in a comparison, Δ mean) columns
# and sparklines grow with the width.
WIDE = 120


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


def _quantiles(wide: bool) -> tuple[str, ...]:
    return ("p5", "p10", "p50", "p90", "p95") if wide else ("p10", "p50", "p90")


def _run_metrics(summary: ScenarioSummary, metrics: list[str], wide: bool) -> Table:
    table = Table(title="Metrics", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Metric", overflow="fold")
    stats_shown = ("mean", *_quantiles(wide))
    _number_columns(table, [s.capitalize() if s == "mean" else s.upper() for s in stats_shown])
    for metric in metrics:
        stats = summary.metrics[metric]
        table.add_row(
            fmt.metric_label(metric),
            *(fmt.metric_value(metric, getattr(stats, s)) for s in stats_shown),
        )
    return table


# The verdict's columns other than the plan's name, with P(best), take this many characters:
# P(best) is shown when the longest name fits beside them (else a name would wrap).
VERDICT_FIXED_WIDTH = 64


def _verdict(report: RunReport, width: int) -> list[Table | Text]:
    """The verdict block: a row per plan, then one sentence (report/verdict.py)."""
    verdict = build_verdict(report)
    compare = verdict.baseline is not None
    longest = max((len(r.name) for r in verdict.rows), default=0)
    with_best = compare and longest + VERDICT_FIXED_WIDTH <= width
    title = Text("Verdict: p50 per plan")
    if compare:
        title.append("; NPV Δ p50 and P(better) paired against ")
        title.append(verdict.baseline or "", style="bold")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Plan", overflow="fold")
    headings = list(COMPARE_HEADINGS if with_best else COMPARE_HEADINGS[:-1]) if compare else []
    _number_columns(table, list(VERDICT_HEADINGS) + headings)
    for row in verdict.rows:
        cells = verdict_cells(row, compare=compare)[: len(VERDICT_HEADINGS) + len(headings)]
        style = "bold" if row.name == verdict.best and compare else ""
        table.add_row(Text(row.name, style=style), *cells)
    return [title, table, Text(verdict.sentence)]


def _pairwise(report: RunReport) -> list[Table | Text]:
    """The ``--pairwise`` grids: P(row beats column), then Δ p50 (row - column)."""
    assert report.pairwise is not None
    tables: list[Table | Text] = []
    titles = pairwise_titles(report.pairwise)
    for title, grid in zip(titles, pairwise_grids(report.pairwise), strict=True):
        tables.append(Text(title))  # above the table: a title would wrap to its width
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Row \\ column", overflow="fold")
        _number_columns(table, [f"#{k + 1}" for k in range(len(report.pairwise.plans))])
        for k, row in enumerate(grid):
            table.add_row(Text(f"#{k + 1} {row[0]}"), *row[1:])
        tables.append(table)
    return tables


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


def _compare_metrics(report: RunReport, metrics: list[str], wide: bool) -> Table:
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
    quantiles = _quantiles(wide)
    deltas = ("delta_mean", "delta_p50") if wide else ("delta_p50",)
    _number_columns(
        table,
        [q.upper() for q in quantiles]
        + ["Δ mean" if d == "delta_mean" else "Δ p50" for d in deltas]
        + ["P(better)"],
    )
    for index, metric in enumerate(metrics):
        table.add_row(Text(fmt.metric_label(metric), style="bold"), end_section=False)
        for summary in report.scenarios:
            stats = summary.metrics.get(metric)
            if stats is None:
                continue
            item = report.comparison(summary.name, metric)
            if item is None:
                first = "base" if summary.name == base else fmt.MISSING
                delta_texts = [first] + [""] * (len(deltas) - 1)
                chance, style = "", ""
            else:
                delta_texts = [fmt.metric_delta(metric, getattr(item, d)) for d in deltas]
                chance = fmt.probability(item.prob_better)
                style = _delta_style(metric, item.prob_better)
            table.add_row(
                Padding(Text(summary.name), (0, 0, 0, 2)),  # wrapped lines stay indented
                *(fmt.metric_value(metric, getattr(stats, q)) for q in quantiles),
                *(Text(d, style=style) for d in delta_texts),
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


def _arr_band(report: RunReport, spark_width: int) -> Table | None:
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
            trend.append(fmt.sparkline(list(arr), low=low, high=high, width=spark_width), style)
        table.add_row(
            Text(name),
            "\n".join(label for label, _, _ in quantiles),
            trend,
            "\n".join(fmt.money(float(arr[-1]) if len(arr) else None) for _, arr, _ in quantiles),
            end_section=position < len(bands) - 1,
        )
    return table


def render_table(report: RunReport, console: Console, selection: Selection | None = None) -> None:
    """Print the report to ``console`` (its width, colour and file are the caller's choice):
    the verdict, the settings, then the sections ``selection`` keeps."""
    selection = selection or Selection()
    wide = console.width >= WIDE
    if selection.shows("verdict"):
        for part in _verdict(report, console.width):
            console.print(part)
        console.print()
    if report.pairwise is not None:
        for grid in _pairwise(report):
            console.print(grid)
        console.print()
    details = [s for s in selection.sections if s != "verdict"]
    if not details:
        return
    console.print(_settings(report))
    single = report.baseline is None and len(report.scenarios) == 1
    available = list(report.scenarios[0].metrics) if report.scenarios else []
    if selection.shows("metrics") and report.scenarios:
        if single:
            summary = report.scenarios[0]
            metrics = selection.pick(available, metric_order(available))
            console.print(Text("Scenario: ") + Text(summary.name, style="bold"))
            console.print(_run_metrics(summary, metrics, wide))
        else:
            metrics = selection.pick(available, [m for m in KEY_METRICS if m in available])
            console.print(_compare_metrics(report, metrics, wide))
            console.print()  # the caption sits under the table; keep the next title apart
    if selection.shows("bridge"):
        for summary in report.scenarios:
            if summary.bridge:
                console.print(_bridge(summary, report.settings.months))
    if selection.shows("series"):
        spark = SPARK_WIDTH if not wide else max(SPARK_WIDTH, min(120, console.width - 60))
        band = _arr_band(report, spark)
        if band is not None:
            console.print(band)
