"""One scenario's trials simulated as blocks of 1,000 through an ``Executor``.

Trial ``i`` draws its process noise at stream positions fixed by its block
(``engine.streams``), so a block simulated alone, in any process, gives the same per-trial
values as inside a whole run. Each task carries only its block's slice of the compiled
scenario (``compiled.slice_trials``) and the seed; results come back in block order,
whatever the number of workers, so the output is byte-identical for any executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import CompiledScenario, slice_trials
from coverage_sim.engine import simulate
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.execution import Executor
from coverage_sim.outcome import ScenarioOutcome


@dataclass(frozen=True)
class BlockTask:
    """Trials ``first_trial .. first_trial + scenario.trials - 1`` of one scenario."""

    scenario: CompiledScenario
    seed: int
    first_trial: int


def simulate_block(task: BlockTask) -> ScenarioOutcome:
    """The per-trial outcome of one block (runs in a worker)."""
    return simulate(
        task.scenario, task.seed, first_trial=task.first_trial, chunk_trials=BLOCK_TRIALS
    )


def block_tasks(scenario: CompiledScenario, seed: int, start: int = 0) -> Iterator[BlockTask]:
    """One task per block of ``BLOCK_TRIALS`` trials from trial ``start`` (a block start)."""
    for first in range(start, scenario.trials, BLOCK_TRIALS):
        stop = min(first + BLOCK_TRIALS, scenario.trials)
        yield BlockTask(slice_trials(scenario, first, stop), seed, first)


def _concatenate(parts: list[ScenarioOutcome], name: str) -> ScenarioOutcome:
    first = parts[0]
    return ScenarioOutcome(
        name=name,
        metrics={k: np.concatenate([p.metrics[k] for p in parts]) for k in first.metrics},
        bridge={k: np.concatenate([p.bridge[k] for p in parts]) for k in first.bridge},
        series={k: np.concatenate([p.series[k] for p in parts]) for k in first.series},
    )


def simulate_in_blocks(
    scenario: CompiledScenario,
    seed: int,
    executor: Executor,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScenarioOutcome:
    """Every trial of ``scenario``, block by block on ``executor``; ``on_progress(done,
    total)`` after each block, in block order."""
    parts = []
    done = 0
    for part in executor.imap(simulate_block, block_tasks(scenario, seed)):
        parts.append(part)
        done += len(next(iter(part.metrics.values())))
        if on_progress is not None:
            on_progress(done, scenario.trials)
    return _concatenate(parts, scenario.name)
