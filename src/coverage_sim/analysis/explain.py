"""The paired difference of a metric attributed to land, adopt, expand, renew and spend.

A *cause* is the path one motion reads in the engine (``coverage_sim.engine.paths``): the
land capacity, the adopt/expand/renew coverage, the coverage spend. Both plans are run
once keeping their paths; then the plan is re-run for every coalition ``S`` of causes with
the causes in ``S`` reading the plan's paths and the others the baseline's (same seed:
the same draws and noise streams), giving ``v(S)`` per trial. Each cause's part is its
Shapley value, the average over the ``5!`` orders of what switching it adds:

    phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))

so the parts sum to ``v(all) - v(none)`` in every trial. ``v(all)`` is the plan's own
result (replaying its own paths reproduces it). ``v(none)`` equals the baseline's result
when the two plans differ only in how coverage is bought (roles, allocation, budget);
any other difference (customer or company inputs) is the part ``other inputs``, the
baseline's result subtracted from ``v(none)``. 2^5 = 32 replays in all.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coverage_sim.analysis.paired import Question
from coverage_sim.analysis.results import ExplainResult, Part
from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.engine import simulate
from coverage_sim.engine.paths import PATH_ARRAYS, PATH_NAMES
from coverage_sim.execution import Executor
from coverage_sim.memory import check_fits, paths_footprint
from coverage_sim.metrics.compare import prob_better
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.summary import summarize_values

OTHER = "other inputs"


@dataclass(frozen=True)
class _Replay:
    """One coalition's run: the plan reading the given paths (picklable)."""

    plan: CompiledScenario
    seed: int
    metric: str
    paths: dict[str, FloatArray]


def _keep(
    task: tuple[CompiledScenario, int],
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """A plain run keeping its paths: (metrics, paths)."""
    outcome = simulate(task[0], task[1], keep_paths=True)
    return outcome.metrics, outcome.paths


def replay_metric(task: _Replay) -> FloatArray:
    """The metric per trial of the plan reading ``task.paths``."""
    outcome = simulate(task.plan, task.seed, replay=task.paths)
    return np.asarray(outcome.metrics[task.metric], dtype=np.float64)


def shapley(
    values: dict[frozenset[str], FloatArray], players: tuple[str, ...]
) -> dict[str, FloatArray]:
    """Per-trial Shapley value of each player from ``v(S)`` for every coalition ``S``."""
    n = len(players)
    out = {}
    for player in players:
        others = [p for p in players if p != player]
        phi = np.zeros_like(next(iter(values.values())))
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for coalition in itertools.combinations(others, size):
                s = frozenset(coalition)
                phi = phi + weight * (values[s | {player}] - values[s])
        out[player] = phi
    return out


def explain(
    question: Question,
    *,
    executor: Executor,
    on_evaluation: Callable[[int, int], None] | None = None,
) -> ExplainResult:
    """Attribute the paired difference ``plan - baseline`` of the metric to its causes."""
    if question.baseline is None or question.baseline_name is None:
        raise ValueError("explain needs a baseline")
    seed, metric = question.settings.seed, question.metric
    coalitions = [
        frozenset(c)
        for size in range(len(PATH_NAMES) + 1)
        for c in itertools.combinations(PATH_NAMES, size)
    ]
    planned = 2 + len(coalitions)
    footprint = paths_footprint(
        "explain's motion paths of two plans", question.scenarios, question.settings, executor
    )
    check_fits(footprint, question.settings.trials)
    (plan_metrics, plan_paths), (base_metrics, base_paths) = executor.map(
        _keep, [(question.plan, seed), (question.baseline, seed)]
    )
    if on_evaluation is not None:
        on_evaluation(2, planned)

    def mixed(coalition: frozenset[str]) -> dict[str, FloatArray]:
        return {
            name: (plan_paths if cause in coalition else base_paths)[name]
            for cause in PATH_NAMES
            for name in PATH_ARRAYS[cause]
        }

    values = {}
    tasks = [_Replay(question.plan, seed, metric, mixed(c)) for c in coalitions]
    for done, (coalition, run) in enumerate(
        zip(coalitions, executor.imap(replay_metric, tasks), strict=True), start=3
    ):
        values[coalition] = run
        if on_evaluation is not None:
            on_evaluation(done, planned)
    plan_value = np.asarray(plan_metrics[metric], dtype=np.float64)
    base_value = np.asarray(base_metrics[metric], dtype=np.float64)
    parts = shapley(values, PATH_NAMES)
    other = values[frozenset()] - base_value
    notes = []
    if np.any(np.abs(other[np.isfinite(other)]) > 0):
        parts[OTHER] = other
        notes.append(
            "the plans differ in more than how coverage is bought: 'other inputs' is the "
            "difference left with every motion reading the baseline's paths"
        )
    total = plan_value - base_value
    summed = np.sum(list(parts.values()), axis=0)
    defined = np.isfinite(total) & np.isfinite(summed)
    residual = float(np.max(np.abs(total[defined] - summed[defined]), initial=0.0))
    return ExplainResult(
        metric=metric,
        plan=question.plan_name,
        baseline=question.baseline_name,
        settings=question.settings,
        sources=list(question.sources),
        total=summarize_values(total),
        prob_better=prob_better(total, METRICS[metric].better),
        parts=[Part(name, summarize_values(v)) for name, v in parts.items()],
        max_residual=residual,
        evaluations=planned,
        notes=notes,
    )
