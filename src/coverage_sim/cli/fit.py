"""``fit retention|land|coverage``: fit plan inputs to the company's own exports.

Without ``--output`` the summary prints in ``--format``; with ``--extends PLAN --output
FILE`` a plan overlay is written atomically, after it has been checked to validate. The
fitting code (``coverage_sim.fit``) and its statistics libraries are imported only when a
``fit`` command runs, so ``coverage-sim --help`` stays fast.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coverage_sim.cli.app import _OrderedGroup, app
from coverage_sim.cli.common import FormatOption, note, write_stdout
from coverage_sim.errors import ScenarioError, UsageError
from coverage_sim.fit.commands import run_coverage, run_land, run_retention
from coverage_sim.report.formats import OutputFormat
from coverage_sim.text import visible

if TYPE_CHECKING:
    from coverage_sim.fit.result import FitSummary
    from coverage_sim.scenario.models import Scenario

fit_app = typer.Typer(
    name="fit",
    cls=_OrderedGroup,
    help=(
        "Fit plan inputs to your own exports (CSV, or Parquet with the samples extra) and "
        "write a plan overlay that extends your plan. Needs the fit extra: "
        "pip install 'coverage-sim[fit]'."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(fit_app, name="fit")

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        metavar="PATH",
        help="Write the plan overlay to this file (atomically, after checking it validates); "
        "needs --extends. Without it the summary prints on stdout.",
    ),
]
ExtendsOption = Annotated[
    Path | None,
    typer.Option(
        "--extends",
        metavar="PLAN.yaml",
        help="The plan the overlay extends; its contract term, horizon, sales cycle and land "
        "role inform the mapping. Required with --output.",
    ),
]
LevelOption = Annotated[
    float, typer.Option("--level", metavar="L", help="Interval level shown (default 0.9).")
]
SeedOption = Annotated[
    int, typer.Option("--seed", metavar="S", help="Seed of the bootstrap and sampling steps.")
]
PeriodOption = Annotated[
    float | None,
    typer.Option(
        "--period-months",
        metavar="M",
        help="Months per period of the data (default: the plan's contract_months, else 12).",
    ),
]


def _plan(path: Path | None) -> Scenario | None:
    if path is None:
        return None
    from coverage_sim.scenario import load_scenario

    return load_scenario(path)


def _check_output(output: Path | None, extends: Path | None) -> None:
    if output is not None and extends is None:
        raise UsageError("--output writes a plan overlay: give the plan it extends with --extends")


def _deliver(
    summaries: list[FitSummary],
    *,
    output_format: OutputFormat,
    output: Path | None,
    extends: Path | None,
    plan: Scenario | None,
    command: str,
    inputs: list[Path],
) -> None:
    from coverage_sim.report.fit_out import render_fit

    if output is None or extends is None or plan is None:
        write_stdout(render_fit(summaries, output_format))
        return
    from coverage_sim import __version__
    from coverage_sim.fit.overlay import overlay_text
    from coverage_sim.report.atomic import check_writable, write_atomic

    check_writable(output, [*inputs, *plan.sources])
    relative = os.path.relpath(extends.resolve(), output.resolve().parent).replace(os.sep, "/")
    text = overlay_text(
        summaries, extends=relative, plan_name=plan.name, command=command, version=__version__
    )
    _validate_overlay(text, output)
    write_atomic(output, text)
    keys = sum(len(s.overlay) for s in summaries)
    note(
        f"wrote {visible(str(output), keep_layout=False)}: {keys} fitted keys extending "
        f"{visible(str(extends), keep_layout=False)}"
    )
    for summary in summaries:
        for why, count in summary.dropped.items():
            note(f"dropped {count:,} rows: {why}")
        for line in summary.notes:
            note(line)


def _validate_overlay(text: str, output: Path) -> None:
    """Load the overlay from a temporary file beside ``output`` (so ``extends`` resolves);
    a problem is a bug in the mapping, reported without writing anything."""
    from coverage_sim.scenario import load_scenario

    directory = output.resolve().parent
    fd, name = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".check.yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        load_scenario(Path(name))
    except ScenarioError as exc:
        problems = "; ".join(str(i.message) for i in exc.issues)
        raise UsageError(
            f"the fitted overlay would not validate, nothing written: {problems}"
        ) from None
    finally:
        os.unlink(name)


@fit_app.command(
    epilog="Example: coverage-sim fit retention examples/data/cohorts.csv "
    "--extends scenarios/xaas.yaml --output fitted.yaml"
)
def retention(
    data: Annotated[
        Path,
        typer.Argument(
            metavar="COHORTS.csv|ACCOUNTS.csv",
            help="cohort, period, alive[, arr] or account, start, end",
        ),
    ],
    extends: ExtendsOption = None,
    output: OutputOption = None,
    period_months: PeriodOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Account table: censoring date (default: the last date in the file).",
        ),
    ] = None,
    project: Annotated[
        int, typer.Option("--project", metavar="N", help="Periods projected beyond the data.")
    ] = 5,
    level: LevelOption = 0.9,
    seed: SeedOption = 2026,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Logo retention (shifted-beta-geometric, Fader & Hardie 2007) and, with an arr
    column, GRR, NRR and the monthly upsell rate; mapped onto the plan's renewal keys."""
    _check_output(output, extends)
    plan = _plan(extends)
    summary = run_retention(
        data,
        plan,
        period_months=period_months,
        as_of=as_of,
        project=project,
        level=level,
        seed=seed,
    )
    _deliver(
        [summary],
        output_format=output_format,
        output=output,
        extends=extends,
        plan=plan,
        command="fit retention",
        inputs=[data],
    )


@fit_app.command(
    epilog="Example: coverage-sim fit land examples/data/deals.csv --heads "
    "examples/data/heads.csv --extends scenarios/xaas.yaml"
)
def land(
    deals: Annotated[
        Path, typer.Argument(metavar="DEALS.csv", help="close_date, owner, acv[, segment]")
    ],
    heads: Annotated[
        Path,
        typer.Option("--heads", metavar="HEADS.csv", help="month, role, heads[, ramped_heads]"),
    ],
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help=(
                "The land role in HEADS.csv and the plan (default: the plan's role with the "
                "largest land weight, else account_executive)."
            ),
        ),
    ] = None,
    sales_cycle_months: Annotated[
        int | None,
        typer.Option(
            "--sales-cycle-months",
            metavar="M",
            help="Months from capacity to logos (default: the plan's, else 0).",
        ),
    ] = None,
    extends: ExtendsOption = None,
    output: OutputOption = None,
    level: LevelOption = 0.9,
    seed: SeedOption = 2026,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Land ACV (lognormal, gamma, Weibull by AIC), new logos per ramped seller, and the
    demand ceiling D of D(1 - exp(-E/D))."""
    _check_output(output, extends)
    plan = _plan(extends)
    summary = run_land(
        deals,
        heads,
        plan,
        role=role,
        sales_cycle_months=sales_cycle_months,
        level=level,
        seed=seed,
    )
    _deliver(
        [summary],
        output_format=output_format,
        output=output,
        extends=extends,
        plan=plan,
        command="fit land",
        inputs=[deals, heads],
    )


@fit_app.command(
    epilog="Example: coverage-sim fit coverage examples/data/accounts.csv "
    "--extends scenarios/xaas.yaml --output fitted.yaml"
)
def coverage(
    accounts: Annotated[
        Path,
        typer.Argument(
            metavar="ACCOUNTS.csv",
            help="account, period, covered, acv, tenure[, segment], outcomes",
        ),
    ],
    extends: ExtendsOption = None,
    output: OutputOption = None,
    period_months: PeriodOption = None,
    level: LevelOption = 0.9,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Covered vs uncovered renewal, adoption and expansion rates, raw and adjusted for
    ACV, tenure and segment. Observational data: an association, not a causal effect."""
    _check_output(output, extends)
    plan = _plan(extends)
    summary = run_coverage(accounts, plan, period_months=period_months, level=level)
    _deliver(
        [summary],
        output_format=output_format,
        output=output,
        extends=extends,
        plan=plan,
        command="fit coverage",
        inputs=[accounts],
    )
