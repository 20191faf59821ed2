"""``fit retention``: logo retention (sBG) from a cohort or an account table, mapped onto
the plan's renewal keys; revenue retention (GRR, NRR, upsell) when the table has ``arr``.

Inputs (docs/fit.md):
- a cohort table ``cohort, period, alive`` (optional ``arr``): each cohort's customers
  still active after ``period`` periods, from period 0; cohorts of different ages are
  right-censored at their last period;
- an account table ``account, start, end`` (``end`` empty: still a customer), cut into
  periods of ``period_months`` from each start, censored at ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coverage_sim.fit.result import Detail, Estimate, FitSummary, OverlayKey, interval_text
from coverage_sim.fit.revenue import revenue_retention
from coverage_sim.fit.sbg import Lifetimes, SBGFitter, retention, survival
from coverage_sim.fit.table import Table, read_table
from coverage_sim.scenario.customer_models import MAX_TENURE_FACTORS

_EPS = 1e-9
DRAWS = 4000  # normal-approximation draws for the mapped renewal rates


@dataclass(frozen=True)
class PlanTerms:
    """What the mapping needs from the plan: its contract term and horizon (months)."""

    contract_months: int = 12
    horizon_months: int = 60


def read_retention(
    path: Path, *, period_months: float, as_of: str | None
) -> tuple[Lifetimes, Table, dict[str, int]]:
    """The lifetimes in ``path``: a cohort table if it has a ``cohort`` column, otherwise
    an account table. Also returns the table (for ``arr``) and dropped-row counts."""
    probe = read_table(path, (), ("cohort", "account"), min_rows=0)
    if probe.has("cohort"):
        table = read_table(path, ("cohort", "period"), ("alive", "arr"), min_rows=2)
        if not table.has("alive") and not table.has("arr"):
            raise table.issue(None, None, "missing column 'alive' (or 'arr' for revenue)")
        lifetimes = (
            cohort_lifetimes(table) if table.has("alive") else Lifetimes(np.zeros(1), np.zeros(1))
        )
        return lifetimes, table, {}
    table = read_table(path, ("account", "start", "end"), min_rows=2)
    lifetimes, dropped = account_lifetimes(table, period_months=period_months, as_of=as_of)
    return lifetimes, table, dropped


def cohort_order(table: Table) -> tuple[list[str], Any, dict[str, list[int]]]:
    """Cohort names, periods, and each cohort's row indices by period; checks that every
    cohort starts at period 0, has no gap and no duplicate period."""
    cohorts = table.text("cohort")
    periods = table.whole("period")
    rows: dict[str, dict[int, int]] = {}
    for i, (cohort, period) in enumerate(zip(cohorts, periods, strict=True)):
        seen = rows.setdefault(cohort, {})
        if int(period) in seen:
            first = table.rows[seen[int(period)]]
            raise table.issue(
                i, "period", f"duplicate cohort-period ({cohort}, {period}); first on row {first}"
            )
        seen[int(period)] = i
    ordered: dict[str, list[int]] = {}
    for cohort, by_period in rows.items():
        top = max(by_period)
        for p in range(top + 1):
            if p not in by_period:
                i = by_period[min(q for q in by_period if q > p)]
                raise table.issue(i, "period", f"cohort {cohort} has no row for period {p}")
        ordered[cohort] = [by_period[p] for p in range(top + 1)]
    return list(ordered), periods, ordered


def cohort_lifetimes(table: Table) -> Lifetimes:
    """Churn and censoring counts from ``cohort, period, alive`` (survivors never grow)."""
    alive = table.whole("alive")
    _, _, ordered = cohort_order(table)
    longest = max(len(r) for r in ordered.values())
    lost = np.zeros(longest)
    kept = np.zeros(longest)
    for cohort, indices in ordered.items():
        counts = alive[indices]
        for t in range(1, len(counts)):
            if counts[t] > counts[t - 1]:
                raise table.issue(
                    indices[t],
                    "alive",
                    f"cohort {cohort}'s survivors grow from {counts[t - 1]} to {counts[t]} "
                    f"in period {t}; alive counts customers of the first period still active",
                )
            lost[t] += counts[t - 1] - counts[t]
        kept[len(counts) - 1] += counts[-1]
    if lost.sum() == 0:
        raise table.issue(None, "alive", "no customer ever churned: retention cannot be fitted")
    return Lifetimes(lost, kept)


def account_lifetimes(
    table: Table, *, period_months: float, as_of: str | None
) -> tuple[Lifetimes, dict[str, int]]:
    """Lifetimes from ``account, start, end``: an account that ended churned in period
    ceil(months/period); one still active is censored after floor(months/period)."""
    from coverage_sim.fit.table import month_number

    accounts = table.text("account")
    start = table.months("start")
    end = table.months("end", allow_empty=True)
    first: dict[str, int] = {}
    for i, account in enumerate(accounts):
        if account in first:
            raise table.issue(
                i,
                "account",
                f"duplicate account '{account}'; first on row {table.rows[first[account]]}",
            )
        first[account] = i
    bad = np.flatnonzero(end < start)
    if bad.size:
        raise table.issue(int(bad[0]), "end", "end is before start")
    cutoff = (
        float(np.nanmax(np.concatenate([start, end]))) if as_of is None else month_number(as_of)
    )
    dropped = {"started after --as-of": int(np.sum(start > cutoff))}
    keep = start <= cutoff
    ended = keep & ~np.isnan(end) & (np.nan_to_num(end, nan=np.inf) <= cutoff)
    censored = keep & ~ended
    churn_t = np.maximum(1, np.ceil((end[ended] - start[ended]) / period_months - _EPS)).astype(int)
    seen_t = np.floor((cutoff - start[censored]) / period_months + _EPS).astype(int)
    longest = int(max(churn_t.max(initial=0), seen_t.max(initial=0))) + 1
    lost = np.bincount(churn_t, minlength=longest).astype(float)
    kept = np.bincount(seen_t, minlength=longest).astype(float)
    if lost.sum() == 0:
        raise table.issue(None, "end", "no account ever ended: retention cannot be fitted")
    return Lifetimes(lost, kept), {k: v for k, v in dropped.items() if v}


def contract_renewals(
    alpha: Any, beta: Any, *, period_months: float, terms: PlanTerms
) -> tuple[Any, Any]:
    """The plan's two renewal rates implied by sBG (docs/fit.md, "retention mapping"):
    the first renewal S(m/p), and the survivor-weighted mean of later renewals
    S(k m/p) / S((k-1) m/p), k = 2..K, K = horizon / contract term."""
    step = terms.contract_months / period_months
    k = np.arange(1, max(2, terms.horizon_months // terms.contract_months) + 1, dtype=float)
    a = np.asarray(alpha, dtype=float)[..., None]
    b = np.asarray(beta, dtype=float)[..., None]
    surv = survival(a, b, np.concatenate([[0.0], k * step]))
    renew = surv[..., 1:] / surv[..., :-1]
    first = renew[..., 0]
    weights = surv[..., 1:-1]
    later = (renew[..., 1:] * weights).sum(-1) / weights.sum(-1)
    return first, later


def tenure_factors(
    alpha: float, beta: float, *, period_months: float, terms: PlanTerms
) -> list[float]:
    """``renewal.by_tenure`` from sBG: churn at contract renewal k over churn at the first,
    ``(1 - r_k) / (1 - r_1)`` with ``r_k = S(k m/p) / S((k-1) m/p)``, k = 1..K, K =
    horizon / contract term (at least 2, at most ``MAX_TENURE_FACTORS``), 4 significant
    digits. With the first renewal rate ``r_1`` as the plan's rate, renewal k of the plan
    is ``1 - f_k (1 - r_1) = r_k``: the sBG curve, renewal by renewal."""
    step = terms.contract_months / period_months
    count = min(MAX_TENURE_FACTORS, max(2, terms.horizon_months // terms.contract_months))
    surv = survival(alpha, beta, np.arange(count + 1, dtype=float) * step)
    churn = 1.0 - surv[1:] / surv[:-1]
    return [float(f"{c / churn[0]:.4g}") for c in churn]


def fit_retention(
    path: Path,
    *,
    period_months: float,
    as_of: str | None,
    level: float,
    seed: int,
    project: int,
    terms: PlanTerms,
) -> FitSummary:
    """The whole ``fit retention`` result for one export."""
    lifetimes, table, dropped = read_retention(path, period_months=period_months, as_of=as_of)
    summary = FitSummary("retention", [table.file], len(table), level, dropped=dropped)
    if lifetimes.customers > 0:
        _logo_retention(summary, lifetimes, period_months, seed, project, terms)
    if table.has("arr") and table.has("cohort"):
        revenue_retention(summary, table, period_months=period_months, seed=seed)
    return summary


def _logo_retention(
    summary: FitSummary,
    data: Lifetimes,
    period_months: float,
    seed: int,
    project: int,
    terms: PlanTerms,
) -> None:
    fitter = SBGFitter(summary.level).fit(data)
    a, b = fitter.alpha_, fitter.beta_
    summary.estimates += fitter.summary
    draws = fitter.covariance_draws(DRAWS, seed)
    first, later = contract_renewals(a, b, period_months=period_months, terms=terms)
    first_d, later_d = contract_renewals(
        draws[:, 0], draws[:, 1], period_months=period_months, terms=terms
    )
    tail = (1 - summary.level) / 2
    normal = f"normal approximation on log(alpha, beta), {summary.level:.0%}"
    names = ("first_renewal", "later_renewal")
    for name, value, sample in zip(names, (first, later), (first_d, later_d), strict=True):
        low, high = np.quantile(sample, [tail, 1 - tail])
        summary.estimates.append(
            Estimate(name, float(value), float(low), float(high), "rate", normal)
        )
    summary.details.append(_survival_table(data, a, b, project))
    fit_quality = _fit_quality(data, a, b)
    source = f"{summary.files[0]}, {data.customers:,} customers"
    model = f"sBG maximum likelihood (alpha {a:.3g}, beta {b:.3g})"
    m = terms.contract_months
    low90, high90 = np.quantile(first_d, [0.05, 0.95])
    first_rate = interval_text(float(low90), float(high90), "rate")
    for key, status in (("at_risk", "at-risk and onboarding"), ("adopted", "adopted")):
        summary.overlay.append(
            OverlayKey(
                ("customers", "renewal", key),
                first_rate,
                f"fit retention: {source}; {model}; first renewal after {m} months, for "
                f"{status} customers alike (sBG has no status; later renewals by "
                f"renewal.by_tenure); 90% interval; {fit_quality}; one rate for covered and "
                "uncovered (docs/fit.md)",
            )
        )
    factors = tenure_factors(a, b, period_months=period_months, terms=terms)
    summary.overlay.append(
        OverlayKey(
            ("customers", "renewal", "by_tenure"),
            factors,
            f"fit retention: {source}; {model}; churn at contract renewal k over churn at the "
            f"first, k = 1..{len(factors)} (the last holds for later renewals): renewal k of "
            "the plan is the sBG retention of renewal k (docs/fit.md)",
        )
    )
    if later - first > 0.02:
        summary.notes.append(
            f"Retention rises with tenure (sBG): first renewal {first:.1%}, later renewals "
            f"{later:.1%} (survivor-weighted). The overlay writes the first renewal to "
            "renewal.adopted and renewal.at_risk and the rise as renewal.by_tenure "
            f"({', '.join(f'{f:g}' for f in factors)}) (docs/fit.md)."
        )


def _fit_quality(data: Lifetimes, a: float, b: float) -> str:
    """Largest gap between fitted and observed (Kaplan-Meier) survival, in points."""
    observed = data.observed_survival()
    fitted = survival(a, b, np.arange(len(observed)))
    gap = float(np.max(np.abs(observed - fitted)))
    return f"largest survival gap {gap * 100:.1f} points over {len(observed) - 1} periods"


def _survival_table(data: Lifetimes, a: float, b: float, project: int) -> Detail:
    observed = data.observed_survival()
    risk = data.at_risk()
    periods = len(observed) - 1
    rows: list[tuple[Any, ...]] = []
    for t in range(0, periods + project + 1):
        seen = t <= periods
        rows.append(
            (
                t,
                int(risk[t]) if seen and t > 0 else (int(risk[0]) if t == 0 else None),
                int(data.lost[t]) if seen and t > 0 else None,
                float(observed[t]) if seen else None,
                float(survival(a, b, t)),
                float(retention(a, b, t)) if t > 0 else None,
                "data" if seen else "projection",
            )
        )
    return Detail(
        "survival",
        "Survival per period: observed (Kaplan-Meier) and fitted sBG, then the projection",
        ("period", "at_risk", "lost", "observed", "fitted", "retention", "kind"),
        tuple(rows),
        rates=("observed", "fitted", "retention"),
    )
