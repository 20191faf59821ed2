"""What every renderer takes: the run settings, the scenario summaries and the comparisons."""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage_sim.metrics.definitions import METRICS, SERIES_NAMES
from coverage_sim.metrics.summary_types import Comparison, ScenarioSummary


@dataclass(frozen=True)
class RunSettings:
    """The settings every scenario of one run shares (paired comparison, MODEL.md §3.1)."""

    tool_version: str
    numpy_version: str
    seed: int
    trials: int
    months: int
    sampling: str
    overrides: tuple[str, ...] = ()  # every --set PATH=VALUE, as typed, in order


@dataclass(frozen=True)
class RunReport:
    """One run: scenarios in display order (the baseline first in a comparison).

    ``baseline`` is ``None`` for ``run`` (one scenario, no comparison).
    ``sources[i]`` is the file scenario ``i`` came from, as given on the command line.
    """

    settings: RunSettings
    scenarios: list[ScenarioSummary]
    comparisons: list[Comparison] = field(default_factory=list)
    baseline: str | None = None
    sources: list[str] = field(default_factory=list)

    def comparison(self, scenario: str, metric: str) -> Comparison | None:
        """The paired comparison of ``scenario`` against the baseline on ``metric``, if any."""
        for item in self.comparisons:
            if item.scenario == scenario and item.metric == metric:
                return item
        return None


def metric_order(ids: list[str] | tuple[str, ...]) -> list[str]:
    """Metric ids in the order of ``METRICS`` (MODEL.md §4), unknown ids last by name."""
    known = [m for m in METRICS if m in ids]
    return known + sorted(m for m in ids if m not in METRICS)


def series_order(names: list[str] | tuple[str, ...]) -> list[str]:
    """Series names in the order of ``SERIES_NAMES``, then ``heads.<role>`` and others by name."""
    known = [s for s in SERIES_NAMES if s in names]
    return known + sorted(s for s in names if s not in SERIES_NAMES)
