"""``sensitivity`` and ``explain``: which input drives a result, and why one plan beats another."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coverage_sim.cli.app import app
from coverage_sim.cli.common import (
    FormatOption,
    MonthsOption,
    OutputOption,
    SamplingOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    TrialsOption,
    WorkersOption,
    open_executor,
    progress_bars,
    warn,
    write_stdout,
)
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    from coverage_sim.analysis.paired import Question


class Method(str, Enum):
    """``--method`` of ``sensitivity``."""

    rank = "rank"
    variance = "variance"
    swing = "swing"
    sobol = "sobol"


MetricOption = Annotated[
    str,
    typer.Option(
        "--metric", metavar="M", help="Metric id (MODEL.md §4), e.g. npv, ending_arr, nrr."
    ),
]


def _question(
    scenario: Path,
    baseline: Path | None,
    metric: str,
    *,
    trials: int | None,
    seed: int | None,
    months: int | None,
    sampling: str | None,
    output: Path | None,
    overrides: list[str] | None,
    command: str,
) -> Question:
    from coverage_sim.analysis.paired import load_question
    from coverage_sim.report.atomic import check_writable
    from coverage_sim.scenario.overrides import parse_overrides

    question = load_question(
        scenario,
        metric=metric,
        baseline=baseline,
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        overrides=parse_overrides(overrides or []),
        command=command,
    )
    if output is not None:  # never one of the inputs (scenarios or their extends parents)
        check_writable(output, inputs=[f for sc in question.scenarios for f in sc.sources])
    for warning in question.warnings:
        warn(warning)
    return question


Analysis = Callable[[Any, Callable[[int, int], None] | None], Any]  # (executor, progress)


def _analyse(
    analysis: Analysis,
    workers: int | None,
    render: Callable[[Any, OutputFormat], str],
    output_format: OutputFormat,
    output: Path | None,
    scheduler: str | None = None,
) -> None:
    """Run ``analysis`` on ``workers`` processes or the ``scheduler``'s Dask cluster (a
    progress bar of evaluations on a terminal), then write it in ``output_format`` to
    stdout or ``output``."""
    from coverage_sim.report.atomic import write_atomic

    with open_executor(workers, scheduler) as executor:
        bars = progress_bars() if sys.stderr.isatty() else nullcontext(None)
        with bars as on_progress:
            if on_progress is None:
                result = analysis(executor, None)
            else:
                result = analysis(
                    executor, lambda done, total: on_progress(0, "evaluations", done, total)
                )
    text = render(result, output_format)
    if output is not None:
        write_atomic(output, text)
    else:
        write_stdout(text)


@app.command(
    epilog=(
        "Example: coverage-sim sensitivity scenarios/xaas.yaml "
        "--baseline scenarios/traditional.yaml --metric npv --method swing --trials 1000"
    ),
)
def sensitivity(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The plan's scenario file.")],
    metric: MetricOption,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Explain the paired difference SCENARIO - FILE per trial instead of the level.",
        ),
    ] = None,
    method: Annotated[
        Method,
        typer.Option(
            "--method",
            help=(
                "rank: Spearman correlation; variance: its normalised square (both 2 runs: "
                "as drawn, and every input at its median for process noise); swing: each "
                "input at its p10 and p90 (2 more runs per input; with --baseline, "
                "break-even of the top inputs); sobol: Sobol indices via SALib "
                "(N*(D+2) trials for D inputs)."
            ),
        ),
    ] = Method.rank,
    top: Annotated[
        int, typer.Option("--top", metavar="N", help="Show the N strongest inputs.")
    ] = 10,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    overrides: SetOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Which uncertain input drives a metric, or the paired difference between two plans."""
    from coverage_sim.analysis.sensitivity import check_request
    from coverage_sim.analysis.sensitivity import sensitivity as analyse
    from coverage_sim.report.why_text import render_why

    check_request(method.value, top)
    question = _question(
        scenario,
        baseline,
        metric,
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        output=output,
        overrides=overrides,
        command="sensitivity",
    )
    _analyse(
        lambda executor, on_evaluation: analyse(
            question, method=method.value, top=top, executor=executor, on_evaluation=on_evaluation
        ),
        workers,
        render_why,
        output_format,
        output,
        scheduler,
    )


@app.command(
    epilog=(
        "Example: coverage-sim explain scenarios/xaas.yaml "
        "--baseline scenarios/traditional.yaml --metric npv --trials 1000"
    ),
)
def explain(
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan's scenario file.")],
    baseline: Annotated[
        Path,
        typer.Option("--baseline", metavar="FILE", help="The scenario file to compare against."),
    ],
    metric: MetricOption,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    overrides: SetOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Attribute the paired difference PLAN - baseline to land, adopt, expand, renew and spend."""
    from coverage_sim.analysis.explain import explain as attribute
    from coverage_sim.report.why_text import render_why

    question = _question(
        plan,
        baseline,
        metric,
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        output=output,
        overrides=overrides,
        command="explain",
    )
    _analyse(
        lambda executor, on_evaluation: attribute(
            question, executor=executor, on_evaluation=on_evaluation
        ),
        workers,
        render_why,
        output_format,
        output,
        scheduler,
    )
