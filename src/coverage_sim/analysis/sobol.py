"""Sobol indices of the uncertain inputs (SALib, Saltelli's design without second order).

The design has ``N * (D + 2)`` rows for ``D`` inputs: for each of ``N`` base points, rows
``A``, ``AB_1..AB_D`` and ``B``. Each row is one trial: the engine simulates trials side by
side, so the whole design is one run of ``N * (D + 2)`` trials (per plan), the inputs set
to the row's probability levels through their own inverse CDFs (``inputs.with_inputs``).
``N`` is the largest power of two with ``N * (D + 2) <= trials``; below ``MIN_BASE`` the
request is refused. Every trial keeps its own process noise, so noise is variance no input
explains. The design treats inputs as independent. SALib is optional (the ``sensitivity``
extra) and imported here only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from coverage_sim.analysis.paired import Question, Task, evaluate
from coverage_sim.analysis.ranking import rank_correlations, sensitivity_result
from coverage_sim.analysis.results import InputEffect, SensitivityResult
from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor

MIN_BASE = 64  # base points; fewer gives indices too noisy to rank inputs
BoolArray = npt.NDArray[np.bool_]
_EDGE = 2.0**-20  # keeps every level inside (0, 1), where each inverse CDF is finite


def base_points(trials: int, inputs: int) -> int:
    """The largest power of two ``N`` with ``N * (inputs + 2) <= trials`` (0 if none)."""
    n = 0 if trials < inputs + 2 else 1 << ((trials // (inputs + 2)).bit_length() - 1)
    return n


def _salib() -> tuple[object, object]:
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError as exc:
        raise UsageError(
            "--method sobol needs SALib, which is not installed; install the extra: "
            'pip install "coverage-sim[sensitivity]" (or use --method swing or variance)'
        ) from exc
    return sample, analyze


def sobol_sensitivity(
    question: Question,
    *,
    top: int,
    executor: Executor,
    on_evaluation: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """S1 and ST of every uncertain input, ranked by ST."""
    sample, analyze = _salib()
    inputs = question.inputs
    d, trials = len(inputs), question.settings.trials
    n = base_points(trials, d)
    if n < MIN_BASE:
        raise UsageError(
            f"--method sobol costs N*(D+2) trials with N >= {MIN_BASE} base points: "
            f"{d} uncertain inputs need --trials {MIN_BASE * (d + 2):,} or more; got {trials:,}"
        )
    rows = n * (d + 2)
    problem = {"num_vars": d, "names": [i.path for i in inputs], "bounds": [[0.0, 1.0]] * d}
    levels = sample.sample(  # type: ignore[attr-defined]
        problem, n, calc_second_order=False, seed=question.settings.seed
    )
    levels = np.clip(levels, _EDGE, 1.0 - _EDGE)
    values: dict[str, FloatArray] = {
        i.path: np.asarray(i.distribution.ppf(levels[:, k])) for k, i in enumerate(inputs)
    }
    plan, baseline = question.compiled_with_trials(rows)
    design = Task(plan, baseline, question.metric, question.settings.seed, dict(values))
    held = question.task({i.path: i.quantile(0.5) for i in inputs})
    output, median_output = executor.map(evaluate, [design, held])
    if on_evaluation is not None:
        on_evaluation(2, 2)
    if not np.all(np.isfinite(output)):
        missing = int(np.sum(~np.isfinite(output)))
        raise UsageError(
            f"--method sobol: {question.metric} is undefined in {missing} of {rows} trials; "
            "Sobol indices need a metric defined in every trial (use --method swing)"
        )
    indices = analyze.analyze(  # type: ignore[attr-defined]
        problem, output, calc_second_order=False, seed=question.settings.seed
    )
    samples = np.zeros(rows, dtype=bool)  # rows A and B: independent draws of the inputs
    samples[0 :: d + 2] = samples[d + 1 :: d + 2] = True
    sampled = dataclasses.replace(question, plan=design_draws(plan, values, samples), baseline=None)
    rhos = dict(rank_correlations(sampled, output[samples]))
    total = sum(r * r for r in rhos.values())
    effects = [
        InputEffect(
            i.path,
            rhos[i.path],
            rhos[i.path] ** 2 / total if total > 0 else 0.0,
            first_order=float(indices["S1"][k]),
            first_order_conf=float(indices["S1_conf"][k]),
            total_order=float(indices["ST"][k]),
            total_order_conf=float(indices["ST_conf"][k]),
        )
        for k, i in enumerate(inputs)
    ]
    effects.sort(key=lambda e: -(e.total_order or 0.0))
    return sensitivity_result(
        question,
        method="sobol",
        output=output,
        held=median_output,
        effects=effects[:top],
        evaluations=2,
        simulated_trials=(rows + trials) * (2 if question.paired else 1),
        notes=[
            f"Sobol design: N = {n} base points x (D + 2) = {rows:,} trials for D = {d} "
            f"inputs (--trials {trials:,} asked); the process-noise run used {trials:,}",
            "each design row has its own process noise: every ST includes about the "
            "process-noise share and S1 is noisier; an input with ST near that share and "
            "S1 near 0 has no effect of its own",
        ],
        settings=dataclasses.replace(question.settings, trials=rows),
    )


def design_draws(
    plan: CompiledScenario, values: dict[str, FloatArray], samples: BoolArray
) -> CompiledScenario:
    """The plan with ``draws`` narrowed to the design's sample rows (for rank correlations)."""
    draws = {p: np.asarray(v)[samples] for p, v in values.items()}
    return dataclasses.replace(plan, draws=draws, trials=int(samples.sum()))
