"""What ``sensitivity`` and ``explain`` hand to the renderers (plain numbers, no arrays)."""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.results import RunSettings

SENSITIVITY_METHODS: tuple[str, ...] = ("rank", "variance", "swing", "sobol")


@dataclass(frozen=True)
class BreakEven:
    """Where P(better) crosses 50% inside the searched range, or ``value`` None: no flip.

    The search covers the key's valid range (``analysis.key_domain.search_range``):
    ``range_low``..``range_high``, ``range_text`` in words. ``quantile`` is the input's own
    probability level at ``value`` (None beyond its p0.0001..p99.9999); ``prob_better_low``
    and ``prob_better_high`` are P(better) with the input at its p5 and at its p95,
    ``prob_better_range_low``/``_high`` at the ends of the searched range.
    """

    value: float | None
    quantile: float | None
    prob_better_low: float | None
    prob_better_high: float | None
    range_low: float | None = None
    range_high: float | None = None
    range_text: str = "its p5..p95"
    prob_better_range_low: float | None = None
    prob_better_range_high: float | None = None


@dataclass(frozen=True)
class InputEffect:
    """One uncertain input's effect on the output, by its scenario key path."""

    path: str
    rank_correlation: float  # Spearman, from the plain run
    variance_share: float  # rank_correlation**2 / sum over inputs
    low: float | None = None  # swing: the input's p10 ...
    high: float | None = None  # ... and p90
    output_low: float | None = None  # p50 of the output with the input at its p10
    output_high: float | None = None  # ... at its p90
    prob_better_low: float | None = None
    prob_better_high: float | None = None
    first_order: float | None = None  # Sobol S1 and its 95% confidence half-width
    first_order_conf: float | None = None
    total_order: float | None = None  # Sobol ST
    total_order_conf: float | None = None
    breakeven: BreakEven | None = None

    @property
    def swing(self) -> float | None:
        if self.output_low is None or self.output_high is None:
            return None
        return self.output_high - self.output_low


@dataclass(frozen=True)
class SensitivityResult:
    """``coverage-sim sensitivity``: inputs ranked by their effect on the output.

    The output is the metric of ``plan`` per trial, or ``plan - baseline`` per trial
    (paired) when ``baseline`` is set. ``noise_share``: variance of the output with every
    input held at its median, over its variance with every input drawn.
    """

    method: str
    metric: str
    plan: str
    baseline: str | None
    settings: RunSettings
    sources: list[str]
    output: MetricSummary
    prob_better: float | None
    noise_share: float | None
    noise_output: MetricSummary
    effects: list[InputEffect]
    inputs_total: int
    evaluations: int  # paired evaluations (each one simulation, or two with a baseline)
    simulated_trials: int  # trials simulated in all, every scenario counted
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One cause's share of the paired difference (Shapley value), summarized over trials."""

    name: str
    spread: MetricSummary


@dataclass(frozen=True)
class ExplainResult:
    """``coverage-sim explain``: the paired difference split by motion (Shapley values).

    ``parts`` sum to ``total`` in every trial (``max_residual``: the largest
    ``|total - sum(parts)|`` over trials, floating-point error only).
    """

    metric: str
    plan: str
    baseline: str
    settings: RunSettings
    sources: list[str]
    total: MetricSummary
    prob_better: float | None
    parts: list[Part]
    max_residual: float
    evaluations: int
    notes: list[str] = field(default_factory=list)
