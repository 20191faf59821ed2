"""``report``: simulate plans and write a self-contained HTML report (or the charts as PNG)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from coverage_sim.cli.app import app
from coverage_sim.cli.common import (
    BaselineOption,
    MonthsOption,
    SamplingOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    TrialsOption,
    WorkersOption,
    note,
    simulate_plan,
    warn,
)


class ReportFormat(str, Enum):
    """``--format`` of ``report``: one HTML file, or a folder of PNG charts."""

    html = "html"
    png = "png"


_OUTPUT_HELP = (
    "HTML file to write (atomically), e.g. report.html; with --format png, a folder that "
    "receives one PNG per chart (created if missing)."
)
CHART_NAMES = r"\d{2,}-.+\.png"  # what report_file.png_charts names a chart: 01-fan-arr.png
_INCLUDE_HELP = (
    "The --format json output of sweep, optimize, sensitivity or explain, drawn into the "
    "report; repeatable."
)


@app.command(
    epilog=("Example: coverage-sim report scenarios/ --baseline traditional --output report.html"),
)
def report(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            metavar="SCENARIO",
            help="Scenario files or folders (a folder means its *.yaml files); one or more.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", metavar="PATH", help=_OUTPUT_HELP, show_default=False)
    ],
    baseline: BaselineOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="html (one file) or png (a folder).")
    ] = ReportFormat.html,
    include: Annotated[
        list[Path] | None, typer.Option("--include", metavar="FILE.json", help=_INCLUDE_HELP)
    ] = None,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    overrides: SetOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Write a report that opens offline: the verdict, fan charts (p10/p50/p90) of ARR,
    customers, revenue, contribution and heads, ARR bridge waterfalls, the paired NPV
    difference histogram and the metrics table. Needs the report extra (matplotlib)."""
    from coverage_sim.report.atomic import (
        check_folder_writable,
        check_writable,
        write_atomic,
        write_atomic_set,
    )
    from coverage_sim.report.charts import require_matplotlib
    from coverage_sim.report.includes import load_include
    from coverage_sim.report.model import TrialSamples
    from coverage_sim.runner import plan_run
    from coverage_sim.scenario.overrides import parse_overrides

    require_matplotlib()
    documents = [load_include(path) for path in include or []]
    parsed = parse_overrides(overrides or [])
    files = scenario_count(scenarios)
    plan = plan_run(
        scenarios,
        baseline=baseline,
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        single=files == 1 and baseline is None,
        overrides=parsed,
    )
    if output_format is ReportFormat.html:
        check_writable(output, inputs=[*plan.input_files, *(include or [])])
        if output.suffix.lower() not in (".html", ".htm"):
            warn(f"--output {output}: not .html; writing HTML (--format png writes images)")
    else:
        check_folder_writable(
            output, [*plan.input_files, *(include or [])], name_pattern=CHART_NAMES
        )
    for warning in plan.warnings:
        warn(warning)
    for difference in plan.differences:
        warn(difference.message())
    samples: list[TrialSamples] = []
    result = simulate_plan(plan, workers, on_samples=samples.append, scheduler=scheduler)
    if output_format is ReportFormat.html:
        from coverage_sim.analysis.assumptions import assumptions
        from coverage_sim.report.report_file import html_report

        write_atomic(output, html_report(result, samples, documents, assumptions(plan)))
        note(f"wrote {output}")
        return
    from coverage_sim.report.report_file import png_charts

    charts = png_charts(result, samples, documents)
    write_atomic_set(output, charts, [*plan.input_files, *(include or [])])
    note(f"wrote the charts as PNG files into {output}")


def scenario_count(paths: list[Path]) -> int:
    """How many scenario files the arguments name (a lone plan is reported like ``run``)."""
    from coverage_sim.scenario import scenario_files

    return len(scenario_files(list(paths), include_templates=False))
