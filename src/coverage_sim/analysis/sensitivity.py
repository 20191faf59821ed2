"""Which uncertain input drives the output: rank, variance, swing (MODEL.md §3.1 pairing).

- ``rank``: Spearman rank correlation of each input's per-trial draw with the output, over
  the trials where the output is defined, from one (paired) run.
- ``variance``: contribution to variance, ``rho_i**2 / sum_j rho_j**2`` (Crystal Ball's
  normalised squared rank correlations; a share of the explained part, not of the total).
- ``swing``: each input held at its p10, then at its p90, every other input keeping its
  per-trial draws and the process noise its streams (paired); the output's p50 at both
  ends, sorted by ``|p50(p90 end) - p50(p10 end)|``.
- Process noise: the variance left with every input held at its median, over the variance
  with every input drawn (same seed, so the same noise streams).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from coverage_sim.analysis.breakeven import find_breakevens
from coverage_sim.analysis.paired import Question, Task, evaluate
from coverage_sim.analysis.ranking import (
    rank_correlations,
    require_defined,
    sensitivity_result,
)
from coverage_sim.analysis.results import InputEffect, SensitivityResult
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor
from coverage_sim.memory import check_fits, evaluations_footprint
from coverage_sim.metrics.compare import prob_better
from coverage_sim.metrics.definitions import METRICS

# on_evaluation(evaluations done, evaluations planned)
EvaluationCallback = Callable[[int, int], None]
SWING_LOW, SWING_HIGH = 0.10, 0.90
METHODS: tuple[str, ...] = ("rank", "variance", "swing", "sobol")  # --method


def check_request(method: str, top: int) -> None:
    """``--method`` is one of ``METHODS`` and ``--top`` at least 1 (before anything loads)."""
    from coverage_sim.errors import UsageError

    if method not in METHODS:
        raise UsageError(f"--method must be one of {', '.join(METHODS)}; got {method!r}")
    if top < 1:
        raise UsageError(f"--top must be at least 1; got {top}")


BREAKEVEN_KEPT = 8  # per-trial outputs a break-even search holds at once, at most


class _Counter:
    """Runs tasks through the executor and reports each evaluation."""

    def __init__(
        self, executor: Executor, planned: int, on_evaluation: EvaluationCallback | None
    ) -> None:
        self.executor, self.planned, self.done = executor, planned, 0
        self.on_evaluation = on_evaluation

    def run(self, tasks: Sequence[Task]) -> list[FloatArray]:
        """Every task's output, in order; the callback after each one (``Executor.imap``)."""
        results = []
        for result in self.executor.imap(evaluate, tasks):
            results.append(result)
            self.done += 1
            if self.on_evaluation is not None:
                self.on_evaluation(self.done, max(self.planned, self.done))
        return results


def _median(values: FloatArray) -> float | None:
    defined = values[np.isfinite(values)]
    return float(np.median(defined)) if defined.size else None


def sensitivity(
    question: Question,
    *,
    method: str,
    top: int,
    executor: Executor,
    on_evaluation: EvaluationCallback | None = None,
    breakeven_iterations: int = 8,
) -> SensitivityResult:
    """Rank the uncertain inputs by their effect on the question's output."""
    if not question.inputs:
        raise UsageError(
            f"sensitivity: {question.subject} has no uncertain input (every key is a plain "
            'number): nothing to rank; write a range such as "60k to 140k" for the inputs '
            "you are unsure of"
        )
    kept = 2 * len(question.inputs) + 2 + 2 * BREAKEVEN_KEPT
    footprint = evaluations_footprint(
        f"sensitivity --method {method}", question.scenarios, question.settings, executor, kept
    )
    check_fits(footprint, question.settings.trials)
    if method == "sobol":
        from coverage_sim.analysis.sobol import sobol_sensitivity

        return sobol_sensitivity(question, top=top, executor=executor, on_evaluation=on_evaluation)
    inputs = question.inputs
    swing = method == "swing"
    planned = 2 + (2 * len(inputs) if swing else 0)
    counter = _Counter(executor, planned, on_evaluation)
    medians = {i.path: i.quantile(0.5) for i in inputs}
    output, held = counter.run([question.task(), question.task(medians)])
    require_defined(question, output)
    rhos = rank_correlations(question, output)
    total = sum(r * r for _, r in rhos)
    effects = {
        path: InputEffect(path, rho, rho * rho / total if total > 0 else 0.0) for path, rho in rhos
    }
    if swing:
        ends = [
            question.task({i.path: i.quantile(q)}) for i in inputs for q in (SWING_LOW, SWING_HIGH)
        ]
        outs = counter.run(ends)
        better = METRICS[question.metric].better
        for k, i in enumerate(inputs):
            lo, hi = outs[2 * k], outs[2 * k + 1]
            effects[i.path] = InputEffect(
                i.path,
                effects[i.path].rank_correlation,
                effects[i.path].variance_share,
                low=i.quantile(SWING_LOW),
                high=i.quantile(SWING_HIGH),
                output_low=_median(lo),
                output_high=_median(hi),
                prob_better_low=prob_better(lo, better) if question.paired else None,
                prob_better_high=prob_better(hi, better) if question.paired else None,
            )
        ranked = sorted(effects.values(), key=lambda e: -abs(e.swing or 0.0))
    else:
        ranked = sorted(effects.values(), key=lambda e: -abs(e.rank_correlation))
    ranked = ranked[:top]
    notes = []
    if swing and question.paired and better_defined(question.metric):
        by_path = {i.path: i for i in inputs}
        ranked = find_breakevens(
            question,
            ranked,
            by_path,
            lambda tasks: counter.run(tasks),
            iterations=breakeven_iterations,
        )
    elif swing and question.paired:
        notes.append(f"{question.metric} has no better direction: no break-even")
    return sensitivity_result(
        question,
        method=method,
        output=output,
        held=held,
        effects=ranked,
        evaluations=counter.done,
        simulated_trials=counter.done * question.settings.trials * (2 if question.paired else 1),
        notes=notes,
    )


def better_defined(metric: str) -> bool:
    return METRICS[metric].better is not None
