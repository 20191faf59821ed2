"""A sweep's figures as a ``RunReport``, the form ``--require`` reads (docs/cli.md, "sweep")."""

from __future__ import annotations

from coverage_sim.analysis.sweep import SweepResult
from coverage_sim.metrics.summary_types import Comparison, ScenarioSummary
from coverage_sim.results import RunReport


def as_run_report(result: SweepResult) -> RunReport:
    """The baseline and the points as a ``RunReport`` (metrics only), for ``--require``."""
    plan = result.plan
    trials = plan.settings.trials
    scenarios = [ScenarioSummary(plan.baseline_name, trials, dict(result.baseline), [], {})]
    comparisons = []
    for index, point in enumerate(plan.points):
        metrics = {m: result.figures[m][index].summary for m in plan.needed}
        scenarios.append(ScenarioSummary(point.label, trials, metrics, [], {}))
        for metric in plan.needed:
            pair = result.figures[metric][index].versus_baseline
            comparisons.append(
                Comparison(
                    point.label,
                    plan.baseline_name,
                    metric,
                    None if pair is None else pair.delta_mean,
                    None if pair is None else pair.delta_p50,
                    None if pair is None else pair.prob_better,
                )
            )
    return RunReport(
        settings=plan.settings,
        scenarios=scenarios,
        comparisons=comparisons,
        baseline=plan.baseline_name,
        sources=[plan.baseline_source] + [plan.source] * len(plan.points),
    )
