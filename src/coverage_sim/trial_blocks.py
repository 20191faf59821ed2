"""One scenario's trials simulated as blocks of 1,000 through an ``Executor``.

Trial ``i`` draws its process noise at stream positions fixed by its block
(``engine.streams``), so a block simulated alone, in any process, gives the same per-trial
values as inside a whole run. Each task carries only its block's slice of the compiled
scenario (``compiled.slice_trials``) and the seed; results come back in block order,
whatever the number of workers, so the output is byte-identical for any executor. Each
block is reduced where it ran (``metrics.streaming``): the parent keeps the per-trial
metrics and fixed-size histograms, never a trials x months series.
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
        task.scenario, task.seed, first_trial=task.first_trial, chunk_trials=BLOCK_TRIALS
    )
    return summarize_block(outcome)


def block_tasks(scenario: CompiledScenario, seed: int, start: int = 0) -> Iterator[BlockTask]:
    """One task per block of ``BLOCK_TRIALS`` trials from trial ``start`` (a block start)."""
    for first in range(start, scenario.trials, BLOCK_TRIALS):
        stop = min(first + BLOCK_TRIALS, scenario.trials)
        yield BlockTask(slice_trials(scenario, first, stop), seed, first)


def simulate_in_blocks(
    scenario: CompiledScenario,
    seed: int,
    executor: Executor,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    into: ScenarioAccumulator | None = None,
) -> ScenarioAccumulator:
    """Every trial of ``scenario`` from the first not yet in ``into`` (default: a new
    accumulator), block by block on ``executor``; ``on_progress(done, total)`` after each
    block, in block order."""
    accumulator = into if into is not None else ScenarioAccumulator(scenario.name)
    for block in executor.imap(simulate_block, block_tasks(scenario, seed, accumulator.trials)):
        accumulator.add(block)
        if on_progress is not None:
            on_progress(accumulator.trials, scenario.trials)
    return accumulator
