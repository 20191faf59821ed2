"""What a run hands on: its settings, per-plan summaries, comparisons and samples.

The runner (``runner.py``) and the analyses (``analysis/``) build these; the renderers
(``report/``), the CLI and the API read them. They live below all three, so that nothing
computed imports the report layer (MODEL.md data flow: scenario -> compiled -> engine ->
metrics -> results -> analysis -> report -> cli/api). ``report.model`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.best import Pairwise
from coverage_sim.metrics.summary_types import Comparison, ScenarioSummary

__all__ = [
    "PlanDifference",
    "PrecisionOutcome",
    "RunReport",
    "RunSettings",
    "TrialSamples",
]


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
class TrialSamples:
    """One plan's per-trial values: every metric (by id) and every uncertain input's draw
    (by scenario key path, ``CompiledScenario.draws``), each of shape ``(trials,)``."""

    name: str
    metrics: dict[str, FloatArray]
    draws: dict[str, FloatArray]


@dataclass(frozen=True)
class PlanDifference:
    """A compared plan that differs from the baseline in more than coverage (budget,
    allocation, roles): the differing scenario key paths, sorted."""

    scenario: str
    baseline: str
    paths: tuple[str, ...]

    def message(self, shown: int = 5) -> str:
        """``'X' differs from 'B' in more than coverage: a, b (and 3 more)``."""
        listed = ", ".join(self.paths[:shown])
        more = len(self.paths) - shown
        rest = f" and {more} more" if more > 0 else ""
        return (
            f"{self.scenario!r} differs from the baseline {self.baseline!r} in more than "
            f"coverage (budget, allocation, roles): {listed}{rest}; its difference is not "
            "coverage alone"
        )


@dataclass(frozen=True)
class PrecisionOutcome:
    """How a ``--precision`` run ended: ``met`` when every p50 and P(better) was within its
    target before ``max_trials``; ``least_precise`` names the figure with the widest interval
    relative to its target (``ratio``: half-width / target, <= 1 when met)."""

    target: float
    trials: int  # used
    max_trials: int
    met: bool
    least_precise: str
    ratio: float


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
    differences: list[PlanDifference] = field(default_factory=list)
    precision: PrecisionOutcome | None = None  # set by a --precision run
    # metric -> plan -> P(best) among every plan of a comparison (the baseline included)
    prob_best: dict[str, dict[str, float | None]] = field(default_factory=dict)
    role_labels: dict[str, str] = field(default_factory=dict)  # role id -> label (report)
    pairwise: Pairwise | None = None  # compare --pairwise: the verdict metric's matrix

    def comparison(self, scenario: str, metric: str) -> Comparison | None:
        """The paired comparison of ``scenario`` against the baseline on ``metric``, if any."""
        for item in self.comparisons:
            if item.scenario == scenario and item.metric == metric:
                return item
        return None

    def best_share(self, scenario: str, metric: str) -> float | None:
        """P(best) of ``scenario`` on ``metric`` among every plan (None outside a comparison)."""
        return self.prob_best.get(metric, {}).get(scenario)
