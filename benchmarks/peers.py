"""The same model as one per-trial Python function, against the engine, on one scenario.

A Monte Carlo library that runs a user's function once per case (monaco, squigglepy's
``sample`` of a function, a hand-written loop) evaluates the model trial by trial: the
function below is that form, written plainly as such a user would, with the same state
and motions as the engine (MODEL.md §3): heads per role by tenure, budget-driven hiring
and monthly attrition; customers by status (onboarding, adopted, at risk) x renewal slot;
renew, adopt, expand, land each month (land capacity of ``sales_cycle_months`` ago against
market demand); revenue, spend with commissions, marketing, NPV (a scenario with a runoff
terminal value is refused: the function has none). Per-trial
inputs are the compiled scenario's own draws; process noise comes from numpy's Generator,
one ``binomial`` / ``poisson`` call per cell. Then the engine simulates the same file
(one core, in this process, its compiled kernels loaded from numba's cache by a small
warm-up run first). The two are timed alternately, best of ``--repeats`` each, and both
rates are printed in trial-months per second with their ratio, and the p50 ending ARR of
each as a check that they run the same model (they differ by Monte Carlo error: the noise
streams are not the same).

    .venv/bin/python benchmarks/peers.py [--scenario scenarios/xaas.yaml]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from coverage_sim.compiled import CompiledScenario, CoverageResponse
from coverage_sim.engine import simulate
from coverage_sim.scenario import compile_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def rate(response: CoverageResponse, i: int, c: float) -> float:
    low, gap = response.uncovered[i], response.covered[i] - response.uncovered[i]
    if response.shape == "hill" and response.half_saturation is not None:
        h = response.half_saturation[i]
        return low + gap * (c * (1 + h) / (c + h) if c + h > 0 else 0.0)
    return low + gap * c


def coverage(capacity: float, accounts: float) -> float:
    if accounts <= 0:
        return 0.0 if capacity <= 0 else 1.0
    return min(capacity / accounts, 1.0)


def capacity(
    sc: CompiledScenario, i: int, motion: str, ramped: list[float], per_head: str
) -> list[float]:
    """Each role's capacity for one motion: weight x ramped heads x per-head capacity."""
    return [
        r.motions.get(motion, 0.0) * ramped[j] * getattr(r, per_head)[i]
        for j, r in enumerate(sc.roles)
    ]


def one_trial(sc: CompiledScenario, i: int, rng: np.random.Generator) -> tuple[float, float]:
    """One trial of the model, month by month: its ending ARR and NPV."""
    co, cu, horizon = sc.company, sc.customers, sc.horizon_months
    k = max(co.contract_months, 1)
    start = co.starting_customers
    adopted_total = round(start * min(max(co.starting_adopted_share[i], 0.0), 1.0))
    counts = [[0] * k for _ in range(3)]  # onboarding, adopted, at risk x renewal slot
    for s in range(k):
        counts[1][s] = adopted_total // k + (s < adopted_total % k)
        counts[2][s] = start // k + (s < start % k) - counts[1][s]
    each = co.starting_arr[i] / start if start else 0.0
    arr = [[n * each for n in row] for row in counts]
    ever_landed = float(start)
    revenue = co.starting_arr[i] / 12.0

    roles = []
    for r in sc.roles:
        ramp = max(r.ramp_months[i], 0.0)
        bins = min(math.ceil(ramp), horizon)
        productivity = [
            (m - 0.5) / ramp if m <= ramp else (ramp**2 - (m - 1) ** 2) / (2 * ramp) + (m - ramp)
            for m in range(1, bins + 1)
        ]
        roles.append(
            {
                "role": r,
                "bins": bins,
                "productivity": productivity,
                "ramping": [0] * bins,
                "hazard": 1 - (1 - min(max(r.attrition[i], 0.0), 1.0)) ** (1 / 12),
                "productive": 0,
            }
        )

    def monthly_budget(month: int, last_revenue: float) -> float:
        b = sc.budget
        if b.annual is not None:
            return b.annual[i] * (1 + b.growth[i]) ** (max(month - 1, 0) // 12) / 12
        assert b.percent_of_revenue is not None
        value = b.percent_of_revenue[i] * last_revenue
        if b.floor is not None:
            value = max(value, b.floor[i] / 12)
        if b.cap is not None:
            value = min(value, b.cap[i] / 12)
        return value

    def target(role_index: int, budget: float, month: int) -> int:
        r = sc.roles[role_index]
        if r.headcount is not None:
            return r.headcount
        names = sc.allocation.role_names
        if r.name not in names:
            return 0
        share = sc.allocation.shares[min(month, len(sc.allocation.shares) - 1)][names.index(r.name)]
        cost = r.loaded_cost[i] / 12
        return math.floor(budget * share / cost * (1 + 1e-12) + 1e-9) if cost > 0 else 0

    budget0 = monthly_budget(0, revenue)
    for j, w in enumerate(roles):
        fixed = w["role"].starting_heads
        w["productive"] = fixed if fixed is not None else target(j, budget0, 0)

    demand = sc.market.demand
    lag = 0 if demand is None else demand.sales_cycle_months
    starting_ramped = [float(w["productive"]) for w in roles]
    land_history = [capacity(sc, i, "land", starting_ramped, "new_logos_per_month")] * (lag + 1)

    npv = 0.0
    for month in range(1, horizon + 1):
        budget = monthly_budget(month, revenue)
        heads, ramped = [], []
        for j, w in enumerate(roles):
            r, ramping, bins = w["role"], w["ramping"], w["bins"]
            if bins:  # everyone ages one month; the last ramping month joins the pool
                w["productive"] += ramping[-1]
                ramping[1:] = ramping[:-1]
                ramping[0] = 0
            w["productive"] -= rng.binomial(w["productive"], w["hazard"])
            for b in range(bins):
                ramping[b] -= rng.binomial(ramping[b], w["hazard"])
            now = w["productive"] + sum(ramping)
            goal = target(j, budget, month)
            hires = max(goal - now, 0)
            if r.max_hires_per_month is not None:
                hires = min(hires, r.max_hires_per_month)
            if bins:
                ramping[0] += hires
            else:
                w["productive"] += hires
            if r.reduce == "immediate" and now > goal:
                excess = now - goal
                for b in range(bins):
                    cut = min(excess, ramping[b])
                    ramping[b] -= cut
                    excess -= cut
                w["productive"] -= min(excess, w["productive"])
            heads.append(w["productive"] + sum(ramping))
            ramped.append(
                w["productive"]
                + sum(n * p for n, p in zip(ramping, w["productivity"], strict=True))
            )

        land_history = [*land_history[1:], capacity(sc, i, "land", ramped, "new_logos_per_month")]
        land_cap = land_history[0]  # the capacity that built this month's pipeline
        cap = {
            m: capacity(sc, i, m, ramped, "accounts_per_head") for m in ("adopt", "expand", "renew")
        }
        active = sum(sum(row) for row in counts)
        adopted = sum(counts[1])
        c_adopt = coverage(sum(cap["adopt"]), active)
        c_renew = coverage(sum(cap["renew"]), active)
        c_expand = coverage(sum(cap["expand"]), adopted)

        # renew: the due slot's customers stay with probability p, at-risk ones downsell
        due = month % k
        renewed_arr = churned_arr = 0.0
        p_keep = [
            rate(cu.renewal_at_risk, i, c_renew),
            rate(cu.renewal_adopted, i, c_renew),
            rate(cu.renewal_at_risk, i, c_renew),
        ]
        for st in range(3):
            n = counts[st][due]
            kept = rng.binomial(n, min(max(p_keep[st], 0.0), 1.0))
            kept_arr = arr[st][due] * (kept / n if n else 0.0)
            churned_arr += arr[st][due] - kept_arr
            if st != 1:
                kept_arr *= 1 - cu.downsell[i]
            arr[st][due] = kept_arr
            renewed_arr += kept_arr
            counts[st][due] = kept

        # adopt: onboarding resolves (to adopted or at risk), adopted decay, at risk recover
        resolve = min(max(1 / max(cu.onboarding_months[i], 1e-9), 0.0), 1.0)
        p_adopt = min(max(rate(cu.adoption_rate, i, c_adopt), 0.0), 1.0)
        p_decay = min(max(rate(cu.adoption_decay, i, c_adopt), 0.0), 1.0)
        p_recover = min(max(rate(cu.adoption_recovery, i, c_adopt), 0.0), 1.0)
        for s in range(k):
            n0, n1, n2 = counts[0][s], counts[1][s], counts[2][s]
            resolved = rng.binomial(n0, resolve)
            to_adopted = rng.binomial(resolved, p_adopt)
            decayed = rng.binomial(n1, p_decay)
            recovered = rng.binomial(n2, p_recover)
            resolved_arr = arr[0][s] * (resolved / n0 if n0 else 0.0)
            to_adopted_arr = resolved_arr * (to_adopted / resolved if resolved else 0.0)
            decayed_arr = arr[1][s] * (decayed / n1 if n1 else 0.0)
            recovered_arr = arr[2][s] * (recovered / n2 if n2 else 0.0)
            counts[0][s] -= resolved
            counts[1][s] += to_adopted - decayed + recovered
            counts[2][s] += resolved - to_adopted + decayed - recovered
            arr[0][s] -= resolved_arr
            arr[1][s] += to_adopted_arr - decayed_arr + recovered_arr
            arr[2][s] += resolved_arr - to_adopted_arr + decayed_arr - recovered_arr

        # expand: upsell and cross-sell events on the adopted book
        adopted = sum(counts[1])
        events = rng.poisson(max(adopted * rate(cu.cross_sell_per_year, i, c_expand) / 12, 0))
        growth = rate(cu.upsell_monthly, i, c_expand) + (
            events / adopted * cu.cross_sell_size[i] if adopted else 0.0
        )
        expansion = 0.0
        for s in range(k):
            added = arr[1][s] * growth
            arr[1][s] += added
            expansion += added

        # land: capacity x market saturation + referrals
        saturation = max(1 - ever_landed / sc.market.addressable_accounts[i], 0.0)
        sellers = sum(land_cap)
        marketing = 0.0
        if demand is not None:  # at most D_t logos a month, reached with diminishing returns
            step = (1 + demand.growth[i]) ** (max(month - 1, 0) // 12)
            most = demand.new_logos_per_month[i] * step
            x = sellers / most if most > 0 else 0.0
            sellers = most * (-math.expm1(-x) if demand.shape == "exp" else min(x, 1.0))
            marketing = demand.cost_annual[i] * step / 12
        land_rate = sellers * saturation + cu.referrals_per_year[i] / 12 * adopted
        new_logos = rng.poisson(max(land_rate, 0.0))
        slot = month % k
        counts[0][slot] += new_logos
        arr[0][slot] += new_logos * cu.land_acv[i]
        ever_landed += new_logos

        # money: salaries and commissions by capacity share, revenue, discounted contribution
        total_arr = sum(sum(row) for row in arr)
        revenue = total_arr / 12 + cu.onboarding_fee[i] * new_logos
        spend = 0.0
        shares = {
            "land": land_cap,
            "expand": cap["expand"],
            "renew": cap["renew"],
        }
        totals = {m: sum(v) for m, v in shares.items()}
        for j, w in enumerate(roles):
            r = w["role"]
            share = {m: (shares[m][j] / totals[m] if totals[m] > 0 else 0.0) for m in shares}
            spend += heads[j] * r.loaded_cost[i] / 12
            spend += r.commission_new[i] * new_logos * cu.land_acv[i] * share["land"]
            spend += r.commission_expansion[i] * expansion * share["expand"]
            spend += r.commission_renewal[i] * renewed_arr * share["renew"]
        contribution = (
            revenue * co.gross_margin[i] - spend - marketing - co.other_opex_pct[i] * revenue
        )
        npv += contribution * (1 + co.discount_rate[i]) ** (-month / 12)
    terminal = sc.valuation.arr_multiple[i] * total_arr
    return total_arr, npv + terminal * (1 + co.discount_rate[i]) ** (-horizon / 12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "xaas.yaml")
    parser.add_argument("--peer-trials", type=int, default=300)
    parser.add_argument("--trials", type=int, default=10_000, help="trials for the engine")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many, each")
    args = parser.parse_args(argv)

    def compiled(trials: int) -> CompiledScenario:
        return compile_scenario(
            load_scenario(args.scenario), trials=trials, seed=args.seed, horizon_months=args.months
        )

    peer_scenario = compiled(args.peer_trials)
    if peer_scenario.valuation.terminal == "runoff":
        parser.error("the per-trial function has no runoff terminal value")
    peer_time, engine_time = float("inf"), float("inf")
    scenario = compiled(args.trials)
    simulate(compiled(1000), args.seed)  # load the compiled kernels first (cached)
    for _ in range(args.repeats):  # alternating, so that both see the same load
        rng = np.random.default_rng(args.seed)
        start = time.perf_counter()
        peer = [one_trial(peer_scenario, i, rng) for i in range(args.peer_trials)]
        peer_time = min(peer_time, time.perf_counter() - start)
        start = time.perf_counter()
        outcome = simulate(scenario, args.seed)
        engine_time = min(engine_time, time.perf_counter() - start)

    peer_rate = args.peer_trials * args.months / peer_time
    engine_rate = args.trials * args.months / engine_time
    print(
        f"numpy {np.__version__}, python {sys.version.split()[0]}, {args.scenario.name}, "
        f"best of {args.repeats}"
    )
    print(
        f"per-trial function: {args.peer_trials} trials x {args.months} months in "
        f"{peer_time:.2f} s = {peer_rate:,.0f} trial-months/s "
        f"(p50 ending ARR ${np.median([a for a, _ in peer]) / 1e6:,.1f}M)"
    )
    print(
        f"engine (one core):  {args.trials} trials x {args.months} months in "
        f"{engine_time:.2f} s = {engine_rate:,.0f} trial-months/s "
        f"(p50 ending ARR ${np.median(outcome.metrics['ending_arr']) / 1e6:,.1f}M)"
    )
    print(f"engine/peer ratio: {engine_rate / peer_rate:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
