"""Plain (non-distribution) field types shared by the scenario models.

Every number accepts the forms of :func:`~coverage_sim.scenario.numbers.parse_number`
(``80k``, ``85%``, ``1_000``) as well as YAML numbers; NaN and infinity are rejected.
Booleans are never numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from coverage_sim.scenario.numbers import NUMBER_FORMS, NUMBER_PATTERN, integral, parse_number

SUM_TOLERANCE = 0.001

NUMBER_JSON: dict[str, Any] = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_PATTERN}]
}


def _as_number(value: Any) -> Any:
    """Turn number strings into floats; leave other types for strict validation to reject."""
    if isinstance(value, bool):
        raise ValueError(f"expected {NUMBER_FORMS}; got the boolean {str(value).lower()}")
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise ValueError("number is too large") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a finite number; NaN and infinity are not allowed")
    return value


def _as_integer(value: Any) -> Any:
    """Whole numbers written as ``10_000``, ``10k`` or ``1e4`` become ints."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number; got the boolean {str(value).lower()}")
    if isinstance(value, str) and value.strip().endswith("%"):
        raise ValueError(f"expected a whole number, not a percentage; got {value.strip()}")
    if isinstance(value, (str, float)):
        number = _as_number(value)
        whole = integral(number)
        if whole is None:
            raise ValueError(f"expected a whole number; got {value!r}")
        return whole
    return value


Number = Annotated[
    float, BeforeValidator(_as_number), Field(allow_inf_nan=False), WithJsonSchema(NUMBER_JSON)
]


def _integer_json(minimum: int, maximum: int | None = None) -> dict[str, Any]:
    integer: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        integer["maximum"] = maximum
    return {"anyOf": [integer, {"type": "string", "pattern": NUMBER_PATTERN}]}


MAX_WHOLE = 1_000_000_000
"""The largest whole-number input (customers, heads, hires, months of allocation points):
counts are int64 in the engine and are multiplied by money and months, so a billion
keeps every product far from overflow."""


def _at_most_whole(value: int) -> int:
    if value > MAX_WHOLE:
        raise ValueError(f"expected a whole number up to {MAX_WHOLE:_}; got {_large(value)}")
    return value


def _large(value: float) -> str:
    """A large number as typed: ``1000000000000`` -> ``1e+12``."""
    return f"{value:.4g}" if abs(value) >= 1e6 else f"{value:g}"


NonNegativeInt = Annotated[
    int,
    BeforeValidator(_as_integer),
    Field(ge=0),
    AfterValidator(_at_most_whole),
    WithJsonSchema(_integer_json(0, MAX_WHOLE)),
]
PositiveInt = Annotated[
    int,
    BeforeValidator(_as_integer),
    Field(ge=1),
    AfterValidator(_at_most_whole),
    WithJsonSchema(_integer_json(1, MAX_WHOLE)),
]

MIN_TRIALS, MAX_TRIALS = 2, 10_000_000
MAX_SEED = 2**63 - 1
"""The largest seed: seeds are mixed into numpy's 64-bit stream keys."""

Seed = Annotated[
    int,
    BeforeValidator(_as_integer),
    Field(ge=0, le=MAX_SEED),
    WithJsonSchema(_integer_json(0, MAX_SEED)),
]


def _enough_trials(trials: int) -> int:
    if not MIN_TRIALS <= trials <= MAX_TRIALS:
        raise ValueError(
            f"expected a whole number of trials from {MIN_TRIALS} to {MAX_TRIALS:_}; got {trials} "
            "(a run needs at least 2 trials for a spread and percentiles)"
        )
    return trials


Trials = Annotated[
    int,
    BeforeValidator(_as_integer),
    AfterValidator(_enough_trials),
    WithJsonSchema(_integer_json(MIN_TRIALS, MAX_TRIALS)),
]
"""``simulation.trials``: 2 to 10,000,000, the range the runner accepts."""


class StrictModel(BaseModel):
    """Strict, closed, immutable: unknown keys and type coercions are errors."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _as_share(value: Any) -> Any:
    """A share in [0, 1]; out of range, ``120%`` is explained in percent and a bare
    number above 1 (``60``) gets "did you mean 60%?"."""
    number = _as_number(value)
    if isinstance(number, float) and not 0.0 <= number <= 1.0:
        if isinstance(value, str) and value.strip().endswith("%"):
            raise ValueError(f"got {value.strip()}; a share must be between 0% and 100%")
        hint = f" (did you mean {number:g}%?)" if 1 < number <= 100 else ""
        raise ValueError(f"expected a share in [0, 1]; got {number:g}{hint}")
    return number


Share = Annotated[
    float,
    BeforeValidator(_as_share),
    Field(allow_inf_nan=False),
    WithJsonSchema(NUMBER_JSON | {"description": "A share in [0, 1]: 0.6 or 60%."}),
]

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
Name = Annotated[
    str,
    Field(pattern=NAME_PATTERN, max_length=64),
]
"""A role name: letters, digits, ``_`` and ``-`` (no dots: dotted key paths stay unambiguous)."""


@dataclass(frozen=True)
class Domain:
    """The values a numeric field may take, and how the ``"A to B"`` shorthand fits it."""

    label: str
    low: float
    high: float
    low_open: bool  # True when ``low`` itself is not allowed
    family: str  # "logitnormal" | "lognormal" | "normal"
    hint: str
    percent_rule: str  # what an out-of-range percentage is told

    def described(self) -> str:
        """The label with the upper limit when it is not part of it: ``a number >= 0, at
        most 1e+15``."""
        if math.isfinite(self.high) and self.high != 1.0:
            return f"{self.label}, at most {_large(self.high)}"
        return self.label

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high


RATE = Domain(
    "a rate in [0, 1]",
    0.0,
    1.0,
    False,
    "logitnormal",
    "write 85% or 0.85",
    "a rate must be between 0% and 100%",
)
NON_NEGATIVE = Domain(
    "a number >= 0", 0.0, math.inf, False, "lognormal", "such as 80k or 3", "it must be 0% or more"
)
POSITIVE = Domain(
    "a number > 0", 0.0, math.inf, True, "lognormal", "such as 350k or 3", "it must be above 0%"
)
GROWTH = Domain(
    "a growth rate above -100%",
    -1.0,
    math.inf,
    True,
    "normal",
    "such as 15% or -5%",
    "a growth rate must be above -100%",
)


def capped(domain: Domain, high: float) -> Domain:
    """``domain`` with an upper limit (see :meth:`Domain.described`)."""
    return replace(domain, high=high)


# Upper limits of the uncertain inputs by unit (docs/scenario-format.md, "Limits"): far
# above any real plan, low enough that 600 months of compounding stay finite in float64.
MAX_MONEY = 1e15
MAX_COUNT = float(MAX_WHOLE)
MAX_MONTHS = 1200.0
MAX_MULTIPLE = 1000.0
MAX_RATIO = 100.0
MAX_GROWTH = 10.0


def missing(message: str) -> PydanticCustomError:
    """A required key missing because of another key's value (``missing_conditional``: a
    ``template: true`` file may leave it to the files that extend it)."""
    return PydanticCustomError("missing_conditional", message)


def refuse(at: str, message: str, *, also: tuple[str, ...] = ()) -> PydanticCustomError:
    """A semantic error (a combination of keys the engine cannot simulate meaningfully) to
    raise from a model validator; ``at`` is the dotted key path, relative to the model,
    that the error is reported at, unless one of the other keys of the combination
    (``also``) was given closer to the user: by ``--set``, or in the file that was run
    rather than a file it extends (``issues.issues_from_validation``)."""
    return PydanticCustomError("semantic", message, {"at": at, "also": ",".join(also)})
