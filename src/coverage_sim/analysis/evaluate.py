"""One plan evaluation as a picklable task, and many of them through an ``Executor``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coverage_sim.compiled import FloatArray
from coverage_sim.execution import Executor
from coverage_sim.results import RunSettings
from coverage_sim.runner import simulate_scenario
from coverage_sim.scenario import Scenario

# on_evaluated(evaluations done, evaluations planned, task index, its per-trial values)
EvaluationCallback = Callable[[int, int, int, dict[str, FloatArray]], None]


@dataclass(frozen=True)
class PlanTask:
    """A validated plan, the run's shared settings and the metrics to bring back."""

    scenario: Scenario
    settings: RunSettings
    metrics: tuple[str, ...]
    name: str = ""


def evaluate_plan(task: PlanTask) -> dict[str, FloatArray]:
    """Simulate one plan; its per-trial values of ``task.metrics`` (module level: picklable)."""
    outcome = simulate_scenario(task.scenario, task.settings, name=task.name)
    return {metric: outcome.metrics[metric] for metric in task.metrics}


def evaluate_plans(
    executor: Executor,
    tasks: Sequence[PlanTask],
    *,
    on_evaluated: EvaluationCallback | None = None,
    done_before: int = 0,
    planned: int | None = None,
) -> list[dict[str, FloatArray]]:
    """``evaluate_plan`` over ``tasks`` through ``executor.imap``, results in input order.

    ``on_evaluated(done, planned, index, values)`` follows each evaluation: ``done``
    counts from ``done_before`` (earlier evaluations), ``index`` is the task's position.
    """
    total = planned if planned is not None else done_before + len(tasks)
    results: list[dict[str, FloatArray]] = []
    for values in executor.imap(evaluate_plan, tasks):
        results.append(values)
        if on_evaluated is not None:
            done = done_before + len(results)
            on_evaluated(done, max(total, done), len(results) - 1, values)
    return results
