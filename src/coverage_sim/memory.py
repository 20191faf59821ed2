"""The memory a command will need, checked before anything is simulated.

Every command that simulates estimates its peak as a ``Footprint``: a fixed part (the
interpreter, the libraries, the band histograms and each local worker process) and a
part per trial (each plan's per-trial inputs and metrics, what the command keeps per
point or per evaluation, ``--samples`` rows, ``explain``'s motion paths). ``check_fits``
refuses a run whose estimate exceeds the tightest limit this process has
(``execution.memory_limit``: memory available on the machine, ``ulimit -v``/``-d``, the
control group's limit) with the estimate and the limit in the message. The constants are
measured (docs/performance.md, "Memory"); a ``MemoryError`` that still happens is
reported as exit 2 by the CLI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from coverage_sim.compiled import per_trial_arrays
from coverage_sim.engine.paths import PATH_ARRAYS
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor, MemoryLimit, memory_limit
from coverage_sim.outcome import METRIC_IDS
from coverage_sim.results import RunSettings
from coverage_sim.scenario import Scenario, compile_scenario
from coverage_sim.scenario.fields import MIN_TRIALS

FIXED_BYTES = 300 * 2**20  # interpreter, libraries, histograms (docs/performance.md)
WORKER_BYTES = 150 * 2**20  # one local worker process simulating a block
METRIC_BYTES = 8 * len(METRIC_IDS)  # one plan's per-trial metrics
# one --samples cell: its float kept until the file is written, plus the rendered CSV text
# (up to about 24 characters) or Arrow column and the output buffer
SAMPLE_CELL_BYTES = 48
PAIRING_BYTES = 4 * 8  # the per-trial temporaries of one paired difference


@dataclass(frozen=True)
class Footprint:
    """Estimated peak bytes: ``fixed + per_trial * trials``, for ``what`` (a message)."""

    what: str
    fixed: int
    per_trial: int

    def needed(self, trials: int) -> int:
        return self.fixed + self.per_trial * trials


def local_processes(executor: Executor | None) -> int:
    """Worker processes the executor runs on this machine (0: this process, or a cluster)."""
    return 0 if executor is None else int(getattr(executor, "local_workers", 0))


def fixed_bytes(workers: int) -> int:
    return FIXED_BYTES + WORKER_BYTES * workers


def inputs_per_trial(scenarios: Iterable[Scenario], settings: RunSettings) -> int:
    """The largest per-trial compiled inputs of ``scenarios`` (8 bytes per per-trial array,
    measured on a small compile of each)."""
    small = dataclasses.replace(settings, trials=MIN_TRIALS)
    largest = 0
    for scenario in scenarios:
        compiled = compile_scenario(
            scenario,
            trials=small.trials,
            seed=small.seed,
            sampling=small.sampling,
            horizon_months=small.months,
        )
        largest = max(largest, 8 * len(per_trial_arrays(compiled)))
    return largest


def draw_columns(scenarios: Iterable[Scenario], settings: RunSettings) -> int:
    """Uncertain-input columns ``--samples`` writes for ``scenarios`` (their draws)."""
    total = 0
    for scenario in scenarios:
        compiled = compile_scenario(
            scenario,
            trials=MIN_TRIALS,
            seed=settings.seed,
            sampling=settings.sampling,
            horizon_months=settings.months,
        )
        total += len(compiled.draws)
    return total


def evaluations_footprint(
    what: str,
    scenarios: Iterable[Scenario],
    settings: RunSettings,
    executor: Executor | None,
    kept_arrays: int,
) -> Footprint:
    """A command that evaluates plans (sweep, optimize, sensitivity) and keeps
    ``kept_arrays`` per-trial float arrays of their results: every process simulating
    holds one plan's inputs and metrics, the parent the kept arrays and a pairing."""
    workers = local_processes(executor)
    simulating = max(workers, 1)
    per_trial = (
        simulating * (inputs_per_trial(scenarios, settings) + 2 * METRIC_BYTES)
        + 8 * kept_arrays
        + PAIRING_BYTES
    )
    return Footprint(what, fixed_bytes(workers), per_trial)


def paths_footprint(
    what: str, scenarios: Iterable[Scenario], settings: RunSettings, executor: Executor | None
) -> Footprint:
    """``explain``: copies of one plan's motion paths (trials x months each): four in
    this process (the plan's and the baseline's, and the replays being built or sent),
    two in each local worker (the replay it runs and the next), plus every simulating
    process's inputs and metrics and one metric array per replay. Measured: 20,000
    trials x 60 months peak at 670 MB in this process, with 1 or 2 workers
    (docs/performance.md, "Memory")."""
    workers = local_processes(executor)
    path = 8 * settings.months * sum(len(arrays) for arrays in PATH_ARRAYS.values())
    copies = 4 + 2 * workers
    replays = 2 ** len(PATH_ARRAYS) + 2
    per_trial = (
        copies * path
        + max(workers, 1) * (inputs_per_trial(scenarios, settings) + 2 * METRIC_BYTES)
        + 8 * replays
    )
    return Footprint(what, fixed_bytes(workers), per_trial)


def check_fits(footprint: Footprint, trials: int, limit: MemoryLimit | None = None) -> None:
    """Refuse, before simulating, a run whose estimated peak exceeds the tightest memory
    limit of this process (``limit``, default ``execution.memory_limit()``)."""
    limit = limit if limit is not None else memory_limit()
    if limit is None:
        return
    needed = footprint.needed(trials)
    if needed <= limit.bytes:
        return
    fits = max((limit.bytes - footprint.fixed) // max(footprint.per_trial, 1), 0)
    fits = fits // BLOCK_TRIALS * BLOCK_TRIALS if fits >= BLOCK_TRIALS else fits
    raise UsageError(
        f"--trials {trials:,} needs about {needed / 2**30:.1f} GiB for {footprint.what} and "
        f"{limit.bytes / 2**30:.1f} GiB is {limit.source}; "
        + (f"at most about {fits:,} trials fit" if fits else "free some memory first")
        + " (the estimate: docs/performance.md, 'Memory')"
    )
