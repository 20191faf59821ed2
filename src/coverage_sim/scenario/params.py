"""Field types of the uncertain inputs: a value domain (MODEL.md §3.1) and a unit.

Each type is ``Annotated[ParamUnion, Uncertain(domain, unit)]``. Before the number,
interval or distribution is validated, :func:`check_typed` looks at what the user
typed; after it, ``keep_in_domain`` checks the value against the domain:

- a percentage (``30%``) where the unit is a count, months, money or a multiple is
  an error: ``accounts_per_head: 30%`` would otherwise silently mean 0.3 accounts;
- a percentage outside the domain (``gross_margin: 120%``) is explained in percent,
  with no "did you mean" (``keep_in_domain`` then only sees bare numbers out of range);
- ``"50k - 120k"``, ``"50k..120k"`` or an en dash gets the ``"A to B"`` form as a hint.

Percentages are accepted on rates, growth, shares, per-customer frequencies and the
Hill constant (``Ratio``, ``PositiveRatio``); the list is in docs/scenario-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from coverage_sim.scenario.distributions import (
    INTERVAL_RE,
    ParamUnion,
    ParamValue,
    keep_in_domain,
)
from coverage_sim.scenario.fields import (
    GROWTH,
    MAX_COUNT,
    MAX_GROWTH,
    MAX_MONEY,
    MAX_MONTHS,
    MAX_MULTIPLE,
    MAX_RATIO,
    NON_NEGATIVE,
    POSITIVE,
    RATE,
    Domain,
    capped,
)
from coverage_sim.scenario.numbers import parse_number

_DIST_VALUES = ("mean", "sd", "median", "low", "mode", "high")
"""Distribution keys in the field's own unit (``sigma`` is a log-scale spread: no unit)."""
_RANGE_SEPARATORS = ("..", "\u2013", "\u2014", "-")


@dataclass(frozen=True)
class Unit:
    """What a field's numbers count, and whether ``%`` may be typed for it."""

    label: str  # "an amount of money (such as 350k)"
    percent: bool


RATE_UNIT = Unit("a rate (such as 85% or 0.85)", percent=True)
GROWTH_UNIT = Unit("a growth rate (such as 15% or -5%)", percent=True)
RATIO = Unit("a share or a frequency per customer (such as 40% or 0.4)", percent=True)
MONEY = Unit("an amount of money (such as 350k)", percent=False)
MONTHS = Unit("a number of months (such as 3)", percent=False)
COUNT = Unit("a count (such as 25)", percent=False)
MULTIPLE = Unit("a multiple (such as 5 for 5x ARR)", percent=False)


def _is_percentage(text: Any) -> bool:
    if not isinstance(text, str) or not text.strip().endswith("%"):
        return False
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


def _typed_percentage(value: Any) -> str | None:
    """How the first percentage in ``value`` was typed (``"mean: 35%"``), or None."""
    if isinstance(value, str):
        match = INTERVAL_RE.match(value)
        sides = (match["low"], match["high"]) if match else (value,)
        return value.strip() if any(_is_percentage(side) for side in sides) else None
    if isinstance(value, dict) and "dist" in value:
        for key in _DIST_VALUES:
            if _is_percentage(value.get(key)):
                return f"{key}: {value[key].strip()}"
        clip = value.get("clip")
        if isinstance(clip, list):
            for bound in clip:
                if _is_percentage(bound):
                    return f"clip: {bound.strip()}"
    return None


def range_as_interval(text: str) -> str | None:
    """``"50k - 120k"`` -> ``"50k to 120k"`` when ``text`` is two numbers joined by a dash."""
    for separator in _RANGE_SEPARATORS:
        start = text.find(separator, 1)
        while start > 0:
            low, high = text[:start].strip(), text[start + len(separator) :].strip()
            try:
                parse_number(low), parse_number(high)
            except ValueError:
                start = text.find(separator, start + 1)
                continue
            return f"{low} to {high}"
    return None


def check_typed(value: Any, domain: Domain, unit: Unit) -> Any:
    """Check ``value`` as typed (see the module docstring); return it unchanged."""
    typed = _typed_percentage(value)
    if typed is not None and not unit.percent:
        raise ValueError(f"expected {unit.label}, not a percentage; got {typed}")
    if not isinstance(value, str) or INTERVAL_RE.match(value):
        return value
    try:
        number = parse_number(value)
    except ValueError as exc:
        interval = range_as_interval(value)
        if interval is None:
            raise
        raise ValueError(f'{exc} (write a range as "{interval}", a 90% interval)') from None
    if typed is not None and not domain.contains(number):
        rule = domain.percent_rule
        if number > domain.high != 1.0:  # over a limit the rule does not name: say it
            rule = f"the most allowed is {domain.high:.0%} ({domain.described()})"
        raise ValueError(f"got {typed}; {rule}")
    return value


@dataclass(frozen=True)
class Uncertain:
    """``Annotated`` metadata: :func:`check_typed` before the union, ``keep_in_domain`` after."""

    domain: Domain
    unit: Unit

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def before(value: Any) -> Any:
            return check_typed(value, self.domain, self.unit)

        def after(value: ParamValue) -> ParamValue:
            return keep_in_domain(value, self.domain)

        inner = core_schema.no_info_after_validator_function(after, handler(source))
        return core_schema.no_info_before_validator_function(before, inner)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        generated = handler(schema)
        percent = "" if self.unit.percent else ", not a percentage"
        label = self.unit.label
        generated["description"] = (
            f"{label[0].upper()}{label[1:]}, {self.domain.label}{percent}: a number, "
            'a 90% interval "A to B", or a distribution '
            "{dist: normal|lognormal|beta|uniform|triangular|pert}."
        )
        return generated


Rate = Annotated[ParamUnion, Uncertain(RATE, RATE_UNIT)]
Growth = Annotated[ParamUnion, Uncertain(capped(GROWTH, MAX_GROWTH), GROWTH_UNIT)]
Ratio = Annotated[ParamUnion, Uncertain(capped(NON_NEGATIVE, MAX_RATIO), RATIO)]
PositiveRatio = Annotated[ParamUnion, Uncertain(capped(POSITIVE, MAX_RATIO), RATIO)]
Money = Annotated[ParamUnion, Uncertain(capped(NON_NEGATIVE, MAX_MONEY), MONEY)]
PositiveMoney = Annotated[ParamUnion, Uncertain(capped(POSITIVE, MAX_MONEY), MONEY)]
Months = Annotated[ParamUnion, Uncertain(capped(NON_NEGATIVE, MAX_MONTHS), MONTHS)]
PositiveMonths = Annotated[ParamUnion, Uncertain(capped(POSITIVE, MAX_MONTHS), MONTHS)]
Count = Annotated[ParamUnion, Uncertain(capped(NON_NEGATIVE, MAX_COUNT), COUNT)]
PositiveCount = Annotated[ParamUnion, Uncertain(capped(POSITIVE, MAX_COUNT), COUNT)]
Multiple = Annotated[ParamUnion, Uncertain(capped(NON_NEGATIVE, MAX_MULTIPLE), MULTIPLE)]
