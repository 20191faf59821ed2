"""Command line: the only module that reads argv, the environment or the TTY.

It is also the only place that maps exceptions to exit codes (``ExitCode``).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer

from coverage_sim import __version__
from coverage_sim.errors import RequirementNotMet, ScenarioError, UsageError
from coverage_sim.report.formats import OutputFormat


class ExitCode(IntEnum):
    """Exit codes (MODEL.md §5). Anything else is a bug."""

    OK = 0
    REQUIREMENT_NOT_MET = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


app = typer.Typer(
    name="coverage-sim",
    help=(
        "Paired Monte Carlo simulation of sales-coverage plans for subscription businesses.\n\n"
        "Example:\n\n"
        "  coverage-sim compare scenarios/traditional.yaml scenarios/xaas.yaml"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"coverage-sim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Paired Monte Carlo simulation of sales-coverage plans for subscription businesses."""


# --- run / compare: settings from flags, else from the baseline scenario file ---

_TRIALS_HELP = (
    "Trials per scenario (default: simulation.trials of the scenario file, or the baseline's)."
)
_SEED_HELP = (
    "Random seed; the same seed gives the same output with the same installed versions "
    "(default: simulation.seed)."
)
_MONTHS_HELP = (
    "Horizon in months (default: horizon_months of the scenario file, or the baseline's)."
)
_SAMPLING_HELP = (
    "monte_carlo or lhs (default: simulation.sampling of the scenario file, or the baseline's)."
)
_FORMAT_HELP = "table for people; json, csv or markdown for machines and documents."
_OUTPUT_HELP = "Write the output to this file (atomically) instead of stdout."
_REQUIRE_HELP = (
    'CI gate "[SCENARIO:]METRIC.STAT OP NUMBER", e.g. "nrr.p50 >= 100%"; repeatable. '
    "A requirement that does not hold exits 1 after the output is written."
)
_PLAIN_WIDTH = 100  # table width when not writing to a terminal


def _wants_color(stream: object) -> bool:
    """Colour only on a terminal and only without NO_COLOR (https://no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty()) and not os.environ.get("NO_COLOR")


def _warn(message: str) -> None:
    sys.stderr.write(f"coverage-sim: warning: {message}\n")


@dataclass(frozen=True)
class _RunOptions:
    """The flags ``run`` and ``compare`` share."""

    trials: int | None
    seed: int | None
    months: int | None
    sampling: str | None
    output_format: OutputFormat
    output: Path | None
    require: list[str]


def _simulate_and_report(
    paths: list[Path], options: _RunOptions, *, single: bool, baseline: str | None
) -> None:
    """Plan, simulate, write the output (stdout or --output), then enforce --require.

    Everything that can be checked before simulating is: --require, --output's folder,
    the scenario files and the settings (all exit 2).
    """
    from coverage_sim.report.atomic import check_writable, write_atomic
    from coverage_sim.report.render import render
    from coverage_sim.require import check_targets, enforce, parse_requirements
    from coverage_sim.runner import execute, plan_run

    requirements = parse_requirements(options.require)
    if options.output is not None:
        check_writable(options.output)
    plan = plan_run(
        paths,
        baseline=baseline,
        trials=options.trials,
        seed=options.seed,
        sampling=options.sampling,
        months=options.months,
        single=single,
    )
    requirements = check_targets(requirements, plan.names, plan.baseline, plan.aliases)
    for warning in plan.warnings:
        _warn(warning)
    if sys.stderr.isatty():
        with _progress_bars() as on_progress:
            report = execute(plan, on_progress=on_progress)
    else:
        report = execute(plan)
    if options.output is not None:
        write_atomic(options.output, render(report, options.output_format))
    else:
        terminal = sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if terminal else _PLAIN_WIDTH
        color = _wants_color(sys.stdout)
        _write_stdout(render(report, options.output_format, width=width, color=color))
    enforce(requirements, report)


def _write_stdout(text: str) -> None:
    """Write to stdout; a reader that went away (``| head``) does not change the exit code."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextmanager
def _progress_bars() -> Iterator[Callable[[int, str, int, int], None]]:
    """A rich progress bar per scenario on stderr (only used when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
    label = TextColumn("{task.fields[label]}", markup=False)
    with Progress(label, BarColumn(), MofNCompleteColumn(), console=console, transient=True) as bar:
        tasks: dict[int, TaskID] = {}

        def on_progress(index: int, name: str, done: int, total: int) -> None:
            if index not in tasks:
                tasks[index] = bar.add_task("", total=total, label=name)
            bar.update(tasks[index], completed=done, total=total)

        yield on_progress


TrialsOption = Annotated[int | None, typer.Option("--trials", metavar="N", help=_TRIALS_HELP)]
SeedOption = Annotated[int | None, typer.Option("--seed", metavar="S", help=_SEED_HELP)]
MonthsOption = Annotated[int | None, typer.Option("--months", metavar="H", help=_MONTHS_HELP)]
SamplingOption = Annotated[
    str | None, typer.Option("--sampling", metavar="METHOD", help=_SAMPLING_HELP)
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help=_FORMAT_HELP)]
OutputOption = Annotated[Path | None, typer.Option("--output", metavar="PATH", help=_OUTPUT_HELP)]
RequireOption = Annotated[
    list[str] | None, typer.Option("--require", metavar="EXPR", help=_REQUIRE_HELP)
]


@app.command(
    epilog=(
        'Example: coverage-sim run scenarios/xaas.yaml --trials 2000 --require "nrr.p50 >= 100%"'
    ),
)
def run(
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="A scenario file (or a folder holding one).")
    ],
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    require: RequireOption = None,
) -> None:
    """Simulate one scenario: metrics (p10/p50/p90), ARR bridge per year and ARR over time."""
    options = _RunOptions(trials, seed, months, sampling, output_format, output, require or [])
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
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            metavar="NAME|PATH",
            help="Scenario name, file stem or path to compare against (default: the first).",
        ),
    ] = None,
    trials: TrialsOption = None,
    seed: SeedOption = None,
    months: MonthsOption = None,
    sampling: SamplingOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    require: RequireOption = None,
) -> None:
    """Simulate scenarios side by side, paired trial by trial against a baseline."""
    options = _RunOptions(trials, seed, months, sampling, output_format, output, require or [])
    _simulate_and_report(scenarios, options, single=False, baseline=baseline)


# --- validate / schema / init: scenario files ---


@app.command(epilog="Example: coverage-sim validate scenarios/ my-plan.yaml")
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="FILE|DIR", help="Scenario files, or folders of *.yaml files."),
    ],
) -> None:
    """Check scenario files against the format; nothing is simulated.

    Prints "FILE: ok" (or "ok (template)") per valid file on stdout, and every problem
    with file:line:column, key path and what is expected on stderr. Exits 2 if any file
    is invalid.
    """
    from coverage_sim.scenario import scenario_files, validate_scenario_file

    problems = []
    for raw in paths:
        try:
            files = scenario_files([raw], include_templates=True)
        except ScenarioError as exc:
            problems.extend(exc.issues)
            continue
        for file in files:
            try:
                is_template = validate_scenario_file(file)
            except ScenarioError as exc:
                problems.extend(exc.issues)
                continue
            typer.echo(f"{file}: ok (template)" if is_template else f"{file}: ok")
    if problems:
        raise ScenarioError(problems)


@app.command(epilog="Example: coverage-sim schema > scenario.schema.json")
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the scenario format on stdout.

    Point your editor at it for completion, e.g. a first line
    "# yaml-language-server: $schema=scenario.schema.json".
    """
    from coverage_sim.scenario.schema import schema_text

    typer.echo(schema_text(), nl=False)


@app.command(epilog="Example: coverage-sim init plans/my-plan.yaml")
def init(
    path: Annotated[str, typer.Argument(metavar="PATH", help="File to write, e.g. my-plan.yaml.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the file if it exists.")
    ] = False,
) -> None:
    """Write a commented starter scenario that validates; edit its illustrative numbers.

    Refuses to overwrite an existing file (exit 2) unless --force.
    """
    from coverage_sim.scenario.starter import write_starter

    written = write_starter(Path(path), force=force)
    typer.echo(f"wrote {written}; check it with: coverage-sim validate {written}")


def _error(message: str) -> None:
    sys.stderr.write(f"coverage-sim: error: {message}\n")


def _known_code(value: int) -> ExitCode:
    return ExitCode(value) if value in set(ExitCode) else ExitCode.BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map every outcome to one ``ExitCode``."""
    try:
        result = app(args=argv, standalone_mode=False)
    except ScenarioError as exc:
        for issue in exc.issues:
            _error(str(issue))
        code = ExitCode.BAD_INPUT
    except UsageError as exc:
        _error(str(exc))
        code = ExitCode.BAD_INPUT
    except RequirementNotMet as exc:
        _error(str(exc))
        code = ExitCode.REQUIREMENT_NOT_MET
    except typer.Exit as exc:
        code = _known_code(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _error("interrupted")
        code = ExitCode.INTERRUPTED
    except typer.TyperException as exc:  # click-style usage errors: bad flag, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _error(exc.format_message())
        code = ExitCode.BAD_INPUT
    else:
        code = _known_code(result if isinstance(result, int) else 0)
        if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a return value of 130
            _error("interrupted")
    if argv is None:
        sys.exit(int(code))
    return int(code)
