"""What the commands share: option types, help texts, stdout and stderr writing, progress."""

from __future__ import annotations

import errno
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from coverage_sim.errors import OutputError
from coverage_sim.report.formats import OutputFormat
from coverage_sim.text import visible

if TYPE_CHECKING:
    from coverage_sim.execution import Executor
    from coverage_sim.report.model import RunReport
    from coverage_sim.require import Requirement
    from coverage_sim.runner import RunPlan, SamplesCallback

_TRIALS_HELP = "Trials per scenario (default: simulation.trials of the {file})."
_SEED_HELP = (
    "Random seed; the same seed gives the same output with the same installed versions "
    "(default: simulation.seed of the {file})."
)
_MONTHS_HELP = "Horizon in months (default: horizon_months of the {file})."
_SAMPLING_HELP = "monte_carlo or lhs (default: simulation.sampling of the {file})."
_METRICS_HELP = (
    "Only these metric ids, comma-separated, in this order, e.g. npv,nrr,ending_arr "
    "(every format; the verdict keeps its own)."
)
_SECTIONS_HELP = (
    "Only these sections, comma-separated: verdict,metrics,bridge,series (every format)."
)
_BRIEF_HELP = "Print the verdict alone (same as --sections verdict)."
_SAMPLES_HELP = (
    "Also write every trial's metrics and uncertain-input draws to this file, one row per "
    "plan and trial: CSV, or Parquet if it ends in .parquet (needs pyarrow)."
)
_FORMAT_HELP = "table for people; json, csv or markdown for machines and documents."
_OUTPUT_HELP = "Write the output to this file (atomically) instead of stdout."
_REQUIRE_HELP = (
    'CI gate "[SCENARIO:]METRIC.STAT OP NUMBER", e.g. "nrr.p50 >= 100%"; repeatable. '
    "A requirement that does not hold exits 1 after the output is written."
)
_SET_HELP = (
    "Override a scenario key for this run, value in the file's own grammar, e.g. "
    'budget.annual=36M or customers.land_acv="80k to 120k"; repeatable; applies to every '
    "scenario. Validated like a file."
)
_WORKERS_HELP = (
    "Worker processes simulating blocks of 1,000 trials (or plan evaluations) in parallel "
    "(default: every available core); the output is the same for any number."
)
_PRECISION_HELP = (
    "Stop early once every p50 is within +/-P (95% interval, e.g. 0.5%) and every P(better) "
    "within +/-1 point; --trials is then the maximum. Prints the trials used."
)
_SCHEDULER_HELP = (
    "Run the blocks (or plan evaluations) on the Dask distributed cluster whose scheduler is "
    "at this address, e.g. tcp://10.0.0.5:8786 (needs the dask extra); the output is the "
    "same as a local run."
)
PLAIN_WIDTH = 100  # table width when not writing to a terminal


def wants_color(stream: object) -> bool:
    """Colour only on a terminal, only without NO_COLOR (https://no-color.org), and not
    on a ``TERM=dumb`` terminal, which shows escape codes as text."""
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty()) and not _colour_off()


def _colour_off() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM", "").lower() == "dumb"


def _to_stderr(line: str) -> None:
    """One line on stderr, control characters made visible; a lost stderr is ignored."""
    try:
        sys.stderr.write(visible(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed or gone: nowhere to say it
        pass


def warn(message: str) -> None:
    _to_stderr(f"coverage-sim: warning: {message}")


@dataclass(frozen=True)
class RunOptions:
    """The flags ``run`` and ``compare`` share."""

    trials: int | None
    seed: int | None
    months: int | None
    sampling: str | None
    output_format: OutputFormat
    output: Path | None
    require: list[str]
    overrides: list[str]
    workers: int | None = None
    metrics: str | None = None
    sections: str | None = None
    brief: bool = False
    samples: Path | None = None
    precision: str | None = None
    scheduler: str | None = None
    pairwise: bool = False  # compare --pairwise


def note(message: str) -> None:
    """``coverage-sim: MESSAGE`` on stderr: a confirmation (stdout stays the output alone)."""
    _to_stderr(f"coverage-sim: {message}")


def enforce_and_confirm(requirements: Sequence[Requirement], report: RunReport) -> None:
    """Exit 1 naming every unmet ``--require`` (``RequirementNotMet``), else confirm on stderr
    that they held (every command that takes ``--require`` says the same)."""
    from coverage_sim.require import enforce

    enforce(requirements, report)
    if requirements:
        listed = ", ".join(f'"{r.text}"' for r in requirements)
        note(f"{len(requirements)} requirement(s) met: {listed}")


def error(message: str) -> None:
    """``coverage-sim: error: MESSAGE`` on stderr (control characters shown as ``\\x1b``)."""
    _to_stderr(f"coverage-sim: error: {message}")


def write_stdout(text: str) -> None:
    """Write to stdout and flush (errors are handled by :class:`GuardedStdout`)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _discard(stream: TextIO) -> None:
    """Point the file descriptor behind ``stream`` at /dev/null, so that nothing buffered
    fails again when Python flushes it at exit."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class GuardedStdout:
    """``sys.stdout`` while a command runs: the one place that handles write errors.

    A reader that went away (``| head``, ``| true``: EPIPE) is not an error: the rest of
    the output is discarded and the exit code is unchanged. Any other write error
    (``>/dev/full``: ENOSPC, EIO) raises ``OutputError`` and is kept in ``failure``, so
    the command exits 2 even if a library swallowed the exception.
    """

    def __init__(self, inner: TextIO | None) -> None:
        self._closed = inner is None  # started with stdout closed (`>&-`): nowhere to write
        self._inner: TextIO = io.StringIO() if inner is None else inner
        self.reader_gone = False
        self.failure: OutputError | None = None

    def write(self, text: str) -> int:
        if not self.reader_gone:
            self._guarded(lambda: self._inner.write(text))
        return len(text)

    def flush(self) -> None:
        if not (self.reader_gone or (self._closed and self.failure is None)):
            self._guarded(self._inner.flush)

    def _guarded(self, operation: Callable[[], object]) -> None:
        if self.failure is None and self._closed:
            self.failure = OutputError("cannot write to stdout: it is closed")
        if self.failure is not None:
            raise self.failure
        try:
            operation()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
                self.reader_gone = True
                _discard(self._inner)
                return
            self.failure = OutputError(f"cannot write to stdout: {exc.strerror or exc}")
            raise self.failure from None

    def release(self) -> None:
        """After the command: make sure Python's own flush at exit cannot fail again."""
        if self.reader_gone or self.failure is not None:
            _discard(self._inner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def progress_bars(plans: int = 1) -> Iterator[Callable[[int, str, int, int], None]]:
    """Progress on stderr (only used when stderr is a terminal): a bar per scenario with
    trials done, elapsed time and ETA, and with several ``plans`` one for the whole run.

    The runner reports after every block of 1,000 trials; rich redraws ten times a second.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, no_color=_colour_off())
    columns = (
        TextColumn("{task.fields[label]}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[int, TaskID] = {}
        overall: TaskID | None = None
        finished: dict[int, int] = {}

        def on_progress(index: int, name: str, done: int, total: int) -> None:
            nonlocal overall
            if overall is None and plans > 1:
                overall = bar.add_task("", total=total * plans, label=f"all {plans} plans")
            if index not in tasks:
                tasks[index] = bar.add_task("", total=total, label=visible(name, keep_layout=False))
            bar.update(tasks[index], completed=done, total=total)
            finished[index] = done
            if overall is not None:
                bar.update(overall, completed=sum(finished.values()))

        yield on_progress


@contextmanager
def evaluation_progress(unit: str) -> Iterator[Callable[[int, int, str], None]]:
    """One bar on stderr for sweep/optimize: ``unit`` done of total, best so far, elapsed
    time and ETA."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, no_color=_colour_off())
    columns = (
        TextColumn(unit),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[best]}", markup=False),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None, best="")

        def on_progress(done: int, total: int, best: str) -> None:
            bar.update(
                task, completed=done, total=total, best=f"best so far: {best}" if best else ""
            )

        yield on_progress


def deliver(
    render: Callable[[int, bool], str],
    output: Path | None,
    *,
    write_file: Callable[[Path, str], None],
) -> None:
    """``render(width, color)`` to ``output`` (plain, 100 columns) or to stdout (terminal-aware)."""
    if output is not None:
        write_file(output, render(PLAIN_WIDTH, False))
        return
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else PLAIN_WIDTH
    write_stdout(render(width, wants_color(sys.stdout)))


@contextmanager
def open_executor(workers: int | None, scheduler: str | None = None) -> Iterator[Executor]:
    """``runner.open_executor`` with its warnings on stderr."""
    from coverage_sim.runner import open_executor as open_runner_executor

    with open_runner_executor(workers, scheduler, on_warning=warn) as executor:
        yield executor


_RUN = {"file": "scenario file"}
_COMPARE = {"file": "baseline's file"}


def simulate_plan(
    plan: RunPlan,
    workers: int | None,
    *,
    on_samples: SamplesCallback | None = None,
    precision: float | None = None,
    scheduler: str | None = None,
    pairwise: bool = False,
) -> RunReport:
    """Run ``plan`` on the ``--workers`` executor or the ``--scheduler`` Dask cluster (to
    ``--precision`` if given), with progress bars when stderr is a terminal (and nothing
    drawn otherwise)."""
    from coverage_sim.runner import execute

    with open_executor(workers, scheduler) as executor:
        if sys.stderr.isatty():
            with progress_bars(len(plan.scenarios)) as on_progress:
                return execute(
                    plan,
                    on_progress=on_progress,
                    executor=executor,
                    on_samples=on_samples,
                    precision=precision,
                    pairwise=pairwise,
                )
        return execute(
            plan,
            executor=executor,
            on_samples=on_samples,
            precision=precision,
            pairwise=pairwise,
        )


TrialsOption = Annotated[
    int | None, typer.Option("--trials", metavar="N", help=_TRIALS_HELP.format(**_COMPARE))
]
SeedOption = Annotated[
    int | None, typer.Option("--seed", metavar="S", help=_SEED_HELP.format(**_COMPARE))
]
MonthsOption = Annotated[
    int | None, typer.Option("--months", metavar="H", help=_MONTHS_HELP.format(**_COMPARE))
]
SamplingOption = Annotated[
    str | None,
    typer.Option("--sampling", metavar="METHOD", help=_SAMPLING_HELP.format(**_COMPARE)),
]
# ``run`` has no baseline: its defaults come from its one scenario file.
RunTrialsOption = Annotated[
    int | None, typer.Option("--trials", metavar="N", help=_TRIALS_HELP.format(**_RUN))
]
RunSeedOption = Annotated[
    int | None, typer.Option("--seed", metavar="S", help=_SEED_HELP.format(**_RUN))
]
RunMonthsOption = Annotated[
    int | None, typer.Option("--months", metavar="H", help=_MONTHS_HELP.format(**_RUN))
]
RunSamplingOption = Annotated[
    str | None,
    typer.Option("--sampling", metavar="METHOD", help=_SAMPLING_HELP.format(**_RUN)),
]
BaselineOption = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        metavar="NAME|PATH",
        help="Scenario name, file stem or path to compare against (default: the first).",
    ),
]
MetricsOption = Annotated[
    str | None, typer.Option("--metrics", metavar="ID,ID...", help=_METRICS_HELP)
]
SectionsOption = Annotated[
    str | None, typer.Option("--sections", metavar="NAME,NAME...", help=_SECTIONS_HELP)
]
BriefOption = Annotated[bool, typer.Option("--brief", help=_BRIEF_HELP)]
SamplesOption = Annotated[
    Path | None, typer.Option("--samples", metavar="PATH", help=_SAMPLES_HELP)
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help=_FORMAT_HELP)]
OutputOption = Annotated[Path | None, typer.Option("--output", metavar="PATH", help=_OUTPUT_HELP)]
RequireOption = Annotated[
    list[str] | None, typer.Option("--require", metavar="EXPR", help=_REQUIRE_HELP)
]
SetOption = Annotated[list[str] | None, typer.Option("--set", metavar="PATH=VALUE", help=_SET_HELP)]
WorkersOption = Annotated[int | None, typer.Option("--workers", metavar="N", help=_WORKERS_HELP)]
PrecisionOption = Annotated[
    str | None, typer.Option("--precision", metavar="P", help=_PRECISION_HELP)
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler", metavar="ADDRESS", envvar="COVERAGE_SIM_SCHEDULER", help=_SCHEDULER_HELP
    ),
]
