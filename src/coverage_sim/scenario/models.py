"""The scenario file as pydantic v2 models (strict, closed): MODEL.md §3.0 plus decisions.

Numeric leaves typed ``Rate``, ``Growth``, ``Ratio``, ``Money``, ``Months``, ``Count``,
``Multiple`` (see ``params``: a domain and a unit) may be a number, an interval or a
distribution (see ``distributions``). Structural leaves are plain numbers: horizon,
``simulation.*``, ``company.starting_customers``, ``company.contract_months``, allocation
shares and months, motion weights, ``headcount``/``starting_heads``/``max_hires_per_month``.
Defaults are listed in docs/scenario-format.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    model_validator,
)

from coverage_sim.scenario.customer_models import Customers
from coverage_sim.scenario.distributions import plausible_range
from coverage_sim.scenario.fields import (
    NUMBER_JSON,
    SUM_TOLERANCE,
    Name,
    NonNegativeInt,
    Number,
    PositiveInt,
    Seed,
    Share,
    StrictModel,
    Trials,
    missing,
    refuse,
)
from coverage_sim.scenario.params import (
    Count,
    Growth,
    Money,
    Months,
    Multiple,
    PositiveCount,
    PositiveMoney,
    Rate,
)

MISSING_TYPES = frozenset({"missing", "missing_conditional"})
"""Error types a ``template: true`` file may have: required keys its children supply."""


class Simulation(StrictModel):
    trials: Trials = Field(default=10_000, description="Monte Carlo trials (at least 2).")
    seed: Seed = Field(default=2026, description="Seed of all draws.")
    sampling: Literal["monte_carlo", "lhs"] = Field(
        default="monte_carlo",
        description="monte_carlo (default) or lhs (Latin hypercube per input).",
    )


class Company(StrictModel):
    starting_customers: NonNegativeInt = Field(description="Customers at month 0.")
    starting_arr: Money = Field(description="ARR at month 0.")
    starting_adopted_share: Rate = Field(description="Share of starting customers adopted.")
    gross_margin: Rate
    other_opex_pct: Rate = Field(
        default=0.0, description="Other operating cost as a share of revenue."
    )
    discount_rate: Rate = Field(description="Annual discount rate for NPV.")
    contract_months: PositiveInt = Field(
        default=12, le=120, description="Renewal every contract term."
    )

    @model_validator(mode="after")
    def _arr_needs_customers(self) -> Company:
        if self.starting_customers == 0 and plausible_range(self.starting_arr)[1] > 0:
            raise refuse(
                "starting_arr",
                "starting ARR needs customers, but company.starting_customers is 0; give the "
                "number of customers who pay it, or set starting_arr: 0",
                also=("starting_customers",),
            )
        return self


class Demand(StrictModel):
    """Land demand: the most new logos the market yields a month, and what marketing costs."""

    new_logos_per_month: Count = Field(
        description="Most new logos a month the market yields, however many sellers."
    )
    growth: Growth = Field(default=0.0, description="Annual growth of demand and its cost.")
    cost_annual: Money = Field(
        default=0.0, description="Demand-generation (marketing) cost per year at month 0."
    )
    shape: Literal["exp", "linear"] = Field(
        default="exp",
        description="Seller logos D * s(E / D): exp s = 1 - e^-x; linear s = min(x, 1).",
    )
    sales_cycle_months: NonNegativeInt = Field(
        default=0, le=60, description="Land capacity of month t lands logos in month t + this."
    )


class Market(StrictModel):
    addressable_accounts: PositiveCount = Field(description="Accounts that could ever be landed.")
    demand: Demand | None = Field(
        default=None, description="Land demand and marketing cost; without it land is linear."
    )


class Budget(StrictModel):
    """Exactly one of ``annual`` (+ ``growth``) or ``percent_of_revenue`` (+ ``floor``/``cap``)."""

    annual: Money | None = Field(default=None, description="Coverage budget per year at month 0.")
    growth: Growth | None = Field(
        default=None, description="Annual growth of `annual` (default 0)."
    )
    percent_of_revenue: Rate | None = Field(
        default=None, description="Share of last month's revenue."
    )
    floor: Money | None = Field(default=None, description="Lower bound, per year.")
    cap: Money | None = Field(default=None, description="Upper bound, per year.")

    @model_validator(mode="after")
    def _one_kind(self) -> Budget:
        if self.annual is None and self.percent_of_revenue is None:
            raise missing("give budget.annual (with optional growth) or budget.percent_of_revenue")
        if self.annual is not None and self.percent_of_revenue is not None:
            raise ValueError("give only one of annual and percent_of_revenue, not both")
        if self.annual is not None and (self.floor is not None or self.cap is not None):
            raise ValueError("floor and cap apply to percent_of_revenue only")
        if self.percent_of_revenue is not None and self.growth is not None:
            raise ValueError("growth applies to annual only")
        if isinstance(self.floor, float) and isinstance(self.cap, float) and self.floor > self.cap:
            raise ValueError(f"floor ({self.floor:g}) is above cap ({self.cap:g})")
        return self


class Motions(StrictModel):
    """Share of a role's effort on each LAER motion; the weights sum to 1."""

    land: Share = 0.0
    adopt: Share = 0.0
    expand: Share = 0.0
    renew: Share = 0.0

    @model_validator(mode="after")
    def _sum_to_one(self) -> Motions:
        total = self.land + self.adopt + self.expand + self.renew
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise ValueError(
                "motion weights must sum to 1 (100%); " + shares_off_by(self.weights(), total)
            )
        return self

    def weights(self) -> dict[str, float]:
        pairs = {"land": self.land, "adopt": self.adopt, "expand": self.expand, "renew": self.renew}
        return {motion: weight for motion, weight in pairs.items() if weight > 0}


class Commission(StrictModel):
    new: Rate = Field(default=0.0, description="Share of first-year ACV of new logos.")
    expansion: Rate = Field(default=0.0, description="Share of expansion ARR.")
    renewal: Rate = Field(default=0.0, description="Share of renewed ARR.")


class Role(StrictModel):
    label: str | None = Field(
        default=None,
        max_length=80,
        description="Shown in reports instead of the role's id (default: the id, readable).",
    )
    motions: Motions
    loaded_cost: PositiveMoney = Field(description="Fully loaded cost per head per year.")
    ramp_months: Months = Field(default=0.0, description="Months to full productivity.")
    attrition: Rate = Field(default=0.0, description="Annual attrition rate.")
    new_logos_per_month: Count | None = Field(
        default=None, description="New logos per fully ramped head per month (land roles)."
    )
    accounts_per_head: Count | None = Field(
        default=None, description="Accounts one head covers (adopt/expand/renew roles)."
    )
    commission: Commission = Commission()
    headcount: NonNegativeInt | None = Field(
        default=None, description="Fixed heads instead of budget."
    )
    starting_heads: NonNegativeInt | None = None
    max_hires_per_month: NonNegativeInt | None = None
    reduce: Literal["attrition", "immediate"] = "attrition"

    @model_validator(mode="after")
    def _motion_inputs(self) -> Role:
        needed = []
        if self.motions.land > 0 and self.new_logos_per_month is None:
            needed.append("new_logos_per_month (the role has a land weight)")
        post_sale = self.motions.adopt + self.motions.expand + self.motions.renew
        if post_sale > 0 and self.accounts_per_head is None:
            needed.append("accounts_per_head (the role has an adopt/expand/renew weight)")
        if needed:
            raise missing("required key missing: " + " and ".join(needed))
        return self


class Valuation(StrictModel):
    """The ending book's value, discounted and added to ``npv``."""

    terminal: Literal["arr_multiple", "runoff"] = Field(
        default="arr_multiple",
        description="arr_multiple: multiple x ending ARR; runoff: the ending book traced in "
        "expectation for runoff_months.",
    )
    arr_multiple: Multiple = Field(
        default=0.0, description="Terminal value = multiple x ending ARR (terminal: arr_multiple)."
    )
    runoff_months: PositiveInt = Field(
        default=60, le=600, description="Months the ending book is traced (terminal: runoff)."
    )

    @model_validator(mode="after")
    def _one_terminal(self) -> Valuation:
        if self.terminal == "runoff" and self.arr_multiple != 0.0:
            raise ValueError("arr_multiple applies to terminal: arr_multiple only; remove it")
        if self.terminal == "arr_multiple" and "runoff_months" in self.model_fields_set:
            raise ValueError("runoff_months applies to terminal: runoff only")
        return self


def _rank_in_range(value: float) -> float:
    if not -1.0 <= value <= 1.0:
        raise ValueError(f"a rank correlation must be between -1 and 1; got {value!r}")
    return value


def _rank_not_percent(value: Any) -> Any:
    """A correlation is a plain number: ``50%`` is refused (docs/scenario-format.md)."""
    if isinstance(value, str) and "%" in value:
        raise ValueError(
            f"a rank correlation is a plain number in [-1, 1] such as -0.4, not a "
            f"percentage; got {value.strip()}"
        )
    return value


Rank = Annotated[
    Number,
    BeforeValidator(_rank_not_percent),
    AfterValidator(_rank_in_range),
    WithJsonSchema(NUMBER_JSON | {"description": "A rank correlation in [-1, 1]."}),
]


class Correlation(StrictModel):
    """A target Spearman rank correlation between two uncertain inputs (Iman-Conover)."""

    between: Annotated[list[str], Field(min_length=2, max_length=2)] = Field(
        description="Two scenario key paths of uncertain inputs, e.g. customers.land_acv."
    )
    rank: Rank = Field(description="Target rank correlation in [-1, 1].")


def _shares_sum_to_one(shares: dict[str, float]) -> dict[str, float]:
    if not shares:
        raise ValueError("allocation needs at least one role")
    total = sum(shares.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError("allocation shares must sum to 100%; " + shares_off_by(shares, total))
    return shares


def _percent(share: float) -> str:
    return f"{share * 100:.4g}%"


def shares_off_by(shares: dict[str, float], total: float) -> str:
    """``they sum to 90% (ae 60% + csm 30%): 10% is missing`` -- in percent, as typed."""
    parts = " + ".join(f"{name} {_percent(share)}" for name, share in shares.items() if share)
    gap = 1.0 - total
    what = "is missing" if gap > 0 else "too much"
    return f"they sum to {_percent(total)} ({parts or 'all 0'}): {_percent(abs(gap))} {what}"


Shares = Annotated[dict[Name, Share], AfterValidator(_shares_sum_to_one)]


class AllocationPoint(StrictModel):
    month: NonNegativeInt
    shares: Shares


def _months_increase(points: list[AllocationPoint]) -> list[AllocationPoint]:
    for index in range(1, len(points)):
        if points[index].month <= points[index - 1].month:
            raise ValueError(
                f"allocation points must be in increasing month order: point {index} has "
                f"month {points[index].month} after month {points[index - 1].month}"
            )
    return points


Phased = Annotated[list[AllocationPoint], Field(min_length=1), AfterValidator(_months_increase)]
AllocationSpec = Annotated[
    Annotated[Shares, Tag("shares:constant")] | Annotated[Phased, Tag("shares:phased")],
    Discriminator(lambda value: "shares:phased" if isinstance(value, list) else "shares:constant"),
]


class Scenario(StrictModel):
    """One go-to-market plan (MODEL.md §3.0). ``source`` is the file it was loaded from."""

    name: str = Field(default="", description="Shown in reports; defaults to the file name.")
    description: str = ""
    extends: str | None = Field(default=None, description="Relative path of a file to build on.")
    template: bool = Field(default=False, description="Meant only to be extended; not run.")
    horizon_months: PositiveInt = Field(default=60, le=600)
    simulation: Simulation = Simulation()
    company: Company
    market: Market
    budget: Budget
    allocation: AllocationSpec
    roles: Annotated[dict[Name, Role], Field(min_length=1)]
    customers: Customers
    valuation: Valuation = Valuation()
    correlations: list[Correlation] = Field(
        default_factory=list, description="Rank correlations between uncertain inputs."
    )

    @model_validator(mode="after")
    def _market_holds_installed_base(self) -> Scenario:
        customers = self.company.starting_customers
        lowest = plausible_range(self.market.addressable_accounts)[0]
        if lowest < customers:
            could = "is" if isinstance(self.market.addressable_accounts, float) else "can be"
            raise refuse(
                "market.addressable_accounts",
                f"the market {could} smaller than the installed base: addressable_accounts "
                f"{could} {lowest:,.0f}, below company.starting_customers ({customers:,}); "
                "the market counts every account that could ever be a customer, the current "
                "ones included",
                also=("company.starting_customers",),
            )
        return self

    _source: Path | None = PrivateAttr(default=None)
    _sources: tuple[Path, ...] = PrivateAttr(default=())

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def sources(self) -> tuple[Path, ...]:
        """Every file read to make this scenario: ``source``, then its ``extends`` parents."""
        return self._sources
