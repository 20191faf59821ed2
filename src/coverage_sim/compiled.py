"""Compiled scenario: every uncertain input resolved to one value per trial.

This is the boundary between the scenario loader (``coverage_sim.scenario``) and
the engine (``coverage_sim.engine``). Every ``FloatArray`` field below has shape
``(trials,)``: the value that input takes in each trial (MODEL.md §3.1, a
distribution is sampled once per trial). Structural inputs (horizon, contract
term, allocation shares, motion weights, fixed headcounts) are plain numbers.

Rates are fractions (0.85, not 85). Money is in currency units per year unless a
field says otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]  # counts: customers, heads, logos

MOTIONS: tuple[str, ...] = ("land", "adopt", "expand", "renew")
POST_SALE_MOTIONS: tuple[str, ...] = ("adopt", "expand", "renew")


@dataclass(frozen=True)
class CoverageResponse:
    """A rate that moves with the coverage ``c`` in [0, 1] of one motion (MODEL.md §3.3).

    ``linear``: ``uncovered + (covered - uncovered) * c``.
    ``hill``: ``uncovered + (covered - uncovered) * c * (1 + h) / (c + h)`` with
    ``h = half_saturation``; it equals ``linear`` at ``c = 0`` and ``c = 1`` but
    gives diminishing returns in between. A plain number in the scenario compiles
    to ``uncovered == covered``: coverage does not matter.
    """

    uncovered: FloatArray
    covered: FloatArray
    shape: Literal["linear", "hill"] = "linear"
    half_saturation: FloatArray | None = None


@dataclass(frozen=True)
class Company:
    starting_customers: int
    starting_arr: FloatArray
    starting_adopted_share: FloatArray
    gross_margin: FloatArray
    other_opex_pct: FloatArray
    discount_rate: FloatArray  # annual
    contract_months: int


@dataclass(frozen=True)
class Demand:
    """Land demand (``market.demand``): seller logos ``D_t * s(E_land / D_t)``.

    ``D_t = new_logos_per_month * (1 + growth) ** floor((t - 1) / 12)``; marketing costs
    ``cost_annual / 12`` a month, growing the same way. ``shape`` ``exp``:
    ``s(x) = 1 - exp(-x)``; ``linear``: ``min(x, 1)``. Land capacity of month ``t`` lands
    logos in month ``t + sales_cycle_months``.
    """

    new_logos_per_month: FloatArray
    growth: FloatArray  # per year
    cost_annual: FloatArray  # marketing (demand generation) per year, at month 0
    shape: Literal["exp", "linear"] = "exp"
    sales_cycle_months: int = 0


@dataclass(frozen=True)
class Market:
    addressable_accounts: FloatArray
    demand: Demand | None = None  # None: land is capacity x market saturation (no limit)


@dataclass(frozen=True)
class Budget:
    """Coverage budget (MODEL.md §3.2). Exactly one of ``annual`` / ``percent_of_revenue``.

    ``floor`` and ``cap`` are annual amounts that bound a percent-of-revenue budget.
    """

    annual: FloatArray | None
    growth: FloatArray  # per year, applied to ``annual``
    percent_of_revenue: FloatArray | None
    floor: FloatArray | None
    cap: FloatArray | None


@dataclass(frozen=True)
class Allocation:
    """Each role's share of the monthly budget, month ``0..horizon`` (linear interpolation done).

    ``shares[m, r]`` is role ``role_names[r]``'s share in month ``m``; each row sums to 1.
    """

    role_names: tuple[str, ...]
    shares: npt.NDArray[np.float64]  # (horizon + 1, roles)


@dataclass(frozen=True)
class Role:
    name: str
    motions: dict[str, float]  # motion -> weight; weights sum to 1
    loaded_cost: FloatArray  # per head per year
    ramp_months: FloatArray  # productivity ramps linearly to 1; 0 = productive at once
    attrition: FloatArray  # annual rate; monthly hazard 1 - (1 - a) ** (1 / 12)
    new_logos_per_month: FloatArray  # per fully ramped head of land capacity; 0 if not given
    accounts_per_head: FloatArray  # book of business for post-sale motions; 0 if not given
    commission_new: FloatArray  # share of first-year ACV of new logos its land motion drives
    commission_expansion: FloatArray  # share of expansion ARR its expand motion drives
    commission_renewal: FloatArray  # share of renewed ARR its renew motion drives
    headcount: int | None = None  # fixed heads instead of budget-driven targets
    starting_heads: int | None = None  # default: month-0 target, fully ramped
    max_hires_per_month: int | None = None
    reduce: Literal["attrition", "immediate"] = "attrition"


@dataclass(frozen=True)
class Customers:
    land_acv: FloatArray  # first-year ACV of a new logo
    onboarding_months: FloatArray  # mean time to value
    onboarding_fee: FloatArray  # one-time revenue per new logo
    adoption_rate: CoverageResponse  # resolved onboarding -> adopted
    adoption_decay: CoverageResponse  # monthly adopted -> at_risk
    adoption_recovery: CoverageResponse  # monthly at_risk -> adopted
    renewal_adopted: CoverageResponse
    renewal_at_risk: CoverageResponse  # onboarding customers renew at this rate too
    downsell: FloatArray  # share of ARR an at-risk account gives up when it renews
    upsell_monthly: CoverageResponse
    cross_sell_per_year: CoverageResponse
    cross_sell_size: FloatArray  # share of the account's ARR one cross-sell adds
    referrals_per_year: FloatArray  # new logos per adopted customer per year
    # churn multipliers by renewal number (renewal.by_tenure), trailing repeats and an
    # all-ones list removed: () is no key (one tenure bucket, the engine as without it)
    renewal_by_tenure: tuple[float, ...] = ()


@dataclass(frozen=True)
class Valuation:
    """Terminal value, discounted and added to NPV: ``arr_multiple`` x ending ARR, or
    (``terminal == "runoff"``) the ending book traced in expectation for ``runoff_months``."""

    arr_multiple: FloatArray
    terminal: Literal["arr_multiple", "runoff"] = "arr_multiple"
    runoff_months: int = 60


@dataclass(frozen=True)
class CompiledScenario:
    """One scenario, ready to simulate: ``trials`` values for every uncertain input."""

    name: str
    description: str
    horizon_months: int
    trials: int
    company: Company
    market: Market
    budget: Budget
    allocation: Allocation
    roles: tuple[Role, ...]
    customers: Customers
    valuation: Valuation
    source: str = ""  # the file it came from, for messages
    # every uncertain input's per-trial draw, by scenario key path (sensitivity, --samples)
    draws: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def parameter_paths(self) -> tuple[str, ...]:
        """The scenario key paths of the uncertain inputs, in compile order."""
        return tuple(self.draws)


def map_arrays(value: Any, fn: Callable[[npt.NDArray[Any]], npt.NDArray[Any]]) -> Any:
    """``value`` with ``fn`` applied to every array inside it (dataclasses, tuples and dicts
    rebuilt, everything else shared): how a compiled scenario is sliced or has inputs set."""
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_arrays(v, fn) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(map_arrays(v, fn) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: map_arrays(getattr(value, f.name), fn) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def per_trial_arrays(scenario: CompiledScenario) -> list[npt.NDArray[Any]]:
    """Every distinct per-trial array of ``scenario`` (``draws`` shares the inputs' arrays)."""
    found: dict[int, npt.NDArray[Any]] = {}

    def collect(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if array.ndim == 1 and array.shape[0] == scenario.trials:
            found[id(array)] = array
        return array

    map_arrays(scenario, collect)
    return list(found.values())


def slice_trials(scenario: CompiledScenario, start: int, stop: int) -> CompiledScenario:
    """Trials ``start..stop-1`` of ``scenario``: every per-trial array sliced (views), the
    structural inputs shared. What one block task of a parallel run needs and ships."""
    if not 0 <= start < stop <= scenario.trials:
        raise ValueError(f"trials {start}..{stop} outside 0..{scenario.trials}")
    part = slice(start, stop)
    trials = scenario.trials
    sliced = map_arrays(scenario, lambda a: a[part] if a.ndim == 1 and a.shape[0] == trials else a)
    assert isinstance(sliced, CompiledScenario)
    return dataclasses.replace(sliced, trials=stop - start)
