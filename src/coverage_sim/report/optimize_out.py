"""``coverage-sim optimize`` output in every format (docs/cli.md, "optimize").

JSON layout::

    {"command": "optimize", "settings": {...}, "scenario": {name, source},
     "objective": {metric, stat, better},
     "search": {optimizer, roles, bounds: {<role>: [min, max]}, fixed: {<role>: share},
                budget: {key, from, to} | null, maxiter, popsize, polish,
                converged, message, evaluations, generations,
                population_spread: {<role>|budget: max - min}, objective_spread},
     "best": {allocation: {<role>: share}, budget, objective: {search_seed, fresh_seed},
              fresh_seed, metrics: {<id>: {mean, p10, p50, p90, mc_se, n}},
              metrics_at_search_seed: {<id>: {...}}},
     "versus_written": {objective_fresh, delta_p50, delta_mean, prob_better},
     "band": {tolerance, splits, bounded, ranges: {<role>|budget: [low, high]},
              evaluated_ranges: {...}},
     (``ranges`` are what the evaluations can bound: ``evaluated_ranges`` widened to the
     nearest split outside the band, or the whole search bounds when the search did not
     converge; ``bounded`` false then)
     "frontier": [{allocation, budget, p10, p50, objective}]}

The wall time is not part of the output (it would differ between two runs with the same
seed): the command prints it on stderr. Every byte here is the same for the same seed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from coverage_sim.analysis.optimize import OptimizeResult
from coverage_sim.analysis.optimize_candidates import RAMP, Candidate
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.report import formatting as fmt
from coverage_sim.report.console import console_text
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.json_out import finite_or_none, settings_dict
from coverage_sim.report.markdown import escape
from coverage_sim.text import json_safe, visible

if TYPE_CHECKING:
    from rich.console import Console

FRONTIER_SHOWN = 12  # table and Markdown rows; JSON and CSV carry the whole frontier


def _v(text: str) -> str:
    return visible(text, keep_layout=False)


def _summary(summary: MetricSummary) -> dict[str, Any]:
    fields = ("mean", "p10", "p50", "p90", "mc_se")
    return {name: finite_or_none(getattr(summary, name)) for name in fields} | {"n": summary.n}


def _split(candidate: Candidate) -> dict[str, Any]:
    return {role: finite_or_none(share) for role, share in candidate.shares.items()}


def optimize_to_dict(result: OptimizeResult) -> dict[str, Any]:
    plan, best, fresh = result.plan, result.best, result.fresh
    pair = fresh.versus_written
    budget = plan.budget
    return {
        "command": "optimize",
        "settings": settings_dict(plan.settings),
        "scenario": {"name": plan.scenario_name, "source": plan.source.as_posix()},
        "objective": {
            "metric": plan.objective.metric,
            "stat": plan.objective.stat,
            "better": plan.objective.better,
        },
        "search": {
            "optimizer": "scipy.optimize.differential_evolution",
            "roles": list(plan.roles),
            "bounds": {
                role: [finite_or_none(lo), finite_or_none(hi)]
                for role, lo, hi in zip(plan.roles, plan.lower, plan.upper, strict=True)
            },
            "fixed": {role: finite_or_none(share) for role, share in plan.fixed.items()},
            "budget": None
            if budget is None
            else {"key": f"budget.{budget.key}", "from": budget.low, "to": budget.high},
            "path": None
            if plan.path is None
            else {"from_month": plan.path.low, "to_month": plan.path.high},
            "maxiter": plan.maxiter,
            "popsize": plan.popsize,
            "polish": False,
            "converged": result.converged,
            "message": result.message,
            "evaluations": len(result.candidates),
            "generations": result.generations,
            "population_spread": {
                k: finite_or_none(v) for k, v in result.population_spread.items()
            },
            "objective_spread": finite_or_none(result.objective_spread),
        },
        "best": {
            "allocation": _split(best),
            "budget": finite_or_none(best.budget),
            "ramp_months": finite_or_none(best.month),
            "objective": {
                "search_seed": finite_or_none(best.score),
                "fresh_seed": finite_or_none(fresh.score),
            },
            "fresh_seed": fresh.seed,
            "metrics": {m: _summary(fresh.best[m]) for m in METRICS if m in fresh.best},
            "metrics_at_search_seed": {
                m: _summary(result.search[m]) for m in METRICS if m in result.search
            },
        },
        "versus_written": {
            "objective_fresh": finite_or_none(fresh.written_score),
            "delta_p50": None if pair is None else finite_or_none(pair.delta_p50),
            "delta_mean": None if pair is None else finite_or_none(pair.delta_mean),
            "prob_better": None if pair is None else finite_or_none(pair.prob_better),
        },
        "band": {
            "tolerance": finite_or_none(result.tolerance),
            "splits": sum(result.band.members),
            "bounded": result.converged,
            "ranges": {
                k: [finite_or_none(lo), finite_or_none(hi)]
                for k, (lo, hi) in result.resolved_ranges().items()
            },
            "evaluated_ranges": {
                k: [finite_or_none(lo), finite_or_none(hi)]
                for k, (lo, hi) in result.band_ranges().items()
            },
        },
        "frontier": [
            {
                "allocation": _split(result.candidates[i]),
                "budget": finite_or_none(result.candidates[i].budget),
                "p10": finite_or_none(result.candidates[i].p10),
                "p50": finite_or_none(result.candidates[i].p50),
                "objective": finite_or_none(result.candidates[i].score),
            }
            for i in result.frontier
        ],
    }


def _budget_text(result: OptimizeResult, value: float | None) -> str:
    budget = result.plan.budget
    if budget is None or value is None:
        return fmt.MISSING
    return fmt.percent(value) if budget.key == "percent_of_revenue" else fmt.money(value)


def _compact(result: OptimizeResult, candidate: Candidate) -> str:
    parts = [f"{_v(role)} {fmt.percent(candidate.shares[role])}" for role in result.plan.roles]
    if candidate.budget is not None:
        parts.append(f"budget {_budget_text(result, candidate.budget)}")
    return " · ".join(parts)


def _spread_text(result: OptimizeResult) -> str:
    """Each searched share's spread over the final population, and the objective's."""
    parts = [
        f"{_v(k)} {fmt.percent(v)}" if k != "budget" else f"budget {_budget_text(result, v)}"
        for k, v in result.population_spread.items()
    ]
    metric = result.plan.objective.metric
    if result.objective_spread is not None:
        parts.append(f"objective {fmt.metric_delta(metric, result.objective_spread).lstrip('+')}")
    return ", ".join(parts) or "n/a"


def _frontier_rows(result: OptimizeResult) -> list[int]:
    rows = result.frontier
    if len(rows) <= FRONTIER_SHOWN:
        return rows
    step = (len(rows) - 1) / (FRONTIER_SHOWN - 1)
    return [rows[round(k * step)] for k in range(FRONTIER_SHOWN)]


def _lines(result: OptimizeResult) -> dict[str, Any]:
    """The texts table and Markdown share."""
    plan, best, fresh = result.plan, result.best, result.fresh
    goal = plan.objective
    metric = goal.metric
    ranges = result.resolved_ranges()
    split_rows = [
        [_v(role), fmt.percent(best.shares[role]), f"{fmt.percent(lo)} to {fmt.percent(hi)}"]
        for role, (lo, hi) in ((r, ranges[r]) for r in plan.roles)
    ]
    split_rows += [[_v(role), fmt.percent(share), "fixed"] for role, share in plan.fixed.items()]
    if RAMP in ranges and best.month is not None:
        lo, hi = ranges[RAMP]
        split_rows.append(["ramp_months", f"{best.month:g}", f"{lo:g} to {hi:g}"])
    if "budget" in ranges:
        lo, hi = ranges["budget"]
        split_rows.append(
            [
                f"budget.{plan.budget.key if plan.budget else ''}",
                _budget_text(result, best.budget),
                f"{_budget_text(result, lo)} to {_budget_text(result, hi)}",
            ]
        )
    pair = fresh.versus_written
    s = plan.settings
    sets = "".join(f" · --set {_v(o)}" for o in s.overrides)
    tolerance = fmt.metric_delta(metric, result.tolerance).lstrip("+")
    return {
        "title": f"Optimize: {_v(plan.scenario_name)} ({_v(plan.source.as_posix())})",
        "settings": f"{s.trials:,} trials · seed {s.seed} · {s.months} months · {s.sampling}{sets}",
        "objective": f"objective {goal.text} ({goal.better} is better)",
        "split_rows": split_rows,
        "verdict": [
            f"{goal.text} of the best split: {fmt.metric_value(metric, best.score)} at the search "
            f"seed {s.seed} (the best of {len(result.candidates)} splits on one set of draws: "
            f"biased upwards), {fmt.metric_value(metric, fresh.score)} at the fresh seed "
            f"{fresh.seed}.",
            f"Against the plan as written (fresh seed, paired): {goal.text} "
            f"{fmt.metric_value(metric, fresh.written_score)}; "
            f"{fmt.metric_label(metric)} Δ P50 "
            f"{fmt.metric_delta(metric, None if pair is None else pair.delta_p50)}, "
            f"P(better) {fmt.probability(None if pair is None else pair.prob_better)}.",
            f"Flat maximum: {sum(result.band.members)} of {len(result.candidates)} splits are "
            f"within {tolerance} of the best {goal.text}, or their Monte Carlo precision, "
            "whichever is wider; "
            + (
                "each range above reaches out to the nearest evaluated split outside it in "
                "that share (or the search bound); the band may reach further where the "
                "search evaluated no split (a sweep of that share shows it)."
                if result.converged
                else "the search stopped before converging, too short to bound it, so the "
                "ranges above are the whole search bounds (raise --maxiter or --popsize)."
            ),
            f"Evaluations: {len(result.candidates)} over {result.generations} generations "
            f"(differential evolution, {'converged' if result.converged else 'stopped'}: "
            f"{result.message}); final population spread: {_spread_text(result)}.",
        ],
        "metric_rows": [
            [
                fmt.metric_label(m),
                fmt.metric_value(m, fresh.best[m].p10),
                fmt.metric_value(m, fresh.best[m].p50),
                fmt.metric_value(m, fresh.best[m].p90),
            ]
            for m in METRICS
            if m in fresh.best
        ],
        "frontier_rows": [
            [
                _compact(result, result.candidates[i]),
                fmt.metric_value(metric, result.candidates[i].p10),
                fmt.metric_value(metric, result.candidates[i].p50),
            ]
            for i in _frontier_rows(result)
        ],
        "frontier_title": (
            f"Frontier: P10 against P50 of {fmt.metric_label(metric)} "
            f"({len(result.frontier)} split{'' if len(result.frontier) == 1 else 's'} "
            "no other split beats on both)"
        ),
    }


def render_optimize_table(result: OptimizeResult, *, width: int = 100, color: bool = False) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def draw(console: Console) -> None:

        parts = _lines(result)
        console.print(Text(parts["title"], style="bold"))
        console.print(Text(parts["settings"] + " · " + parts["objective"], style="dim"))

        def table(title: str, heads: list[str], rows: list[list[str]]) -> None:
            grid = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
            grid.add_column(heads[0], overflow="fold")
            for head in heads[1:]:
                grid.add_column(head, justify="right", no_wrap=True)
            for row in rows:
                grid.add_row(*(Text(cell) for cell in row))
            console.print()
            console.print(grid)

        table("Best split", ["Role", "Share", "Flat-maximum range"], parts["split_rows"])
        for line in parts["verdict"]:
            console.print(Text(line))
        table(
            "Best split's metrics (fresh seed)",
            ["Metric", "P10", "P50", "P90"],
            parts["metric_rows"],
        )
        table(parts["frontier_title"], ["Split", "P10", "P50"], parts["frontier_rows"])

    return console_text(draw, width=width, color=color)


def _markdown_table(heads: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(heads) + " |", "|---|" + "---:|" * (len(heads) - 1)]
    lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return lines


def render_optimize_markdown(result: OptimizeResult) -> str:
    parts = _lines(result)
    lines = [
        f"## {escape(parts['title'])}",
        "",
        escape(parts["settings"] + "; " + parts["objective"]),
    ]
    lines += ["", "### Best split", ""]
    lines += _markdown_table(["Role", "Share", "Flat-maximum range"], parts["split_rows"])
    lines += [""] + [f"- {escape(line)}" for line in parts["verdict"]]
    lines += ["", "### Best split's metrics (fresh seed)", ""]
    lines += _markdown_table(["Metric", "P10", "P50", "P90"], parts["metric_rows"])
    lines += ["", f"### {escape(parts['frontier_title'])}", ""]
    lines += _markdown_table(["Split", "P10", "P50"], parts["frontier_rows"])
    return "\n".join(lines) + "\n"


def render_optimize_csv(result: OptimizeResult) -> str:
    """Long format ``kind,index,name,value,low,high`` (docs/cli.md); ``\\n`` line ends."""
    doc = optimize_to_dict(result)
    rows: list[list[str]] = []
    ranges = doc["band"]["ranges"]
    for role, share in doc["best"]["allocation"].items():
        low, high = ranges.get(role, [None, None])
        rows.append(
            ["share", "", csv_text(_v(role)), csv_number(share), csv_number(low), csv_number(high)]
        )
    if doc["best"]["budget"] is not None:
        low, high = ranges["budget"]
        key = doc["search"]["budget"]["key"]
        rows.append(
            [
                "budget",
                "",
                key,
                csv_number(doc["best"]["budget"]),
                csv_number(low),
                csv_number(high),
            ]
        )
    for name, value in doc["best"]["objective"].items():
        rows.append(["objective", "", name, csv_number(value), "", ""])
    for name, value in doc["versus_written"].items():
        rows.append(["versus_written", "", name, csv_number(value), "", ""])
    for metric, stats in doc["best"]["metrics"].items():
        for stat in ("p10", "p50", "p90", "mean"):
            rows.append(["metric", "", f"{metric}.{stat}", csv_number(stats[stat]), "", ""])
    for index, point in enumerate(doc["frontier"], start=1):
        for name in ("p10", "p50", "objective", "budget"):
            if point[name] is not None:
                rows.append(["frontier", str(index), name, csv_number(point[name]), "", ""])
        for role, share in point["allocation"].items():
            rows.append(["frontier", str(index), csv_text(_v(role)), csv_number(share), "", ""])
    rows.append(["run", "", "evaluations", str(doc["search"]["evaluations"]), "", ""])
    return (
        "\n".join(
            ",".join(row) for row in [["kind", "index", "name", "value", "low", "high"], *rows]
        )
        + "\n"
    )


def render_optimize(
    result: OptimizeResult, output_format: OutputFormat, *, width: int = 100, color: bool = False
) -> str:
    if output_format is OutputFormat.json:
        text = json.dumps(optimize_to_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
        return json_safe(text) + "\n"
    if output_format is OutputFormat.csv:
        return render_optimize_csv(result)
    if output_format is OutputFormat.markdown:
        return render_optimize_markdown(result)
    return render_optimize_table(result, width=width, color=color)
