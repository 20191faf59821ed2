"""Hand-built CompiledScenario objects for engine tests (no scenario loader involved)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

import numpy as np

from coverage_sim.compiled import (
    Allocation,
    Budget,
    Company,
    CompiledScenario,
    CoverageResponse,
    Customers,
    FloatArray,
    Market,
    Role,
    Valuation,
)


def per_trial(value: float | FloatArray, trials: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (trials,)).copy()


def response(uncovered: float, covered: float | None, trials: int) -> CoverageResponse:
    covered = uncovered if covered is None else covered
    return CoverageResponse(per_trial(uncovered, trials), per_trial(covered, trials))


def role(
    name: str,
    motions: dict[str, float],
    trials: int,
    *,
    loaded_cost: float = 150_000,
    ramp_months: float | FloatArray = 0,
    attrition: float = 0.0,
    new_logos_per_month: float = 0.0,
    accounts_per_head: float = 0.0,
    commission_new: float = 0.0,
    commission_expansion: float = 0.0,
    commission_renewal: float = 0.0,
    **fixed: Any,
) -> Role:
    return Role(
        name=name,
        motions=motions,
        loaded_cost=per_trial(loaded_cost, trials),
        ramp_months=per_trial(ramp_months, trials),
        attrition=per_trial(attrition, trials),
        new_logos_per_month=per_trial(new_logos_per_month, trials),
        accounts_per_head=per_trial(accounts_per_head, trials),
        commission_new=per_trial(commission_new, trials),
        commission_expansion=per_trial(commission_expansion, trials),
        commission_renewal=per_trial(commission_renewal, trials),
        **fixed,
    )


def quiet_customers(trials: int, **changes: Any) -> Customers:
    """Customers that do nothing: certain renewal, no transitions, no expansion, no referrals."""
    base = Customers(
        land_acv=per_trial(100_000, trials),
        onboarding_months=per_trial(3, trials),
        onboarding_fee=per_trial(0, trials),
        adoption_rate=response(1.0, None, trials),
        adoption_decay=response(0.0, None, trials),
        adoption_recovery=response(0.0, None, trials),
        renewal_adopted=response(1.0, None, trials),
        renewal_at_risk=response(1.0, None, trials),
        downsell=per_trial(0.0, trials),
        upsell_monthly=response(0.0, None, trials),
        cross_sell_per_year=response(0.0, None, trials),
        cross_sell_size=per_trial(0.0, trials),
        referrals_per_year=per_trial(0.0, trials),
    )
    return replace(base, **changes)


def scenario(
    trials: int,
    horizon: int,
    roles: tuple[Role, ...],
    shares: dict[str, float] | None = None,
    *,
    customers: Customers | None = None,
    starting_customers: int = 120,
    starting_arr: float = 12_000_000,
    starting_adopted_share: float = 1.0,
    annual_budget: float = 3_000_000,
    growth: float = 0.0,
    addressable_accounts: float = 1e12,
    gross_margin: float = 0.75,
    discount_rate: float = 0.10,
    contract_months: int = 12,
    arr_multiple: float = 0.0,
    name: str = "test",
) -> CompiledScenario:
    names = tuple(r.name for r in roles)
    shares = shares or {names[0]: 1.0}
    row = np.array([shares.get(n, 0.0) for n in names])
    return CompiledScenario(
        name=name,
        description="",
        horizon_months=horizon,
        trials=trials,
        company=Company(
            starting_customers=starting_customers,
            starting_arr=per_trial(starting_arr, trials),
            starting_adopted_share=per_trial(starting_adopted_share, trials),
            gross_margin=per_trial(gross_margin, trials),
            other_opex_pct=per_trial(0.0, trials),
            discount_rate=per_trial(discount_rate, trials),
            contract_months=contract_months,
        ),
        market=Market(addressable_accounts=per_trial(addressable_accounts, trials)),
        budget=Budget(
            annual=per_trial(annual_budget, trials),
            growth=per_trial(growth, trials),
            percent_of_revenue=None,
            floor=None,
            cap=None,
        ),
        allocation=Allocation(role_names=names, shares=np.tile(row, (horizon + 1, 1))),
        roles=roles,
        customers=customers or quiet_customers(trials),
        valuation=Valuation(arr_multiple=per_trial(arr_multiple, trials)),
    )


def typical(trials: int = 400, horizon: int = 36, **changes: Any) -> CompiledScenario:
    """The MODEL.md §3.0 illustration with every motion active (uncertain ACV and ramp)."""
    rng = np.random.default_rng(7)
    roles = (
        role(
            "account_executive",
            {"land": 1.0},
            trials,
            loaded_cost=350_000,
            ramp_months=rng.uniform(4, 8, trials),
            attrition=0.25,
            new_logos_per_month=0.5,
            commission_new=0.10,
        ),
        role(
            "customer_success_manager",
            {"adopt": 0.6, "renew": 0.25, "expand": 0.15},
            trials,
            ramp_months=3,
            attrition=0.15,
            accounts_per_head=25,
        ),
        role(
            "expansion_specialist",
            {"expand": 1.0},
            trials,
            loaded_cost=220_000,
            accounts_per_head=40,
            commission_expansion=0.08,
        ),
        role(
            "renewal_specialist",
            {"renew": 1.0},
            trials,
            loaded_cost=130_000,
            accounts_per_head=150,
            commission_renewal=0.02,
        ),
    )
    customers = Customers(
        land_acv=rng.lognormal(np.log(90_000), 0.25, trials),
        onboarding_months=per_trial(3, trials),
        onboarding_fee=per_trial(5_000, trials),
        adoption_rate=response(0.45, 0.85, trials),
        adoption_decay=response(0.03, 0.005, trials),
        adoption_recovery=response(0.02, 0.10, trials),
        renewal_adopted=response(0.90, 0.96, trials),
        renewal_at_risk=response(0.60, 0.80, trials),
        downsell=per_trial(0.10, trials),
        upsell_monthly=response(0.003, 0.015, trials),
        cross_sell_per_year=response(0.05, 0.25, trials),
        cross_sell_size=per_trial(0.40, trials),
        referrals_per_year=per_trial(0.02, trials),
    )
    kwargs: dict[str, Any] = {
        "customers": customers,
        "starting_customers": 500,
        "starting_arr": 50_000_000,
        "starting_adopted_share": 0.6,
        "annual_budget": 18_000_000,
        "growth": 0.15,
        "addressable_accounts": 20_000,
    }
    kwargs.update(changes)
    shares = {
        "account_executive": 0.60,
        "customer_success_manager": 0.25,
        "expansion_specialist": 0.10,
        "renewal_specialist": 0.05,
    }
    return scenario(trials, horizon, roles, shares, **kwargs)


def with_ramp(sc: CompiledScenario, role_name: str, ramp_months: FloatArray) -> CompiledScenario:
    """``sc`` with one role's per-trial ramp replaced."""
    roles = tuple(
        replace(r, ramp_months=np.asarray(ramp_months, dtype=np.float64))
        if r.name == role_name
        else r
        for r in sc.roles
    )
    return replace(sc, roles=roles)


def first_trials(sc: CompiledScenario, n: int) -> CompiledScenario:
    """The first ``n`` trials of ``sc``: every per-trial input array cut to its first ``n``
    values (what a loader with the prefix property gives for a run of ``n`` trials)."""

    def cut(value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.shape[0] == sc.trials:
            return value[:n].copy()
        if isinstance(value, tuple):
            return tuple(cut(v) for v in value)
        if is_dataclass(value) and not isinstance(value, (type, Allocation)):
            return replace(value, **{f.name: cut(getattr(value, f.name)) for f in fields(value)})
        return value

    return replace(cut(sc), trials=n)
