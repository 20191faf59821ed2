"""The Typer application and the exit codes; command modules register on ``app``.

The ``coverage_sim.cli`` package is the only code that reads argv, the environment or the
TTY, and the only place that maps exceptions to exit codes (``ExitCode``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup

from coverage_sim import __version__


class ExitCode(IntEnum):
    """Exit codes (MODEL.md §5). Anything else is a bug."""

    OK = 0
    REQUIREMENT_NOT_MET = 1
    BAD_INPUT = 2
    HANGUP = 129  # 128 + SIGHUP
    INTERRUPTED = 130  # 128 + SIGINT
    TERMINATED = 143  # 128 + SIGTERM


# --help lists the commands in this order (the job first, scenario-file tools last);
# a command not named here follows, in registration order.
COMMAND_ORDER = (
    "run",
    "compare",
    "sweep",
    "optimize",
    "sensitivity",
    "explain",
    "voi",
    "pilot",
    "track",
    "fit",
    "report",
    "validate",
    "schema",
    "init",
)


class _NamedArgument(TyperArgument):
    """An argument shown in --help by its metavar alone (``SCENARIO...``), without typer's
    Python type (``<list[Path]>``), which means nothing to a user."""

    def display_type_rich(self, ctx: object) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line as Unix tools write it, ``SCENARIO...`` (typer's own marks a
        required argument ``{SCENARIO}``)."""
        name = self.metavar or (self.name or "").upper()
        if not self.required:
            name = f"[{name}]"
        return [name + ("..." if self.nargs != 1 else "")]


class _OrderedGroup(TyperGroup):
    def list_commands(self, ctx: object) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def get_command(self, ctx: object, cmd_name: str) -> object:  # type: ignore[override]
        command = super().get_command(ctx, cmd_name)  # type: ignore[arg-type]
        for param in getattr(command, "params", []):
            if type(param) is TyperArgument:
                param.__class__ = _NamedArgument
        return command


app = typer.Typer(
    name="coverage-sim",
    cls=_OrderedGroup,
    help=(
        "Paired Monte Carlo simulation of sales-coverage plans for subscription businesses.\n\n"
        "Example:\n\n"
        "  coverage-sim compare scenarios/traditional.yaml scenarios/xaas.yaml"
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
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
