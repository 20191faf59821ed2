"""``fit retention|land|coverage`` from Python: the same fits, defaults and output as the
CLI (the fitters themselves are in ``coverage_sim.fit``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coverage_sim.api.frames import Rendered, html_table
from coverage_sim.api.plans import PlanLike, as_path
from coverage_sim.fit.result import FitSummary
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    from coverage_sim.scenario.models import Scenario

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, repr=False)
class Fitted(Rendered):
    """A fit: its estimates with intervals, the keys it maps onto the plan, its notes."""

    result: FitSummary

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.fit_out import render_fit

        return render_fit([self.result], output_format)

    def _repr_html_(self) -> str:
        return html_table(["Output"], [[line] for line in self.render("table").splitlines()[:20]])


def _plan(extends: PlanLike | None) -> Scenario | None:
    if extends is None:
        return None
    from coverage_sim.scenario import load_scenario

    return load_scenario(as_path(extends))


def fit_retention(
    data: PathLike,
    *,
    extends: PlanLike | None = None,
    period_months: float | None = None,
    as_of: str | None = None,
    project: int = 5,
    level: float = 0.9,
    seed: int = 2026,
) -> Fitted:
    """Logo retention by the shifted-beta-geometric model: ``coverage-sim fit retention``.
    ``extends`` is the plan whose contract term and horizon inform the mapping."""
    from coverage_sim.fit.commands import run_retention

    plan = _plan(extends)
    return Fitted(
        run_retention(
            Path(data),
            plan,
            period_months=period_months,
            as_of=as_of,
            project=project,
            level=level,
            seed=seed,
        )
    )


def fit_land(
    deals: PathLike,
    heads: PathLike,
    *,
    extends: PlanLike | None = None,
    role: str | None = None,
    sales_cycle_months: int | None = None,
    level: float = 0.9,
    seed: int = 2026,
) -> Fitted:
    """Land ACV, logos per ramped seller and the demand ceiling: ``coverage-sim fit land``."""
    from coverage_sim.fit.commands import run_land

    return Fitted(
        run_land(
            Path(deals),
            Path(heads),
            _plan(extends),
            role=role,
            sales_cycle_months=sales_cycle_months,
            level=level,
            seed=seed,
        )
    )


def fit_coverage(
    accounts: PathLike,
    *,
    extends: PlanLike | None = None,
    period_months: float | None = None,
    level: float = 0.9,
) -> Fitted:
    """Covered and uncovered rates, raw and adjusted: ``coverage-sim fit coverage``
    (an association in observational data, not a causal effect)."""
    from coverage_sim.fit.commands import run_coverage

    return Fitted(
        run_coverage(
            Path(accounts),
            _plan(extends),
            period_months=period_months,
            level=level,
        )
    )
