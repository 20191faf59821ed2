"""``coverage-sim voi``: simulate the plans as ``compare`` does, keep every trial's metric
and input draws, and estimate the value of information (``analysis.voi``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coverage_sim.analysis.voi import VoiEstimate, estimate, net_benefit, parse_group
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.results import RunSettings, TrialSamples
from coverage_sim.run_plan import RunPlan
from coverage_sim.runner import execute
from coverage_sim.scenario.issues import did_you_mean


@dataclass(frozen=True)
class VoiResult:
    settings: RunSettings
    metric: str
    plans: list[str]  # the baseline first
    means: list[float]  # the metric's mean per plan
    estimate: VoiEstimate
    trials_used: int  # trials with the metric defined in every plan
    sources: list[str]


def check_voi_metric(metric: str) -> str:
    """A metric id with a better direction (the decision maximizes it or minimizes it)."""
    metric = metric.strip().lower()
    if metric not in METRICS:
        raise UsageError(f"--metric {metric!r}: unknown metric" + did_you_mean(metric, [*METRICS]))
    if METRICS[metric].better is None:
        raise UsageError(f"--metric {metric}: has no better direction, so no plan is best on it")
    return metric


def shared_draws(samples: Sequence[TrialSamples]) -> dict[str, FloatArray]:
    """Every uncertain input once: a key path drawn alike in every plan that has it is one
    input; one that plans draw differently (another distribution) is one input per plan,
    named ``path [plan]``."""
    draws: dict[str, FloatArray] = {}
    paths = dict.fromkeys(p for s in samples for p in s.draws)
    for path in paths:
        having = [s for s in samples if path in s.draws]
        first = having[0].draws[path]
        if all(np.array_equal(s.draws[path], first) for s in having[1:]):
            draws[path] = first
        else:
            for s in having:
                draws[f"{path} [{s.name}]"] = s.draws[path]
    return draws


def value_of_information(
    plan: RunPlan,
    executor: Executor,
    *,
    metric: str,
    groups: Sequence[str] = (),
) -> VoiResult:
    """Simulate ``plan`` (the baseline first) and estimate EVPI and EVPPI of ``metric``."""
    metric = check_voi_metric(metric)
    parsed = [parse_group(text) for text in groups]
    paired = simulate_benefit(plan, executor, metric)
    draws = {path: d[paired.defined] for path, d in shared_draws(paired.samples).items()}
    found = estimate(paired.benefit, draws, parsed, seed=plan.settings.seed)
    return VoiResult(
        settings=plan.settings,
        metric=metric,
        plans=[s.name for s in paired.samples],
        means=paired.means,
        estimate=found,
        trials_used=int(paired.benefit.shape[0]),
        sources=[item.path.as_posix() for item in plan.scenarios],
    )


@dataclass(frozen=True)
class PairedBenefit:
    """Every plan's per-trial samples, and the net benefit of the trials where the metric
    is defined in every plan (``defined`` marks them)."""

    samples: list[TrialSamples]
    benefit: FloatArray  # (defined trials, plans), the baseline first
    defined: npt.NDArray[np.bool_]
    means: list[float]  # the metric's mean per plan over those trials


def simulate_benefit(plan: RunPlan, executor: Executor, metric: str) -> PairedBenefit:
    """Simulate ``plan`` as ``compare`` does, keeping every trial's metrics and draws."""
    samples: list[TrialSamples] = []
    execute(plan, executor=executor, on_samples=samples.append)
    values = [s.metrics[metric] for s in samples]
    defined = np.all(np.isfinite(np.column_stack(values)), axis=1)
    benefit = net_benefit(values, METRICS[metric].better or "higher")
    means = [float(np.mean(v[defined])) for v in values]
    return PairedBenefit(samples, benefit, defined, means)
