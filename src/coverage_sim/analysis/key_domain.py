"""The valid range of an uncertain input, by its scenario key path (for break-even searches).

Every uncertain field is typed ``Annotated[..., Uncertain(domain, unit)]``
(``scenario.params``): ``domain_of`` walks the scenario models along the key path to that
metadata. ``search_range`` is the range a break-even search covers: the domain where it is
bounded in practice (a rate or share: [0, 1]); a domain whose cap is only a sanity limit
(money up to 1e15, counts, months, multiples) is searched from a tenth of the input's p5
(at most its p0.1, never below the domain) up to ``UNBOUNDED_FACTOR`` times its p95 (at
least its p99.9), since the cap is no value a plan could have and an amount near 0 (a
head's cost) would make the plan absurd rather than tell where the verdict flips.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from coverage_sim.analysis.inputs import UncertainInput
from coverage_sim.scenario import Scenario
from coverage_sim.scenario.fields import Domain
from coverage_sim.scenario.params import Uncertain

UNBOUNDED_FACTOR = 10.0
PRACTICAL_HIGH = 1.0  # a domain capped at 1 (a rate, a share) is searched whole


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation may hold (through Annotated, unions, dict values)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models(arg)]
    return []


def _domain(metadata: list[Any], annotation: Any = None) -> Domain | None:
    """The ``Uncertain`` domain in a field's metadata, else inside its annotation (an
    optional field: ``Money | None``)."""
    found = next((m.domain for m in metadata if isinstance(m, Uncertain)), None)
    if found is not None or annotation is None:
        return found
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _domain(list(annotation.__metadata__), typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if (inner := _domain([], arg)) is not None:
                return inner
    return None


def domain_of(path: str) -> Domain | None:
    """The domain of the uncertain field at ``path`` (``roles.<name>...`` included)."""
    candidates: list[type[BaseModel]] = [Scenario]
    parts = path.split(".")
    index = 0
    while index < len(parts):
        part = parts[index]
        model = next((m for m in candidates if part in m.model_fields), None)
        if model is None:
            return None
        field = model.model_fields[part]
        if index == len(parts) - 1:
            return _domain(field.metadata, field.annotation)
        annotation = field.annotation
        if typing.get_origin(annotation) is dict:  # roles.<name>...: skip the name
            annotation = typing.get_args(annotation)[1]
            index += 1
        candidates = _models(annotation)
        found = _domain(field.metadata)
        if not candidates:
            return found
        index += 1
    return None


def search_range(item: UncertainInput) -> tuple[float, float, str]:
    """The values a break-even search covers, and in words what they are."""
    domain = domain_of(item.path)
    p95, far = item.quantile(0.95), item.quantile(0.999)
    if domain is None:
        low, high = item.quantile(0.001), far
        return low, high, "its p0.1..p99.9"
    near = item.quantile(0.001)
    if domain.high <= PRACTICAL_HIGH:
        low = domain.low if not domain.low_open else min(near, domain.low + 1e-6)
        return low, domain.high, "its whole valid range"
    p5 = item.quantile(0.05)
    spread = max(p95 - p5, abs(p95), 1e-12)
    low = p5 / UNBOUNDED_FACTOR if p5 > 0 else p5 - UNBOUNDED_FACTOR * spread
    low = max(domain.low, min(near, low))
    if domain.low_open and low <= domain.low:
        low = min(near, p5 / UNBOUNDED_FACTOR) if p5 > 0 else near
    high = UNBOUNDED_FACTOR * p95 if p95 > 0 else p95 + UNBOUNDED_FACTOR * spread
    high = min(domain.high, max(far, high))
    return low, high, f"its valid range from a tenth of its p5 to {UNBOUNDED_FACTOR:g}x its p95"
