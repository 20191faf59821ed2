"""``sweep`` and ``optimize``: decisions over many paired plans (docs/cli.md)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from coverage_sim.cli.app import app
from coverage_sim.cli.common import (
    FormatOption,
    MonthsOption,
    OutputOption,
    RequireOption,
    SamplingOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    TrialsOption,
    WorkersOption,
    deliver,
    enforce_and_confirm,
    evaluation_progress,
    note,
    open_executor,
    warn,
)
from coverage_sim.report.formats import OutputFormat

_VARY_HELP = (
    "PATH=VALUES: a key path (as --set takes it), allocation.<role> or post_sale_share, and "
    "a list 5%,10%,20% or an inclusive range FROM:TO:COUNT (10%:40%:7). Twice for a grid."
)
_METRIC_HELP = "Metric to report (repeatable; default npv). The first one ranks the points."
_TOLERANCE_HELP = (
    "Flat-maximum tolerance: a share of the best figure (p50 in sweep, the objective in "
    "optimize; 1%, the default) or an amount in the metric's unit (250k). The band uses this "
    "or the Monte Carlo precision, whichever is wider."
)
ScenarioArgument = Annotated[
    Path, typer.Argument(metavar="SCENARIO", help="The scenario file whose plan is varied.")
]
MetricOption = Annotated[
    list[str] | None, typer.Option("--metric", metavar="METRIC", help=_METRIC_HELP)
]
ToleranceOption = Annotated[
    str | None, typer.Option("--tolerance", metavar="SHARE|AMOUNT", help=_TOLERANCE_HELP)
]


@contextmanager
def _progress(unit: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr when it is a terminal, else nothing."""
    if sys.stderr.isatty():
        with evaluation_progress(unit) as on_progress:
            yield on_progress
    else:
        yield None


@app.command(
    epilog=(
        "Example: coverage-sim sweep scenarios/xaas.yaml --vary post_sale_share=0%:60%:13 "
        "--baseline scenarios/traditional.yaml --trials 2000"
    ),
)
def sweep(
    scenario: ScenarioArgument,
    vary: Annotated[
        list[str] | None, typer.Option("--vary", metavar="PATH=VALUES", help=_VARY_HELP)
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Scenario every point is compared with (default: SCENARIO as written).",
        ),
    ] = None,
    metric: MetricOption = None,
    tolerance: ToleranceOption = None,
    plan_only: Annotated[
        bool,
        typer.Option(
            "--vary-plan-only",
            help="Apply every --vary to the plan only (by default a world key, under "
            "customers, market, company or valuation, is applied to the baseline too).",
        ),
    ] = False,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    require: RequireOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run the plan at every value of one or two keys, paired; best point, flat maximum,
    break-even against the baseline."""
    from coverage_sim.analysis.stats import parse_tolerance
    from coverage_sim.analysis.sweep import plan_sweep, run_sweep
    from coverage_sim.analysis.sweep_gates import as_run_report
    from coverage_sim.errors import UsageError
    from coverage_sim.metrics.definitions import METRICS
    from coverage_sim.report import formatting as fmt
    from coverage_sim.report.atomic import check_writable, write_atomic
    from coverage_sim.report.sweep_out import render_sweep
    from coverage_sim.require import check_targets, gate_results, parse_requirements
    from coverage_sim.scenario.overrides import parse_overrides

    requirements = parse_requirements(require or [])
    for requirement in requirements:
        if requirement.stat == "prob_best":
            raise UsageError(
                f"--require {requirement.text!r}: prob_best is a statistic of compare (the "
                "share of trials a plan is best among every plan); sweep does not compute it"
            )
    band_tolerance = parse_tolerance(tolerance)
    sets = parse_overrides(overrides or [])
    plan = plan_sweep(
        scenario,
        vary or [],
        baseline=baseline,
        overrides=sets,
        metrics=metric or [],
        extra_metrics=[r.metric for r in requirements],
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        plan_only=plan_only,
    )
    names = [plan.baseline_name, *(p.label for p in plan.points)]
    if any(r.scenario == "best" for r in requirements) and METRICS[plan.metrics[0]].better is None:
        raise UsageError(
            f"--require best:...: {plan.metrics[0]} has no better direction, so no best point"
        )
    requirements = check_targets(requirements, [*names, "best"], plan.baseline_name)
    if output is not None:
        check_writable(output, inputs=plan.input_files)
    for warning in plan.warnings:
        warn(warning)
    first = plan.metrics[0]
    with open_executor(workers, scheduler) as executor, _progress("points") as bar:

        def on_point(done: int, total: int, label: str | None, score: float | None) -> None:
            if bar is not None:
                shown = "" if label is None else f"{label} ({fmt.metric_value(first, score)})"
                bar(done, total, shown)

        result = run_sweep(plan, executor, tolerance=band_tolerance, on_point=on_point)
    resolved = [
        dataclasses.replace(r, scenario=result.best_label) if r.scenario == "best" else r
        for r in requirements
    ]
    gated = as_run_report(result)
    gates = gate_results(resolved, gated)
    deliver(
        lambda width, color: render_sweep(
            result, output_format, width=width, color=color, gates=gates
        ),
        output,
        write_file=write_atomic,
    )
    enforce_and_confirm(resolved, gated)


@app.command(
    epilog=(
        "Example: coverage-sim optimize scenarios/xaas.yaml --objective npv.cvar10 "
        "--min customer_success_manager=10% --trials 2000 --output best.yaml"
    ),
)
def optimize(
    scenario: ScenarioArgument,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            metavar="METRIC.STAT",
            help="What to maximize (minimize for lower-is-better metrics); STAT is mean, p50, "
            "p10 or cvar10 (mean of the worst 10% of trials).",
        ),
    ] = "npv.p50",
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--roles",
            metavar="ROLE,ROLE,...",
            help="Roles whose shares are searched (default: all); the others keep theirs.",
        ),
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option("--min", metavar="ROLE=SHARE", help="Lowest share of a role (repeatable)."),
    ] = None,
    maximum: Annotated[
        list[str] | None,
        typer.Option("--max", metavar="ROLE=SHARE", help="Highest share of a role (repeatable)."),
    ] = None,
    vary_budget: Annotated[
        str | None,
        typer.Option(
            "--vary-budget",
            metavar="FROM:TO",
            help="Search the budget too (budget.annual, or percent_of_revenue), e.g. 20M:40M.",
        ),
    ] = None,
    tolerance: ToleranceOption = None,
    maxiter: Annotated[
        int,
        typer.Option("--maxiter", metavar="N", help="Generations of differential evolution."),
    ] = 20,
    popsize: Annotated[
        int,
        typer.Option(
            "--popsize", metavar="N", help="Population per generation, per searched variable."
        ),
    ] = 10,
    path: Annotated[
        bool,
        typer.Option(
            "--path",
            help="For a time-phased allocation: search its final split and the month it is "
            "reached together (the earlier points kept; hiring limits apply as written).",
        ),
    ] = False,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    best_plan: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="BEST.yaml",
            help="Write the best plan as a scenario that extends SCENARIO (it validates).",
        ),
    ] = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Search the budget split (and optionally the budget) that maximizes a risk-aware
    objective: best split, flat-maximum ranges, P10/P50 frontier, fresh-seed re-check."""
    from coverage_sim.analysis.best_plan import best_plan_yaml
    from coverage_sim.analysis.optimize import run_optimize
    from coverage_sim.analysis.optimize_plan import plan_optimize
    from coverage_sim.analysis.stats import parse_tolerance
    from coverage_sim.report import formatting as fmt
    from coverage_sim.report.atomic import check_writable, is_special, write_atomic
    from coverage_sim.report.optimize_out import render_optimize
    from coverage_sim.scenario import load_scenario
    from coverage_sim.scenario.overrides import parse_overrides

    band_tolerance = parse_tolerance(tolerance)
    plan = plan_optimize(
        scenario,
        objective=objective,
        roles=roles or [],
        minimums=minimum or [],
        maximums=maximum or [],
        vary_budget=vary_budget,
        overrides=parse_overrides(overrides or []),
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        maxiter=maxiter,
        popsize=popsize,
        path=path,
    )
    if best_plan is not None:
        check_writable(best_plan, inputs=plan.input_files)
    for warning in plan.warnings:
        warn(warning)
    metric = plan.objective.metric
    with open_executor(workers, scheduler) as executor, _progress("evaluations") as bar:

        def on_candidate(
            done: int, most: int, score: float | None, shares: dict[str, float] | None
        ) -> None:
            if bar is not None:
                best = "" if score is None else fmt.metric_value(metric, score)
                bar(done, max(most, done), best)

        result = run_optimize(plan, executor, tolerance=band_tolerance, on_candidate=on_candidate)
    # the timing goes to stderr so that the output stays byte-identical for the same seed
    note(
        f"optimize: {len(result.candidates)} evaluations in "
        f"{result.wall_seconds:.1f} s on {executor.workers} worker(s)"
    )
    if best_plan is not None:
        write_atomic(best_plan, best_plan_yaml(result, best_plan))
        if not is_special(best_plan):  # /dev/null is written, not read back
            load_scenario(best_plan)  # it must validate; a failure here is a bug (exit 2)
    deliver(
        lambda width, color: render_optimize(result, output_format, width=width, color=color),
        None,
        write_file=write_atomic,
    )
