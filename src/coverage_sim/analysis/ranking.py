"""What ``sensitivity``'s methods share: rank correlations and the result they build.

``sensitivity`` (rank, variance, swing) and ``sobol`` both rank inputs by Spearman's rho
and summarize the output the same way; both import this module, and neither imports the
other's helpers (``sensitivity`` hands ``--method sobol`` to ``sobol``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from coverage_sim.analysis.paired import Question
from coverage_sim.analysis.results import InputEffect, SensitivityResult
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.metrics.compare import prob_better
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.summary import summarize_values
from coverage_sim.results import RunSettings


def spearman(draws: FloatArray, output: FloatArray) -> float:
    """Spearman's rho of one input with the output (average ranks for ties); 0 if either
    is constant."""
    if np.ptp(draws) == 0 or np.ptp(output) == 0:
        return 0.0
    rho = stats.spearmanr(draws, output).statistic
    return float(rho) if np.isfinite(rho) else 0.0


def rank_correlations(question: Question, output: FloatArray) -> list[tuple[str, float]]:
    """(key path, rho) for every uncertain input of the plan and the baseline."""
    defined = np.isfinite(output)
    draws = {**(question.baseline.draws if question.baseline else {}), **question.plan.draws}
    return [(i.path, spearman(draws[i.path][defined], output[defined])) for i in question.inputs]


def require_defined(question: Question, output: FloatArray) -> None:
    """``UsageError`` when the metric is undefined (NaN) in every trial: nothing to rank."""
    if not np.isfinite(output).any():
        raise UsageError(
            f"sensitivity: {question.metric} is undefined in every trial of "
            f"{question.subject} (e.g. CAC payback with no new logo): nothing to rank; "
            "choose another --metric"
        )


def variance(values: FloatArray) -> float:
    defined = values[np.isfinite(values)]
    return float(np.var(defined, ddof=1)) if defined.size > 1 else 0.0


def sensitivity_result(
    question: Question,
    *,
    method: str,
    output: FloatArray,
    held: FloatArray,
    effects: list[InputEffect],
    evaluations: int,
    simulated_trials: int,
    notes: list[str],
    settings: RunSettings | None = None,
) -> SensitivityResult:
    """The result: the output (and with every input at its median, ``held``) summarized,
    the process-noise share ``var(held) / var(output)``, P(better) for a paired output."""
    var_all, var_held = variance(output), variance(held)
    return SensitivityResult(
        method=method,
        metric=question.metric,
        plan=question.plan_name,
        baseline=question.baseline_name,
        settings=settings or question.settings,
        sources=list(question.sources),
        output=summarize_values(output),
        prob_better=prob_better(output, METRICS[question.metric].better)
        if question.paired
        else None,
        noise_share=var_held / var_all if var_all > 0 else None,
        noise_output=summarize_values(held),
        effects=effects,
        inputs_total=len(question.inputs),
        evaluations=evaluations,
        simulated_trials=simulated_trials,
        notes=notes,
    )
