"""``--format markdown``: GitHub-flavoured tables for pull requests and wikis.

Every metric of every scenario (p10 / p50 / p90 and mean), the paired difference
against the baseline and P(better), then each scenario's ARR bridge by year.
Scenario names are escaped so that ``|``, ``*``, ``_`` or ``<`` in a name render
literally and never break a table.
"""

from __future__ import annotations

import re

from coverage_sim.metrics.summary_types import ScenarioSummary
from coverage_sim.report import formatting as fmt
from coverage_sim.report.model import RunReport, Selection, metric_order, metric_rows
from coverage_sim.report.pairwise_out import pairwise_grids, pairwise_titles
from coverage_sim.report.verdict import (
    COMPARE_HEADINGS,
    VERDICT_HEADINGS,
    build_verdict,
    verdict_cells,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")  # a list item or underline


def escape(text: str) -> str:
    """Text that renders literally inside a GitHub table cell (one line, ``|`` escaped)."""
    one_line = " ".join(text.splitlines()) if text else text
    return _SPECIAL.sub(r"\\\1", one_line)


def escape_paragraph(text: str) -> str:
    """``escape``, and a paragraph that starts like a list item (``- ``, ``1. ``) or a
    heading underline stays a paragraph (CommonMark: a backslash before the marker)."""

    def neutral(m: re.Match[str]) -> str:
        if m.group(2):
            return f"{m.group(1)}\\{m.group(2)}"
        return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"

    return _BLOCK_START.sub(neutral, escape(text), count=1)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _settings_line(report: RunReport) -> str:
    s = report.settings
    overrides = "".join(f", --set {escape(o)}" for o in s.overrides)
    return (
        f"{s.trials:,} trials, seed {s.seed}, {s.months} months, {s.sampling} sampling"
        f"{overrides} (coverage-sim {s.tool_version}, numpy {s.numpy_version})"
    )


def _verdict(report: RunReport) -> list[str]:
    verdict = build_verdict(report)
    compare = verdict.baseline is not None
    head = ["Plan", *VERDICT_HEADINGS, *(COMPARE_HEADINGS if compare else ())]
    intro = "p50 per plan" + (
        f"; NPV Δ p50 and P(better) paired against {escape(verdict.baseline or '')}"
        if compare
        else ""
    )
    lines = [
        "### Verdict",
        "",
        intro + ".",
        "",
        _row(head),
        _row(["---"] + ["---:"] * (len(head) - 1)),
    ]
    for row in verdict.rows:
        name = escape(row.name)
        if compare and row.name == verdict.best:
            name = f"**{name}**"
        lines.append(_row([name, *verdict_cells(row, compare=compare)]))
    return [*lines, "", escape_paragraph(verdict.sentence)]


def _pairwise(report: RunReport) -> list[str]:
    """The ``--pairwise`` grids as two Markdown tables."""
    assert report.pairwise is not None
    head = ["Row \\ column", *(escape(p) for p in report.pairwise.plans)]
    lines: list[str] = []
    titles = pairwise_titles(report.pairwise)
    for title, grid in zip(titles, pairwise_grids(report.pairwise), strict=True):
        lines += ["", f"### {escape(title)}", "", _row(head)]
        lines.append(_row(["---"] + ["---:"] * (len(head) - 1)))
        lines += [_row([escape(row[0]), *(escape(c) for c in row[1:])]) for row in grid]
    return lines


def _metrics_table(report: RunReport, selection: Selection) -> list[str]:
    compare = report.baseline is not None
    head = ["Metric", "Scenario", "Mean", "P10", "P50", "P90"]
    if compare:
        head += ["Δ mean", "Δ p50", "P(better)"]
    lines = [_row(head), _row(["---", "---"] + ["---:"] * (len(head) - 2))]
    available = list(report.scenarios[0].metrics) if report.scenarios else []
    metrics = selection.pick(available, metric_order(available))
    deltas = ("delta_mean", "delta_p50", "prob_better") if compare else ()
    stats = ("mean", "p10", "p50", "p90")
    for metric, name, values, paired in metric_rows(report, metrics, stats, deltas):
        cells = [
            escape(fmt.metric_label(metric)),
            escape(name),
            *(fmt.metric_value(metric, v) for v in values),
        ]
        if compare:
            cells += _paired_cells(metric, paired, name == report.baseline)
        lines.append(_row(cells))
    return lines


def _paired_cells(metric: str, paired: list[float | None] | None, is_base: bool) -> list[str]:
    """Δ mean, Δ p50, P(better); ``baseline`` (or n/a) and blanks without a comparison."""
    if paired is None:
        return ["baseline" if is_base else fmt.MISSING, "", ""]
    delta_mean, delta_p50, prob_better = paired
    return [
        fmt.metric_delta(metric, delta_mean),
        fmt.metric_delta(metric, delta_p50),
        fmt.probability(prob_better),
    ]


def _bridge_table(summary: ScenarioSummary, months: int) -> list[str]:
    head = ["Year", *fmt.BRIDGE_HEADINGS]
    lines = [_row(head), _row(["---:"] * len(head))]
    for year in summary.bridge:
        lines.append(_row([fmt.bridge_year(year.year, months), *fmt.bridge_cells(year)]))
    return lines


def _arr_series(report: RunReport) -> list[str]:
    """ARR p10 / p50 / p90 at the end of each year (and the last month) per scenario."""
    bands = [(s.name, s.series["arr"]) for s in report.scenarios if "arr" in s.series]
    if not bands:
        return []
    months = len(bands[0][1].p50)
    ends = sorted({*range(12, months + 1, 12), months})
    lines = [
        "### ARR at each year end (p10 / p50 / p90)",
        "",
        _row(["Scenario", *(f"Month {m}" for m in ends)]),
        _row(["---"] + ["---:"] * len(ends)),
    ]
    for name, band in bands:
        cells = [
            " / ".join(fmt.money(float(q[m - 1])) for q in (band.p10, band.p50, band.p90))
            if m <= len(band.p50)
            else fmt.MISSING
            for m in ends
        ]
        lines.append(_row([escape(name), *cells]))
    return lines


def render_markdown(report: RunReport, selection: Selection | None = None) -> str:
    """The report as Markdown text ending in a newline: title and settings, then the
    sections ``selection`` keeps (verdict, metrics, bridge, ARR at each year end) and
    a note per plan that differs from the baseline in more than coverage."""
    selection = selection or Selection()
    names = ", ".join(escape(s.name) for s in report.scenarios)
    lines = [f"## coverage-sim: {names}", "", _settings_line(report) + "."]
    if report.baseline is not None:
        lines += [
            "",
            f"Baseline: {escape(report.baseline)}. Δ mean and Δ p50 are the mean and the "
            "median of the paired differences (scenario minus baseline, trial by trial); "
            "P(better) is the share of trials in which the scenario beats the baseline on "
            "that metric (ties count half).",
        ]
    for difference in report.differences:
        lines += ["", f"> **Note:** {escape(difference.message())}."]
    if selection.shows("verdict"):
        lines += ["", *_verdict(report)]
    if report.pairwise is not None:
        lines += _pairwise(report)
    if selection.shows("metrics"):
        lines += ["", "### Metrics", "", *_metrics_table(report, selection)]
    for summary in report.scenarios if selection.shows("bridge") else []:
        if summary.bridge:
            lines += [
                "",
                f"### ARR bridge: {escape(summary.name)}",
                "",
                *_bridge_table(summary, report.settings.months),
            ]
    if selection.shows("series"):
        series = _arr_series(report)
        lines += ["", *series] if series else []
    return "\n".join(lines) + "\n"
