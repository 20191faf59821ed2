"""``coverage-sim track``: simulate the plan (and a baseline) with every trial's monthly
series kept, place the actuals in the fan and reweight the trials (``analysis.track``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim.analysis.track import (
    COLLAPSED,
    OUTSIDE,
    QUANTILES,
    Actuals,
    auto_noise,
    closest,
    effective_size,
    percentile_in_fan,
    read_actuals,
    weighted_prob_better,
    weighted_quantiles,
    weights,
)
from coverage_sim.analysis.voi_run import check_voi_metric, shared_draws
from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.engine import simulate
from coverage_sim.execution import Executor
from coverage_sim.memory import check_fits, evaluations_footprint
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.results import RunSettings, TrialSamples
from coverage_sim.run_plan import RunPlan
from coverage_sim.runner import compile_planned


@dataclass(frozen=True)
class MonthInFan:
    month: int
    actual: float
    p10: float
    p50: float
    p90: float
    percentile: float

    @property
    def flag(self) -> str:
        return (
            "below p10" if self.percentile < 0.1 else "above p90" if self.percentile > 0.9 else ""
        )


@dataclass(frozen=True)
class InputUpdate:
    path: str
    prior: list[float]  # p5, p50, p95
    posterior: list[float]


@dataclass(frozen=True)
class TrackResult:
    settings: RunSettings
    metric: str
    plan: str
    baseline: str | None
    actuals: Actuals
    fans: dict[str, list[MonthInFan]]
    ess: float
    collapsed: bool
    prob_better_prior: float | None
    prob_better: float | None
    inputs: list[InputUpdate]
    noise: float
    closest: float  # RMS kernel scales from the actuals to the closest trial
    plan_source: Path
    trial_weights: FloatArray  # the posterior weight of every trial (sums to 1)


def _observed(
    task: tuple[CompiledScenario, int, str, tuple[str, ...], int],
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """One plan's metric per trial and its first months of the observed series."""
    compiled, seed, metric, names, months = task
    outcome = simulate(compiled, seed)
    return outcome.metrics[metric], {n: outcome.series[n][:, :months] for n in names}


def _in_fan(month: int, values: FloatArray, actual: float) -> MonthInFan:
    p10, p50, p90 = (float(q) for q in np.percentile(values, [10, 50, 90]))
    return MonthInFan(month, actual, p10, p50, p90, percentile_in_fan(values, actual))


def track_plan(
    plan: RunPlan,
    actuals_path: Path,
    executor: Executor,
    *,
    metric: str = "npv",
    noise: float | None = None,
) -> TrackResult:
    """Place the actuals in the plan's fan and update the verdict and the inputs."""
    metric = check_voi_metric(metric)
    target = plan.scenarios[-1]  # the plan that runs; the baseline, if any, first
    roles = list(target.scenario.roles)
    actuals = read_actuals(actuals_path, roles, plan.settings.months)
    names = tuple(actuals.series)
    footprint = evaluations_footprint(
        "track's monthly series",
        [item.scenario for item in plan.scenarios],
        plan.settings,
        executor,
        len(names) * actuals.months * len(plan.scenarios) + 2 * len(plan.scenarios),
    )
    check_fits(footprint, plan.settings.trials)
    compiled = [compile_planned(item.scenario, plan.settings) for item in plan.scenarios]
    tasks = [(c, plan.settings.seed, metric, names, actuals.months) for c in compiled]
    results = executor.map(_observed, tasks)
    values, series = results[-1]
    if noise is None:
        noise = auto_noise(series, actuals, max(COLLAPSED, 0.05 * plan.settings.trials))
    w = weights(series, actuals, noise)
    ess = effective_size(w)
    distance = closest(series, actuals, noise)
    fans = {
        name: [
            _in_fan(month + 1, series[name][:, month], float(actual))
            for month, actual in enumerate(actuals.series[name])
        ]
        for name in names
    }
    prior_better = posterior_better = None
    if len(plan.scenarios) > 1:
        better = METRICS[metric].better
        delta = values - results[0][0]
        delta = -delta if better == "lower" else delta
        defined = np.isfinite(delta)
        uniform = np.full(int(defined.sum()), 1.0 / max(int(defined.sum()), 1))
        prior_better = weighted_prob_better(delta[defined], uniform)
        kept = w[defined] / max(float(w[defined].sum()), 1e-300)
        posterior_better = weighted_prob_better(delta[defined], kept)
    draws = shared_draws([TrialSamples(target.name, {}, compiled[-1].draws)])
    uniform_all = np.full(w.size, 1.0 / w.size)
    inputs = [
        InputUpdate(
            path,
            weighted_quantiles(d, uniform_all, QUANTILES),
            weighted_quantiles(d, w, QUANTILES),
        )
        for path, d in draws.items()
    ]
    return TrackResult(
        settings=plan.settings,
        metric=metric,
        plan=target.name,
        baseline=plan.scenarios[0].name if len(plan.scenarios) > 1 else None,
        actuals=actuals,
        fans=fans,
        ess=ess,
        collapsed=ess < COLLAPSED or distance > OUTSIDE,
        closest=distance,
        prob_better_prior=prior_better,
        prob_better=posterior_better,
        inputs=inputs,
        noise=noise,
        plan_source=target.path,
        trial_weights=w,
    )
