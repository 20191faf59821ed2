"""``voi`` and ``pilot``: what evidence would settle the choice between plans, and what a
pilot of named coverage would be worth (docs/evidence.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    from coverage_sim.report.atomic import write_atomic
    from coverage_sim.report.voi_out import render_voi

    _statsmodels("voi")
    if top < 1:
        raise UsageError(f"--top must be at least 1; got {top}")
    check_voi_metric(metric)
    for text in group or []:
        parse_group(text)
    plan = _planned(
        plans,
        "voi",
        baseline=baseline,
        settings=(trials, seed, months, sampling),
        overrides=overrides,
        output=output,
    )
    with open_executor(workers, scheduler) as executor:
        result = value_of_information(plan, executor, metric=metric, groups=group or [])
    deliver(
        lambda width, color: render_voi(result, output_format, top=top),
        output,
        write_file=write_atomic,
    )


def _planned(
    plans: list[Path],
    command: str,
    *,
    baseline: str | None,
    settings: tuple[int | None, int | None, int | None, str | None],
    overrides: list[str] | None,
    output: Path | None,
    extra_inputs: tuple[Path, ...] = (),
) -> Any:
    """The run ``compare`` would plan (``--baseline``, ``--set``, settings), its output
    checked before anything is simulated and its warnings said."""
    from coverage_sim.report.atomic import check_writable
    from coverage_sim.run_plan import plan_run
    from coverage_sim.scenario.overrides import parse_overrides

    trials, seed, months, sampling = settings
    plan = plan_run(
        plans,
        baseline=baseline,
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        single=command == "track" and baseline is None,
        overrides=parse_overrides(overrides or []),
        command=command,
    )
    if output is not None:
        check_writable(output, inputs=[*plan.input_files, *extra_inputs])
    for warning in plan.warnings:
        warn(warning)
    for difference in plan.differences:
        warn(difference.message())
    return plan


def _number(text: str, flag: str, expected: str) -> float:
    """A number in the scenario grammar (``10%``, ``500``); its range is the analysis's
    to check, for the CLI and the API alike."""
    from coverage_sim.errors import UsageError
    from coverage_sim.scenario import parse_number

    try:
        return parse_number(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r}: expected {expected}") from None


def _statsmodels(command: str) -> None:
    from coverage_sim.errors import UsageError

    try:
        import statsmodels  # noqa: F401
    except ImportError:
        raise UsageError(f"{command} needs statsmodels: pip install 'coverage-sim[voi]'") from None


@app.command(
    epilog=(
        "Example: coverage-sim pilot scenarios/xaas.yaml --baseline scenarios/traditional.yaml "
        "--input customers.expansion.cross_sell_per_year --accounts 25,50,100,200 "
        "--months 6,12 --target 10%"
    ),
)
def pilot(
    plans: Annotated[
        list[Path],
        typer.Argument(
            metavar="PLAN", help="The plan that would roll coverage out (with --baseline)."
        ),
    ],
    input_path: Annotated[
        str,
        typer.Option(
            "--input",
            metavar="PATH",
            help="The coverage pair the pilot measures, e.g. customers.renewal.at_risk.",
        ),
    ],
    accounts: Annotated[
        str,
        typer.Option("--accounts", metavar="N1,N2,...", help="Covered accounts (as many control)."),
    ],
    months: Annotated[
        str,
        typer.Option(
            "--months",
            metavar="M1,M2,...",
            help="Pilot lengths in months (the horizon is --horizon here).",
        ),
    ],
    baseline: BaselineOption = None,
    metric: Annotated[
        str, typer.Option("--metric", metavar="M", help="The metric the decision maximizes.")
    ] = "npv",
    target: Annotated[
        str | None,
        typer.Option(
            "--target", metavar="P", help="Name the cheapest design with P(wrong) below P."
        ),
    ] = None,
    cost: Annotated[
        str | None,
        typer.Option(
            "--cost-per-account-month",
            metavar="AMOUNT",
            help="Cost of covering one account for a month (default: the motion's role).",
        ),
    ] = None,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            metavar="H",
            help="Horizon in months (default: horizon_months of the baseline's file).",
        ),
    ] = None,
    sampling: SamplingOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Design a pilot of named coverage: per design, the expected value of the sample
    information (EVSI), P(choosing the wrong plan) before and after, its cost and the
    effective sample size of the update."""
    from coverage_sim.analysis.pilot import parse_counts
    from coverage_sim.analysis.pilot_run import plan_pilot
    from coverage_sim.analysis.voi_run import check_voi_metric
    from coverage_sim.errors import UsageError
    from coverage_sim.report.atomic import write_atomic
    from coverage_sim.report.voi_out import render_pilot

    _statsmodels("pilot")
    check_voi_metric(metric)
    sizes = parse_counts(accounts, "--accounts", minimum=0)
    lengths = parse_counts(months, "--months", minimum=1)
    if len(sizes) * len(lengths) > 200:
        raise UsageError("pilot takes at most 200 designs (--accounts x --months)")
    share = None if target is None else _number(target, "--target", "a share such as 10%")
    per_month = None
    if cost is not None:
        if "%" in cost:
            raise UsageError(f"--cost-per-account-month {cost!r}: expected an amount such as 500")
        per_month = _number(cost, "--cost-per-account-month", "an amount such as 500")
    plan = _planned(
        plans,
        "pilot",
        baseline=baseline,
        settings=(trials, seed, horizon, sampling),
        overrides=overrides,
        output=output,
    )
    with open_executor(workers, scheduler) as executor:
        result = plan_pilot(
            plan,
            executor,
            metric=metric,
            input_path=input_path,
            accounts=sizes,
            months=lengths,
            target=share,
            cost_per_account_month=per_month,
        )
    deliver(
        lambda width, color: render_pilot(result, output_format),
        output,
        write_file=write_atomic,
    )


@app.command(
    epilog=(
        "Example: coverage-sim track scenarios/xaas.yaml actuals.csv "
        "--baseline scenarios/traditional.yaml --output updated.yaml"
    ),
)
def track(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan that is running.")],
    actuals: Annotated[
        Path,
        typer.Argument(
            metavar="ACTUALS",
            help="CSV (or Parquet): month (1 = the plan's first) and any of arr, customers, "
            "new_logos, churned_logos, heads.<role>.",
        ),
    ],
    baseline: BaselineOption = None,
    metric: Annotated[
        str, typer.Option("--metric", metavar="M", help="The metric of the updated verdict.")
    ] = "npv",
    noise: Annotated[
        str,
        typer.Option(
            "--noise",
            metavar="SHARE|auto",
            help="What the actuals and month-to-month luck leave unexplained (the kernel's "
            "scale, e.g. 2%); auto: the sharpest that keeps 5% of the trials effective.",
        ),
    ] = "auto",
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="UPDATED.yaml",
            help="Write a plan overlay with the updated inputs (it extends PLAN).",
        ),
    ] = None,
) -> None:
    """Plan against actuals: each actual's percentile in the plan's fan (flagged below p10 or
    above p90), and the trials reweighted by the actuals: the updated verdict and inputs."""
    from coverage_sim.analysis.track_run import track_plan
    from coverage_sim.analysis.voi_run import check_voi_metric
    from coverage_sim.errors import UsageError
    from coverage_sim.report.atomic import is_special, write_atomic
    from coverage_sim.report.track_out import collapse_warning, render_track, updated_plan_yaml
    from coverage_sim.scenario import load_scenario, parse_number

    check_voi_metric(metric)
    share: float | None = None
    if noise.strip().lower() != "auto":
        try:
            share = parse_number(noise)
        except ValueError:
            share = -1.0
        if not 0 < share <= 1:
            raise UsageError(
                f"--noise {noise!r}: expected auto or a share above 0 and at most 100%, e.g. 2%"
            )
    plan = _planned(
        [plan_file],
        "track",
        baseline=baseline,
        settings=(trials, seed, months, sampling),
        overrides=overrides,
        output=output,
        extra_inputs=(actuals,),
    )
    with open_executor(workers, scheduler) as executor:
        result = track_plan(plan, actuals, executor, metric=metric, noise=share)
    if result.collapsed:
        warn(collapse_warning(result))
    if output is not None:
        write_atomic(output, updated_plan_yaml(result, output))
        if not is_special(output):
            load_scenario(output)  # it must validate; a failure here is a bug (exit 2)
    deliver(
        lambda width, color: render_track(result, output_format),
        None,
        write_file=write_atomic,
    )
