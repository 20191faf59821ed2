"""``--format csv``: one row per scenario and metric (MODEL.md §5).

Header: ``scenario,metric,mean,sd,p5,p10,p50,p90,p95,delta_mean,delta_p50,prob_better,
prob_best``: the paired comparison against the baseline follows MODEL.md §5's columns, so
readers of those keep working; it is empty for the baseline, in ``run`` and
(``prob_better``) for a metric without a better direction. ``prob_best`` (the share of
trials in which the plan is best among all, ``metrics.best``) is filled for the baseline
too; empty in ``run`` and for a metric without a better direction. With ``compare
--pairwise``, one more column per plan: ``prob_beats:<plan>`` (P(row beats that plan)) and
``delta_p50_vs:<plan>``, on the rows of the pairwise metric (npv) only. Rows are the
metrics section (``--metrics`` picks them); with ``--sections verdict`` alone
(``--brief``), the verdict's metrics. Numbers are written in full (shortest round-trip
repr); an undefined statistic is an empty cell. Text
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


def _pairwise_cells(report: RunReport, plan: str, metric: str) -> list[str]:
    """``plan``'s row of the pairwise matrix (P(beats), then Δ p50), empty off its metric."""
    matrix = report.pairwise
    assert matrix is not None
    if metric != matrix.metric:
        return [""] * (2 * len(matrix.plans))
    row = matrix.plans.index(plan)
    return [csv_number(x) for x in matrix.prob_beats[row]] + [
        csv_number(x) for x in matrix.delta_p50[row]
    ]


def render_csv(report: RunReport, selection: Selection | None = None) -> str:
    """The report as CSV text, rows in scenario order then metric order, ``\\n`` line ends."""
    selection = selection or Selection()
    matrix = report.pairwise
    header = list(HEADER)
    if matrix is not None:
        header += [csv_text(f"prob_beats:{p}") for p in matrix.plans]
        header += [csv_text(f"delta_p50_vs:{p}") for p in matrix.plans]
    lines = [",".join(header)]
    for summary in report.scenarios:
        name = csv_text(summary.name)
        for metric in csv_metrics(list(summary.metrics), selection):
            stats = summary.metrics[metric]
            numbers = [csv_number(getattr(stats, s)) for s in SUMMARY_STATS]
            item = report.comparison(summary.name, metric)
            paired = [
                csv_number(None if item is None else getattr(item, s)) for s in COMPARISON_STATS
            ]
            if item is None:  # the baseline's P(best) is defined too (among every plan)
                paired[-1] = csv_number(report.best_share(summary.name, metric))
            if matrix is not None:
                paired += _pairwise_cells(report, summary.name, metric)
            lines.append(",".join([name, csv_text(metric), *numbers, *paired]))
    return "\n".join(lines) + "\n"
