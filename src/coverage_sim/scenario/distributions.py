"""Uncertain inputs (MODEL.md §3.1): fixed numbers, named distributions, ``"A to B"``.

Each form validates its own parameters, knows its support, and maps uniforms
``u`` in (0, 1) to draws through its inverse CDF (``ppf``), so common random
numbers and Latin hypercube sampling work the same way for every form.

A parameter field (``params``) is ``ParamUnion`` checked by :func:`keep_in_domain`:
after the form is validated, its support (after ``clip``) must lie inside the field's
domain. A normal on a rate, say, is rejected unless ``clip`` keeps it in [0, 1].
"""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)
from scipy import special

from coverage_sim.compiled import FloatArray
from coverage_sim.scenario.fields import (
    RATE,
    Domain,
    Number,
    StrictModel,
)
from coverage_sim.scenario.numbers import parse_number
from coverage_sim.text import clipped

NEGLIGIBLE_MASS = 1e-6
"""A normal/lognormal whose chance of leaving the field's domain is at most this is
accepted without ``clip`` and clipped to the domain; above it, ``clip`` is required."""
Z95 = float(special.ndtri(0.95))  # 1.6448536...: a 90% interval spans mean +/- Z95 * sd
DIST_NAMES: tuple[str, ...] = ("normal", "lognormal", "beta", "uniform", "triangular", "pert")

Support = tuple[float, float, bool, bool]  # low, high, low attainable, high attainable

Clip = Annotated[list[Number], Field(min_length=2, max_length=2)]


class _Distribution(StrictModel):
    dist: str
    clip: Clip | None = Field(
        default=None, description="[lo, hi]: draws below lo become lo, above hi become hi."
    )

    @abstractmethod
    def _natural_support(self) -> Support:
        """Lowest and highest value before ``clip``, and whether each can be drawn."""

    @abstractmethod
    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF before ``clip``."""

    def _problems(self) -> list[str]:
        return []

    def mass_outside(self, low: float, high: float) -> float | None:
        """Probability of a draw outside [low, high] (before clip); None when bounded."""
        return None

    @model_validator(mode="after")
    def _check(self) -> _Distribution:
        problems = self._problems()
        if not problems and self.clip is not None:
            problems = self._clip_problems(*self.clip)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _clip_problems(self, lo: float, hi: float) -> list[str]:
        """A clip window must keep some of the draws: ``lo < hi`` and it overlaps them."""
        window = f"clip [{lo:g}, {hi:g}]"
        if lo > hi:
            return [f"{window} needs lo < hi"]
        if lo == hi:
            return [f"{window} makes every draw {lo:g}; write the number {lo:g} instead"]
        first, last = (
            float(x) for x in self._raw_ppf(np.array([NEGLIGIBLE_MASS, 1 - NEGLIGIBLE_MASS]))
        )
        if lo >= last or hi <= first:
            every = lo if lo >= last else hi
            return [
                f"{window} lies outside the values this {self.dist} distribution takes "
                f"({first:.4g} to {last:.4g}): every draw would be {every:g}; "
                "move the window over the distribution or drop clip"
            ]
        return []

    def support(self) -> Support:
        low, high, low_in, high_in = self._natural_support()
        if self.clip is not None:
            if self.clip[0] > low or (self.clip[0] == low and not low_in):
                low, low_in = self.clip[0], True
            if self.clip[1] < high or (self.clip[1] == high and not high_in):
                high, high_in = self.clip[1], True
        return low, high, low_in, high_in

    def ppf(self, u: FloatArray) -> FloatArray:
        draws = self._raw_ppf(u)
        if self.clip is not None:
            draws = np.clip(draws, self.clip[0], self.clip[1])
        return np.asarray(draws, dtype=np.float64)


class Normal(_Distribution):
    """Normal(mean, sd)."""

    dist: Literal["normal"]
    mean: Number
    sd: Number

    def _problems(self) -> list[str]:
        return [] if self.sd > 0 else [f"sd must be > 0 (got {self.sd:g})"]

    def mass_outside(self, low: float, high: float) -> float:
        below = special.ndtr((low - self.mean) / self.sd)
        above = special.ndtr((self.mean - high) / self.sd)
        return float(below + above)

    def _natural_support(self) -> Support:
        return -math.inf, math.inf, False, False

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        return self.mean + self.sd * special.ndtri(u)


class LogNormal(_Distribution):
    """exp(Normal(ln median, sigma)): median ``median``, log-scale sd ``sigma``."""

    dist: Literal["lognormal"]
    median: Number
    sigma: Number

    def _problems(self) -> list[str]:
        problems = [] if self.median > 0 else [f"median must be > 0 (got {self.median:g})"]
        if self.sigma <= 0:
            problems.append(f"sigma must be > 0 (got {self.sigma:g})")
        return problems

    def _natural_support(self) -> Support:
        return 0.0, math.inf, False, False

    def mass_outside(self, low: float, high: float) -> float:
        log_median = math.log(self.median)
        below = special.ndtr((math.log(low) - log_median) / self.sigma) if low > 0 else 0.0
        above = special.ndtr((log_median - math.log(high)) / self.sigma) if high < math.inf else 0.0
        return float(below + above)

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        return self.median * np.exp(self.sigma * special.ndtri(u))


class Beta(_Distribution):
    """Beta with the given mean and sd: ``a = m k, b = (1 - m) k, k = m (1 - m) / sd^2 - 1``."""

    dist: Literal["beta"]
    mean: Number
    sd: Number

    def _problems(self) -> list[str]:
        if not 0 < self.mean < 1:
            return [f"mean must be strictly between 0 and 1 (got {self.mean:g})"]
        if self.sd <= 0:
            return [f"sd must be > 0 (got {self.sd:g})"]
        if self.sd**2 >= self.mean * (1 - self.mean):
            limit = math.sqrt(self.mean * (1 - self.mean))
            return [f"sd {self.sd:g} is too large for mean {self.mean:g}: need sd < {limit:.4g}"]
        return []

    def shape(self) -> tuple[float, float]:
        k = self.mean * (1 - self.mean) / self.sd**2 - 1
        return self.mean * k, (1 - self.mean) * k

    def _natural_support(self) -> Support:
        return 0.0, 1.0, False, False

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        a, b = self.shape()
        return np.asarray(special.betaincinv(a, b, u), dtype=np.float64)


class _Bounded(_Distribution):
    low: Number
    high: Number

    def _problems(self) -> list[str]:
        if self.low >= self.high:
            return [f"low ({self.low:g}) must be below high ({self.high:g})"]
        mode = getattr(self, "mode", None)
        if mode is not None and not self.low <= mode <= self.high:
            return [f"mode ({mode:g}) must lie within [low, high] = [{self.low:g}, {self.high:g}]"]
        return []

    def _natural_support(self) -> Support:
        return self.low, self.high, True, True


class Uniform(_Bounded):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        return self.low + (self.high - self.low) * u


class Triangular(_Bounded):
    """Triangular(low, mode, high), closed-form inverse CDF."""

    dist: Literal["triangular"]
    mode: Number

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        width = self.high - self.low
        cut = (self.mode - self.low) / width
        left = self.low + np.sqrt(u * width * (self.mode - self.low))
        right = self.high - np.sqrt((1 - u) * width * (self.high - self.mode))
        return np.where(u < cut, left, right)


class Pert(_Bounded):
    """PERT: ``low + (high - low) Beta(1 + 4 (mode - low)/w, 1 + 4 (high - mode)/w)``."""

    dist: Literal["pert"]
    mode: Number

    def _raw_ppf(self, u: FloatArray) -> FloatArray:
        width = self.high - self.low
        a = 1 + 4 * (self.mode - self.low) / width
        b = 1 + 4 * (self.high - self.mode) / width
        return self.low + width * special.betaincinv(a, b, u)


INTERVAL_RE = re.compile(r"^\s*(?P<low>\S+)\s+to\s+(?P<high>\S+)\s*$")
INTERVAL_PATTERN = r"^\s*\S+\s+to\s+\S+\s*$"


class Interval90(StrictModel):
    """``"A to B"``: a 90% interval (A = 5th, B = 95th percentile) fitted to the domain.

    rate -> logit-normal, positive quantity -> lognormal, otherwise normal (clipped to
    the field's domain).
    """

    low: float
    high: float
    family: Literal["logitnormal", "lognormal", "normal"] = "normal"
    bounds: tuple[float, float] = (-math.inf, math.inf)

    def ppf(self, u: FloatArray) -> FloatArray:
        z = special.ndtri(u)
        if self.family == "logitnormal":
            lo, hi = special.logit(self.low), special.logit(self.high)
            return np.asarray(special.expit((lo + hi) / 2 + (hi - lo) / (2 * Z95) * z))
        if self.family == "lognormal":
            lo, hi = math.log(self.low), math.log(self.high)
            draws = np.exp((lo + hi) / 2 + (hi - lo) / (2 * Z95) * z)
            return np.asarray(np.clip(draws, *self.bounds), dtype=np.float64)
        draws = (self.low + self.high) / 2 + (self.high - self.low) / (2 * Z95) * z
        return np.asarray(np.clip(draws, *self.bounds), dtype=np.float64)


def _parse_interval(value: Any) -> Any:
    if isinstance(value, Interval90):
        return value
    match = INTERVAL_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'expected "A to B" such as "60k to 140k"; got {clipped(repr(value))}')
    low, high = parse_number(match["low"]), parse_number(match["high"])
    if low >= high:
        raise ValueError(f'in "A to B" A must be below B (got {clipped(repr(value))})')
    return Interval90(low=low, high=high)


IntervalText = Annotated[
    Interval90,
    BeforeValidator(_parse_interval),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": INTERVAL_PATTERN,
            "description": 'A 90% interval, e.g. "60k to 140k" or "85% to 95%".',
        }
    ),
]

Distribution = Normal | LogNormal | Beta | Uniform | Triangular | Pert

_MODELS: tuple[type[_Distribution], ...] = (Normal, LogNormal, Beta, Uniform, Triangular, Pert)
DIST_KEYS: dict[str, tuple[str, ...]] = {
    name: ("dist", *(k for k in model.model_fields if k not in ("dist", "clip")), "clip")
    for name, model in zip(DIST_NAMES, _MODELS, strict=True)
}
"""The keys each ``dist:`` takes, for error messages."""


def _param_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        name = value.get("dist")
        return f"dist:{name}" if isinstance(name, str) else None
    if isinstance(value, str) and INTERVAL_RE.match(value):
        return "interval"
    return "number"


ParamValue = float | Interval90 | Distribution


def is_uncertain(value: object) -> bool:
    """True for a distribution or an ``"A to B"`` interval, False for a fixed number."""
    return isinstance(value, (Interval90, _Distribution))


ParamUnion = Annotated[
    (
        Annotated[Number, Tag("number")]
        | Annotated[IntervalText, Tag("interval")]
        | Annotated[Normal, Tag("dist:normal")]
        | Annotated[LogNormal, Tag("dist:lognormal")]
        | Annotated[Beta, Tag("dist:beta")]
        | Annotated[Uniform, Tag("dist:uniform")]
        | Annotated[Triangular, Tag("dist:triangular")]
        | Annotated[Pert, Tag("dist:pert")]
    ),
    Discriminator(_param_tag),
]


def _show(bound: float) -> str:
    return f"{bound:g}"


def keep_in_domain(value: ParamValue, domain: Domain) -> ParamValue:
    """``value`` when it stays inside ``domain`` (a negligible normal/lognormal tail is
    clipped to it); otherwise ``ValueError`` saying how it leaves the domain."""
    if isinstance(value, float):
        if not domain.contains(value):
            hint = domain.hint
            if domain is RATE and 1 < value <= 100:
                hint = f"did you mean {value:g}%?"
            if value > domain.high and domain is not RATE:
                raise ValueError(
                    f"expected at most {domain.high:.4g}, the limit of this field; got {value:.4g}"
                )
            raise ValueError(f"expected {domain.label}; got {value:g} ({hint})")
        return value
    if isinstance(value, Interval90):
        return _fit_interval(value, domain)
    low, high, low_in, _ = value.support()
    low_ok = low > domain.low or (low == domain.low and not (low_in and domain.low_open))
    if low_ok and high <= domain.high:
        return value
    outside = value.mass_outside(domain.low, domain.high) if value.clip is None else None
    if outside is not None and outside <= NEGLIGIBLE_MASS:
        return value.model_copy(update={"clip": [domain.low, domain.high]})
    alt = ', or use beta or the "A to B" shorthand' if domain is RATE else ""
    if outside is not None:
        spread = f"puts {outside:.2%} of its draws outside {domain.described()}"
    else:
        spread = f"can take values in [{_show(low)}, {_show(high)}], outside {domain.described()}"
    raise ValueError(
        f"a {value.dist} distribution here {spread}; add clip: [lo, hi] inside the domain{alt}"
    )


def _fit_interval(interval: Interval90, domain: Domain) -> Interval90:
    if domain.family == "logitnormal" and not 0 < interval.low < interval.high < 1:
        raise ValueError(
            f'"A to B" for {domain.label} needs 0 < A < B < 1 '
            f"(got {interval.low:g} to {interval.high:g})"
        )
    if domain.family == "lognormal" and interval.low <= 0:
        raise ValueError(
            f'"A to B" for {domain.label} needs A > 0 (got {interval.low:g} to {interval.high:g})'
        )
    if interval.high > domain.high:
        raise ValueError(
            f'"A to B" must lie inside {domain.described()} '
            f"(got {interval.low:g} to {interval.high:g})"
        )
    if domain.family == "normal" and not (
        domain.contains(interval.low) and domain.contains(interval.high)
    ):
        raise ValueError(
            f'"A to B" must lie inside {domain.label} (got {interval.low:g} to {interval.high:g})'
        )
    return interval.model_copy(
        update={"family": domain.family, "bounds": (domain.low, domain.high)}
    )


def plausible_range(value: ParamValue) -> tuple[float, float]:
    """The lowest and highest value ``value`` takes, but for a negligible share of draws
    (``NEGLIGIBLE_MASS`` at each end); a fixed number is its own range."""
    if isinstance(value, float):
        return value, value
    ends = value.ppf(np.array([NEGLIGIBLE_MASS, 1 - NEGLIGIBLE_MASS]))
    return float(ends[0]), float(ends[1])
