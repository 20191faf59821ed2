"""``sensitivity`` and ``explain`` for people: a tornado in plain text (<= 80 columns) and
Markdown tables.

The tornado is drawn with block characters around a centre line ``│``: for ``rank`` the
bar is the rank correlation (left negative, right positive); for ``variance`` the share
of variance; for ``swing`` the output's p50 with the input at its p10 (``░``) and at its
p90 (``█``) around the p50 with every input drawn; for ``sobol`` the total-order index
(``█``, the first-order part ``▓``). Key paths are never cut: a long one gets a line of
its own above its bar.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from typing import Any

from coverage_sim.analysis.results import BreakEven, ExplainResult, InputEffect, SensitivityResult
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.report import formatting as fmt
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.markdown import escape
from coverage_sim.report.model import RunSettings
from coverage_sim.text import visible

MAX_WIDTH = 80
PATH_WIDTH = 38
BAR_WIDTH = 19  # odd: the centre cell is the centre line
_CENTRE = BAR_WIDTH // 2
_METHOD_TITLE = {
    "rank": "rank correlation (Spearman)",
    "variance": "contribution to variance (normalised squared rank correlations)",
    "swing": "swing (output p50 at the input's p10 and p90)",
    "sobol": "Sobol indices (first order ▓, total █)",
}


def input_value(value: float | None) -> str:
    """An input's value as written in a scenario: ``85,000``, ``0.9712``, ``n/a``."""
    if value is None or not math.isfinite(value):
        return fmt.MISSING
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def breakeven_text(b: BreakEven) -> str:
    """``flips at 0.9 (its p31)`` or ``does not flip from 0 to 1 (its whole valid range)``."""
    searched = f"{input_value(b.range_low)} to {input_value(b.range_high)} ({b.range_text})"
    if b.value is None:
        return f"does not flip from {searched}"
    level = "" if b.quantile is None else f" (its p{b.quantile * 100:.0f})"
    inside = b.quantile is not None and 0.05 <= b.quantile <= 0.95
    note = "" if inside else f", outside its p5..p95; searched {searched}"
    return f"flips at {input_value(b.value)}{level}{note}"


def _out(result: SensitivityResult | ExplainResult, value: float | None) -> str:
    paired = result.baseline is not None
    return (
        fmt.metric_delta(result.metric, value) if paired else fmt.metric_value(result.metric, value)
    )


def _settings(settings: RunSettings) -> str:
    s = settings
    return f"{s.trials:,} trials · seed {s.seed} · {s.months} months · {s.sampling}"


def _subject(result: SensitivityResult | ExplainResult) -> str:
    label = fmt.metric_label(result.metric)
    if result.baseline is None:
        return f"{label} of {result.plan}"
    return f"{label}: {result.plan} - {result.baseline}, paired per trial"


def _cells(position: float) -> int:
    """Cells from the centre for ``position`` in [-1, 1]."""
    return round(max(-1.0, min(1.0, position)) * _CENTRE)


def _centred_bar(segments: list[tuple[float, str]]) -> str:
    """Bars from the centre to each position in [-1, 1], later segments drawn over earlier."""
    cells = [" "] * BAR_WIDTH
    for position, char in segments:
        n = _cells(position)
        step = 1 if n > 0 else -1
        for k in range(step, n + step, step) if n else ():
            cells[_CENTRE + k] = char
    cells[_CENTRE] = "│"
    return "".join(cells)


def _left_bar(segments: list[tuple[float, str]]) -> str:
    cells = [" "] * BAR_WIDTH
    for share, char in segments:
        n = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
        cells[:n] = [char] * n
    return "".join(cells)


def _bar_and_figures(result: SensitivityResult, e: InputEffect, scale: float) -> tuple[str, str]:
    method = result.method
    if method == "rank":
        return _centred_bar([(e.rank_correlation, "█")]), f"rho {e.rank_correlation:+.2f}"
    if method == "variance":
        return _left_bar([(e.variance_share, "█")]), fmt.percent(e.variance_share)
    if method == "sobol":
        st, s1 = e.total_order or 0.0, e.first_order or 0.0
        return _left_bar([(st, "█"), (s1, "▓")]), f"S1 {s1:.2f} ST {st:.2f}"
    base = result.output.p50 or 0.0
    lo = ((e.output_low or base) - base) / scale if scale > 0 else 0.0
    hi = ((e.output_high or base) - base) / scale if scale > 0 else 0.0
    bar = _centred_bar([(lo, "░"), (hi, "█")])
    return bar, f"{_out(result, e.output_low)} → {_out(result, e.output_high)}"


def _swing_scale(result: SensitivityResult) -> float:
    base = result.output.p50 or 0.0
    ends = [
        abs(v - base)
        for e in result.effects
        for v in (e.output_low, e.output_high)
        if v is not None
    ]
    return max(ends, default=0.0)


def _summary_lines(result: SensitivityResult | ExplainResult, spread: MetricSummary) -> list[str]:
    line = (
        f"  p10 {_out(result, spread.p10)}   p50 {_out(result, spread.p50)}   "
        f"p90 {_out(result, spread.p90)}   mean {_out(result, spread.mean)}"
    )
    lines = [line]
    if result.prob_better is not None:
        lines.append(f"  P(better) {fmt.probability(result.prob_better)}")
    return lines


def render_sensitivity_table(result: SensitivityResult) -> str:
    """The tornado and its notes as plain text, at most 80 columns wide."""
    lines = [
        f"Sensitivity of {_subject(result)}",
        f"{_settings(result.settings)} · {result.evaluations} evaluations",
        "",
        "Output:",
        *_summary_lines(result, result.output),
        f"  Process noise: {fmt.percent(result.noise_share)} of the output's variance is left "
        "with every",
        "  input held at its median (the rest is input uncertainty).",
        "",
        f"Top {len(result.effects)} of {result.inputs_total} uncertain inputs by "
        f"{_METHOD_TITLE[result.method]}",
    ]
    if result.method == "swing":
        lines.append(f"  ░ input at p10  █ input at p90  │ p50 {_out(result, result.output.p50)}")
    scale = _swing_scale(result)
    for rank, e in enumerate(result.effects, start=1):
        bar, figures = _bar_and_figures(result, e, scale)
        label = f"{rank:>2} {e.path}"
        if len(label) > PATH_WIDTH:
            lines.append(label)
            label = ""
        lines.append(f"{label:<{PATH_WIDTH}} {bar} {figures}".rstrip())
    breakevens = [e for e in result.effects if e.breakeven is not None]
    if breakevens:
        lines += ["", "Break-even: where P(better) crosses 50% over the input's valid range"]
        for e in breakevens:
            b = e.breakeven
            assert b is not None
            where = breakeven_text(b)
            lines.append(f"   {e.path}")
            lines.append(
                f"     {where}; P(better) {fmt.probability(b.prob_better_low)} at p5, "
                f"{fmt.probability(b.prob_better_high)} at p95"
            )
    lines += [f"Note: {n}" for n in result.notes]
    return _fit(lines)


def _fit(lines: list[str]) -> str:
    """Lines wrapped at 80 columns (a long scenario name or note), never cut."""
    out = []
    for line in (raw.rstrip() for raw in lines):
        if len(line) <= MAX_WIDTH:
            out.append(line)
        else:
            out += textwrap.wrap(line, MAX_WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    return "\n".join(out) + "\n"


def render_explain_table(result: ExplainResult) -> str:
    """The parts with p10/p50/p90 and a bar of each part's mean, at most 80 columns wide."""
    lines = [
        f"Explain {_subject(result)}",
        f"{_settings(result.settings)} · {result.evaluations} runs (Shapley, 2^5 coalitions)",
        "",
        "Total difference:",
        *_summary_lines(result, result.total),
        "",
        f"{'Cause':<13}{'Mean':>10}{'P10':>10}{'P50':>10}{'P90':>10}  {'Mean':^{BAR_WIDTH}}",
    ]
    scale = max((abs(p.spread.mean or 0.0) for p in result.parts), default=0.0)
    for part in result.parts:
        s = part.spread
        bar = _centred_bar([((s.mean or 0.0) / scale if scale > 0 else 0.0, "█")])
        figures = "".join(f"{_out(result, v):>10}" for v in (s.mean, s.p10, s.p50, s.p90))
        lines.append(f"{part.name:<13}{figures}  {bar}")
    lines += [
        "",
        "Parts sum to the total in every trial (largest gap "
        f"{result.max_residual:.2g}); p10/p50/p90 of",
        "parts do not add up (percentiles are not additive), their means do.",
    ]
    lines += [f"Note: {n}" for n in result.notes]
    return _fit(lines)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_sensitivity_markdown(result: SensitivityResult) -> str:
    lines = [
        f"## Sensitivity of {escape(_subject(result))}",
        "",
        f"{_settings(result.settings)}, {result.evaluations} evaluations, method {result.method}.",
        "",
        f"Output p10 {_out(result, result.output.p10)}, p50 {_out(result, result.output.p50)}, "
        f"p90 {_out(result, result.output.p90)}"
        + (
            f"; P(better) {fmt.probability(result.prob_better)}."
            if result.prob_better is not None
            else "."
        ),
        f"Process noise: {fmt.percent(result.noise_share)} of the variance is left with every "
        "input at its median.",
        "",
    ]
    head = ["#", "Input", "Rank corr.", "Share of variance"]
    swing = result.method == "swing"
    sobol = result.method == "sobol"
    if swing:
        head += ["p10 → p90 (input)", "Output p50 at p10", "Output p50 at p90", "Break-even"]
    if sobol:
        head += ["S1", "ST"]
    lines += [_md_row(head), _md_row(["---"] * len(head))]
    for rank, e in enumerate(result.effects, start=1):
        row = [
            str(rank),
            f"`{e.path}`",
            f"{e.rank_correlation:+.3f}",
            fmt.percent(e.variance_share),
        ]
        if swing:
            b = e.breakeven
            flip = (
                ""
                if b is None
                else (
                    f"does not flip ({input_value(b.range_low)} to {input_value(b.range_high)})"
                    if b.value is None
                    else f"{input_value(b.value)}"
                )
            )
            row += [
                f"{input_value(e.low)} → {input_value(e.high)}",
                _out(result, e.output_low),
                _out(result, e.output_high),
                flip,
            ]
        if sobol:
            row += [
                f"{e.first_order or 0.0:.3f} ± {e.first_order_conf or 0.0:.3f}",
                f"{e.total_order or 0.0:.3f} ± {e.total_order_conf or 0.0:.3f}",
            ]
        lines.append(_md_row(row))
    lines += ["", *[f"Note: {escape(n)}" for n in result.notes]]
    return "\n".join(lines).rstrip() + "\n"


def render_explain_markdown(result: ExplainResult) -> str:
    lines = [
        f"## Explain {escape(_subject(result))}",
        "",
        f"{_settings(result.settings)}; Shapley values over the 2^5 coalitions of causes.",
        "",
        _md_row(["Cause", "Mean", "P10", "P50", "P90"]),
        _md_row(["---"] * 5),
    ]
    rows = [("**total**", result.total), *((escape(p.name), p.spread) for p in result.parts)]
    for name, s in rows:
        lines.append(_md_row([name, *(_out(result, v) for v in (s.mean, s.p10, s.p50, s.p90))]))
    lines += [
        "",
        f"Parts sum to the total in every trial (largest gap {result.max_residual:.2g}).",
        *[f"Note: {escape(n)}" for n in result.notes],
    ]
    return "\n".join(lines) + "\n"


def render_why(result: SensitivityResult | ExplainResult, output_format: OutputFormat) -> str:
    """``sensitivity`` or ``explain`` output in ``output_format`` (what the CLI prints)."""
    from coverage_sim.report import why_data

    renderers: dict[OutputFormat, Callable[[Any], str]]
    if isinstance(result, SensitivityResult):
        renderers = {
            OutputFormat.json: lambda r: why_data.to_json(why_data.sensitivity_to_dict(r)),
            OutputFormat.csv: why_data.sensitivity_csv,
            OutputFormat.markdown: render_sensitivity_markdown,
            OutputFormat.table: render_sensitivity_table,
        }
    else:
        renderers = {
            OutputFormat.json: lambda r: why_data.to_json(why_data.explain_to_dict(r)),
            OutputFormat.csv: why_data.explain_csv,
            OutputFormat.markdown: render_explain_markdown,
            OutputFormat.table: render_explain_table,
        }
    text = renderers[output_format](result)
    if output_format is OutputFormat.json:  # why_data.to_json escapes what JSON leaves raw
        return text
    return visible(text)  # names and paths from files: control characters made visible
