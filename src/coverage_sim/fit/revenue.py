"""Revenue retention from a cohort ARR table (``cohort, period, arr``, optional ``alive``).

Pooled over every cohort's period-to-period transition i (ARR ``x_i`` -> ``y_i``, customers
``n_i`` -> ``m_i``):

    NRR (per period)   = sum y / sum x
    GRR (per period)   = sum m / sum n          (logo-based: needs ``alive``)
    upsell per month   = (NRR / GRR)^(1/p) - 1  (ARR growth per surviving customer; p months)

NRR and GRR are shown annualised, ``(per period)^(12/p)``. GRR is logo-based: a churned
account is assumed to carry its cohort's average ARR, and contraction of a survivor counts
against upsell (a net rate). Intervals: a nonparametric bootstrap over transitions
(percentile, seeded), which treats transitions as independent.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.fit.result import Estimate, FitSummary, OverlayKey, interval_text
from coverage_sim.fit.table import Table

BOOTSTRAP = 2000


def revenue_retention(
    summary: FitSummary, table: Table, *, period_months: float, seed: int
) -> None:
    """Add NRR (and with ``alive`` GRR and the monthly upsell rate) to ``summary``."""
    from coverage_sim.fit.retention import cohort_order

    arr = table.numbers("arr", minimum=0.0)
    alive = table.whole("alive").astype(float) if table.has("alive") else None
    _, _, ordered = cohort_order(table)
    prev_idx = [r[t - 1] for r in ordered.values() for t in range(1, len(r))]
    next_idx = [r[t] for r in ordered.values() for t in range(1, len(r))]
    if len(prev_idx) < 2:
        raise table.issue(
            None, "period", "too few rows to fit revenue retention: need 2 transitions"
        )
    x, y = arr[prev_idx], arr[next_idx]
    if x.sum() <= 0:
        raise table.issue(None, "arr", "every cohort starts with zero ARR")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(x), size=(BOOTSTRAP, len(x)))
    tail = (1 - summary.level) / 2
    per_year = 12.0 / period_months
    method = f"bootstrap over {len(x)} cohort transitions, {summary.level:.0%}"

    def interval(sample: np.ndarray) -> tuple[float, float]:
        finite = sample[np.isfinite(sample)]
        low, high = np.quantile(finite, [tail, 1 - tail])
        return float(low), float(high)

    nrr_b = x[picks].sum(1)
    nrr_b = np.divide(y[picks].sum(1), nrr_b, out=np.full(BOOTSTRAP, np.nan), where=nrr_b > 0)
    nrr = y.sum() / x.sum()
    summary.estimates.append(
        Estimate("nrr", nrr**per_year, *interval(nrr_b**per_year), "rate", method)
    )
    if alive is None:
        summary.notes.append("GRR and the upsell rate need an 'alive' column next to 'arr'.")
        return
    n, m = alive[prev_idx], alive[next_idx]
    grr = m.sum() / n.sum()
    grr_b = m[picks].sum(1) / np.maximum(n[picks].sum(1), 1e-300)
    summary.estimates.append(
        Estimate("grr", grr**per_year, *interval(grr_b**per_year), "rate", method)
    )
    upsell = (nrr / grr) ** (1 / period_months) - 1
    upsell_b = (nrr_b / grr_b) ** (1 / period_months) - 1
    low, high = interval(upsell_b)
    summary.estimates.append(Estimate("upsell_monthly", upsell, low, high, "rate", method))
    low90, high90 = np.quantile(upsell_b[np.isfinite(upsell_b)], [0.05, 0.95])
    if 0 < low90 < high90 < 1:
        summary.overlay.append(
            OverlayKey(
                ("customers", "expansion", "upsell_monthly"),
                interval_text(float(low90), float(high90), "rate"),
                f"fit retention: {table.file}, {len(x)} cohort transitions; net ARR growth per "
                f"surviving customer (NRR/GRR); bootstrap 90% interval; NRR {nrr**per_year:.1%}, "
                f"GRR {grr**per_year:.1%} a year; one rate for covered and uncovered",
            )
        )
    else:
        summary.notes.append(
            f"Upsell per surviving customer is {upsell:.2%} a month (90% {low90:.2%} to "
            f"{high90:.2%}); not written: the plan's upsell_monthly must be above 0."
        )
