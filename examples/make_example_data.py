"""Write the example CRM exports in examples/data/ from a known truth: the medians of the
inputs of scenarios/xaas.yaml, simulated account by account with the plan's own rules
(docs/model.md): monthly land against ramped account executives with the demand ceiling,
onboarding, adoption, decay and recovery, renewal on each anniversary, upsell and
cross-sell. Every number that is not from the plan is named below as an assumption.

    python examples/make_example_data.py            # rewrites examples/data/*.csv

Seeded: the same script writes the same bytes. The fit commands should recover the truth
within their intervals (tests/fit/test_round_trip.py checks it).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "data"
PLAN = ROOT / "scenarios" / "xaas.yaml"
SEED = 2026
MONTHS = 60  # months of history in the exports
GROW_MONTHS = 48  # the sales team grows over the first 48 months, then holds
FIRST_MONTH = dt.date(2020, 1, 1)
# assumptions (not in the plan):
ACV_SIGMA = 0.5  # spread of single deal sizes (log scale); the plan only fixes their mean
COVERED_SHARE = 0.4  # share of new accounts given named post-sale coverage
AE_START, AE_END = 10, 90  # account executives: a team built from 10 to 90 over 48 months


def median(value: Any) -> float:
    """A plan input's median: a number is itself, a distribution its 50th percentile."""
    if isinstance(value, (int, float)):
        return float(value)
    return float(value.ppf(np.array([0.5]))[0])


def ends(value: Any) -> tuple[float, float]:
    """(uncovered, covered) medians of a coverage pair (a single value: both the same)."""
    if hasattr(value, "uncovered"):
        return median(value.uncovered), median(value.covered)
    return median(value), median(value)


def truth() -> dict[str, Any]:
    """The generating inputs, from the plan."""
    sys.path.insert(0, str(ROOT / "src"))
    from coverage_sim.scenario import load_scenario

    plan = load_scenario(PLAN)
    c = plan.customers
    ae = plan.roles["account_executive"]
    demand = plan.market.demand
    assert demand is not None
    return {
        "land_acv": median(c.land_acv),
        "new_logos_per_month": median(ae.new_logos_per_month),
        "ramp_months": median(ae.ramp_months),
        "demand": median(demand.new_logos_per_month),
        "sales_cycle": demand.sales_cycle_months,
        "onboarding_months": median(c.onboarding_months),
        "adoption": ends(c.adoption.rate),
        "decay": ends(c.adoption.decay),
        "recovery": ends(c.adoption.recovery),
        "renew_adopted": ends(c.renewal.adopted),
        "renew_at_risk": ends(c.renewal.at_risk),
        "downsell": median(c.renewal.downsell),
        "upsell": ends(c.expansion.upsell_monthly),
        "cross_sell": ends(c.expansion.cross_sell_per_year),
        "cross_sell_size": median(c.expansion.cross_sell_size),
        "contract_months": plan.company.contract_months,
        "starting_customers": plan.company.starting_customers,
        "starting_arr": median(plan.company.starting_arr),
        "starting_adopted_share": median(plan.company.starting_adopted_share),
    }


def month_text(m: int, day: int = 1) -> str:
    year, month = divmod(FIRST_MONTH.month - 1 + m, 12)
    return dt.date(FIRST_MONTH.year + year, month + 1, day).isoformat()


def simulate(t: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Heads, landed accounts and each account's monthly path."""
    months = np.arange(MONTHS)
    heads = np.round(AE_START + (AE_END - AE_START) * np.minimum(months, GROW_MONTHS) / GROW_MONTHS)
    hired = np.concatenate([[heads[0]], np.diff(heads)])
    ramped = np.array(
        [
            sum(
                h * min(1.0, (m - s) / t["ramp_months"]) if s > 0 else h
                for s, h in enumerate(hired[: m + 1])
            )
            for m in months
        ]
    )
    lag = t["sales_cycle"]
    capacity = (
        np.concatenate([np.full(lag, ramped[0]), ramped[: MONTHS - lag]]) * t["new_logos_per_month"]
    )
    mean_logos = t["demand"] * -np.expm1(-capacity / t["demand"])
    logos = rng.poisson(mean_logos)
    new = np.repeat(months, logos)
    mu = np.log(t["land_acv"]) - ACV_SIGMA**2 / 2  # lognormal with the plan's mean ACV
    new_acv = np.round(np.exp(rng.normal(mu, ACV_SIGMA, len(new))), -2)
    # the installed base at month 0 (plan: starting customers, ARR, adopted share), landed
    # 1 to 48 months before the exports start; only accounts.csv sees it (its early history
    # is not in the exports, so the cohort and subscription tables leave it out)
    base = t["starting_customers"]
    base_land = -(1 + np.arange(base) % 48)
    mean_arr = t["starting_arr"] / base
    base_arr = np.round(
        np.exp(rng.normal(np.log(mean_arr) - ACV_SIGMA**2 / 2, ACV_SIGMA, base)), -2
    )
    initial = np.concatenate(
        [np.full(len(new), -1), np.where(rng.random(base) < t["starting_adopted_share"], 1, 2)]
    )
    land_month = np.concatenate([new, base_land])
    acv = np.concatenate([new_acv, base_arr])
    covered = rng.random(len(land_month)) < COVERED_SHARE
    return {
        "heads": heads,
        "ramped": ramped,
        "land_month": land_month,
        "acv": acv,
        "covered": covered,
        "new": len(new),
        "paths": lifecycle(t, land_month, acv, covered, initial, rng),
    }


def lifecycle(
    t: dict[str, Any], land: Any, acv: Any, covered: Any, initial: Any, rng: Any
) -> dict[str, Any]:
    """Month by month, the plan's order: renew, adopt, expand. Status 0 onboarding,
    1 adopted, 2 at risk, 3 churned."""
    n = len(land)
    k = covered.astype(int)

    def pick(pair: tuple[float, float]) -> Any:
        return np.where(k == 1, pair[1], pair[0])

    status = initial.copy()
    arr = acv.astype(float).copy()
    log: dict[str, Any] = {
        name: np.full((n, MONTHS), np.nan)
        for name in ("status", "arr", "upsell", "cross", "renewed", "status_at_renewal")
    }
    end = np.full(n, -1)
    for m in range(MONTHS):
        status[land == m] = 0
        live = (status >= 0) & (status < 3)
        due = live & (m > land) & ((m - land) % t["contract_months"] == 0)
        p = np.where(status == 1, pick(t["renew_adopted"]), pick(t["renew_at_risk"]))
        kept = rng.random(n) < p
        log["status_at_renewal"][due, m] = status[due]
        log["renewed"][due, m] = kept[due]
        churn = due & ~kept
        status[churn], end[churn] = 3, m
        arr[due & kept & (status != 1)] *= 1 - t["downsell"]
        u = rng.random(n)
        onboarding = live & (status == 0) & (m > land)
        resolve = onboarding & (u < 1 / t["onboarding_months"])
        adopt = rng.random(n) < pick(t["adoption"])
        decay = (status == 1) & (rng.random(n) < pick(t["decay"]))
        recover = (status == 2) & (rng.random(n) < pick(t["recovery"]))
        status[resolve] = np.where(adopt[resolve], 1, 2)
        status[decay & live], status[recover & live] = 2, 1
        adopted = status == 1
        upsell = np.where(adopted, arr * pick(t["upsell"]), 0.0)
        cross = adopted & (rng.random(n) < pick(t["cross_sell"]) / 12)
        arr += upsell + np.where(cross, arr * t["cross_sell_size"], 0.0)
        log["upsell"][:, m], log["cross"][:, m] = upsell, cross
        log["status"][:, m], log["arr"][:, m] = status, np.where(status < 3, arr, 0.0)
    log["end"] = end
    return log


def write(name: str, header: list[str], rows: list[list[Any]]) -> None:
    with open(OUT / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def exports(t: dict[str, Any], sim: dict[str, Any], rng: Any) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    land, acv, covered, paths = sim["land_month"], sim["acv"], sim["covered"], sim["paths"]
    n = sim["new"]  # accounts landed in the exports' window come first
    write(
        "heads.csv",
        ["month", "role", "heads", "ramped_heads"],
        [
            [month_text(m)[:7], "account_executive", int(h), round(float(r), 2)]
            for m, (h, r) in enumerate(zip(sim["heads"], sim["ramped"], strict=True))
        ],
    )
    owners = rng.integers(1, AE_END + 1, n)
    days = rng.integers(1, 29, n)
    segment = np.where(acv >= 120_000, "enterprise", "mid-market")
    write(
        "deals.csv",
        ["close_date", "owner", "acv", "segment"],
        [
            [month_text(int(land[i]), int(days[i])), f"ae-{owners[i]:02d}", int(acv[i]), segment[i]]
            for i in range(n)
        ],
    )
    write(
        "subscriptions.csv",
        ["account", "start", "end"],
        [
            [
                f"A{i:05d}",
                month_text(int(land[i]), int(days[i])),
                month_text(int(paths["end"][i]), int(days[i])) if paths["end"][i] >= 0 else "",
            ]
            for i in range(n)
        ],
    )
    cohort_rows = []
    contract = t["contract_months"]
    for year in range(MONTHS // 12):
        members = (land[:n] // 12) == year
        for period in range((MONTHS - 12 * year - 12) // contract + 1):
            at = np.minimum(land[:n][members] + period * contract, MONTHS - 1)
            status = paths["status"][:n][members, at]
            arr = paths["arr"][:n][members, at]
            cohort_rows.append(
                [
                    month_text(12 * year)[:4],
                    period,
                    int((status < 3).sum()),
                    round(float(arr.sum())),
                ]
            )
    write("cohorts.csv", ["cohort", "period", "alive", "arr"], cohort_rows)
    rows = []
    for i in range(len(land)):
        first = max(0, -(int(land[i]) // contract))  # the first contract year inside the window
        for period in range(first, first + MONTHS // contract):
            start = int(land[i]) + period * contract
            stop = start + contract
            if stop > MONTHS or paths["status"][i, start] == 3:
                break
            renewed = paths["renewed"][i, stop] if stop < MONTHS else np.nan
            status = (
                paths["status_at_renewal"][i, stop]
                if stop < MONTHS
                else paths["status"][i, stop - 1]
            )
            rows.append(
                [
                    f"A{i:05d}",
                    period + 1,
                    "yes" if covered[i] else "no",
                    round(float(paths["arr"][i, start])),
                    period * contract,
                    segment[i],
                    "" if np.isnan(renewed) else ("yes" if renewed else "no"),
                    "yes" if status == 1 else "no",
                    round(float(np.nansum(paths["upsell"][i, start:stop]))),
                    "yes" if np.nansum(paths["cross"][i, start:stop]) > 0 else "no",
                ]
            )
    write(
        "accounts.csv",
        [
            "account",
            "period",
            "covered",
            "acv",
            "tenure",
            "segment",
            "renewed",
            "adopted",
            "upsell_arr",
            "cross_sell",
        ],
        rows,
    )


def main() -> None:
    t = truth()
    rng = np.random.default_rng(SEED)
    sim = simulate(t, rng)
    exports(t, sim, rng)
    print(
        f"wrote {OUT}: {len(sim['land_month'])} accounts; truth: "
        + ", ".join(f"{k}={v}" for k, v in t.items())
    )


if __name__ == "__main__":
    main()
