"""Scenario (validated model) -> CompiledScenario (per-trial arrays) for the engine.

Each uncertain input at dotted path ``p`` becomes ``ppf(uniforms(seed, p, trials))``;
a fixed number becomes a constant array. Inputs named in ``correlations`` have their
uniforms rearranged first (Iman-Conover, ``correlations.py``). A coverage pair's two ends
are drawn from one uniform, the pair's (``p``), so they move together; unless the pair
says ``may_harm: true`` the covered end is then held at the uncovered one in a trial where
it would be worse (higher for ``adoption.decay``, lower for every other rate). A plain
number gives both ends the same array. Allocation is interpolated linearly between
time-phased points (held flat before the first and after the last) and each month's
shares renormalised to sum to 1.
"""

from __future__ import annotations

import numpy as np

from coverage_sim import compiled as c
from coverage_sim.errors import UsageError
from coverage_sim.scenario.correlations import correlation_plan, iman_conover
from coverage_sim.scenario.customer_models import PerYearPair, RatePair, Response
from coverage_sim.scenario.distributions import ParamValue
from coverage_sim.scenario.fields import MAX_SEED, MAX_TRIALS, MIN_TRIALS
from coverage_sim.scenario.models import AllocationPoint, Role, Scenario
from coverage_sim.scenario.sampling import SAMPLING_METHODS, uniforms

MAX_HORIZON = 600
"""The longest horizon, in months (50 years); ``horizon_months`` and ``--months``."""


class _Sampler:
    """Draws every parameter of one scenario and keeps the draws of the uncertain ones."""

    def __init__(self, trials: int, seed: int, sampling: str, scenario: Scenario) -> None:
        self.trials, self.seed, self.sampling = trials, seed, sampling
        self.uncertain: dict[str, c.FloatArray] = {}
        self._correlated: dict[str, c.FloatArray] = {}
        plan = correlation_plan(scenario)
        if plan is not None:
            independent = np.column_stack([self._fresh(key) for key in plan.keys])
            arranged = iman_conover(independent, plan.target)
            self._correlated = {key: arranged[:, j] for j, key in enumerate(plan.keys)}

    def _fresh(self, key: str) -> c.FloatArray:
        return uniforms(self.seed, key, self.trials, self.sampling)

    def _uniforms(self, key: str) -> c.FloatArray:
        found = self._correlated.get(key)
        return self._fresh(key) if found is None else found

    def draw(self, path: str, value: ParamValue, *, key: str | None = None) -> c.FloatArray:
        """``value`` per trial; an uncertain one from the uniforms of ``key`` (default ``path``)."""
        if isinstance(value, float):
            return np.full(self.trials, value, dtype=np.float64)
        drawn = value.ppf(self._uniforms(path if key is None else key))
        self.uncertain[path] = drawn
        return drawn

    def optional(self, path: str, value: ParamValue | None) -> c.FloatArray | None:
        return None if value is None else self.draw(path, value)

    def response(
        self,
        path: str,
        value: RatePair | PerYearPair | ParamValue,
        default: Response | None,
        *,
        lower_is_better: bool = False,
    ) -> c.CoverageResponse:
        if not isinstance(value, (RatePair, PerYearPair)):
            both = self.draw(path, value)
            return c.CoverageResponse(uncovered=both, covered=both)
        shape = value.response or default or Response()
        h = shape.half_saturation
        uncovered = self.draw(f"{path}.uncovered", value.uncovered, key=path)
        covered = self.draw(f"{path}.covered", value.covered, key=path)
        if not value.may_harm:
            covered = (np.minimum if lower_is_better else np.maximum)(covered, uncovered)
            if f"{path}.covered" in self.uncertain:
                self.uncertain[f"{path}.covered"] = covered
        return c.CoverageResponse(
            uncovered=uncovered,
            covered=covered,
            shape=shape.shape,
            half_saturation=None if h is None else self._half_saturation(path, value, h),
        )

    def _half_saturation(
        self, path: str, value: RatePair | PerYearPair, h: ParamValue
    ) -> c.FloatArray:
        own = value.response is not None
        return self.draw(
            f"{path}.response.half_saturation" if own else "customers.response.half_saturation", h
        )


def _check_settings(trials: int, seed: int, sampling: str, horizon: int) -> None:
    if (
        isinstance(trials, bool)
        or not isinstance(trials, int)
        or not MIN_TRIALS <= trials <= MAX_TRIALS
    ):
        raise UsageError(
            f"trials must be a whole number in {MIN_TRIALS}..{MAX_TRIALS}; got {trials!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise UsageError(f"seed must be a whole number from 0 to {MAX_SEED}; got {seed!r}")
    if sampling not in SAMPLING_METHODS:
        raise UsageError(f"sampling must be one of {', '.join(SAMPLING_METHODS)}; got {sampling!r}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        raise UsageError(f"months must be a whole number in 1..{MAX_HORIZON}; got {horizon!r}")


def compile_scenario(
    scenario: Scenario,
    *,
    trials: int,
    seed: int,
    sampling: str = "monte_carlo",
    horizon_months: int | None = None,
) -> c.CompiledScenario:
    """Resolve every input of ``scenario`` to ``trials`` values (common random numbers)."""
    horizon = scenario.horizon_months if horizon_months is None else horizon_months
    _check_settings(trials, seed, sampling, horizon)
    s = _Sampler(trials, seed, sampling, scenario)
    co, cu, bu = scenario.company, scenario.customers, scenario.budget
    company = c.Company(
        starting_customers=co.starting_customers,
        starting_arr=s.draw("company.starting_arr", co.starting_arr),
        starting_adopted_share=s.draw("company.starting_adopted_share", co.starting_adopted_share),
        gross_margin=s.draw("company.gross_margin", co.gross_margin),
        other_opex_pct=s.draw("company.other_opex_pct", co.other_opex_pct),
        discount_rate=s.draw("company.discount_rate", co.discount_rate),
        contract_months=co.contract_months,
    )
    budget = c.Budget(
        annual=s.optional("budget.annual", bu.annual),
        growth=s.draw("budget.growth", 0.0 if bu.growth is None else bu.growth),
        percent_of_revenue=s.optional("budget.percent_of_revenue", bu.percent_of_revenue),
        floor=s.optional("budget.floor", bu.floor),
        cap=s.optional("budget.cap", bu.cap),
    )
    roles = tuple(_role(s, name, role) for name, role in scenario.roles.items())
    default = cu.response
    ad, rn, ex = cu.adoption, cu.renewal, cu.expansion
    customers = c.Customers(
        land_acv=s.draw("customers.land_acv", cu.land_acv),
        onboarding_months=s.draw("customers.onboarding_months", cu.onboarding_months),
        onboarding_fee=s.draw("customers.onboarding_fee", cu.onboarding_fee),
        adoption_rate=s.response("customers.adoption.rate", ad.rate, default),
        adoption_decay=s.response(
            "customers.adoption.decay", ad.decay, default, lower_is_better=True
        ),
        adoption_recovery=s.response("customers.adoption.recovery", ad.recovery, default),
        renewal_adopted=s.response("customers.renewal.adopted", rn.adopted, default),
        renewal_at_risk=s.response("customers.renewal.at_risk", rn.at_risk, default),
        downsell=s.draw("customers.renewal.downsell", rn.downsell),
        upsell_monthly=s.response("customers.expansion.upsell_monthly", ex.upsell_monthly, default),
        cross_sell_per_year=s.response(
            "customers.expansion.cross_sell_per_year", ex.cross_sell_per_year, default
        ),
        cross_sell_size=s.draw(
            "customers.expansion.cross_sell_size",
            0.0 if ex.cross_sell_size is None else ex.cross_sell_size,
        ),
        referrals_per_year=s.draw(
            "customers.advocacy.referrals_per_year", cu.advocacy.referrals_per_year
        ),
        renewal_by_tenure=tenure_factors(rn.by_tenure),
    )
    return c.CompiledScenario(
        name=scenario.name,
        description=scenario.description,
        horizon_months=horizon,
        trials=trials,
        company=company,
        market=c.Market(
            addressable_accounts=s.draw(
                "market.addressable_accounts", scenario.market.addressable_accounts
            ),
            demand=_demand(s, scenario),
        ),
        budget=budget,
        allocation=_allocation(scenario, horizon),
        roles=roles,
        customers=customers,
        valuation=c.Valuation(
            arr_multiple=s.draw("valuation.arr_multiple", scenario.valuation.arr_multiple),
            terminal=scenario.valuation.terminal,
            runoff_months=scenario.valuation.runoff_months,
        ),
        source=str(scenario.source or ""),
        draws=s.uncertain,
    )


def _demand(s: _Sampler, scenario: Scenario) -> c.Demand | None:
    demand = scenario.market.demand
    if demand is None:
        return None
    p = "market.demand"
    return c.Demand(
        new_logos_per_month=s.draw(f"{p}.new_logos_per_month", demand.new_logos_per_month),
        growth=s.draw(f"{p}.growth", demand.growth),
        cost_annual=s.draw(f"{p}.cost_annual", demand.cost_annual),
        shape=demand.shape,
        sales_cycle_months=demand.sales_cycle_months,
    )


def tenure_factors(by_tenure: list[float] | None) -> tuple[float, ...]:
    """``renewal.by_tenure`` as the engine reads it: repeats of the last entry dropped
    (it holds for later renewals anyway), and ``()`` when every entry is 1 (no key: the
    same state, draws and bytes as a plan without it)."""
    factors = [float(f) for f in by_tenure or ()]
    while len(factors) > 1 and factors[-1] == factors[-2]:
        factors.pop()
    return () if all(f == 1.0 for f in factors) else tuple(factors)


def _role(s: _Sampler, name: str, role: Role) -> c.Role:
    p = f"roles.{name}"
    return c.Role(
        name=name,
        motions=role.motions.weights(),
        loaded_cost=s.draw(f"{p}.loaded_cost", role.loaded_cost),
        ramp_months=s.draw(f"{p}.ramp_months", role.ramp_months),
        attrition=s.draw(f"{p}.attrition", role.attrition),
        new_logos_per_month=s.draw(f"{p}.new_logos_per_month", role.new_logos_per_month or 0.0),
        accounts_per_head=s.draw(f"{p}.accounts_per_head", role.accounts_per_head or 0.0),
        commission_new=s.draw(f"{p}.commission.new", role.commission.new),
        commission_expansion=s.draw(f"{p}.commission.expansion", role.commission.expansion),
        commission_renewal=s.draw(f"{p}.commission.renewal", role.commission.renewal),
        headcount=role.headcount,
        starting_heads=role.starting_heads,
        max_hires_per_month=role.max_hires_per_month,
        reduce=role.reduce,
    )


def _allocation(scenario: Scenario, horizon: int) -> c.Allocation:
    names = tuple(scenario.roles)
    spec = scenario.allocation
    points = spec if isinstance(spec, list) else [AllocationPoint(month=0, shares=spec)]
    months = np.array([p.month for p in points], dtype=np.float64)
    table = np.array([[p.shares.get(n, 0.0) for n in names] for p in points], dtype=np.float64)
    grid = np.arange(horizon + 1, dtype=np.float64)
    shares = np.column_stack([np.interp(grid, months, table[:, r]) for r in range(len(names))])
    totals = shares.sum(axis=1, keepdims=True)
    return c.Allocation(role_names=names, shares=shares / totals)
