"""One scenario's trials simulated in tasks of whole blocks of 1,000 through an ``Executor``.

Trial ``i`` draws its process noise at stream positions fixed by its block
(``engine.streams``), so a block simulated alone, in any process, gives the same per-trial
values as inside a whole run. Each task carries only its blocks' slice of the compiled
scenario (``compiled.slice_trials``) and the seed; results come back in trial order,
whatever the number of workers, so the output is byte-identical for any executor and task
size. Each task is reduced where it ran (``metrics.streaming``, which sums the bridge per
block): the parent keeps the per-trial metrics and fixed-size histograms, never a
trials x months series.

Task size: one block when progress is shown (an update every 1,000 trials); otherwise as
few equal tasks as keep every worker busy, each at most ``MAX_TASK_TRIAL_MONTHS``
trial-months, since every task pays the engine's per-month Python overhead once
(docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from coverage_sim.compiled import CompiledScenario, slice_trials
from coverage_sim.engine import simulate
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.execution import Executor
from coverage_sim.metrics.streaming import BlockSummary, ScenarioAccumulator, summarize_block


@dataclass(frozen=True)
class BlockTask:
    """Trials ``first_trial .. first_trial + scenario.trials - 1`` of one scenario."""

    scenario: CompiledScenario
    seed: int
    first_trial: int


def simulate_block(task: BlockTask) -> BlockSummary:
    """One block simulated and reduced to its summary (runs in a worker)."""
    outcome = simulate(
        task.scenario, task.seed, first_trial=task.first_trial, chunk_trials=task.scenario.trials
    )
    return summarize_block(outcome)


# bound a worker's memory: at most this many trial-months of monthly series per task
# (5,000 trials x 60 months); above LARGE_RUN_TRIALS, where the parent's per-trial arrays
# also grow, 3,000 x 60 (200,000 trials then peak at 556 MiB PSS; docs/performance.md)
MAX_TASK_TRIAL_MONTHS = 300_000
LARGE_RUN_TRIALS = 50_000
LARGE_RUN_TASK_TRIAL_MONTHS = 180_000


def block_tasks(
    scenario: CompiledScenario, seed: int, start: int = 0, task_blocks: int = 1
) -> Iterator[BlockTask]:
    """One task per ``task_blocks`` blocks of ``BLOCK_TRIALS`` trials from trial ``start``
    (a block start)."""
    size = task_blocks * BLOCK_TRIALS
    for first in range(start, scenario.trials, size):
        stop = min(first + size, scenario.trials)
        yield BlockTask(slice_trials(scenario, first, stop), seed, first)


def task_blocks_for(trials: int, workers: int, months: int, *, progress: bool) -> int:
    """Blocks per task: 1 with progress; otherwise as few equal tasks as fill every worker
    in each round, each at most ``MAX_TASK_TRIAL_MONTHS`` trial-months (fewer in a large
    run)."""
    if progress:
        return 1
    blocks = -(-trials // BLOCK_TRIALS)
    budget = MAX_TASK_TRIAL_MONTHS if trials <= LARGE_RUN_TRIALS else LARGE_RUN_TASK_TRIAL_MONTHS
    most = max(1, budget // (BLOCK_TRIALS * max(months, 1)))
    slots = max(workers, 1)
    rounds = -(-blocks // (slots * most))
    return max(1, min(most, -(-blocks // (slots * rounds))))


def simulate_in_blocks(
    scenario: CompiledScenario,
    seed: int,
    executor: Executor,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    into: ScenarioAccumulator | None = None,
) -> ScenarioAccumulator:
    """Every trial of ``scenario`` from the first not yet in ``into`` (default: a new
    accumulator), task by task on ``executor``; ``on_progress(done, total)`` after each
    block of 1,000 trials, in trial order."""
    accumulator = into if into is not None else ScenarioAccumulator(scenario.name)
    per_task = task_blocks_for(
        scenario.trials - accumulator.trials,
        executor.workers,
        scenario.horizon_months,
        progress=on_progress is not None,
    )
    tasks = block_tasks(scenario, seed, accumulator.trials, per_task)
    for block in executor.imap(simulate_block, tasks):
        accumulator.add(block)
        if on_progress is not None:
            on_progress(accumulator.trials, scenario.trials)
    return accumulator
