"""Which scenario key paths two plans differ in, beyond coverage.

A paired comparison isolates the effect of coverage only when the plans share everything
else: company, market, customer response, valuation. ``beyond_coverage`` lists the key
paths (``customers.adoption.rate.covered``) whose resolved values differ, ignoring the
coverage itself (``COVERAGE_KEYS``) and what the run already shares or only labels a plan
(``SHARED_KEYS``: trials, seed and horizon come from the baseline; name and description).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coverage_sim.scenario.distributions import Interval90, _Distribution
from coverage_sim.scenario.models import Scenario

COVERAGE_KEYS: frozenset[str] = frozenset({"budget", "allocation", "roles"})
SHARED_KEYS: frozenset[str] = frozenset(
    {"name", "description", "extends", "template", "simulation", "horizon_months"}
)


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    """Every leaf of a model by dotted key path (list items by index); a distribution
    (``"60k to 140k"``, ``{dist: beta, ...}``) is one leaf, named by its input's path."""
    if isinstance(value, BaseModel) and not isinstance(value, (_Distribution, Interval90)):
        value = {name: getattr(value, name) for name in type(value).model_fields}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(_leaves(item, f"{prefix}.{index}"))
        return out
    return {prefix: value}


def beyond_coverage(baseline: Scenario, other: Scenario) -> list[str]:
    """The sorted key paths outside coverage where ``other`` differs from ``baseline``."""
    ignored = COVERAGE_KEYS | SHARED_KEYS
    fields = [name for name in type(baseline).model_fields if name not in ignored]
    a = _leaves({name: getattr(baseline, name) for name in fields}, "")
    b = _leaves({name: getattr(other, name) for name in fields}, "")
    return sorted(p for p in a.keys() | b.keys() if a.get(p, _MISSING) != b.get(p, _MISSING))


_MISSING = object()
