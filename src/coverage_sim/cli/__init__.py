"""Command line: the only code that reads argv, the environment or the TTY.

It is also the only place that maps exceptions to exit codes (``ExitCode``). One module
per command group registers its commands on ``app``: ``simulate`` (run, compare) and
``files`` (validate, schema, init).
"""

from __future__ import annotations

import sys

import typer

from coverage_sim.cli import files, simulate
from coverage_sim.cli.app import ExitCode, app
from coverage_sim.cli.common import error
from coverage_sim.errors import RequirementNotMet, ScenarioError, UsageError

__all__ = ["ExitCode", "app", "main"]
_COMMAND_MODULES = (files, simulate)  # imported for their @app.command registrations


def _known_code(value: int) -> ExitCode:
    return ExitCode(value) if value in set(ExitCode) else ExitCode.BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map every outcome to one ``ExitCode``."""
    try:
        result = app(args=argv, standalone_mode=False)
    except ScenarioError as exc:
        for issue in exc.issues:
            error(str(issue))
        code = ExitCode.BAD_INPUT
    except UsageError as exc:
        error(str(exc))
        code = ExitCode.BAD_INPUT
    except RequirementNotMet as exc:
        error(str(exc))
        code = ExitCode.REQUIREMENT_NOT_MET
    except typer.Exit as exc:
        code = _known_code(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        error("interrupted")
        code = ExitCode.INTERRUPTED
    except typer.TyperException as exc:  # click-style usage errors: bad flag, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            error(exc.format_message())
        code = ExitCode.BAD_INPUT
    else:
        code = _known_code(result if isinstance(result, int) else 0)
        if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a return value of 130
            error("interrupted")
    if argv is None:
        sys.exit(int(code))
    return int(code)
