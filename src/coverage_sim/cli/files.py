"""``validate``, ``schema`` and ``init``: scenario files, nothing simulated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coverage_sim.cli.app import app
from coverage_sim.errors import ScenarioError
from coverage_sim.text import visible


def _summary(file: Path) -> str:
    """What was checked, in one line: the plan's name, roles, horizon and trials. A
    ``correlations`` block that has to be repaired is warned about on stderr."""
    from coverage_sim.cli.common import warn
    from coverage_sim.scenario import correlation_warnings, load_scenario

    scenario = load_scenario(file)
    for warning in correlation_warnings(scenario):
        warn(warning)
    roles = ", ".join(scenario.roles)
    count = len(scenario.roles)
    return (
        f"{scenario.name!r}; {count} role{'s' if count != 1 else ''} ({roles}); "
        f"{scenario.horizon_months} months; {scenario.simulation.trials:,} trials"
    )


@app.command(epilog="Example: coverage-sim validate scenarios/ my-plan.yaml")
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="FILE|DIR", help="Scenario files, or folders of *.yaml files."),
    ],
) -> None:
    """Check scenario files against the format; nothing is simulated.

    Prints "FILE: ok: NAME; N roles (...); H months; T trials" (or "ok (template)") per
    valid file on stdout, and every problem
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
            shown = visible(str(file), keep_layout=False)
            typer.echo(
                f"{shown}: ok (template)" if is_template else f"{shown}: ok: {_summary(file)}"
            )
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
    from coverage_sim.report.atomic import write_atomic
    from coverage_sim.scenario.starter import check_starter_target, starter_text

    written = Path(path)
    check_starter_target(written, force=force)
    write_atomic(written, starter_text(written), flag="init")
    shown = visible(str(written), keep_layout=False)
    typer.echo(f"wrote {shown}; check it with: coverage-sim validate {shown}")
