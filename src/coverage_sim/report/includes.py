"""``coverage-sim report --include FILE.json``: the JSON outputs of sweep, optimize,
sensitivity and explain (each carries a top-level ``"command"`` key), drawn as charts with
a sentence.

- ``sweep``: per metric, p10 / p50 / p90 over the swept points (the best point named);
- ``optimize``: the P10/P50 frontier of the objective's metric with the best split
  marked, and the best split, its fresh-seed check and flat-maximum ranges in words;
- ``sensitivity``: a tornado of the metric's p50 with each input at its p10 and p90
  (inputs without a swing: their share of the variance);
- ``explain``: the paired difference split by cause (the mean of each part: the means add
  up to the mean difference, percentiles do not).

A file that cannot be read, is not JSON, or holds another command is a ``UsageError``
naming the file (exit 2).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from coverage_sim.errors import UsageError
from coverage_sim.report import charts
from coverage_sim.report import formatting as fmt
from coverage_sim.report.figures import ChartSpec, slug
from coverage_sim.safe_read import UnreadableFile, read_regular_file
from coverage_sim.text import readable_key

SUPPORTED: tuple[str, ...] = ("sweep", "optimize", "sensitivity", "explain", "voi", "track")


@dataclass(frozen=True)
class IncludedSection:
    """One included document: a heading, sentences about it, and its charts."""

    heading: str
    sentences: list[str]
    charts: list[ChartSpec]


MAX_INCLUDE_BYTES = 256 * 1024 * 1024
"""An included JSON document is at most 256 MB (a large sweep with every series)."""


MAX_MAGNITUDE = 1e100  # no figure coverage-sim writes comes near it; charts overflow far past


class _BadNumber(ValueError):
    """A number in an include that no coverage-sim output holds."""


def _include_number(token: str, kind: type[int] | type[float]) -> int | float:
    """A JSON number of an include, refused when it is not finite or too large to draw
    (a 5,000-digit integer is refused before Python converts it)."""
    if len(token) > 120:
        raise _BadNumber(f"a number of {len(token):,} characters ({token[:20]}...)")
    value = kind(token)
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise _BadNumber(f"the number {token} is out of range")
    return value


def _refuse_constant(token: str) -> Any:
    raise _BadNumber(f"{token} is not a JSON number")


def load_include(path: Path) -> dict[str, Any]:
    """The JSON document at ``path`` (a dict with a ``"command"`` key) or a UsageError."""
    try:
        text = read_regular_file(path, MAX_INCLUDE_BYTES).decode("utf-8")
    except UnreadableFile as exc:
        raise UsageError(f"--include {path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"--include {path}: not UTF-8 text (byte {exc.start})") from None
    try:
        document = json.loads(
            text,
            parse_int=lambda token: _include_number(token, int),
            parse_float=lambda token: _include_number(token, float),
            parse_constant=_refuse_constant,
        )
    except _BadNumber as exc:
        raise UsageError(
            f"--include {path}: {exc}; coverage-sim writes finite numbers below 1e100 in "
            "magnitude, include its --format json output unchanged"
        ) from None
    except RecursionError:
        raise UsageError(f"--include {path}: JSON nested too deeply to be a report") from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--include {path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); expected the "
            "--format json output of sweep, optimize, sensitivity or explain"
        ) from None
    command = document.get("command") if isinstance(document, dict) else None
    if command not in SUPPORTED:
        found = f"'command' is {command!r}" if command is not None else "no 'command' key"
        raise UsageError(
            f"--include {path}: {found}; expected the --format json output of one of: "
            + ", ".join(SUPPORTED)
        )
    try:
        section = included_section(document, 0)  # every key it reads, of the type it reads
    except (AttributeError, KeyError, TypeError, ValueError, IndexError, RecursionError) as exc:
        what = f"missing or unknown key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise UsageError(
            f"--include {path}: not the JSON that {command} writes ({what}); include its "
            "--format json output unchanged"
        ) from None
    if not section.charts and not section.sentences:
        raise UsageError(
            f"--include {path}: this {command} output has nothing to show (no points, inputs "
            "or parts); include its --format json output unchanged"
        )
    return document


def _unit_money(metric: str) -> bool:
    return fmt.metric_definition(metric).unit == "money"


def _sweep(document: dict[str, Any], tag: str) -> IncludedSection:
    points = document.get("points", [])
    labels = [str(p.get("label", i)) for i, p in enumerate(points)]
    vary = ", ".join(str(v.get("path")) for v in document.get("vary", []))
    scenario = document.get("scenario", {}).get("name", "")
    specs, sentences = [], []
    for metric in document.get("metrics", []):
        stats = [p.get("metrics", {}).get(metric, {}) for p in points]
        lines = [
            (
                f"{fmt.metric_label(metric)} {q}",
                list(range(len(points))),
                [_num(s.get(q)) for s in stats],
            )
            for q in ("p10", "p50", "p90")
        ]
        label = fmt.metric_label(metric)
        specs.append(
            ChartSpec(
                f"{tag}-{slug(metric)}",
                f"Sweep of {vary}: {label} p10 / p50 / p90 at each point.",
                partial(
                    charts.line_chart,
                    f"Sweep: {label} over {vary}",
                    f"{vary} (swept value)",
                    label + (" ($)" if _unit_money(metric) else ""),
                    lines,
                    y_money=_unit_money(metric),
                    xticks=labels,
                ),
            )
        )
        verdict = document.get("verdicts", {}).get(metric, {})
        if verdict.get("best") is not None:
            band = ", ".join(str(b) for b in verdict.get("band", []))
            sentences.append(
                f"{label}: best at {verdict['best']}" + (f" (flat maximum: {band})" if band else "")
            )
        sentences += _sweep_versus_baseline(document, metric, labels, stats)
    return IncludedSection(f"Sweep of {scenario}: {vary}", sentences, specs)


def _sweep_versus_baseline(
    document: dict[str, Any], metric: str, labels: list[str], stats: list[dict[str, Any]]
) -> list[str]:
    """The baseline line, each point's P(better) against it and the break-even, as the
    sweep's own output gives them."""
    baseline = document.get("baseline", {})
    name = str(baseline.get("name", ""))
    label = fmt.metric_label(metric)
    p50 = baseline.get("metrics", {}).get(metric, {}).get("p50")
    out = []
    if name:
        shown = fmt.metric_value(metric, _num(p50)) if p50 is not None else fmt.MISSING
        out.append(f"Baseline: {name} ({label} p50 {shown}).")
    chances = [
        f"{point} {fmt.probability(s.get('prob_better'))}"
        for point, s in zip(labels, stats, strict=True)
        if s.get("prob_better") is not None
    ]
    if chances:
        against = name or "the baseline"
        out.append(f"{label} P(better) against {against}: " + "; ".join(chances) + ".")
    crossing = document.get("verdicts", {}).get(metric, {}).get("break_even")
    if isinstance(crossing, dict):
        at = crossing.get("crossings") or []
        vary = ", ".join(str(v.get("path")) for v in document.get("vary", []))
        if at:
            where = " and ".join(f"{_num(x):.4g}" for x in at)
            out.append(f"Break-even: P(better) crosses 50% at {vary} ≈ {where}.")
        else:
            side = crossing.get("side")
            tail = f" ({side} at every point)" if side else ""
            out.append(f"Break-even: P(better) never crosses 50% within the range{tail}.")
    return out


def _shares(allocation: Any) -> str:
    if not isinstance(allocation, dict):
        return ""
    return ", ".join(f"{role} {fmt.percent(_num(share))}" for role, share in allocation.items())


def _optimize(document: dict[str, Any], tag: str) -> IncludedSection:
    objective = document.get("objective", {})
    metric, stat = str(objective.get("metric", "")), str(objective.get("stat", ""))
    label = fmt.metric_label(metric)
    money = _unit_money(metric)
    frontier = [(_num(p.get("p10")), _num(p.get("p50"))) for p in document.get("frontier", [])]
    best = document.get("best", {})
    searched = best.get("metrics_at_search_seed", {}).get(metric, {})
    marked = (_num(searched.get("p10")), _num(searched.get("p50"))) if searched else None
    scenario = document.get("scenario", {}).get("name", "")
    unit = " ($)" if money else ""
    spec = ChartSpec(
        f"{tag}-frontier",
        f"Splits on the P10/P50 frontier of {label} found by the search, the best marked.",
        partial(
            charts.frontier_chart,
            f"Optimize {label}.{stat}: {scenario}",
            f"{label} p10{unit}",
            f"{label} p50{unit}",
            frontier,
            marked,
            money=money,
        ),
    )
    sentences = [f"Best split ({label}.{stat}): {_shares(best.get('allocation'))}."]
    versus = document.get("versus_written", {})
    if versus.get("prob_better") is not None:
        sentences.append(
            f"Re-simulated at a fresh seed it beats the plan as written in "
            f"{fmt.probability(_num(versus['prob_better']))} of paired trials "
            f"(Δ p50 {fmt.metric_delta(metric, _num(versus.get('delta_p50')))})."
        )
    ranges = document.get("band", {}).get("ranges", {})
    if ranges:
        spans = ", ".join(
            f"{key} {fmt.percent(_num(lo))}-{fmt.percent(_num(hi))}"
            if key != "budget"
            else f"budget {fmt.money(_num(lo))}-{fmt.money(_num(hi))}"
            for key, (lo, hi) in ranges.items()
        )
        sentences.append(f"Splits within the flat maximum: {spans}.")
    return IncludedSection(f"Optimize {label}.{stat}: {scenario}", sentences, [spec])


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")


def _sensitivity(document: dict[str, Any], tag: str) -> IncludedSection:
    metric = str(document.get("metric", ""))
    label = fmt.metric_label(metric)
    center = _num(document.get("output", {}).get("p50"))
    inputs = document.get("inputs", [])
    swings = [
        (
            readable_key(str(e["path"])),
            _num(e["swing"].get("output_p50_at_p10")),
            _num(e["swing"].get("output_p50_at_p90")),
        )
        for e in inputs
        if isinstance(e.get("swing"), dict)
    ][:15]
    plan = str(document.get("plan", ""))
    baseline = document.get("baseline")
    money = _unit_money(metric)
    # with a baseline, the output is the paired difference plan - baseline per trial
    subject = plan if baseline is None else f"{plan} minus {baseline}"
    quantity = label if baseline is None else f"{label} difference vs {baseline}"
    if swings:
        spec = ChartSpec(
            f"{tag}-tornado",
            f"{quantity}, p50, with each input at its p10 and p90 (the others as drawn).",
            partial(
                charts.tornado_chart,
                f"Sensitivity of {label}: {subject}",
                f"{quantity}, p50" + (" ($)" if money else ""),
                swings,
                center,
                money=money,
                labels=("Input at its p10", "Input at its p90"),
            ),
        )
    else:
        shares = [
            (readable_key(str(e["path"])), 0.0, _num(e.get("variance_share"))) for e in inputs
        ][:15]
        spec = ChartSpec(
            f"{tag}-variance",
            f"Share of the variance of {quantity} each input explains.",
            partial(
                charts.tornado_chart,
                f"Sensitivity of {label}: {subject}",
                "Share of variance (0-1)",
                shares,
                0.0,
                labels=("", "Variance share"),
            ),
        )
    top = ", ".join(str(e.get("path")) for e in inputs[:3])
    sentences = [f"Inputs that move {label} most: {top}."] if top else []
    sentences += [_breakeven_sentence(e) for e in inputs if isinstance(e.get("breakeven"), dict)]
    return IncludedSection(f"Sensitivity of {label}: {subject}", sentences, [spec])


def _breakeven_sentence(effect: dict[str, Any]) -> str:
    """One input's break-even as ``sensitivity`` prints it."""
    b = effect["breakeven"]
    searched = b.get("searched") or {}
    low, high = searched.get("low"), searched.get("high")
    where = (
        f" from {_num(low):.4g} to {_num(high):.4g} ({searched.get('what', '')})"
        if low is not None and high is not None
        else ""
    )
    path = str(effect.get("path"))
    if not b.get("flips"):
        return f"Break-even: {path} does not flip the verdict{where}."
    level = b.get("quantile")
    at = "" if level is None else f" (its p{_num(level) * 100:.0f})"
    return f"Break-even: {path} flips the verdict at {_num(b.get('value')):.4g}{at}."


def _explain(document: dict[str, Any], tag: str) -> IncludedSection:
    metric = str(document.get("metric", ""))
    label = fmt.metric_label(metric)
    parts = [(str(p.get("name")), 0.0, _num(p.get("mean"))) for p in document.get("parts", [])]
    plan, baseline = document.get("plan", ""), document.get("baseline", "")
    money = _unit_money(metric)
    spec = ChartSpec(
        f"{tag}-parts",
        f"The paired {label} difference of {plan} against {baseline}, by cause (means, which "
        "add up to the mean difference).",
        partial(
            charts.tornado_chart,
            f"Why {plan} differs from {baseline}: {label}",
            f"{label} difference, mean" + (" ($)" if money else ""),
            parts,
            0.0,
            money=money,
            labels=("", "Contribution of the cause"),
            ylabel="Cause",
        ),
    )
    total = document.get("total", {})
    sentences = [
        f"Mean difference {fmt.metric_delta(metric, _num(total.get('mean')))} "
        f"(p50 {fmt.metric_delta(metric, _num(total.get('p50')))})."
    ]
    return IncludedSection(f"Explain {label}: {plan} against {baseline}", sentences, [spec])


def _voi(document: dict[str, Any], tag: str) -> IncludedSection:
    metric = str(document.get("metric", ""))
    label = fmt.metric_label(metric)
    money = _unit_money(metric)
    worths = [
        (str(w.get("input")), 0.0, _num(w.get("value"))) for w in document.get("evppi", [])[:12]
    ]
    worths += [(f"{w.get('name')} (group)", 0.0, _num(w.get("value"))) for w in document["groups"]]
    evpi = _num(document.get("evpi"))
    spec = ChartSpec(
        f"{tag}-evppi",
        f"What perfect knowledge of each input (or group) is worth for the choice on {label} "
        f"(EVPPI), against the expected loss of deciding now (EVPI "
        f"{fmt.metric_value(metric, evpi)}).",
        partial(
            charts.tornado_chart,
            f"Value of information on {label}",
            f"EVPPI, {label}" + (" ($)" if money else ""),
            worths,
            0.0,
            money=money,
            labels=("", "Worth of knowing the input"),
            ylabel="Input (scenario key path)",
        ),
    )
    sentences = [
        f"Deciding now picks {document.get('chosen_now')}; the expected loss of deciding now "
        f"(EVPI) is {fmt.metric_value(metric, evpi)} "
        f"(Monte Carlo SE {fmt.metric_value(metric, _num(document.get('evpi_mc_se')))})."
    ]
    return IncludedSection(f"Value of information: {label}", sentences, [spec] if worths else [])


def _track(document: dict[str, Any], tag: str) -> IncludedSection:
    plan = str(document.get("plan", ""))
    specs = []
    for name, fan in document["series"].items():
        months = [int(m["month"]) for m in fan]
        p10, p50, p90 = ([_num(m[q]) for m in fan] for q in ("p10", "p50", "p90"))
        specs.append(
            ChartSpec(
                f"{tag}-{slug(str(name))}",
                f"{name}: the plan's fan over the months tracked, with the actuals.",
                partial(
                    charts.actuals_chart,
                    f"{name}: {plan} against actuals",
                    str(name),
                    months,
                    (p10, p50, p90),
                    [_num(m["actual"]) for m in fan],
                ),
            )
        )
    sentences = [
        f"{document['actuals']['months']} months of actuals; effective sample size "
        f"{_num(document.get('ess')):,.0f} of {document.get('trials')} trials."
    ]
    if document.get("collapsed"):
        sentences.append("The actuals lie outside what the plan thought possible.")
    if document.get("prob_better") is not None:
        sentences.append(
            f"P(better than {document.get('baseline')}): "
            f"{fmt.probability(_num(document.get('prob_better_prior')))} before, "
            f"{fmt.probability(_num(document.get('prob_better')))} after the actuals."
        )
    return IncludedSection(f"Plan against actuals: {plan}", sentences, specs)


def included_section(document: dict[str, Any], index: int) -> IncludedSection:
    """The section drawn from one loaded document (``index`` keeps chart keys unique)."""
    command = document["command"]
    tag = f"include{index + 1}-{command}"
    if command == "sweep":
        return _sweep(document, tag)
    if command == "optimize":
        return _optimize(document, tag)
    if command == "sensitivity":
        return _sensitivity(document, tag)
    if command == "voi":
        return _voi(document, tag)
    if command == "track":
        return _track(document, tag)
    return _explain(document, tag)
