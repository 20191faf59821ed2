"""``track`` output (table, markdown, csv, json) and its plan overlay (docs/evidence.md).

JSON: ``{"command": "track", "settings", "metric", "plan", "baseline", "actuals": {"file",
"months"}, "noise", "ess", "trials", "collapsed", "prob_better_prior", "prob_better",
"series": {"<name>": [{"month", "actual", "p10", "p50", "p90", "percentile", "flag"}]},
"inputs": [{"input", "prior": {"p5", "p50", "p95"}, "posterior": {...}}]}``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from coverage_sim.analysis.track_run import InputUpdate, TrackResult
from coverage_sim.report import formatting as fmt
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.json_out import finite_or_none, settings_dict
from coverage_sim.report.markdown import escape
from coverage_sim.text import json_safe, visible, yaml_comment


def _quantiles(values: list[float]) -> dict[str, float | int | None]:
    return {k: finite_or_none(v) for k, v in zip(("p5", "p50", "p95"), values, strict=True)}


def track_to_dict(result: TrackResult) -> dict[str, Any]:
    return {
        "command": "track",
        "settings": settings_dict(result.settings),
        "metric": result.metric,
        "plan": result.plan,
        "baseline": result.baseline,
        "actuals": {"file": result.actuals.file, "months": result.actuals.months},
        "noise": result.noise,
        "closest": finite_or_none(result.closest),
        "ess": finite_or_none(result.ess),
        "trials": result.settings.trials,
        "collapsed": result.collapsed,
        "prob_better_prior": result.prob_better_prior,
        "prob_better": result.prob_better,
        "series": {
            name: [
                {
                    "month": m.month,
                    "actual": finite_or_none(m.actual),
                    "p10": finite_or_none(m.p10),
                    "p50": finite_or_none(m.p50),
                    "p90": finite_or_none(m.p90),
                    "percentile": finite_or_none(m.percentile),
                    "flag": m.flag or None,
                }
                for m in fan
            ]
            for name, fan in result.fans.items()
        },
        "inputs": [
            {"input": u.path, "prior": _quantiles(u.prior), "posterior": _quantiles(u.posterior)}
            for u in result.inputs
        ],
    }


def _value(series: str, value: float) -> str:
    return fmt.money(value) if series == "arr" else f"{value:,.1f}".removesuffix(".0")


def _moved(u: InputUpdate) -> float:
    """How far the posterior median moved, in widths of the prior's 90% interval."""
    width = u.prior[2] - u.prior[0]
    return abs(u.posterior[1] - u.prior[1]) / width if width > 0 else 0.0


def collapse_warning(result: TrackResult) -> str:
    """What the CLI warns (and the API tells) when the update is not to be trusted."""
    return (
        f"the actuals lie outside what the plan thought possible (closest trial "
        f"{result.closest:.1f} kernel scales away, {result.ess:,.0f} effective trials): "
        "the update is not to be trusted"
    )


def _summary(result: TrackResult) -> list[str]:
    lines = [
        f"Effective sample size: {result.ess:,.0f} of {result.settings.trials:,} trials "
        f"(kernel noise {result.noise:.1%})."
    ]
    if result.collapsed:
        lines.append(
            "WARNING: the actuals lie outside what the plan thought possible (the closest trial "
            f"is {result.closest:.1f} kernel scales away; {result.ess:,.0f} effective trials). "
            "Do not trust the update; check the actuals' units and the plan's ranges."
        )
    if result.prob_better is not None and result.baseline is not None:
        lines.append(
            f"P({visible(result.plan, keep_layout=False)} better than "
            f"{visible(result.baseline, keep_layout=False)} on {result.metric}): "
            f"{fmt.probability(result.prob_better_prior)} before the actuals, "
            f"{fmt.probability(result.prob_better)} after."
        )
    return lines


def _flagged(result: TrackResult) -> list[str]:
    out = []
    for name, fan in result.fans.items():
        for m in fan:
            if m.flag:
                out.append(
                    f"{name} month {m.month}: {_value(name, m.actual)} is {m.flag} "
                    f"({_value(name, m.p10)} to {_value(name, m.p90)}; its percentile "
                    f"{m.percentile:.0%})"
                )
    return out


def render_track(result: TrackResult, output_format: OutputFormat) -> str:
    """``track`` output in ``output_format``."""
    if output_format is OutputFormat.json:
        text = json.dumps(track_to_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
        return json_safe(text) + "\n"
    if output_format is OutputFormat.csv:
        lines = ["series,month,actual,p10,p50,p90,percentile,flag"]
        for name, fan in result.fans.items():
            for m in fan:
                cells = [m.actual, m.p10, m.p50, m.p90, m.percentile]
                lines.append(
                    ",".join([csv_text(name), str(m.month), *(csv_number(v) for v in cells)])
                    + f",{m.flag}"
                )
        return "\n".join(lines) + "\n"
    moved = sorted(result.inputs, key=lambda u: -_moved(u))[:10]
    flagged = _flagged(result) or ["none: every actual is inside the p10-p90 fan"]
    rows = [
        (
            visible(u.path, keep_layout=False),
            f"{u.prior[1]:.4g} [{u.prior[0]:.4g}, {u.prior[2]:.4g}]",
            f"{u.posterior[1]:.4g} [{u.posterior[0]:.4g}, {u.posterior[2]:.4g}]",
        )
        for u in moved
    ]
    if output_format is OutputFormat.markdown:
        lines = [
            f"### Plan against actuals: {escape(visible(result.plan))} "
            f"({result.actuals.months} months)",
            "",
            *(escape(line) for line in _summary(result)),
            "",
            "Months outside the fan:",
            "",
            *(f"- {escape(line)}" for line in flagged),
            "",
            "| input | prior p50 [p5, p95] | posterior p50 [p5, p95] |",
            "| --- | --- | --- |",
            *(f"| `{escape(a)}` | {b} | {c} |" for a, b, c in rows),
        ]
        return "\n".join(lines) + "\n"
    width = max((len(a) for a, _, _ in rows), default=5)
    lines = [
        f"Plan against actuals: {visible(result.plan, keep_layout=False)}, "
        f"{result.actuals.months} months of {visible(result.actuals.file, keep_layout=False)}",
        *_summary(result),
        "",
        "Months outside the plan's p10-p90 fan:",
        *(f"  {line}" for line in flagged),
        "",
        "Inputs that moved most (p50 [p5, p95], prior -> posterior):",
        *(f"  {a:<{width}}  {b}  ->  {c}" for a, b, c in rows),
    ]
    return "\n".join(lines) + "\n"


def _nested(path: str, value: Any) -> dict[str, Any]:
    node: Any = value
    for key in reversed(path.split(".")):
        node = {key: node}
    return dict(node)


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def updated_plan_yaml(result: TrackResult, output: Path) -> str:
    """A plan overlay that ``extends`` the tracked plan, every uncertain input replaced by
    the 90% interval of its posterior (``"p5 to p95"``; a plain number where they meet)."""
    parent = os.path.relpath(result.plan_source.resolve(), output.resolve().parent)
    body: dict[str, Any] = {}
    for u in result.inputs:
        if " [" in u.path:  # drawn differently per plan: not one input of this plan
            continue
        low, high = f"{u.posterior[0]:.6g}", f"{u.posterior[2]:.6g}"
        value: Any = float(low) if low == high else f"{low} to {high}"
        _merge(body, _nested(u.path, value))
    header = [
        f"Written by coverage-sim track: {result.plan!r} updated with "
        f"{result.actuals.months} months of actuals from {result.actuals.file}",
        f"(effective sample size {result.ess:,.0f} of {result.settings.trials:,} trials, "
        f"seed {result.settings.seed}; each input is the 90% interval of its posterior).",
        f"Check it with: coverage-sim validate {output.name}",
    ]
    document = {
        "extends": Path(parent).as_posix(),
        "name": f"{result.plan} (updated to month {result.actuals.months})",
        **body,
    }
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "".join(yaml_comment(line) + "\n" for line in header) + text
