"""``coverage-sim report``: one self-contained HTML file that opens offline.

Styles are inline, charts are inline SVG (matplotlib, report/charts.py), and a strict
Content-Security-Policy (``default-src 'none'``) forbids the page any request: no
script, font, image or style can be fetched even if a name contained a URL. Every text
from a scenario file is HTML-escaped after its control characters are made visible
(``coverage_sim.text.visible``). The document holds, in order: title and settings,
comparability notes, the verdict, fan charts, bridge waterfalls, the paired NPV
difference histogram, the metrics table, and any ``--include`` sections.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from coverage_sim.report import formatting as fmt
from coverage_sim.report.figures import ChartSpec
from coverage_sim.report.includes import IncludedSection
from coverage_sim.report.model import RunReport, metric_order, metric_rows
from coverage_sim.report.verdict import (
    COMPARE_HEADINGS,
    VERDICT_HEADINGS,
    build_verdict,
    verdict_cells,
)
from coverage_sim.text import visible

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.settings { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #ddd; }
th { text-align: left; border-bottom: 2px solid #333; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { font-weight: bold; }
.sentence { font-size: 1.05rem; }
.note { border-left: 4px solid #D55E00; background: #fff4ec; padding: 0.4rem 0.8rem; }
figure.chart { margin: 1rem 0; page-break-inside: avoid; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.85rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def _e(text: str) -> str:
    """Text from a file or a name, control characters visible, HTML-escaped."""
    return html.escape(visible(text, keep_layout=False), quote=True)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, first_text: int = 1) -> str:
    """An HTML table; columns from ``first_text`` on are numbers (right-aligned)."""

    def cell(tag: str, index: int, text: str) -> str:
        cls = ' class="num"' if index >= first_text else ""
        return f"<{tag}{cls}>{text}</{tag}>"

    lines = ["<table>", "<thead><tr>"]
    lines.append("".join(cell("th", i, _e(h)) for i, h in enumerate(head)))
    lines.append("</tr></thead><tbody>")
    for row in rows:
        lines.append("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _verdict(report: RunReport) -> str:
    verdict = build_verdict(report)
    compare = verdict.baseline is not None
    head = ["Plan", *VERDICT_HEADINGS, *(COMPARE_HEADINGS if compare else ())]
    rows = [
        [_e(row.name), *(_e(c) for c in verdict_cells(row, compare=compare))]
        for row in verdict.rows
    ]
    intro = "p50 per plan" + (
        f"; NPV Δ p50 and P(better) paired against {_e(verdict.baseline or '')}" if compare else ""
    )
    return (
        '<section id="verdict"><h2>Verdict</h2>'
        f"<p>{intro}.</p>{_table(head, rows)}"
        f'<p class="sentence">{_e(verdict.sentence)}</p></section>'
    )


def _constant(report: RunReport, metric: str) -> bool:
    """``metric`` takes one value in every trial of every plan, the same for all (a paired
    comparison of it is noise-free and says nothing: P(better) would be 50%)."""
    values = set()
    for summary in report.scenarios:
        stats = summary.metrics.get(metric)
        if stats is None or stats.sd is None or stats.sd != 0 or stats.p50 is None:
            return False
        values.add(stats.p50)
    return len(values) == 1


def _metrics(report: RunReport) -> str:
    compare = report.baseline is not None
    head = ["Metric", "Plan", "P10", "P50", "P90"]
    if compare:
        head += ["Δ p50", "P(better)"]
    metrics = metric_order(list(report.scenarios[0].metrics)) if report.scenarios else []
    deltas = ("delta_p50", "prob_better") if compare else ()
    rows = []
    constant = {m for m in metrics if _constant(report, m)}
    for metric, name, values, paired in metric_rows(report, metrics, ("p10", "p50", "p90"), deltas):
        cells = [_e(fmt.metric_label(metric)), _e(name)]
        cells += [_e(fmt.metric_value(metric, v)) for v in values]
        if compare and metric in constant:  # no comparison of a figure that never varies
            cells += ["base" if name == report.baseline else "same in every trial", ""]
        elif compare and paired is None:
            cells += ["base" if name == report.baseline else fmt.MISSING, ""]
        elif paired is not None:
            delta, chance = paired
            cells += [_e(fmt.metric_delta(metric, delta)), _e(fmt.probability(chance))]
        rows.append(cells)
    return f'<section id="metrics"><h2>Metrics</h2>{_table(head, rows, first_text=2)}</section>'


def _figure(chart: ChartSpec, svg: str) -> str:
    return (
        f'<figure class="chart" id="chart-{_e(chart.key)}" data-chart="{_e(chart.key)}">'
        f"{svg}<figcaption>{_e(chart.caption)}</figcaption></figure>"
    )


def render_html(
    report: RunReport,
    charts: Sequence[tuple[ChartSpec, str]],
    included: Sequence[tuple[IncludedSection, Sequence[tuple[ChartSpec, str]]]] = (),
    assumptions: str = "",
) -> str:
    """The whole document; ``charts`` are the run's (spec, SVG) pairs in order."""
    names = ", ".join(s.name for s in report.scenarios)
    s = report.settings
    settings = (
        f"{s.trials:,} trials per plan, seed {s.seed}, {s.months} months, {s.sampling} "
        f"sampling; coverage-sim {s.tool_version}, numpy {s.numpy_version}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>coverage-sim report: {_e(names)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>coverage-sim report: {_e(names)}</h1>",
        f'<p class="settings">{_e(settings)}</p>',
    ]
    if report.baseline is not None:
        parts.append(
            f"<p>Baseline: <strong>{_e(report.baseline)}</strong>. Δ p50 is the median of "
            "the paired differences (plan minus baseline, trial by trial); P(better) the "
            "share of trials in which the plan beats the baseline (ties count half).</p>"
        )
    for difference in report.differences:
        parts.append(f'<p class="note"><strong>Note:</strong> {_e(difference.message())}.</p>')
    parts.append(_verdict(report))
    parts.append('<section id="charts"><h2>Over time, bridges and paired differences</h2>')
    parts += [_figure(chart, svg) for chart, svg in charts]
    parts.append("</section>")
    parts.append(_metrics(report))
    for section, section_charts in included:
        parts.append(f"<section><h2>{_e(section.heading)}</h2>")
        parts += [f"<p>{_e(sentence)}</p>" for sentence in section.sentences]
        parts += [_figure(chart, svg) for chart, svg in section_charts]
        parts.append("</section>")
    if assumptions:
        parts.append(assumptions)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
