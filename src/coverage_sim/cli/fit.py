"""``fit retention|land|coverage``: fit plan inputs to the company's own exports.

Without ``--output`` the summary prints in ``--format``; with ``--extends PLAN --output
FILE`` a plan overlay is written atomically, after it has been checked to validate. The
fitting code (``coverage_sim.fit``) and its statistics libraries are imported only when a
``fit`` command runs, so ``coverage-sim --help`` stays fast.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coverage_sim.cli.app import _OrderedGroup, app
from coverage_sim.cli.common import FormatOption, note, write_stdout
from coverage_sim.errors import ScenarioError, UsageError
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


def _fitted(fit: Callable[[], FitSummary], files: list[Path]) -> FitSummary:
    """Run ``fit``; a numerical failure on odd data (a degenerate sample, a likelihood
    without a maximum) is reported as bad input, and the libraries' warnings become notes
    in the output instead of raw lines on stderr."""
    shown = ", ".join(visible(str(f), keep_layout=False) for f in files)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            summary = fit()
        except (ValueError, ArithmeticError) as exc:
            raise UsageError(
                f"{shown}: the fit failed on this data ({visible(str(exc), keep_layout=False)}); "
                "check that the data vary (more than one value, more than one month)"
            ) from None
    seen: list[str] = []
    for warning in caught:
        text = f"{warning.category.__name__}: {warning.message}"
        if text not in seen:
            seen.append(text)
    summary.notes += [f"numerical warning during the fit ({text})" for text in seen]
    return summary


def _plan(path: Path | None) -> Scenario | None:
    if path is None:
        return None
    from coverage_sim.scenario import load_scenario

    return load_scenario(path)


def _check(level: float, output: Path | None, extends: Path | None) -> None:
    if not 0.5 <= level < 1:
        raise UsageError(f"--level {level}: expected a level from 0.5 to below 1, e.g. 0.9")
    if output is not None and extends is None:
        raise UsageError("--output writes a plan overlay: give the plan it extends with --extends")


def _require_fit_extra() -> None:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        raise UsageError("fit needs statsmodels: pip install 'coverage-sim[fit]'") from None


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


def _period(period: float | None, plan: Scenario | None) -> float:
    if period is not None:
        if not 0 < period <= 120:
            raise UsageError(f"--period-months {period:g}: expected months from above 0 to 120")
        return period
    return float(plan.company.contract_months) if plan is not None else 12.0


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
    _check(level, output, extends)
    _require_fit_extra()
    from coverage_sim.fit.retention import PlanTerms, fit_retention

    plan = _plan(extends)
    terms = (
        PlanTerms()
        if plan is None
        else PlanTerms(plan.company.contract_months, plan.horizon_months)
    )
    if not 0 <= project <= 600:
        raise UsageError(f"--project {project}: expected 0 to 600 periods")
    period = _period(period_months, plan)
    cutoff = _date(as_of)
    summary = _fitted(
        lambda: fit_retention(
            data,
            period_months=period,
            as_of=cutoff,
            level=level,
            seed=seed,
            project=project,
            terms=terms,
        ),
        [data],
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


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    from coverage_sim.fit.table import month_number

    try:
        month_number(text.strip())
    except ValueError:
        raise UsageError(f"--as-of {text!r}: expected a date YYYY-MM-DD") from None
    return text.strip()


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
    _check(level, output, extends)
    _require_fit_extra()
    from coverage_sim.fit.land import fit_land

    plan = _plan(extends)
    terms = _land_terms(plan, role, sales_cycle_months)
    summary = _fitted(
        lambda: fit_land(deals, heads, terms=terms, level=level, seed=seed), [deals, heads]
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


def _land_terms(plan: Scenario | None, role: str | None, cycle: int | None) -> Any:
    from coverage_sim.fit.land import LandTerms

    if cycle is not None and not 0 <= cycle <= 60:
        raise UsageError(f"--sales-cycle-months {cycle}: expected 0 to 60")
    if plan is None:
        return LandTerms(role or "account_executive", cycle or 0)
    if role is None:
        role = max(plan.roles, key=lambda r: plan.roles[r].motions.land)
    elif role not in plan.roles:
        raise UsageError(f"--role {role!r}: not a role of the plan ({', '.join(plan.roles)})")
    demand = plan.market.demand
    plan_cycle = demand.sales_cycle_months if demand is not None else 0
    return LandTerms(role, plan_cycle if cycle is None else cycle)


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
    _check(level, output, extends)
    _require_fit_extra()
    from coverage_sim.fit.coverage import fit_coverage

    plan = _plan(extends)
    period = _period(period_months, plan)
    summary = _fitted(lambda: fit_coverage(accounts, period_months=period, level=level), [accounts])
    _deliver(
        [summary],
        output_format=output_format,
        output=output,
        extends=extends,
        plan=plan,
        command="fit coverage",
        inputs=[accounts],
    )
