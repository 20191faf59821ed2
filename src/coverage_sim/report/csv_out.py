"""``--format csv``: one row per scenario and metric (MODEL.md §5).

Header: ``scenario,metric,mean,sd,p5,p10,p50,p90,p95,delta_mean,delta_p50,prob_better``:
the paired comparison against the baseline follows MODEL.md §5's columns, so readers of
those keep working; it is empty for the baseline, in ``run`` and (``prob_better``) for a
metric without a better direction. Rows are the metrics section (``--metrics`` picks
them); with ``--sections verdict`` alone (``--brief``), the verdict's metrics. Numbers are
written in full (shortest round-trip repr); an undefined statistic is an empty cell. Text
cells that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading single quote (OWASP CSV
injection advice); numbers are never quoted or prefixed, so ``-1.5`` stays a number.
"""

from __future__ import annotations

import math

from coverage_sim.errors import UsageError
from coverage_sim.metrics.definitions import COMPARISON_STATS, SUMMARY_STATS
from coverage_sim.report.model import RunReport, Selection, metric_order
from coverage_sim.report.verdict import VERDICT_COLUMNS

HEADER: tuple[str, ...] = ("scenario", "metric", *SUMMARY_STATS, *COMPARISON_STATS)
_FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A text cell a spreadsheet will not evaluate: ``=SUM(A1)`` -> ``'=SUM(A1)``."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_number(value: float | None) -> str:
    if value is None:
        return ""
    value = float(value)
    return repr(value) if math.isfinite(value) else ""


def csv_text(value: str) -> str:
    """A neutralized text cell, quoted (RFC 4180) when it holds a comma, quote or line break."""
    value = neutralize(value)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_metrics(available: list[str], selection: Selection) -> list[str]:
    """The metrics CSV rows cover: the metrics section, else the verdict's metrics."""
    if selection.shows("metrics"):
        return selection.pick(available, metric_order(available))
    if selection.shows("verdict"):
        return [m for m in VERDICT_COLUMNS if m in available]
    raise UsageError(
        "--format csv holds one row per scenario and metric: --sections needs metrics or "
        "verdict (the bridge and series are in json and markdown)"
    )


def render_csv(report: RunReport, selection: Selection | None = None) -> str:
    """The report as CSV text, rows in scenario order then metric order, ``\\n`` line ends."""
    selection = selection or Selection()
    lines = [",".join(HEADER)]
    for summary in report.scenarios:
        name = csv_text(summary.name)
        for metric in csv_metrics(list(summary.metrics), selection):
            stats = summary.metrics[metric]
            numbers = [csv_number(getattr(stats, s)) for s in SUMMARY_STATS]
            item = report.comparison(summary.name, metric)
            paired = [
                csv_number(None if item is None else getattr(item, s)) for s in COMPARISON_STATS
            ]
            lines.append(",".join([name, csv_text(metric), *numbers, *paired]))
    return "\n".join(lines) + "\n"
