"""``--require "[SCENARIO:]METRIC.STAT OP NUMBER"``: CI gates, checked after the output.

Each requirement is parsed by a regular expression (never handed to ``eval``), its
targets are checked before anything is simulated (``check_targets``), and it is
evaluated against the run's summaries once the output is written (``enforce``).

Grammar (docs/cli.md): METRIC is a metric id (MODEL.md §4); STAT is a summary
statistic (mean, sd, p5, p10, p50, p90, p95) or a comparison statistic
(prob_better, delta_p50, delta_mean, prob_best: the share of trials in which the plan is
best among every plan of the run, defined for the baseline too when it is named); OP is
one of ``< <= > >= == !=``; NUMBER is anything ``parse_number`` reads (80k, 50M, 85%,
-2.5, 1_000). An optional ``SCENARIO:`` prefix (a scenario name as displayed) targets one scenario.

Scope without a prefix: a summary statistic must hold for every scenario (the
baseline included); a comparison statistic for every scenario except the baseline.
An undefined figure (``None``: no trial defined it) fails the requirement.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from coverage_sim.errors import RequirementNotMet, UsageError
from coverage_sim.metrics.definitions import COMPARISON_STATS, METRICS, SUMMARY_STATS
from coverage_sim.report import formatting as fmt
from coverage_sim.results import RunReport
from coverage_sim.scenario import parse_number

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
GRAMMAR = '"[SCENARIO:]METRIC.STAT OP NUMBER", e.g. "nrr.p50 >= 100%" or "npv.prob_better > 0.8"'

_PATTERN = re.compile(
    r"""^\s*
    (?:(?P<scenario>.*\S)\s*:\s*)?          # optional scenario name, up to the last colon
    (?P<metric>[A-Za-z_][A-Za-z0-9_]*)
    \.(?P<stat>[A-Za-z_][A-Za-z0-9_]*)
    \s*(?P<op><=|>=|==|!=|<|>)\s*
    (?P<number>[^\s<>=!]\S*)              # (a number cannot start with an operator)
    \s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Requirement:
    """One parsed ``--require``: ``text`` is what the user typed, for messages."""

    text: str
    metric: str
    stat: str
    op: str
    threshold: float
    scenario: str | None = None

    @property
    def is_comparison(self) -> bool:
        return self.stat in COMPARISON_STATS

    def holds(self, value: float) -> bool:
        return OPERATORS[self.op](value, self.threshold)


@dataclass(frozen=True)
class Shortfall:
    """A requirement that did not hold for one scenario, with the figure found."""

    requirement: Requirement
    scenario: str
    value: float | None

    def message(self) -> str:
        req = self.requirement
        figure = f"{req.metric}.{req.stat}"
        if self.value is None:
            return (
                f'requirement "{req.text}" not met for {self.scenario!r}: {figure} is undefined '
                "(no trial produced a value)"
            )
        return (
            f'requirement "{req.text}" not met for {self.scenario!r}: '
            f"{figure} = {_human(req, self.value)} ({self.value:.6g})"
        )


def _human(req: Requirement, value: float) -> str:
    if req.stat in ("prob_better", "prob_best"):
        return fmt.percent(value)
    if req.stat in ("delta_p50", "delta_mean"):
        return fmt.metric_delta(req.metric, value)
    return fmt.metric_value(req.metric, value)


def parse_requirement(text: str) -> Requirement:
    """Parse one ``--require``; a malformed one, or an unknown metric or stat, is a UsageError."""
    match = _PATTERN.match(text)
    if match is None:
        raise UsageError(f"--require {text!r}: expected {GRAMMAR}")
    metric, stat = match["metric"].lower(), match["stat"].lower()
    if metric not in METRICS:
        raise UsageError(
            f"--require {text!r}: unknown metric {match['metric']!r}; valid metrics: "
            + ", ".join(METRICS)
        )
    valid_stats = SUMMARY_STATS + COMPARISON_STATS
    if stat not in valid_stats:
        raise UsageError(
            f"--require {text!r}: unknown statistic {match['stat']!r}; valid statistics: "
            + ", ".join(valid_stats)
        )
    if stat in ("prob_better", "prob_best") and METRICS[metric].better is None:
        raise UsageError(
            f"--require {text!r}: {metric} has no better direction, so {stat} is "
            "undefined; use delta_p50 or delta_mean"
        )
    try:
        threshold = parse_number(match["number"])
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--require {text!r}: {match['number']!r} is not a number: {exc}") from exc
    return Requirement(text.strip(), metric, stat, match["op"], threshold, match["scenario"])


def parse_requirements(texts: Sequence[str]) -> list[Requirement]:
    return [parse_requirement(t) for t in texts]


def check_targets(
    requirements: Sequence[Requirement],
    names: Sequence[str],
    baseline: str | None,
    aliases: Mapping[str, str] | None = None,
) -> list[Requirement]:
    """Before simulating: every ``SCENARIO:`` prefix names a scenario, comparisons need one.

    ``aliases`` maps other accepted spellings (file stems) to scenario names. Returns the
    requirements with each prefix replaced by the scenario's name.
    """
    resolved = []
    for req in requirements:
        if req.is_comparison and baseline is None:
            raise UsageError(
                f"--require {req.text!r}: {req.stat} compares against a baseline; "
                "use `coverage-sim compare`"
            )
        if req.scenario is not None:
            target = req.scenario if req.scenario in names else (aliases or {}).get(req.scenario)
            if target is None:
                raise UsageError(
                    f"--require {req.text!r}: no scenario named {req.scenario!r}; scenarios: "
                    + ", ".join(repr(n) for n in names)
                )
            if req.is_comparison and target == baseline and req.stat != "prob_best":
                raise UsageError(
                    f"--require {req.text!r}: {target!r} is the baseline; "
                    f"{req.stat} is only defined for the other scenarios"
                )
            req = dataclasses.replace(req, scenario=target)
        resolved.append(req)
    return resolved


def _figure(req: Requirement, report: RunReport, scenario: str) -> float | None:
    if req.stat == "prob_best":  # defined for the baseline too (among every plan)
        value = report.best_share(scenario, req.metric)
    elif req.is_comparison:
        item = report.comparison(scenario, req.metric)
        value = None if item is None else getattr(item, req.stat)
    else:
        summary = next(s for s in report.scenarios if s.name == scenario)
        stats = summary.metrics.get(req.metric)
        value = None if stats is None else getattr(stats, req.stat)
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class GateResult:
    """One requirement checked for one scenario in its scope: the figure and whether it held."""

    requirement: Requirement
    scenario: str
    value: float | None

    @property
    def held(self) -> bool:
        return self.value is not None and self.requirement.holds(self.value)

    @property
    def figure(self) -> str:
        """The figure as the outputs show it (``undefined`` when no trial gave one)."""
        return "undefined" if self.value is None else _human(self.requirement, self.value)


def gate_results(requirements: Sequence[Requirement], report: RunReport) -> list[GateResult]:
    """Every requirement against every scenario in its scope, held or not, in order (the
    Markdown "Requirements" section)."""
    return [GateResult(s.requirement, s.scenario, s.value) for s in _checked(requirements, report)]


def evaluate(requirements: Sequence[Requirement], report: RunReport) -> list[Shortfall]:
    """Every requirement against every scenario in its scope; the ones that did not hold.

    ``requirements`` are as ``check_targets`` returns them: a ``SCENARIO:`` prefix is a
    scenario's name.
    """
    return [
        s
        for s in _checked(requirements, report)
        if s.value is None or not s.requirement.holds(s.value)
    ]


def _checked(requirements: Sequence[Requirement], report: RunReport) -> list[Shortfall]:
    """Each requirement's figure for every scenario in its scope (held or not)."""
    names = [s.name for s in report.scenarios]
    checked = []
    for req in requirements:
        if req.scenario is not None:
            if req.scenario not in names:
                raise ValueError(f"{req.text!r}: resolve its scenario with check_targets first")
            targets = [req.scenario]
        elif req.is_comparison:
            targets = [n for n in names if n != report.baseline]
        else:
            targets = names
        for name in targets:
            checked.append(Shortfall(req, name, _figure(req, report, name)))
    return checked


def enforce(requirements: Sequence[Requirement], report: RunReport) -> None:
    """Raise ``RequirementNotMet`` naming every shortfall (call after writing the output)."""
    shortfalls = evaluate(requirements, report)
    if shortfalls:
        raise RequirementNotMet("\n".join(s.message() for s in shortfalls))
