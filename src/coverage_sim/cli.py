"""Command line: the only module that reads argv, the environment or the TTY.

It is also the only place that maps exceptions to exit codes (``ExitCode``).
"""

from __future__ import annotations

import sys
from enum import IntEnum

import typer

from coverage_sim import __version__
from coverage_sim.errors import RequirementNotMet, ScenarioError, UsageError


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
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version_callback,
        is_eager=True,
    ),
) -> None:
    """Paired Monte Carlo simulation of sales-coverage plans for subscription businesses."""


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
    if argv is None:
        sys.exit(int(code))
    return int(code)
