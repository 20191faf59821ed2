"""Running a planned comparison: compile -> simulate (in blocks) -> summarize -> compare.

No argv, environment or TTY here: the CLI passes a ``RunPlan`` (``run_plan.plan_run``)
and settings in and gets a ``RunReport`` back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor, SerialExecutor, available_memory, make_executor
from coverage_sim.memory import (
    FIXED_BYTES,
    METRIC_BYTES,
    SAMPLE_CELL_BYTES,
    WORKER_BYTES,
    Footprint,
    check_fits,
    draw_columns,
    fixed_bytes,
    inputs_per_trial,
    local_processes,
)
from coverage_sim.metrics import compare
from coverage_sim.metrics.best import VERDICT_METRIC, pairwise, prob_best
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.precision import shortfall
from coverage_sim.metrics.streaming import ScenarioAccumulator
from coverage_sim.metrics.summary_types import Comparison, ScenarioSummary
from coverage_sim.outcome import METRIC_IDS, ScenarioOutcome
from coverage_sim.results import (
    PrecisionOutcome,
    RunReport,
    RunSettings,
    TrialSamples,
)
from coverage_sim.run_plan import PlannedScenario, RunPlan, plan_run, same_file
from coverage_sim.scenario import Scenario, compile_scenario
from coverage_sim.text import readable_id
from coverage_sim.trial_blocks import simulate_in_blocks

MAX_WORKERS = 1024  # --workers: more processes than any machine has cores for
FIRST_STAGE_TRIALS = 4_000  # the first stage of a --precision run

__all__ = [
    "PlannedScenario",
    "RunPlan",
    "execute",
    "open_executor",
    "plan_run",
    "same_file",
    "simulate_scenario",
]

# on_progress(scenario index, scenario name, trials done, trials in total)
ProgressCallback = Callable[[int, str, int, int], None]


# on_samples(plan's samples), once per plan as soon as it is simulated (``--samples``)
SamplesCallback = Callable[[TrialSamples], None]


def compile_planned(scenario: Scenario, settings: RunSettings) -> CompiledScenario:
    """``scenario`` compiled under the run's shared settings (trials, seed, sampling, horizon)."""
    return compile_scenario(
        scenario,
        trials=settings.trials,
        seed=settings.seed,
        sampling=settings.sampling,
        horizon_months=settings.months,
    )


def simulate_scenario(
    scenario: Scenario,
    settings: RunSettings,
    *,
    name: str,
    executor: Executor | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScenarioOutcome:
    """Compile and simulate one plan (a sweep point, an optimizer's split) as ``execute`` does.

    Its blocks of 1,000 trials run on ``executor`` (default: this process). The outcome
    holds the per-trial metrics only (no series or bridge: those are reduced block by
    block, ``metrics.streaming``).
    """
    blocks = simulate_in_blocks(
        compile_planned(scenario, settings),
        settings.seed,
        executor or SerialExecutor(),
        on_progress=on_progress,
        into=ScenarioAccumulator(name),
    )
    return blocks.outcome()


def memory_needed(plan: RunPlan, workers: int, *, samples: bool = False) -> Footprint:
    """Estimated peak of a run (``memory.Footprint``).

    Per trial: one scenario's compiled inputs (the largest), every scenario's per-trial
    metrics kept for pairing plus one copy, and with ``samples`` (``--samples``) one row
    per plan of its metrics and input draws until the file is written. Fixed: the
    interpreter, libraries and band histograms and each local worker's block (a Dask
    cluster's workers are not on this machine). Measured figures: docs/performance.md.
    """
    scenarios = [item.scenario for item in plan.scenarios]
    per_trial = inputs_per_trial(scenarios, plan.settings)
    per_trial += METRIC_BYTES * (len(plan.scenarios) + 1)
    if samples:
        cells = len(METRIC_IDS) * len(scenarios) + draw_columns(scenarios, plan.settings)
        per_trial += SAMPLE_CELL_BYTES * cells
    what = f"{len(plan.scenarios)} scenario(s)" + (" and their --samples" if samples else "")
    return Footprint(what, fixed_bytes(workers), per_trial)


def check_workers(workers: int, available: int | None) -> None:
    """Refuse, before any worker process starts, more local workers than there is memory
    for (``FIXED_BYTES`` plus ``WORKER_BYTES`` each), or than ``MAX_WORKERS``."""
    if workers > MAX_WORKERS:
        raise UsageError(f"--workers must be from 1 to {MAX_WORKERS:,}; got {workers:,}")
    needed = FIXED_BYTES + WORKER_BYTES * workers
    if available is None or needed <= available:
        return
    fits = max((available - FIXED_BYTES) // WORKER_BYTES, 1)
    raise UsageError(
        f"--workers {workers:,} needs about {needed / 2**30:.1f} GiB for its worker processes "
        f"and {available / 2**30:.1f} GiB is available; use --workers {fits:,} or fewer "
        "(more workers than cores do not run faster)"
    )


@contextmanager
def open_executor(
    workers: int | None,
    scheduler: str | None = None,
    *,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Executor]:
    """The executor of ``workers`` processes (default: every available core; 1: this process
    only), or the Dask cluster whose scheduler is at ``scheduler``; closed afterwards.

    Too many workers for the memory is refused before any process is forked. Giving both
    is allowed (the CLI's ``--scheduler`` may come from the environment): ``workers`` is
    then ignored, and ``on_warning`` told so.
    """
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1; got {workers}")
    scheduler = scheduler.strip() if scheduler else None
    if scheduler and workers is not None:
        if on_warning is not None:
            on_warning(
                f"--workers {workers} ignored: the blocks run on the Dask cluster at {scheduler}"
            )
    elif workers is not None:
        check_workers(workers, available_memory())  # before any process is forked
    executor = make_executor(workers, scheduler or None)
    start = getattr(executor, "start", None)
    if callable(start):
        start()  # worker processes forked now, before any scenario is compiled
    try:
        yield executor
    except BaseException:
        executor.close(abandon=True)  # Ctrl-C, SIGTERM, an error: no waiting for the workers
        raise
    executor.close()


def check_memory(plan: RunPlan, workers: int, *, samples: bool = False) -> None:
    """Refuse, before simulating, a run whose estimated peak exceeds this process's limit."""
    check_fits(memory_needed(plan, workers, samples=samples), plan.settings.trials)


@dataclass(frozen=True)
class _Simulated:
    """One scenario simulated at some number of trials, and a digest of its per-trial input
    draws (so a later, larger stage can tell whether these trials are its first ones)."""

    blocks: ScenarioAccumulator
    digest: bytes | None  # only for a --precision stage
    draws: dict[str, FloatArray]  # the inputs' per-trial draws, kept only for --samples


def _draws_digest(compiled: CompiledScenario, trials: int) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for path, values in compiled.draws.items():
        digest.update(path.encode("utf-8"))
        digest.update(np.ascontiguousarray(values[:trials]).tobytes())
    return digest.digest()


def _simulate(
    plan: RunPlan,
    index: int,
    trials: int,
    executor: Executor,
    on_progress: ProgressCallback | None,
    previous: _Simulated | None = None,
    keep_draws: bool = False,
    staged: bool = False,
) -> _Simulated:
    """Scenario ``index`` of the plan at ``trials`` trials. The blocks of ``previous`` are
    kept, and only the trials after them simulated, when its trials are the first of this
    run: same input draws (true for monte_carlo; LHS strata change with the number of
    trials, so an LHS run starts over)."""
    settings, item = plan.settings, plan.scenarios[index]
    compiled = compile_planned(item.scenario, dataclasses.replace(settings, trials=trials))

    def progress(done: int, total: int) -> None:
        assert on_progress is not None
        on_progress(index, item.name, done, total)

    blocks = ScenarioAccumulator(item.name)
    if previous is not None and previous.digest == _draws_digest(compiled, previous.blocks.trials):
        blocks = previous.blocks
    # without progress on screen, tasks hold several blocks (trial_blocks.task_blocks_for)
    shown = None if on_progress is None else progress
    simulate_in_blocks(compiled, settings.seed, executor, on_progress=shown, into=blocks)
    draws = dict(compiled.draws) if keep_draws else {}
    digest = _draws_digest(compiled, trials) if staged else None
    return _Simulated(blocks, digest, draws)


def _comparisons(plan: RunPlan, outcomes: list[ScenarioOutcome]) -> list[Comparison]:
    if plan.baseline is None:
        return []
    shares = best_shares(outcomes)
    return [
        dataclasses.replace(c, prob_best=shares[c.metric][c.scenario])
        for other in outcomes[1:]
        for c in compare(outcomes[0], other)
    ]


def best_shares(outcomes: list[ScenarioOutcome]) -> dict[str, dict[str, float | None]]:
    """Metric -> plan -> P(best) among all ``outcomes`` (``metrics.best.prob_best``)."""
    out = {}
    for metric, definition in METRICS.items():
        values = [o.metrics[metric] for o in outcomes]
        shares = prob_best(values, definition.better)
        out[metric] = {o.name: s for o, s in zip(outcomes, shares, strict=True)}
    return out


def _extras(plan: RunPlan, outcomes: list[ScenarioOutcome], with_pairwise: bool) -> dict[str, Any]:
    """The report's P(best) of every plan and, if asked, the verdict metric's pairwise matrix."""
    if plan.baseline is None:
        return {}
    values = [o.metrics[VERDICT_METRIC] for o in outcomes]
    better = METRICS[VERDICT_METRIC].better
    names = [o.name for o in outcomes]
    matrix = pairwise(VERDICT_METRIC, names, values, better) if with_pairwise else None
    return {"prob_best": best_shares(outcomes), "pairwise": matrix}


def _report(
    plan: RunPlan,
    summaries: list[ScenarioSummary],
    comparisons: list[Comparison],
    precision: PrecisionOutcome | None = None,
    extras: dict[str, Any] | None = None,
) -> RunReport:
    settings = plan.settings
    if summaries:
        settings = dataclasses.replace(settings, trials=summaries[0].trials)
    return RunReport(
        settings=settings,
        scenarios=summaries,
        comparisons=comparisons,
        baseline=plan.baseline,
        sources=[item.path.as_posix() for item in plan.scenarios],
        differences=list(plan.differences),
        precision=precision,
        role_labels=role_labels(plan),
        **(extras or {}),
    )


def role_labels(plan: RunPlan) -> dict[str, str]:
    """Each role's display label (its ``label:``, else its id made readable); the first plan
    that names a role decides."""
    labels: dict[str, str] = {}
    for item in plan.scenarios:
        for name, role in item.scenario.roles.items():
            labels.setdefault(name, role.label or readable_id(name))
    return labels


def execute(
    plan: RunPlan,
    *,
    on_progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    on_samples: SamplesCallback | None = None,
    precision: float | None = None,
    pairwise: bool = False,
) -> RunReport:
    """Compile and simulate every planned scenario, then summarize and compare with the baseline.

    The blocks of 1,000 trials of each scenario run on ``executor`` (default: this process);
    the report does not depend on which executor or how many workers ran them.
    ``precision`` (a fraction, e.g. 0.005): simulate in growing stages until every p50 and
    P(better) is precise enough (``metrics.precision``), with ``plan.settings.trials`` as the
    maximum; the report then equals a fixed run of the trials used.
    ``on_samples`` gets each plan's per-trial metrics and input draws (``--samples``).
    In a comparison the report holds every plan's P(best) and, with ``pairwise``, the
    verdict metric's pairwise matrix (``metrics.best``).
    """
    executor = executor if executor is not None else SerialExecutor()
    check_memory(plan, local_processes(executor), samples=on_samples is not None)
    if precision is not None:
        return _execute_to_precision(plan, executor, on_progress, on_samples, precision, pairwise)
    summaries, outcomes = [], []
    for index in range(len(plan.scenarios)):
        simulated = _simulate(
            plan,
            index,
            plan.settings.trials,
            executor,
            on_progress,
            keep_draws=on_samples is not None,
        )
        summaries.append(simulated.blocks.summary())  # now: the histograms go, metrics stay
        outcomes.append(simulated.blocks.outcome())
        if on_samples is not None:
            on_samples(TrialSamples(outcomes[-1].name, outcomes[-1].metrics, simulated.draws))
        del simulated
    extras = _extras(plan, outcomes, pairwise)
    return _report(plan, summaries, _comparisons(plan, outcomes), extras=extras)


def _execute_to_precision(
    plan: RunPlan,
    executor: Executor,
    on_progress: ProgressCallback | None,
    on_samples: SamplesCallback | None,
    precision: float,
    with_pairwise: bool = False,
) -> RunReport:
    """Stages of ``n`` trials: the first ``FIRST_STAGE_TRIALS``; each next one sized from the
    least precise figure (intervals shrink as 1/sqrt(n)), at most 4x, in whole blocks."""
    maximum = plan.settings.trials
    trials = min(FIRST_STAGE_TRIALS, maximum)
    stage: list[_Simulated] = []
    while True:
        stage = [
            _simulate(
                plan,
                i,
                trials,
                executor,
                on_progress,
                stage[i] if stage else None,
                keep_draws=on_samples is not None,
                staged=True,
            )
            for i in range(len(plan.scenarios))
        ]
        outcomes = [s.blocks.outcome() for s in stage]
        comparisons = _comparisons(plan, outcomes)
        worst = shortfall({o.name: o.metrics for o in outcomes}, comparisons, precision)
        if worst.ratio <= 1.0 or trials >= maximum:
            break
        wanted = trials * min(worst.ratio**2 * 1.1, 4.0)
        blocks = max(math.ceil(wanted / BLOCK_TRIALS), trials // BLOCK_TRIALS + 1)
        trials = min(blocks * BLOCK_TRIALS, maximum)
    if on_samples is not None:
        for simulated, final in zip(stage, outcomes, strict=True):
            on_samples(TrialSamples(final.name, final.metrics, simulated.draws))
    outcome = PrecisionOutcome(
        target=precision,
        trials=trials,
        max_trials=maximum,
        met=worst.ratio <= 1.0,
        least_precise=worst.what,
        ratio=worst.ratio,
    )
    extras = _extras(plan, outcomes, with_pairwise)
    return _report(plan, [s.blocks.summary() for s in stage], comparisons, outcome, extras)
