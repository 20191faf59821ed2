"""What every renderer takes: the result types (``coverage_sim.results``, re-exported here),
and what to print of them (``Selection``, ``--sections``, ``--metrics``)."""

from __future__ import annotations

from dataclasses import dataclass

from coverage_sim.metrics.definitions import METRICS, SERIES_NAMES
from coverage_sim.results import (
    PlanDifference,
    PrecisionOutcome,
    RunReport,
    RunSettings,
    TrialSamples,
)

__all__ = [
    "SECTIONS",
    "PlanDifference",
    "PrecisionOutcome",
    "RunReport",
    "RunSettings",
    "Selection",
    "TrialSamples",
    "metric_order",
    "metric_rows",
    "parse_selection",
    "series_order",
]


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
