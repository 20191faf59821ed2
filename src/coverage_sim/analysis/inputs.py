"""Uncertain inputs by scenario key path: their distributions, and plans that hold some fixed.

Every uncertain input at key path ``p`` is compiled to ``ppf(u_p)`` with uniforms that
depend only on the seed and ``p`` (common random numbers, ``scenario/sampling.py``). So
holding one input at a value is a plan in which that input's array is the value and every
other input keeps its draw in every trial: ``with_inputs`` builds it from a compiled
scenario (no engine special case, nothing else redrawn). The same function sets
per-trial values (the Sobol design).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from coverage_sim.compiled import CompiledScenario, FloatArray, map_arrays
from coverage_sim.errors import UsageError
from coverage_sim.scenario import Scenario


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: its key path and its distribution (for quantiles)."""

    path: str
    distribution: Any  # a scenario distribution: anything with ppf(uniforms)

    def quantile(self, q: float) -> float:
        """The input's value at probability ``q`` (its own inverse CDF, as compiled)."""
        return float(self.distribution.ppf(np.array([q], dtype=np.float64))[0])


def _node(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def uncertain_inputs(
    pairs: list[tuple[Scenario, CompiledScenario]],
) -> list[UncertainInput]:
    """The union of the scenarios' uncertain inputs, each once, in compile order.

    The same key path draws the same values in every scenario (common random numbers),
    so a path shared by a plan and its baseline is one input.
    """
    seen: dict[str, UncertainInput] = {}
    for scenario, compiled in pairs:
        for path in compiled.draws:
            if path not in seen:
                seen[path] = UncertainInput(path, _node(scenario, path))
    return list(seen.values())


def with_inputs(
    compiled: CompiledScenario, values: Mapping[str, float | FloatArray]
) -> CompiledScenario:
    """``compiled`` with the inputs at the given key paths set (a number: every trial).

    Paths the scenario does not have are ignored (a baseline without that role); every
    other input keeps its per-trial draw. ``draws`` reports the new values.
    """
    own = {p: v for p, v in values.items() if p in compiled.draws}
    if not own:
        return compiled
    arrays = {
        p: np.broadcast_to(np.asarray(v, dtype=np.float64), (compiled.trials,)).copy()
        for p, v in own.items()
    }
    swap = {id(compiled.draws[p]): a for p, a in arrays.items()}
    found: set[int] = set()

    def held(array: FloatArray) -> FloatArray:
        if id(array) in swap:
            found.add(id(array))
            return swap[id(array)]
        return array

    without_draws = dataclasses.replace(compiled, draws={})
    changed = map_arrays(without_draws, held)
    missing = [p for p in own if id(compiled.draws[p]) not in found]
    if missing:  # compile.py stores each draw in the structure itself; anything else is a bug
        raise RuntimeError(f"compiled draws not found in the scenario: {', '.join(missing)}")
    draws = {p: arrays.get(p, a) for p, a in compiled.draws.items()}
    return dataclasses.replace(changed, draws=draws)


def check_metric(metric: str) -> None:
    """``--metric`` must be a metric id of MODEL.md §4."""
    from coverage_sim.metrics.definitions import METRICS

    if metric not in METRICS:
        raise UsageError(f"--metric {metric!r}: expected one of {', '.join(METRICS)}")
