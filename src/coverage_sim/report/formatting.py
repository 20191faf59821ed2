"""Human-readable figures for tables and Markdown: money as $12.3M, ratios as %, months 14.2.

JSON and CSV never use these: they carry full-precision numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from coverage_sim.metrics.definitions import METRICS, MetricDefinition
from coverage_sim.metrics.summary_types import BridgeYear

MISSING = "n/a"

# Ratios that are multiples of a dollar, not shares: shown as "3.2x", not "320%".
MULTIPLE_METRICS: frozenset[str] = frozenset({"clv_cac", "expansion_multiple", "cac_ratio"})

_SCALES: tuple[tuple[float, str], ...] = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
_SPARK = "▁▂▃▄▅▆▇█"


_HUGE = 1e12  # past this, numbers print in scientific notation (they would fill a column)


def _three_significant(value: float) -> str:
    """``value`` >= 0 with three significant digits: 1.23, 12.3, 123."""
    for decimals in (2, 1, 0):
        text = f"{value:.{decimals}f}"
        if float(text) < 10 ** (3 - decimals):
            return text
    return f"{value:.0f}"


def money(value: float | None, *, signed: bool = False) -> str:
    """``$12.3M``, ``$850k``, ``-$1.20M``, ``$420``; ``+`` in front of gains if ``signed``."""
    if value is None or not math.isfinite(value):
        return MISSING
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    magnitude = abs(value)
    if magnitude >= 1000 * _HUGE:  # past $999T: scientific notation
        return f"{sign}${magnitude:.3g}"
    for scale, suffix in _SCALES:
        # Compare after rounding so that 999_950 prints as $1.00M, not $1000k.
        if float(_three_significant(magnitude / scale)) >= 1:
            return f"{sign}${_three_significant(magnitude / scale)}{suffix}"
    return f"{sign}${magnitude:,.0f}"


def percent(value: float | None, *, signed: bool = False) -> str:
    """A share as a percentage with one decimal: 0.853 -> ``85.3%``."""
    if value is None or not math.isfinite(value):
        return MISSING
    if abs(value * 100) >= _HUGE:
        return f"{value * 100:{'+' if signed else ''}.3g}%"
    return f"{value * 100:{'+' if signed else ''}.1f}%"


def points(value: float | None) -> str:
    """A difference of two shares in percentage points: 0.021 -> ``+2.1 pp``."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{value * 100:+.1f} pp"


def number(value: float | None, *, decimals: int = 1, signed: bool = False) -> str:
    """A plain number with thousands separators: ``1,234.5``; ``1.76e+27`` from 1e12 on."""
    if value is None or not math.isfinite(value):
        return MISSING
    if abs(value) >= _HUGE:
        return f"{value:{'+' if signed else ''}.3g}"
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def metric_definition(metric: str) -> MetricDefinition:
    """``METRICS[metric]``; an unknown id is shown as a count labelled with the id itself."""
    known = METRICS.get(metric)
    return known if known is not None else MetricDefinition(metric, metric, "count", None, "")


def metric_label(metric: str) -> str:
    return metric_definition(metric).label


def _metric_text(metric: str, value: float | None, *, signed: bool) -> str:
    unit = metric_definition(metric).unit
    if unit == "money":
        return money(value, signed=signed)
    if unit == "ratio":
        if metric in MULTIPLE_METRICS:
            return MISSING if value is None else f"{number(value, decimals=2, signed=signed)}x"
        return points(value) if signed else percent(value)
    if unit == "months":
        return number(value, decimals=1, signed=signed)
    return number(
        value, decimals=0 if value is not None and abs(value) >= 100 else 1, signed=signed
    )


def metric_value(metric: str, value: float | None) -> str:
    """One statistic of ``metric`` in its unit (MODEL.md §4)."""
    return _metric_text(metric, value, signed=False)


def metric_delta(metric: str, value: float | None) -> str:
    """A difference of ``metric`` against the baseline, always signed (shares in points)."""
    return _metric_text(metric, value, signed=True)


def probability(value: float | None) -> str:
    """P(better) as a whole percentage; never 0% or 100% unless exact (<1%, >99%)."""
    if value is None or not math.isfinite(value):
        return MISSING
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return ">99%"
    return f"{value * 100:.0f}%"


def bridge_year(year: int, months: int) -> str:
    """A bridge row's label; a last, partial year says how many months it covers: ``2 (6 mo)``."""
    partial = months % 12
    return f"{year} ({partial} mo)" if partial and year == months // 12 + 1 else str(year)


BRIDGE_HEADINGS: tuple[str, ...] = ("Start", "New", "Expansion", "Contraction", "Churn", "End")


def bridge_cells(year: BridgeYear) -> list[str]:
    """One bridge row as money, in ``BRIDGE_HEADINGS`` order; what leaves ARR is negative:
    ``start, new, expansion, -contraction, -churn, end``."""
    flows = (year.start, year.new, year.expansion, -year.contraction, -year.churn, year.end)
    return [money(v) for v in flows]


def sparkline(values: Sequence[float], *, low: float, high: float, width: int) -> str:
    """``values`` on a shared ``low``..``high`` scale as at most ``width`` block characters.

    Longer series are sampled at evenly spaced months (first and last always kept).
    """
    points_ = [float(v) for v in values]
    if not points_ or width <= 0:
        return ""
    if len(points_) > width:
        step = (len(points_) - 1) / (width - 1) if width > 1 else 0.0
        points_ = [points_[round(i * step)] for i in range(width)]
    span = high - low
    chars = []
    for v in points_:
        if not math.isfinite(v):
            chars.append(" ")
            continue
        level = 0 if span <= 0 else round((v - low) / span * (len(_SPARK) - 1))
        chars.append(_SPARK[min(len(_SPARK) - 1, max(0, level))])
    return "".join(chars)
