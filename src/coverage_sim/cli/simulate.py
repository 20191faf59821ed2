"""``run`` and ``compare``: settings from flags, else from the baseline scenario file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coverage_sim.cli.app import app
from coverage_sim.cli.common import (
    BaselineOption,
    BriefOption,
    FormatOption,
    MetricsOption,
    MonthsOption,
    OutputOption,
    PrecisionOption,
    RequireOption,
    RunMonthsOption,
    RunOptions,
    RunSamplingOption,
    RunSeedOption,
    RunTrialsOption,
    SamplesOption,
    SamplingOption,
    SchedulerOption,
    SectionsOption,
    SeedOption,
    SetOption,
    TrialsOption,
    WorkersOption,
    deliver,
    enforce_and_confirm,
    note,
    simulate_plan,
    warn,
)
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    from coverage_sim.report.model import PrecisionOutcome


def _one_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` name one regular file (or one that does not exist yet): the same path,
    a symlink or a hard link to it. Two devices (``/dev/null``) may be shared."""
    import os

    from coverage_sim.run_plan import same_file

    try:
        if a.exists() and b.exists():
            return a.is_file() and os.path.samefile(a, b)
    except OSError:
        return False
    return same_file(a, b)


def _simulate_and_report(
    paths: list[Path], options: RunOptions, *, single: bool, baseline: str | None
) -> None:
    """Plan, simulate, write the output (stdout or --output), then enforce --require.

    Everything that can be checked before simulating is: --require, the scenario files,
    the settings and --output (its folder, and that it is none of the run's input files);
    all exit 2.
    """
    from coverage_sim.metrics.precision import parse_precision
    from coverage_sim.report.atomic import check_writable, write_atomic
    from coverage_sim.report.csv_out import csv_metrics
    from coverage_sim.report.model import TrialSamples, parse_selection
    from coverage_sim.report.render import render
    from coverage_sim.report.samples import check_parquet_available, render_samples
    from coverage_sim.require import check_targets, gate_results, parse_requirements
    from coverage_sim.runner import plan_run
    from coverage_sim.scenario.overrides import parse_overrides

    requirements = parse_requirements(options.require)
    overrides = parse_overrides(options.overrides)
    selection = parse_selection(
        sections=options.sections, metrics=options.metrics, brief=options.brief
    )
    if options.output_format is OutputFormat.csv:
        csv_metrics([], selection)  # csv needs the metrics or the verdict section
    if options.samples is not None:
        check_parquet_available(options.samples)
        if options.samples.suffix.lower() not in (".csv", ".parquet"):
            warn(f"--samples {options.samples}: not .csv or .parquet; writing CSV")
    precision = parse_precision(options.precision)
    plan = plan_run(
        paths,
        baseline=baseline,
        trials=options.trials,
        seed=options.seed,
        sampling=options.sampling,
        months=options.months,
        single=single,
        overrides=overrides,
    )
    requirements = check_targets(requirements, plan.names, plan.baseline, plan.aliases)
    if options.output is not None:
        check_writable(options.output, inputs=plan.input_files)
    if options.samples is not None:
        check_writable(options.samples, inputs=plan.input_files, flag="--samples")
        if options.output is not None and _one_file(options.samples, options.output):
            from coverage_sim.errors import UsageError

            raise UsageError(
                f"--samples {options.samples} and --output {options.output} are the same "
                "file: one would overwrite the other; give two names"
            )
    for warning in plan.warnings:
        warn(warning)
    for difference in plan.differences:
        warn(difference.message())
    samples: list[TrialSamples] = []
    on_samples = samples.append if options.samples is not None else None
    report = simulate_plan(
        plan,
        options.workers,
        on_samples=on_samples,
        precision=precision,
        scheduler=options.scheduler,
        pairwise=options.pairwise,
    )
    if options.samples is not None:
        write_atomic(options.samples, render_samples(options.samples, samples), flag="--samples")
    if report.precision is not None:
        _tell_precision(report.precision)
    gates = gate_results(requirements, report)
    deliver(
        lambda width, color: render(
            report,
            options.output_format,
            width=width,
            color=color,
            selection=selection,
            gates=gates,
        ),
        options.output,
        write_file=write_atomic,
    )
    enforce_and_confirm(requirements, report)


def _tell_precision(outcome: PrecisionOutcome) -> None:
    """The trials a --precision run used, on stderr (JSON carries it in settings)."""
    used = f"--precision {outcome.target * 100:g}%: "
    if outcome.met:
        note(
            f"{used}{outcome.trials:,} trials used (maximum {outcome.max_trials:,}); "
            f"least precise: {outcome.least_precise}"
        )
    else:
        warn(
            f"{used}not reached within --trials {outcome.max_trials:,}; "
            f"least precise: {outcome.least_precise} (interval {outcome.ratio:.2g}x its target)"
        )


@app.command(
    epilog=(
        'Example: coverage-sim run scenarios/xaas.yaml --trials 2000 --require "nrr.p50 >= 100%"'
    ),
)
def run(
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="A scenario file (or a folder holding one).")
    ],
    trials: RunTrialsOption = None,
    seed: RunSeedOption = None,
    months: RunMonthsOption = None,
    sampling: RunSamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    require: RequireOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    metrics: MetricsOption = None,
    sections: SectionsOption = None,
    brief: BriefOption = False,
    samples: SamplesOption = None,
    precision: PrecisionOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Simulate one scenario: a verdict (NPV, ending ARR, NRR), then metrics (p10/p50/p90),
    ARR bridge per year and ARR over time."""
    options = RunOptions(
        trials,
        seed,
        months,
        sampling,
        output_format,
        output,
        require or [],
        overrides or [],
        workers,
        metrics,
        sections,
        brief,
        samples,
        precision,
        scheduler,
    )
    _simulate_and_report([scenario], options, single=True, baseline=None)


@app.command(
    epilog=(
        "Example: coverage-sim compare scenarios/ --baseline traditional "
        '--require "xaas:nrr.prob_better >= 90%" --format markdown'
    ),
)
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            metavar="SCENARIO",
            help="Scenario files or folders (a folder means its *.yaml files).",
        ),
    ],
    baseline: BaselineOption = None,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    require: RequireOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    metrics: MetricsOption = None,
    sections: SectionsOption = None,
    brief: BriefOption = False,
    samples: SamplesOption = None,
    precision: PrecisionOption = None,
    scheduler: SchedulerOption = None,
    pairwise: Annotated[
        bool,
        typer.Option(
            "--pairwise",
            help="Also print every pair of plans on NPV: P(row beats column) and Δ p50.",
        ),
    ] = False,
) -> None:
    """Simulate scenarios side by side, paired trial by trial against a baseline.

    Opens with a verdict: per plan NPV, ending ARR and NRR (p50), the NPV Δ p50 and
    P(better) against the baseline, and which plan is best and how sure.
    """
    options = RunOptions(
        trials,
        seed,
        months,
        sampling,
        output_format,
        output,
        require or [],
        overrides or [],
        workers,
        metrics,
        sections,
        brief,
        samples,
        precision,
        scheduler,
        pairwise,
    )
    _simulate_and_report(scenarios, options, single=False, baseline=baseline)
