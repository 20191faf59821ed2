"""Command line: the only code that reads argv, the environment or the TTY.

It is also the only place that maps exceptions to exit codes (``ExitCode``). One module
per command group registers its commands on ``app``: ``simulate`` (run, compare),
``report`` (report), ``fit`` (fit retention|land|coverage) and ``files`` (validate,
schema, init).

Every failure ends here: a usage error (the framework's own included: a bad flag value,
an unknown option, a missing argument) prints ``coverage-sim: error: ...`` and exits 2;
a write error on stdout exits 2 (a reader that went away does not change the code);
SIGTERM and SIGHUP unwind like Ctrl-C, so an ``--output`` temporary file is removed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, TextIO, cast

import typer
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as FrameworkUsageError

from coverage_sim.cli import decide, evidence, files, fit, report, simulate, why
from coverage_sim.cli.app import ExitCode, app
from coverage_sim.cli.common import GuardedStdout, error
from coverage_sim.errors import (
    DataError,
    ExecutionError,
    OutputError,
    RequirementNotMet,
    ScenarioError,
    UsageError,
)

__all__ = ["ExitCode", "app", "main"]
# imported for their @app.command registrations
_COMMAND_MODULES = (decide, evidence, files, fit, report, simulate, why)
_HANDLED_SIGNALS = ("SIGTERM", "SIGHUP")


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like KeyboardInterrupt (cleanup runs)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _known_code(value: int) -> ExitCode:
    return ExitCode(value) if value in set(ExitCode) else ExitCode.BAD_INPUT


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """While a command runs, SIGTERM/SIGHUP raise ``Terminated`` in the main thread.

    A worker process that inherited the handler (fork) dies of the signal as usual.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    previous: dict[int, Any] = {}
    for name in _HANDLED_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _usage_message(exc: FrameworkUsageError) -> str:
    """The framework's usage error as one line, with where to get help."""
    message = exc.format_message()
    ctx = exc.ctx
    if ctx is None:
        return message
    command = "coverage-sim" + (f" {ctx.info_name}" if ctx.parent is not None else "")
    return f"{message} (see '{command} --help')"


def _run(argv: list[str] | None) -> ExitCode:
    try:
        result = app(args=argv, standalone_mode=False, prog_name="coverage-sim")
    except ScenarioError as exc:
        for issue in exc.issues:
            error(str(issue))
        return ExitCode.BAD_INPUT
    except (UsageError, OutputError, ExecutionError, DataError) as exc:
        error(str(exc))
        return ExitCode.BAD_INPUT
    except RequirementNotMet as exc:
        error(str(exc))
        return ExitCode.REQUIREMENT_NOT_MET
    except MemoryError:
        error(
            "out of memory: the run needs more than this process may use; lower --trials "
            "(or --months, the number of plans or points, --samples)"
        )
        return ExitCode.BAD_INPUT
    except typer.Exit as exc:
        return _known_code(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        error("interrupted")
        return ExitCode.INTERRUPTED
    except Terminated as exc:
        error(f"terminated ({signal.Signals(exc.signum).name})")
        return ExitCode(128 + exc.signum)
    except NoArgsIsHelpError as exc:
        exc.show()
        error("missing command; choose one of the commands listed above")
        return ExitCode.BAD_INPUT
    except FrameworkUsageError as exc:
        error(_usage_message(exc))
        return ExitCode.BAD_INPUT
    except typer.TyperException as exc:  # any other framework error
        error(str(exc))
        return ExitCode.BAD_INPUT
    code = _known_code(result if isinstance(result, int) else 0)
    if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a return value of 130
        error("interrupted")
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map every outcome to one ``ExitCode``."""
    stdout = sys.stdout  # None when the program started with stdout closed (`>&-`)
    stderr = sys.stderr  # likewise with stderr closed (`2>&-`): nothing to say is lost
    guarded = GuardedStdout(stdout)
    sys.stdout = cast(TextIO, guarded)
    if stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (closed in the finally below)
    try:
        with _signals_unwind():
            code = _run(argv)
            with suppress(OutputError):
                guarded.flush()
            if guarded.failure is not None and code != ExitCode.BAD_INPUT:
                error(str(guarded.failure))  # raised where a library swallowed it
                code = ExitCode.BAD_INPUT
    finally:
        sys.stdout = stdout
        guarded.release()
        if stderr is None:
            sys.stderr.close()
            sys.stderr = stderr
    if argv is None:
        sys.exit(int(code))
    return int(code)
