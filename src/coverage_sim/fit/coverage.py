"""``fit coverage ACCOUNTS``: covered vs uncovered rates from account-period data.

One row per account and period: ``account, period, covered, acv, tenure`` (``covered`` is
yes/no or a coverage level 0-1; ``tenure`` in months), optional ``segment``, and outcomes:
``renewed`` (yes/no when a renewal was due, else empty), ``adopted`` (yes/no),
``upsell_arr`` (ARR added by upsell in the period) and ``cross_sell`` (yes/no).

Mapping onto the plan (docs/fit.md): ``renewed`` -> ``customers.renewal.adopted`` (rows
with ``adopted`` yes) and ``.at_risk`` (no); ``adopted`` -> ``customers.adoption.rate``;
``upsell_arr`` -> ``customers.expansion.upsell_monthly``; ``cross_sell`` ->
``customers.expansion.cross_sell_per_year``. Each is written as a pair whose two ends are
the 90% intervals of the adjusted estimate, so the simulation carries the uncertainty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from coverage_sim.fit.response import Contrast, ResponseFitter, covariate_matrix
from coverage_sim.fit.result import Detail, Estimate, FitSummary, OverlayKey, interval_text
from coverage_sim.fit.table import Table, read_table

OUTCOMES = ("renewed", "adopted", "upsell_arr", "cross_sell")
MIN_ROWS = 30  # per outcome, and at least 5 in each coverage group
WARNING = (
    "Observational data: these are associations, not causal effects. Covered accounts are "
    "usually chosen because they are large, strategic or at risk; the adjusted estimate "
    "removes differences in ACV, tenure and segment only. Treat the covered-uncovered gap as "
    "an input to test (sensitivity, may_harm), not a measured effect of coverage."
)


def read_accounts(path: Path) -> Table:
    table = read_table(
        path,
        ("account", "period", "covered", "acv", "tenure"),
        ("segment", *OUTCOMES),
        min_rows=MIN_ROWS,
    )
    if not any(table.has(o) for o in OUTCOMES):
        raise table.issue(None, None, "no outcome column: expected one of " + ", ".join(OUTCOMES))
    seen: dict[tuple[str, str], int] = {}
    for i, key in enumerate(zip(table.text("account"), table.text("period"), strict=True)):
        if key in seen:
            raise table.issue(
                i,
                "period",
                f"duplicate account-period ({key[0]}, {key[1]}); first on row "
                f"{table.rows[seen[key]]}",
            )
        seen[key] = i
    return table


def _coverage_level(table: Table) -> Any:
    def parse(cell: str) -> float:
        word = cell.strip().lower()
        if word in {"yes", "y", "true", "t"}:
            return 1.0
        if word in {"no", "n", "false", "f"}:
            return 0.0
        value = float(word.rstrip("%")) / (100.0 if word.endswith("%") else 1.0)
        if not 0.0 <= value <= 1.0:
            raise ValueError(cell)
        return value

    return np.asarray(table._typed("covered", parse, "yes/no or a level from 0 to 1"))


def fit_coverage(path: Path, *, period_months: float, level: float) -> FitSummary:
    """The whole ``fit coverage`` result."""
    table = read_accounts(path)
    coverage = _coverage_level(table)
    acv = table.numbers("acv", minimum=0.0)
    tenure = table.numbers("tenure", minimum=0.0)
    segments = table.text("segment", required=False) if table.has("segment") else None
    covariates = covariate_matrix(acv, tenure, segments)
    summary = FitSummary("coverage", [table.file], len(table), level, dropped={})
    summary.notes.append(WARNING)
    rows: list[tuple[Any, ...]] = []
    adopted = table.flags("adopted", allow_empty=True) if table.has("adopted") else None

    def run(
        name: str, kind: str, y: Any, mask: Any, exposure: Any | None = None
    ) -> Contrast | None:
        c = coverage[mask]
        if mask.sum() < MIN_ROWS or (c >= 0.5).sum() < 5 or (c < 0.5).sum() < 5:
            summary.notes.append(
                f"{name}: {int(mask.sum())} rows ({int((c >= 0.5).sum())} covered); at least "
                f"{MIN_ROWS}, and 5 covered and 5 uncovered, are needed: not fitted."
            )
            return None
        outcome = y[mask]
        if np.all(outcome == outcome[0]) or (
            kind == "probability" and (outcome[c >= 0.5].std() == 0 and outcome[c < 0.5].std() == 0)
        ):
            summary.notes.append(
                f"{name}: the outcome does not vary within the coverage groups (e.g. every "
                "account renewed): no rate can be fitted; not fitted."
            )
            return None
        fitter = ResponseFitter(kind, level)
        ex = None if exposure is None else exposure[mask]
        sub = covariates[mask]
        sub = sub[:, sub.std(axis=0) > 0]  # a covariate constant in these rows drops out
        results = [
            fitter.fit(y[mask], c, None, exposure=ex, model="raw"),
            fitter.fit(y[mask], c, sub, exposure=ex, model="adjusted"),
        ]
        for r in results:
            rows.append((name, r.model, r.rows, *r.uncovered, *r.covered, *r.difference))
        adjusted = results[1]
        unit = "rate"
        method = (
            f"GLM {'logit' if kind == 'probability' else 'log (quasi-Poisson)'} on ACV, "
            f"tenure, segment; delta method, {level:.0%}"
        )
        summary.estimates += [
            Estimate(f"{name}.uncovered", *adjusted.uncovered, unit, method),
            Estimate(f"{name}.covered", *adjusted.covered, unit, method),
        ]
        if level != 0.9:
            adjusted = ResponseFitter(kind, 0.9).fit(y[mask], c, sub, exposure=ex, model="adjusted")
        return adjusted

    if table.has("renewed"):
        renewed = table.flags("renewed", allow_empty=True)
        due = ~np.isnan(renewed)
        splits = [
            ("renewal.adopted", due & (adopted == 1)),
            ("renewal.at_risk", due & (adopted == 0)),
        ]
        if adopted is None or any(m.sum() < MIN_ROWS for _, m in splits):
            splits = [("renewal", due)]
        for name, mask in splits:
            result = run(name, "probability", np.nan_to_num(renewed), mask)
            targets = [name] if name != "renewal" else ["renewal.adopted", "renewal.at_risk"]
            for target in targets:
                _pair(summary, target, result, int(mask.sum()), "rate")
    if adopted is not None:
        mask = ~np.isnan(adopted)
        first = mask & (tenure < period_months)
        if first.sum() >= MIN_ROWS:
            mask = first
            summary.notes.append(
                "adoption.rate: from accounts in their first period (tenure below "
                f"{period_months:g} months), adopted at the period's end; decay and recovery "
                "during the period are in it (docs/fit.md)."
            )
        _pair(
            summary,
            "adoption.rate",
            run("adoption.rate", "probability", np.nan_to_num(adopted), mask),
            int(mask.sum()),
            "rate",
        )
    # the plan expands adopted accounts only: with an adopted column, fit on those rows
    # and past their first period (onboarding customers do not expand in the plan)
    on_adopted = np.ones(len(table), dtype=bool) if adopted is None else adopted == 1
    if (on_adopted & (tenure >= period_months)).sum() >= MIN_ROWS:
        on_adopted &= tenure >= period_months
    if table.has("upsell_arr"):
        upsell = table.numbers("upsell_arr", minimum=0.0, allow_empty=True)
        mask = ~np.isnan(upsell) & (acv > 0) & on_adopted
        dropped = int((~np.isnan(upsell) & (acv <= 0)).sum())
        if dropped:
            summary.dropped["upsell rows with ACV 0 (no base to grow)"] = dropped
        exposure = acv * period_months
        result = run("expansion.upsell_monthly", "rate", np.nan_to_num(upsell), mask, exposure)
        _pair(summary, "expansion.upsell_monthly", result, int(mask.sum()), "rate")
    if table.has("cross_sell"):
        cross = table.flags("cross_sell", allow_empty=True)
        mask = ~np.isnan(cross) & on_adopted
        result = run("expansion.cross_sell", "probability", np.nan_to_num(cross), mask)
        _pair(
            summary,
            "expansion.cross_sell_per_year",
            _per_year(result, period_months),
            int(mask.sum()),
            "count",
        )
    summary.details.append(
        Detail(
            "coverage_response",
            f"Covered vs uncovered, raw and adjusted ({level:.0%} intervals)",
            (
                "outcome",
                "model",
                "rows",
                "uncovered",
                "low",
                "high",
                "covered",
                "low",
                "high",
                "difference",
                "low",
                "high",
            ),
            tuple(rows),
            rates=("uncovered", "covered", "low", "high", "difference"),
        )
    )
    return summary


def _per_year(result: Contrast | None, period_months: float) -> Contrast | None:
    """Cross-sell probability per period -> events per year, -ln(1 - p) * 12 / months."""
    if result is None:
        return None

    def convert(ends: tuple[float, float, float]) -> tuple[float, float, float]:
        v = -np.log1p(-np.minimum(np.asarray(ends), 1 - 1e-12)) * 12.0 / period_months
        return float(v[0]), float(v[1]), float(v[2])

    return Contrast(
        result.model,
        convert(result.uncovered),
        convert(result.covered),
        result.difference,
        result.rows,
        result.dispersion,
    )


def _pair(summary: FitSummary, name: str, result: Contrast | None, rows: int, unit: str) -> None:
    if result is None:
        return
    (_, ul, uh), (_, cl, ch) = result.uncovered, result.covered
    top = 1.0 if unit == "rate" else 100.0  # a rate below 1; a frequency's format limit
    if not (0 < ul < uh < top and 0 < cl < ch < top):
        summary.notes.append(
            f"{name}: the fitted intervals ({ul:.3g} to {uh:.3g} uncovered, {cl:.3g} to "
            f"{ch:.3g} covered) are not inside (0, {top:g}); not written to the overlay."
        )
        return
    _, dl, dh = result.difference
    harm = name == "adoption.decay"
    may_harm = bool(dl < 0) if not harm else bool(dh > 0)
    value = {
        "uncovered": interval_text(ul, uh, unit),
        "covered": interval_text(cl, ch, unit),
        "may_harm": may_harm,
    }
    harm_text = "true: the data cannot exclude harm" if may_harm else "false"
    summary.overlay.append(
        OverlayKey(
            ("customers", *name.split(".")),
            value,
            f"fit coverage: {summary.files[0]}, {rows:,} rows; GLM adjusted for ACV, tenure, "
            f"segment, standardised; each end its 90% interval; difference "
            f"{dl:+.3g} to {dh:+.3g}; Pearson dispersion {result.dispersion:.2f}; "
            f"may_harm {harm_text}; "
            "association, not a causal effect",
        )
    )
