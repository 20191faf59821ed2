"""What the engine hands on: per-trial results of one scenario (before any summary)."""

from __future__ import annotations

from dataclasses import dataclass

from coverage_sim.compiled import FloatArray


@dataclass(frozen=True)
class ScenarioOutcome:
    """Per-trial results of one simulated scenario.

    ``metrics[id]``: shape ``(trials,)``, one value per trial for every id in
    ``coverage_sim.metrics.definitions.METRICS`` (NaN where undefined in a trial,
    e.g. CAC with no new logo).
    ``bridge[field]``: shape ``(trials, years)`` for each of
    ``BRIDGE_FIELDS``; ``start + new + expansion - contraction - churn == end``.
    ``series[name]``: shape ``(trials, months)``; names in ``SERIES_NAMES`` plus
    ``heads.<role>``.
    """

    name: str
    metrics: dict[str, FloatArray]
    bridge: dict[str, FloatArray]
    series: dict[str, FloatArray]
