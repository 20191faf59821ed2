"""The report's charts, drawn by matplotlib (the ``report`` extra), as SVG text or PNG bytes.

Every chart is readable in print: a title, labelled axes with units, money ticks in the
tables' format (``$12.3M``, ``formatting.money``), and a legend naming the plans. Output is
deterministic for the same input: the SVG ids come from a fixed hash salt and no creation
date is written, so the same run gives the same file.

Charts:
- ``fan_chart``: p10-p90 band and p50 line over months of one series, plans overlaid;
- ``bridge_waterfall``: one plan's ARR bridge over the horizon (start, new, expansion,
  contraction, churn, end: trial means, so it adds up);
- ``difference_histogram``: per-trial NPV of each plan minus the baseline's (paired);
- ``line_chart`` / ``frontier_chart`` / ``tornado_chart``: the sweep, optimize,
  sensitivity and explain outputs of ``--include`` (report/includes.py).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coverage_sim.errors import UsageError
from coverage_sim.metrics.summary_types import Band, BridgeYear
from coverage_sim.report import formatting as fmt
from coverage_sim.text import has_unsafe, visible

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MISSING_MATPLOTLIB = (
    "coverage-sim report draws its charts with matplotlib, which is not installed; "
    "install it with: pip install 'coverage-sim[report]'"
)
# Colour-blind-safe (Okabe-Ito), distinguishable in grey print by line style as well.
COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
STYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))
FIGSIZE = (7.5, 3.6)


def require_matplotlib() -> None:
    """``UsageError`` (exit 2) saying how to install the extra when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise UsageError(MISSING_MATPLOTLIB) from exc


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "coverage-sim",
            "svg.fonttype": "none",  # text stays text: searchable, small, crisp in print
            # names are drawn as written: "$18M vs $24M" is not mathtext
            "text.parse_math": False,
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def money_axis(axis: Any) -> None:
    """Ticks of ``axis`` as the tables print money: ``$12.3M``."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.money(value)))


def literal_legend(ax: Any, entries: Sequence[tuple[Any, str]], **options: Any) -> None:
    """A legend of ``(artist, label)`` given explicitly: a label that starts with ``_``
    (a plan named ``_draft``) is shown, where matplotlib would hide an artist's own."""
    handles = [artist for artist, _ in entries]
    labels = [label for _, label in entries]
    ax.legend(handles, labels, fontsize=8, frameon=False, **options)


def _saved(figure: Figure, buffer: Any, **options: Any) -> None:
    """``figure.savefig``, with every text made visible first (a name's control characters
    drawn as ``\x1b``, never raw into an SVG or a PNG) and matplotlib's missing-glyph
    warnings kept off stderr (a name in a script the font lacks is drawn as boxes)."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        shown = text.get_text()
        if has_unsafe(shown) or "\t" in shown:
            text.set_text(visible(shown).replace("\t", " "))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        figure.savefig(buffer, bbox_inches="tight", **options)
    _pyplot().close(figure)


def to_svg(figure: Figure) -> str:
    """The figure as an SVG document (no XML prolog: it is inlined into HTML)."""
    buffer = io.StringIO()
    _saved(
        figure,
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def to_png(figure: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    _saved(figure, buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class SeriesUnit:
    """How a monthly series is labelled and ticked."""

    label: str
    money: bool


SERIES_UNITS: dict[str, SeriesUnit] = {
    "arr": SeriesUnit("ARR ($, annualised)", True),
    "customers": SeriesUnit("Active customers (count)", False),
    "revenue": SeriesUnit("Revenue per month ($)", True),
    "contribution": SeriesUnit("Contribution per month ($)", True),
    "spend": SeriesUnit("Coverage spend per month ($)", True),
}


def series_unit(series: str) -> SeriesUnit:
    if series.startswith("heads."):
        return SeriesUnit(f"Heads: {series.removeprefix('heads.')} (FTE)", False)
    return SERIES_UNITS.get(series, SeriesUnit(series, False))


def fan_chart(
    title: str, series: str, bands: Sequence[tuple[str, Band]], axis: str | None = None
) -> Figure:
    """p10-p90 band (shaded) and p50 line per plan over months, on one axis (``axis``: the
    y label, default the series' own)."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    unit = series_unit(series)
    if axis is not None:
        unit = SeriesUnit(axis, unit.money)
    entries: list[tuple[Any, str]] = []
    for index, (name, band) in enumerate(bands):
        months = np.arange(1, len(band.p50) + 1)
        color = COLORS[index % len(COLORS)]
        ax.fill_between(months, band.p10, band.p90, color=color, alpha=0.15, linewidth=0)
        (line,) = ax.plot(
            months,
            band.p50,
            color=color,
            linestyle=STYLES[index % len(STYLES)],
            linewidth=1.8,
        )
        entries.append((line, f"{name} (p50; band p10-p90)"))
    ax.set_title(title, loc="left")
    ax.set_xlabel("Month")
    ax.set_ylabel(unit.label)
    if unit.money:
        money_axis(ax.yaxis)
    literal_legend(ax, entries, loc="best")
    return figure


def actuals_chart(
    title: str,
    series: str,
    months: Sequence[int],
    band: tuple[Sequence[float], Sequence[float], Sequence[float]],
    actual: Sequence[float],
) -> Figure:
    """The plan's p10-p90 fan and p50 of one series over the months tracked, with the
    actuals drawn on it (a point outside the fan stands out)."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    unit = series_unit(series)
    p10, p50, p90 = (np.asarray(v, dtype=float) for v in band)
    ax.fill_between(months, p10, p90, color=COLORS[0], alpha=0.15, linewidth=0)
    (median,) = ax.plot(months, p50, color=COLORS[0], linewidth=1.8)
    (points,) = ax.plot(months, actual, color=COLORS[1], marker="o", markersize=4, linewidth=1)
    ax.set_title(title, loc="left")
    ax.set_xlabel("Month")
    ax.set_ylabel(unit.label)
    if unit.money:
        money_axis(ax.yaxis)
    literal_legend(ax, [(median, "Plan p50 (band p10-p90)"), (points, "Actuals")], loc="best")
    return figure


def bridge_waterfall(name: str, years: Sequence[BridgeYear]) -> Figure:
    """Start ARR, + new, + expansion, - contraction, - churn, end ARR over the horizon."""
    plt = _pyplot()
    start = years[0].start
    end = years[-1].end
    flows = [
        ("New", sum(y.new for y in years)),
        ("Expansion", sum(y.expansion for y in years)),
        ("Contraction", -sum(y.contraction for y in years)),
        ("Churn", -sum(y.churn for y in years)),
    ]
    labels = ["Start", *(label for label, _ in flows), "End"]
    bottoms, heights, colors = [0.0], [start], ["#7f7f7f"]
    level = start
    for _, value in flows:
        bottoms.append(level if value >= 0 else level + value)
        heights.append(abs(value))
        colors.append("#009E73" if value >= 0 else "#D55E00")
        level += value
    bottoms.append(0.0)
    heights.append(end)
    colors.append("#0072B2")
    figure, ax = plt.subplots(figsize=FIGSIZE)
    bars = ax.bar(labels, heights, bottom=bottoms, color=colors, edgecolor="black", linewidth=0.5)
    signed = [start, *(v for _, v in flows), end]
    for bar, value, index in zip(bars, signed, range(len(signed)), strict=True):
        text = fmt.money(value, signed=0 < index < len(signed) - 1)
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    months = f"{len(years)} year{'s' if len(years) != 1 else ''}"
    ax.set_title(f"ARR bridge over {months} (trial means): {name}", loc="left")
    ax.set_ylabel("ARR ($)")
    ax.set_xlabel("Bridge step (green adds, orange removes)")
    money_axis(ax.yaxis)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color="#7f7f7f", label="Start ARR"),
            Patch(color="#009E73", label="Added"),
            Patch(color="#D55E00", label="Lost"),
            Patch(color="#0072B2", label="End ARR"),
        ],
        fontsize=8,
        frameon=False,
        loc="upper left",
    )
    return figure


def difference_histogram(baseline: str, deltas: Sequence[tuple[str, np.ndarray]]) -> Figure:
    """Histogram of each plan's per-trial NPV minus the baseline's, a line at zero."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    finite = [d[np.isfinite(d)] for _, d in deltas]
    values = np.concatenate(finite) if finite else np.array([0.0])
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    bins = np.linspace(low, high if high > low else low + 1.0, 41)
    entries: list[tuple[Any, str]] = []
    for index, ((name, _), data) in enumerate(zip(deltas, finite, strict=True)):
        better = float(np.mean(data > 0) + 0.5 * np.mean(data == 0)) if data.size else None
        _, _, patches = ax.hist(
            data,
            bins=bins,
            histtype="stepfilled",
            alpha=0.35,
            color=COLORS[(index + 1) % len(COLORS)],
            edgecolor=COLORS[(index + 1) % len(COLORS)],
        )
        entries.append((patches[0], f"{name} (P(better) {fmt.probability(better)})"))
    zero = ax.axvline(0.0, color="black", linewidth=1, linestyle="--")
    entries.append((zero, "No difference"))
    ax.set_title(f"NPV difference per trial: plan minus {baseline} (paired)", loc="left")
    ax.set_xlabel("NPV difference ($)")
    ax.set_ylabel("Trials")
    money_axis(ax.xaxis)
    literal_legend(ax, entries, loc="best")
    return figure


Formatter = Callable[[float], str]


def line_chart(
    title: str,
    xlabel: str,
    ylabel: str,
    lines: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    *,
    x_money: bool = False,
    y_money: bool = False,
    xticks: Sequence[str] | None = None,
) -> Figure:
    """One line per (label, xs, ys), markers at each point (sweep curves); ``xticks``
    labels the positions ``0..n-1`` when the x values are not numbers."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    entries: list[tuple[Any, str]] = []
    for index, (label, xs, ys) in enumerate(lines):
        (line,) = ax.plot(
            xs,
            ys,
            marker="o",
            markersize=3,
            color=COLORS[index % len(COLORS)],
            linestyle=STYLES[index % len(STYLES)],
        )
        entries.append((line, label))
    if xticks is not None:
        ax.set_xticks(range(len(xticks)), xticks, rotation=30, ha="right")
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if x_money:
        money_axis(ax.xaxis)
    if y_money:
        money_axis(ax.yaxis)
    literal_legend(ax, entries, loc="best")
    return figure


def frontier_chart(
    title: str,
    xlabel: str,
    ylabel: str,
    points: Sequence[tuple[float, float]],
    best: tuple[float, float] | None,
    *,
    money: bool = False,
) -> Figure:
    """The P10/P50 frontier (points joined in order of p10) and the chosen plan marked."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    ordered = sorted(points)
    ax.plot(
        [x for x, _ in ordered],
        [y for _, y in ordered],
        color=COLORS[0],
        marker="o",
        markersize=4,
        label="Frontier: no split has both a higher p10 and a higher p50",
    )
    if best is not None:
        ax.scatter(
            [best[0]], [best[1]], marker="*", s=160, color=COLORS[1], zorder=3, label="Best split"
        )
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if money:
        money_axis(ax.xaxis)
        money_axis(ax.yaxis)
    ax.legend(fontsize=8, frameon=False, loc="best")
    return figure


def tornado_chart(
    title: str,
    xlabel: str,
    bars: Sequence[tuple[str, float, float]],
    center: float,
    *,
    money: bool = False,
    labels: tuple[str, str] = ("Input at its low end", "Input at its high end"),
    ylabel: str = "Input (scenario key path)",
) -> Figure:
    """Horizontal bars from ``low`` to ``high`` around ``center``, largest swing on top."""
    plt = _pyplot()
    ordered = sorted(bars, key=lambda b: abs(b[2] - b[1]))
    height = max(2.4, 0.35 * len(ordered) + 1.2)
    figure, ax = plt.subplots(figsize=(FIGSIZE[0], height))
    names = [label for label, _, _ in ordered]
    positions = np.arange(len(ordered))
    lows = np.array([low for _, low, _ in ordered], dtype=float)
    highs = np.array([high for _, _, high in ordered], dtype=float)
    ax.barh(positions, lows - center, left=center, color=COLORS[1], label=labels[0])
    ax.barh(positions, highs - center, left=center, color=COLORS[0], label=labels[1])
    ax.axvline(center, color="black", linewidth=1)
    ax.set_yticks(positions, names)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if money:
        money_axis(ax.xaxis)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return figure
