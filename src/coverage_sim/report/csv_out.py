"""``--format csv``: one row per scenario and metric (MODEL.md §5).

Header: ``scenario,metric,mean,sd,p5,p10,p50,p90,p95``. Numbers are written in
full (shortest round-trip repr); an undefined statistic is an empty cell. Text
cells that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading single quote (OWASP CSV
injection advice); numbers are never quoted or prefixed, so ``-1.5`` stays a number.
"""

from __future__ import annotations

import math

from coverage_sim.metrics.definitions import SUMMARY_STATS
from coverage_sim.report.model import RunReport, metric_order

HEADER: tuple[str, ...] = ("scenario", "metric", *SUMMARY_STATS)
_FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A text cell a spreadsheet will not evaluate: ``=SUM(A1)`` -> ``'=SUM(A1)``."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    value = float(value)
    return repr(value) if math.isfinite(value) else ""


def _text(value: str) -> str:
    """A neutralized text cell, quoted (RFC 4180) when it holds a comma, quote or line break."""
    value = neutralize(value)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def render_csv(report: RunReport) -> str:
    """The report as CSV text, rows in scenario order then metric order, ``\\n`` line ends."""
    lines = [",".join(HEADER)]
    for summary in report.scenarios:
        name = _text(summary.name)
        for metric in metric_order(list(summary.metrics)):
            stats = summary.metrics[metric]
            numbers = [_number(getattr(stats, s)) for s in SUMMARY_STATS]
            lines.append(",".join([name, _text(metric), *numbers]))
    return "\n".join(lines) + "\n"
