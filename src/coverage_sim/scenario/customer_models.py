"""The customer side of the scenario file (``customers:``) as pydantic v2 models: the
land terms, and the rates that move with coverage (``RatePair`` / ``PerYearPair``: an
uncovered and a covered end, a response shape, the coherence rule). Split from
``models.py``, which holds the rest of the file and imports ``Customers`` from here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, Discriminator, Field, Tag, model_validator

from coverage_sim.scenario.distributions import ParamValue
from coverage_sim.scenario.fields import Number, StrictModel, missing
from coverage_sim.scenario.params import (
    Money,
    PositiveMoney,
    PositiveMonths,
    PositiveRatio,
    Rate,
    Ratio,
)


class Response(StrictModel):
    """How a rate moves with coverage: linear, or hill (diminishing returns)."""

    shape: Literal["linear", "hill"] = "linear"
    half_saturation: PositiveRatio | None = Field(
        default=None, description="Hill constant h (shape: hill)."
    )

    @model_validator(mode="after")
    def _hill_needs_h(self) -> Response:
        if self.shape == "hill" and self.half_saturation is None:
            raise ValueError("shape: hill needs half_saturation")
        if self.shape == "linear" and self.half_saturation is not None:
            raise ValueError("half_saturation applies to shape: hill only")
        return self


MAY_HARM = Field(
    default=False,
    description="Allow the covered end to be worse than the uncovered one (coverage that harms).",
)


class RatePair(StrictModel):
    """A rate that depends on coverage: ``uncovered`` at coverage 0, ``covered`` at 1.

    Both ends are drawn from one uniform; the covered end is never worse than the
    uncovered one unless ``may_harm: true`` (docs/scenario-format.md).
    """

    uncovered: Rate
    covered: Rate
    response: Response | None = None
    may_harm: bool = MAY_HARM


class PerYearPair(StrictModel):
    """A per-year frequency that depends on coverage (same rules as ``RatePair``)."""

    uncovered: Ratio
    covered: Ratio
    response: Response | None = None
    may_harm: bool = MAY_HARM


def _pair_tag(value: Any) -> str:
    is_pair = (
        isinstance(value, dict)
        and "dist" not in value
        and ({"uncovered", "covered", "response"} & set(value))
    )
    return "pair" if is_pair else "single"


CoverageRate = Annotated[
    Annotated[RatePair, Tag("pair")] | Annotated[Rate, Tag("single")],
    Discriminator(_pair_tag),
]
CoveragePerYear = Annotated[
    Annotated[PerYearPair, Tag("pair")] | Annotated[Ratio, Tag("single")],
    Discriminator(_pair_tag),
]


def _median(value: ParamValue) -> float:
    if isinstance(value, float):
        return value
    return float(value.ppf(np.array([0.5]))[0])


def _coherent(lower_is_better: bool) -> AfterValidator:
    """Reject a pair whose covered end is worse than its uncovered end at the median
    (fixed values: the values) unless it says ``may_harm: true``."""

    def check(value: Any) -> Any:
        if not isinstance(value, (RatePair, PerYearPair)) or value.may_harm:
            return value
        covered, uncovered = _median(value.covered), _median(value.uncovered)
        worse = covered > uncovered if lower_is_better else covered < uncovered
        if worse:
            better = "lower" if lower_is_better else "higher"
            raise ValueError(
                f"covered ({covered:g}) is worse than uncovered ({uncovered:g}) for a rate "
                f"where {better} is better{' at the median' if not _fixed(value) else ''}; "
                "coverage would harm. If that is your assumption, add may_harm: true to the "
                "pair; otherwise swap the two"
            )
        return value

    return AfterValidator(check)


def _fixed(pair: RatePair | PerYearPair) -> bool:
    return isinstance(pair.covered, float) and isinstance(pair.uncovered, float)


HigherIsBetter = Annotated[CoverageRate, _coherent(lower_is_better=False)]
LowerIsBetter = Annotated[CoverageRate, _coherent(lower_is_better=True)]
HigherPerYear = Annotated[CoveragePerYear, _coherent(lower_is_better=False)]


class Adoption(StrictModel):
    rate: HigherIsBetter = Field(description="Resolved onboarding -> adopted.")
    decay: LowerIsBetter = Field(description="Monthly adopted -> at_risk.")
    recovery: HigherIsBetter = Field(description="Monthly at_risk -> adopted.")


MAX_TENURE_FACTORS = 24
"""Most entries of ``renewal.by_tenure`` (each is a tenure bucket of the engine's state)."""

TenureFactor = Annotated[Number, Field(ge=0.0, le=100.0)]


class Renewal(StrictModel):
    adopted: HigherIsBetter
    at_risk: HigherIsBetter = Field(description="Also used for onboarding customers.")
    downsell: Rate = Field(
        default=0.0, description="ARR an at-risk account gives up when it renews."
    )
    by_tenure: list[TenureFactor] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TENURE_FACTORS,
        description=(
            "Churn multipliers by contract renewal number: entry k (from 1) multiplies the "
            "churn (1 - renewal rate) of every status at a customer's k-th renewal; the "
            "last entry holds for later renewals. Plain numbers >= 0 (docs/model.md)."
        ),
    )


class Expansion(StrictModel):
    upsell_monthly: HigherIsBetter = 0.0
    cross_sell_per_year: HigherPerYear = 0.0
    cross_sell_size: Ratio | None = Field(
        default=None, description="Share of the account's ARR one cross-sell adds."
    )

    @model_validator(mode="after")
    def _size_with_events(self) -> Expansion:
        if self.cross_sell_size is None and self.cross_sell_per_year != 0.0:
            raise missing("required key missing: cross_sell_size (cross_sell_per_year is set)")
        return self


class Advocacy(StrictModel):
    referrals_per_year: Ratio = Field(default=0.0, description="New logos per adopted customer.")


class Customers(StrictModel):
    land_acv: PositiveMoney = Field(description="First-year ACV of a new logo.")
    onboarding_months: PositiveMonths = Field(description="Mean time to value, months.")
    onboarding_fee: Money = Field(default=0.0, description="One-time revenue per new logo.")
    response: Response | None = Field(default=None, description="Default response for every pair.")
    adoption: Adoption
    renewal: Renewal
    expansion: Expansion = Expansion()
    advocacy: Advocacy = Advocacy()
