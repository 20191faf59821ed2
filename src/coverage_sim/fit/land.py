"""``fit land DEALS --heads HEADS``: land ACV, seller productivity and the demand ceiling.

Inputs (docs/fit.md): deals ``close_date, owner, acv`` (optional ``segment``), one row per
new logo; headcount ``month, role, heads`` (optional ``ramped_heads``), one row per month
and role. Monthly new logos are the deals closed in each month of the heads table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim.fit.acv import LandACVFitter
from coverage_sim.fit.demand import DemandFitter, LinearLogosFitter
from coverage_sim.fit.result import Detail, Estimate, FitSummary, OverlayKey, interval_text
from coverage_sim.fit.table import read_table

MIN_DEALS = 10
MIN_MONTHS = 6


@dataclass(frozen=True)
class LandTerms:
    """From the plan: the land role's name and the sales cycle (months)."""

    role: str = "account_executive"
    sales_cycle_months: int = 0


def fit_land(
    deals_path: Path, heads_path: Path, *, terms: LandTerms, level: float, seed: int
) -> FitSummary:
    """The whole ``fit land`` result."""
    deals = read_table(deals_path, ("close_date", "owner", "acv"), ("segment",), min_rows=MIN_DEALS)
    heads = read_table(heads_path, ("month", "role", "heads"), ("ramped_heads",), min_rows=1)
    closed = np.floor(deals.months("close_date")).astype(np.int64)
    deals.text("owner")
    acv = deals.numbers("acv", minimum=0.0)
    roles = heads.text("role")
    month = np.floor(heads.months("month")).astype(np.int64)
    count = heads.numbers("heads", minimum=0.0)
    ramped = heads.numbers("ramped_heads", minimum=0.0) if heads.has("ramped_heads") else count
    if heads.has("ramped_heads"):
        over = np.flatnonzero(ramped > count)
        if over.size:
            raise heads.issue(int(over[0]), "ramped_heads", "more ramped heads than heads")
    summary = FitSummary("land", [deals.file, heads.file], len(deals) + len(heads), level)
    summary.dropped = {}
    positive = acv > 0
    if (~positive).any():
        summary.dropped["deals with ACV 0 (not a paid new logo)"] = int((~positive).sum())
    if positive.sum() < MIN_DEALS:
        raise deals.issue(
            None,
            "acv",
            f"too few rows to fit: {int(positive.sum())} deals with ACV above 0; "
            f"at least {MIN_DEALS} are needed",
        )
    if np.unique(acv[positive]).size < 3:
        raise deals.issue(
            None,
            "acv",
            "the deals' ACVs barely vary (fewer than 3 distinct values): no "
            "distribution can be fitted; write customers.land_acv by hand",
        )
    _acv(summary, deals.file, acv[positive], level, seed)

    by_month: dict[int, float] = {}
    for i, (role, m) in enumerate(zip(roles, month, strict=True)):
        if role != terms.role:
            continue
        if int(m) in by_month:
            raise heads.issue(
                i, "month", f"duplicate month-role ({m // 12}-{m % 12 + 1:02d}, {role})"
            )
        by_month[int(m)] = float(ramped[i])
    other = sum(1 for r in roles if r != terms.role)
    if other:
        summary.dropped[f"heads rows of roles other than {terms.role}"] = other
    if len(by_month) < MIN_MONTHS:
        raise heads.issue(
            None,
            "role",
            f"too few rows to fit: {len(by_month)} months of role '{terms.role}'; at least "
            f"{MIN_MONTHS} are needed (--role names the land role)",
        )
    logos_by_month = np.bincount(closed - closed.min()) if len(closed) else np.zeros(0)
    outside = int(sum(1 for m in closed if int(m) not in by_month))
    if outside:
        summary.dropped["deals closed in a month without a heads row (ACV only)"] = outside
    lag = terms.sales_cycle_months
    months = sorted(m for m in by_month if m - lag in by_month and by_month[m - lag] > 0)
    y = np.array(
        [
            logos_by_month[m - closed.min()] if 0 <= m - closed.min() < len(logos_by_month) else 0
            for m in months
        ],
        dtype=float,
    )
    r = np.array([by_month[m - lag] for m in months])
    if len(months) < MIN_MONTHS:
        raise heads.issue(None, "ramped_heads", "too few months with ramped heads to fit")
    if y.sum() == 0:
        raise deals.issue(
            None,
            "close_date",
            f"no deal closed in the months of {heads.file} (after the "
            f"{lag}-month sales cycle): logos per head cannot be fitted",
        )
    _logos(summary, months, y, r, terms, level, heads.has("ramped_heads"))
    return summary


def _acv(summary: FitSummary, file: str, acv: np.ndarray, level: float, seed: int) -> None:
    fitter = LandACVFitter(level, seed).fit(acv)
    best = fitter.best_
    method = f"bootstrap of the {best.name} MLE mean, {level:.0%}"
    summary.estimates.append(
        Estimate("land_acv_mean", best.mean, *fitter.mean_interval_, "money", method)
    )
    rows = tuple(
        (c.name, c.shape, c.scale, c.log_likelihood, c.aic, c.aic - best.aic, c.mean)
        for c in fitter.candidates_
    )
    summary.details.append(
        Detail(
            "land_acv_candidates",
            "land_acv candidates (maximum likelihood, location 0), best AIC first",
            ("distribution", "shape", "scale", "log_lik", "aic", "delta_aic", "mean"),
            rows,
        )
    )
    low, high = fitter.mean_interval(0.9)
    summary.overlay.append(
        OverlayKey(
            ("customers", "land_acv"),
            interval_text(low, high, "money"),
            f"fit land: {file}, {len(acv):,} deals; {best.name} by AIC (runner-up "
            f"{fitter.candidates_[1].name}, delta AIC {fitter.candidates_[1].aic - best.aic:.1f}); "
            "90% bootstrap interval of the mean ACV (the plan lands every logo of a trial at "
            "one ACV)",
        )
    )


def _logos(
    summary: FitSummary,
    months: list[int],
    y: np.ndarray,
    r: np.ndarray,
    terms: LandTerms,
    level: float,
    has_ramped: bool,
) -> None:
    linear = LinearLogosFitter(level).fit(y, r)
    demand = DemandFitter(level).fit(y, r, linear.lambda_)
    where = f"{summary.files[0]} against {summary.files[1]}, {len(y)} months"
    if not has_ramped:
        summary.notes.append(
            "No ramped_heads column: every head counts as fully ramped, so logos per ramped "
            "head are understated while heads are ramping."
        )
    spread = f"ramped heads {r.min():.3g} to {r.max():.3g}"
    if demand.identified:
        lam, lam_int = demand.lambda_, demand.lambda_interval_
        method = f"profile likelihood (saturating model), {level:.0%}"
        low, high = demand.demand_interval_
        d90 = _ninety(demand, 1)
        summary.estimates.append(
            Estimate("demand_new_logos_per_month", demand.demand_, low, high, "count", method)
        )
        summary.overlay.append(
            OverlayKey(
                ("market", "demand", "new_logos_per_month"),
                interval_text(d90[0] or 0.0, d90[1] or 0.0, "count"),
                f"fit land: {where}; Poisson MLE of D(1 - exp(-E/D)), {spread}; profile-"
                f"likelihood 90% interval; log-lik gain over linear "
                f"{demand.log_likelihood_ - linear.log_likelihood_:.2f}",
            )
        )
        l90 = _ninety(demand, 0)
        if d90[0] is None or d90[1] is None:
            summary.overlay.pop()
            summary.notes.append("The 90% interval of D is not bounded: market.demand not written.")
    else:
        lam, lam_int = linear.lambda_, linear.lambda_interval_
        method = f"Poisson GLM, {level:.0%}" + (
            f", Pearson scale {linear.dispersion_:.2f}" if linear.dispersion_ > 1 else ""
        )
        summary.notes.append(
            f"Demand ceiling not identified: the data ({spread}) cannot tell a ceiling from "
            f"linear growth: the {level:.0%} profile-likelihood interval of D has no upper "
            f"end (lower end {demand.demand_interval_[0] or 0:.3g} logos a month). Logos per "
            "head are fitted as linear in heads; market.demand is not written."
        )
        l90 = LinearLogosFitter(0.9).fit(y, r).lambda_interval_
    summary.estimates.append(
        Estimate("new_logos_per_month", lam, lam_int[0], lam_int[1], "count", method)
    )
    if l90[0] is not None and l90[1] is not None:
        summary.overlay.append(
            OverlayKey(
                ("roles", terms.role, "new_logos_per_month"),
                interval_text(l90[0], l90[1], "count"),
                f"fit land: {where}; new logos per ramped head-month, Poisson MLE, "
                f"sales cycle {terms.sales_cycle_months} months; 90% interval; "
                f"dispersion {linear.dispersion_:.2f}",
            )
        )
    summary.details.append(
        Detail(
            "monthly_logos",
            "Monthly new logos: observed and fitted",
            ("month", "ramped_heads", "logos", "fitted"),
            tuple(
                (f"{m // 12}-{m % 12 + 1:02d}", float(ri), int(yi), float(fi))
                for m, ri, yi, fi in zip(months, r, y, _fitted(demand, linear, r), strict=True)
            ),
        )
    )


def _fitted(demand: DemandFitter, linear: LinearLogosFitter, r: np.ndarray) -> np.ndarray:
    from coverage_sim.fit.demand import saturation_mean

    if demand.identified:
        return np.asarray(saturation_mean(demand.lambda_, demand.demand_, r))
    return linear.lambda_ * r


def _ninety(demand: DemandFitter, which: int) -> tuple[float | None, float | None]:
    """The 90% profile interval (the overlay's "A to B" is always a 90% interval)."""
    if demand.level == 0.9:
        ends = demand.lambda_interval_ if which == 0 else demand.demand_interval_
    else:
        other = DemandFitter(0.9).fit(demand._y, demand._r, demand.lambda_)
        ends = other.lambda_interval_ if which == 0 else other.demand_interval_
    return ends
