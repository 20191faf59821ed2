"""``voi``: what evidence would settle the choice between plans (docs/evidence.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coverage_sim.cli.app import app
from coverage_sim.cli.common import (
    BaselineOption,
    FormatOption,
    MonthsOption,
    OutputOption,
    SamplingOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    TrialsOption,
    WorkersOption,
    deliver,
    open_executor,
    warn,
)
from coverage_sim.report.formats import OutputFormat

_GROUP_HELP = (
    "A named group of inputs, NAME=PATTERN[,PATTERN...] with shell-style patterns over key "
    "paths, e.g. coverage=customers.*.covered; repeatable."
)


@app.command(
    epilog=(
        "Example: coverage-sim voi scenarios/xaas.yaml --baseline scenarios/traditional.yaml "
        "--metric npv --group coverage=customers.*.covered"
    ),
)
def voi(
    plans: Annotated[
        list[Path],
        typer.Argument(
            metavar="PLAN", help="Scenario files or folders to decide between (with --baseline)."
        ),
    ],
    baseline: BaselineOption = None,
    metric: Annotated[
        str, typer.Option("--metric", metavar="M", help="The metric the decision maximizes.")
    ] = "npv",
    group: Annotated[
        list[str] | None, typer.Option("--group", metavar="NAME=PATTERNS", help=_GROUP_HELP)
    ] = None,
    top: Annotated[int, typer.Option("--top", metavar="N", help="Inputs shown (table).")] = 10,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Value of information: the expected loss of deciding now (EVPI) and what perfect
    knowledge of each uncertain input, or group of inputs, is worth (EVPPI), in the
    metric's unit, from the paired trials alone."""
    from coverage_sim.analysis.voi import parse_group
    from coverage_sim.analysis.voi_run import check_voi_metric, value_of_information
    from coverage_sim.errors import UsageError
    from coverage_sim.report.atomic import check_writable, write_atomic
    from coverage_sim.report.voi_out import render_voi
    from coverage_sim.run_plan import plan_run
    from coverage_sim.scenario.overrides import parse_overrides

    try:
        import statsmodels  # noqa: F401
    except ImportError:
        raise UsageError("voi needs statsmodels: pip install 'coverage-sim[voi]'") from None
    if top < 1:
        raise UsageError(f"--top must be at least 1; got {top}")
    check_voi_metric(metric)
    for text in group or []:
        parse_group(text)
    plan = plan_run(
        plans,
        baseline=baseline,
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        overrides=parse_overrides(overrides or []),
        command="voi",
    )
    if output is not None:
        check_writable(output, inputs=plan.input_files)
    for warning in plan.warnings:
        warn(warning)
    for difference in plan.differences:
        warn(difference.message())
    with open_executor(workers, scheduler) as executor:
        result = value_of_information(plan, executor, metric=metric, groups=group or [])
    deliver(
        lambda width, color: render_voi(result, output_format, top=top),
        output,
        write_file=write_atomic,
    )
