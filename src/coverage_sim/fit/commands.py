"""The three fits as the ``fit`` commands run them, with the defaults they take from the
plan (contract term, horizon, land role, sales cycle): one place for the CLI and the
Python API. Never imports the engine."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage_sim.errors import UsageError
from coverage_sim.text import visible

if TYPE_CHECKING:
    from coverage_sim.fit.result import FitSummary
    from coverage_sim.scenario.models import Scenario


def require_statsmodels() -> None:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        raise UsageError("fit needs statsmodels: pip install 'coverage-sim[fit]'") from None


def check_level(level: float) -> None:
    if not 0.5 <= level < 1:
        raise UsageError(f"--level {level}: expected a level from 0.5 to below 1, e.g. 0.9")


def fitted(fit: Callable[[], FitSummary], files: list[Path]) -> FitSummary:
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


def period_of(period: float | None, plan: Scenario | None) -> float:
    """Months per period of the data: given, else the plan's contract term, else 12."""
    if period is not None:
        if not 0 < period <= 120:
            raise UsageError(f"--period-months {period:g}: expected months from above 0 to 120")
        return period
    return float(plan.company.contract_months) if plan is not None else 12.0


def as_of_date(text: str | None) -> str | None:
    if text is None:
        return None
    from coverage_sim.fit.table import month_number

    try:
        month_number(text.strip())
    except ValueError:
        raise UsageError(f"--as-of {text!r}: expected a date YYYY-MM-DD") from None
    return text.strip()


def land_terms(plan: Scenario | None, role: str | None, cycle: int | None) -> Any:
    """The land role and sales cycle: given, else the plan's (the role with the largest
    land weight; ``market.demand.sales_cycle_months``), else account_executive and 0."""
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


def run_retention(
    data: Path,
    plan: Scenario | None,
    *,
    period_months: float | None,
    as_of: str | None,
    project: int,
    level: float,
    seed: int,
) -> FitSummary:
    """``fit retention``."""
    check_level(level)
    require_statsmodels()
    from coverage_sim.fit.retention import PlanTerms, fit_retention

    terms = (
        PlanTerms()
        if plan is None
        else PlanTerms(plan.company.contract_months, plan.horizon_months)
    )
    if not 0 <= project <= 600:
        raise UsageError(f"--project {project}: expected 0 to 600 periods")
    period, cutoff = period_of(period_months, plan), as_of_date(as_of)
    return fitted(
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


def run_land(
    deals: Path,
    heads: Path,
    plan: Scenario | None,
    *,
    role: str | None,
    sales_cycle_months: int | None,
    level: float,
    seed: int,
) -> FitSummary:
    """``fit land``."""
    check_level(level)
    require_statsmodels()
    from coverage_sim.fit.land import fit_land

    terms = land_terms(plan, role, sales_cycle_months)
    return fitted(
        lambda: fit_land(deals, heads, terms=terms, level=level, seed=seed), [deals, heads]
    )


def run_coverage(
    accounts: Path, plan: Scenario | None, *, period_months: float | None, level: float
) -> FitSummary:
    """``fit coverage``."""
    check_level(level)
    require_statsmodels()
    from coverage_sim.fit.coverage import fit_coverage

    period = period_of(period_months, plan)
    return fitted(lambda: fit_coverage(accounts, period_months=period, level=level), [accounts])
