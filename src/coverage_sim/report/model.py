"""What every renderer takes: the run settings, the scenario summaries and the comparisons."""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.best import Pairwise
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


def metric_order(ids: list[str] | tuple[str, ...]) -> list[str]:
    """Metric ids in the order of ``METRICS`` (MODEL.md §4), unknown ids last by name."""
    known = [m for m in METRICS if m in ids]
    return known + sorted(m for m in ids if m not in METRICS)


def series_order(names: list[str] | tuple[str, ...]) -> list[str]:
    """Series names in the order of ``SERIES_NAMES``, then ``heads.<role>`` and others by name."""
    known = [s for s in SERIES_NAMES if s in names]
    return known + sorted(s for s in names if s not in SERIES_NAMES)


# What a report holds, in print order; ``--sections`` picks from these.
SECTIONS: tuple[str, ...] = ("verdict", "metrics", "bridge", "series")


@dataclass(frozen=True)
class Selection:
    """What to print: ``sections`` (a subset of ``SECTIONS``) and, if given, only ``metrics``.

    ``metrics`` is ``None`` for each format's default (every metric; the key metrics in a
    compare table); otherwise the metric ids in the order given.
    """

    sections: tuple[str, ...] = SECTIONS
    metrics: tuple[str, ...] | None = None

    def shows(self, section: str) -> bool:
        return section in self.sections

    def pick(self, available: list[str] | tuple[str, ...], default: list[str]) -> list[str]:
        """The metrics to show: the chosen ones that exist, else ``default``."""
        if self.metrics is None:
            return default
        return [m for m in self.metrics if m in available]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_selection(*, sections: str | None, metrics: str | None, brief: bool = False) -> Selection:
    """``--sections a,b``, ``--metrics x,y`` and ``--brief`` as a ``Selection``.

    An unknown name is a ``UsageError`` naming the flag, the word and the closest valid
    one (or every valid one).
    """
    import difflib

    from coverage_sim.errors import UsageError

    def check(flag: str, words: list[str], valid: list[str]) -> tuple[str, ...]:
        if not words:
            raise UsageError(f"{flag}: give at least one of: {', '.join(valid)}")
        for word in words:
            if word not in valid:
                close = difflib.get_close_matches(word, valid, n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "expected one of: " + ", ".join(valid)
                )
                raise UsageError(f"{flag}: unknown {word!r}; {hint}")
        return tuple(dict.fromkeys(words))

    if brief and sections is not None:
        raise UsageError("--brief prints the verdict alone; give --brief or --sections, not both")
    chosen = ("verdict",) if brief else SECTIONS
    if sections is not None:
        wanted = check("--sections", _split(sections), list(SECTIONS))
        chosen = tuple(s for s in SECTIONS if s in wanted)
    picked = None if metrics is None else check("--metrics", _split(metrics), list(METRICS))
    return Selection(sections=chosen, metrics=picked)


def metric_rows(
    report: RunReport, metrics: list[str], stats: tuple[str, ...], deltas: tuple[str, ...]
) -> list[tuple[str, str, list[float | None], list[float | None] | None]]:
    """Rows of a metrics table, metric by metric then plan by plan: ``(metric, plan,
    [each of stats], [each of deltas] or None for the baseline / no comparison)``.

    ``deltas`` are ``Comparison`` fields (``delta_mean``, ``delta_p50``, ``prob_better``);
    empty in a run without a baseline. The renderers format and escape the figures.
    """
    rows = []
    for metric in metrics:
        for summary in report.scenarios:
            figures = summary.metrics.get(metric)
            if figures is None:
                continue
            item = report.comparison(summary.name, metric)
            paired = None if item is None else [getattr(item, d) for d in deltas]
            values = [getattr(figures, s) for s in stats]
            rows.append((metric, summary.name, values, paired))
    return rows
