"""``coverage-sim sweep`` output in every format: one row per point, verdicts per metric.

JSON layout (docs/cli.md, "sweep")::

    {"command": "sweep", "settings": {...},
     "scenario": {name, source}, "baseline": {name, source, metrics: {<id>: {...}}},
     "vary": [{path, kind, values, changes}], "changes": ["plan"(, "baseline")],
     "metrics": [<id>, ...],
     "points": [{label, values: {<path>: <value>}, allocation: {<role>: share} | null,
                 changes: ["plan"(, "baseline")],
                 metrics: {<id>: {mean, p10, p50, p90, mc_se, delta_p50, delta_mean,
                                  prob_better, prob_better_than_best, best, in_band}}}],
     "verdicts": {<id>: {best, tolerance, band: [label, ...],
                         break_even: {crossings: [...], side} | null}}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coverage_sim.analysis.key_scope import changed_plans
from coverage_sim.analysis.sweep import PointFigures, SweepResult
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.report import formatting as fmt
from coverage_sim.report.console import console_text
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.gates_out import gates_markdown
from coverage_sim.report.json_out import finite_or_none, settings_dict
from coverage_sim.report.markdown import escape
from coverage_sim.require import GateResult
from coverage_sim.text import json_safe, visible

if TYPE_CHECKING:
    from rich.console import Console

SUMMARY_FIELDS = ("mean", "p10", "p50", "p90", "mc_se")


def _v(text: str) -> str:
    """Text from a scenario file or the command line, control characters made visible."""
    return visible(text, keep_layout=False)


def _summary(summary: MetricSummary) -> dict[str, Any]:
    return {name: finite_or_none(getattr(summary, name)) for name in SUMMARY_FIELDS} | {
        "n": summary.n
    }


def _figures(row: PointFigures, best: bool) -> dict[str, Any]:
    pair = row.versus_baseline
    return _summary(row.summary) | {
        "delta_p50": None if pair is None else finite_or_none(pair.delta_p50),
        "delta_mean": None if pair is None else finite_or_none(pair.delta_mean),
        "prob_better": None if pair is None else finite_or_none(pair.prob_better),
        "prob_better_than_best": finite_or_none(row.prob_better_than_best),
        "best": best,
        "in_band": row.in_band,
    }


def _best(result: SweepResult, metric: str) -> int | None:
    band = result.verdicts[metric].band
    return None if band is None else band.best


def sweep_to_dict(result: SweepResult) -> dict[str, Any]:
    """The JSON document as plain objects, keys in the documented order."""
    plan = result.plan
    verdicts: dict[str, Any] = {}
    for metric in plan.metrics:
        verdict = result.verdicts[metric]
        band, crossing = verdict.band, verdict.break_even
        verdicts[metric] = {
            "best": None if band is None else plan.points[band.best].label,
            "tolerance": None if band is None else finite_or_none(band.tolerance),
            "band": []
            if band is None
            else [p.label for p, inside in zip(plan.points, band.members, strict=True) if inside],
            "break_even": None
            if crossing is None
            else {
                "crossings": [finite_or_none(x) for x in crossing.crossings],
                "side": crossing.side,
            },
        }
    return {
        "command": "sweep",
        "settings": settings_dict(plan.settings),
        "scenario": {"name": plan.scenario_name, "source": plan.source},
        "baseline": {
            "name": plan.baseline_name,
            "source": plan.baseline_source,
            "metrics": {m: _summary(result.baseline[m]) for m in plan.metrics},
        },
        "vary": [
            {
                "path": v.path,
                "kind": v.kind,
                "values": list(v.labels),
                "changes": list(changed_plans([v], plan_only=plan.plan_only)),
            }
            for v in plan.varies
        ],
        "changes": list(plan.changes),
        "metrics": list(plan.metrics),
        "points": [
            {
                "label": point.label,
                "values": point.values,
                "allocation": point.shares,
                "changes": list(plan.changes),
                "metrics": {
                    m: _figures(result.figures[m][index], index == _best(result, m))
                    for m in plan.metrics
                },
            }
            for index, point in enumerate(plan.points)
        ],
        "verdicts": verdicts,
    }


def _break_even_text(result: SweepResult, metric: str) -> str | None:
    crossing = result.verdicts[metric].break_even
    if crossing is None:
        return None
    vary = result.plan.varies[0]
    if crossing.crossings:
        at = " and ".join(f"{_v(vary.path)} ≈ {vary.shown(x)}" for x in crossing.crossings)
        return f"P(better) crosses 50% at {at}"
    side = {"better": " (better at every point)", "worse": " (worse at every point)"}
    return "P(better) never crosses 50% within the range" + side.get(crossing.side or "", "")


def _band_text(result: SweepResult, metric: str) -> tuple[str, str] | None:
    band = result.verdicts[metric].band
    if band is None:
        return None
    points = result.plan.points
    best = _v(points[band.best].label)
    inside = [_v(p.label) for p, member in zip(points, band.members, strict=True) if member]
    best_p50 = result.figures[metric][band.best].summary.p50
    tolerance = fmt.metric_delta(metric, band.tolerance).lstrip("+")
    return (
        f"{best} ({fmt.metric_label(metric)} p50 {fmt.metric_value(metric, best_p50)})",
        "; ".join(inside)
        + f" (within {tolerance} of the best, or its Monte Carlo precision, whichever is wider)",
    )


def _cells(result: SweepResult, metric: str, index: int) -> list[str]:
    row = result.figures[metric][index]
    pair = row.versus_baseline
    best = _best(result, metric)
    mark = "best" if index == best else ("≈" if row.in_band else "")
    return [
        fmt.metric_value(metric, row.summary.p10),
        fmt.metric_value(metric, row.summary.p50),
        fmt.metric_value(metric, row.summary.p90),
        fmt.metric_delta(metric, None if pair is None else pair.delta_p50),
        fmt.probability(None if pair is None else pair.prob_better),
        "—" if index == best else fmt.probability(row.prob_better_than_best),
        mark,
    ]


HEADINGS = ("P10", "P50", "P90", "Δ P50", "P(better)", "P(> best)", "band")


def changes_text(result: SweepResult) -> str:
    """Which plans every point changes, in words (docs/cli.md, "Which plans a key changes")."""
    plan = result.plan
    if "baseline" in plan.changes:
        world = ", ".join(_v(v.path) for v in plan.varies if changed_plans([v], plan_only=False))
        return (
            f"Each point changes the plan and the baseline: {world} describes the world, so the "
            "baseline runs at the same value (--vary-plan-only changes the plan only)"
        )
    if plan.plan_only:
        return "Each point changes the plan only (--vary-plan-only)"
    return "Each point changes the plan only; the baseline stays as written"


def _settings_text(result: SweepResult) -> str:
    s = result.plan.settings
    sets = "".join(f" · --set {_v(o)}" for o in s.overrides)
    return f"{s.trials:,} trials · seed {s.seed} · {s.months} months · {s.sampling}{sets}"


def render_sweep_table(result: SweepResult, *, width: int = 100, color: bool = False) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def draw(console: Console) -> None:

        plan = result.plan
        console.print(Text(f"Sweep: {_v(plan.scenario_name)} ({_v(plan.source)})", style="bold"))
        console.print(Text(_settings_text(result), style="dim"))
        console.print(Text(f"baseline: {_v(plan.baseline_name)} ({_v(plan.baseline_source)})"))
        console.print(Text(changes_text(result) + "."))
        for metric in plan.metrics:
            console.print()
            table = Table(
                title=f"{fmt.metric_label(metric)} by point (Δ and P(better) against the baseline)",
                box=box.SIMPLE_HEAD,
                title_justify="left",
                pad_edge=False,
            )
            for vary in plan.varies:
                table.add_column(_v(vary.path), overflow="fold")
            for heading in HEADINGS:
                table.add_column(heading, justify="right", no_wrap=True)
            for index, point in enumerate(plan.points):
                values = [Text(_v(point.values[v.path])) for v in plan.varies]
                table.add_row(*values, *_cells(result, metric, index))
            console.print(table)
            for line in _verdict_lines(result, metric):
                console.print(Text(line))

    return console_text(draw, width=width, color=color)


def _verdict_lines(result: SweepResult, metric: str) -> list[str]:
    lines = []
    band = _band_text(result, metric)
    if band is None:
        lines.append(f"{fmt.metric_label(metric)} has no better direction: no best point.")
    else:
        lines += [f"Best point: {band[0]}", f"Flat maximum: {band[1]}"]
    crossing = _break_even_text(result, metric)
    if crossing is not None:
        lines.append(f"Break-even against {_v(result.plan.baseline_name)}: {crossing}")
    return lines


def render_sweep_markdown(result: SweepResult) -> str:
    plan = result.plan
    lines = [
        f"## coverage-sim sweep: {escape(_v(plan.scenario_name))}",
        "",
        escape(_settings_text(result)).replace(" · ", ", ")
        + f"; baseline {escape(_v(plan.baseline_name))}.",
        "",
        escape(changes_text(result)) + ".",
    ]
    for metric in plan.metrics:
        heads = [escape(_v(v.path)) for v in plan.varies] + list(HEADINGS)
        lines += ["", f"### {fmt.metric_label(metric)}", ""]
        lines.append("| " + " | ".join(heads) + " |")
        lines.append("|" + "---|" * len(plan.varies) + "---:|" * len(HEADINGS))
        for index, point in enumerate(plan.points):
            cells = [escape(_v(point.values[v.path])) for v in plan.varies]
            cells += [escape(c) for c in _cells(result, metric, index)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        lines += [f"- {escape(line)}" for line in _verdict_lines(result, metric)]
    return "\n".join(lines) + "\n"


CSV_FIGURES = (
    "mean",
    "p10",
    "p50",
    "p90",
    "delta_p50",
    "delta_mean",
    "prob_better",
    "prob_better_than_best",
)


def render_sweep_csv(result: SweepResult) -> str:
    """Rows ``kind`` = baseline, point or break_even; one per metric; ``\\n`` line ends."""
    plan = result.plan
    paths = [v.path for v in plan.varies]
    header = ["kind", "point", *paths, "metric", *CSV_FIGURES, "best", "in_band", "note"]
    header.append("changes")
    changes = "+".join(plan.changes)
    lines = [",".join(csv_text(_v(h)) for h in header)]
    blank = [""] * len(paths)
    document = sweep_to_dict(result)
    for metric in plan.metrics:
        base = result.baseline[metric]
        stats = [csv_number(getattr(base, f)) for f in ("mean", "p10", "p50", "p90")]
        lines.append(
            ",".join(["baseline", csv_text(_v(plan.baseline_name)), *blank, metric, *stats])
            + "," * (len(CSV_FIGURES) - 4 + 3)
            + ","
        )
        for point in document["points"]:
            figures = point["metrics"][metric]
            row = ["point", csv_text(_v(point["label"]))]
            row += [csv_text(_v(point["values"][p])) for p in paths] + [metric]
            row += [csv_number(figures[f]) for f in CSV_FIGURES]
            in_band = "" if figures["in_band"] is None else str(figures["in_band"]).lower()
            row += [str(figures["best"]).lower(), in_band, "", changes]
            lines.append(",".join(row))
        crossing = result.verdicts[metric].break_even
        if crossing is not None:
            empty = [""] * len(CSV_FIGURES)
            for x in crossing.crossings:  # in the unit the point rows use: 40%, not 0.4
                at = csv_text(_v(plan.varies[0].shown(x)))
                lines.append(",".join(["break_even", "", at, metric, *empty, "", "", "", ""]))
            if not crossing.crossings:
                note = csv_text(_break_even_text(result, metric) or "")
                lines.append(",".join(["break_even", "", "", metric, *empty, "", "", note, ""]))
    return "\n".join(lines) + "\n"


def render_sweep(
    result: SweepResult,
    output_format: OutputFormat,
    *,
    width: int = 100,
    color: bool = False,
    gates: Sequence[GateResult] = (),
) -> str:
    """The sweep in ``output_format``; ``gates`` end the Markdown ("Requirements")."""
    if output_format is OutputFormat.json:
        text = json.dumps(sweep_to_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
        return json_safe(text) + "\n"
    if output_format is OutputFormat.csv:
        return render_sweep_csv(result)
    if output_format is OutputFormat.markdown:
        lines = gates_markdown(gates)
        return render_sweep_markdown(result) + "".join(line + "\n" for line in lines)
    return render_sweep_table(result, width=width, color=color)
