"""Running several scenarios as one paired comparison: files -> load -> compile -> simulate.

No argv, environment or TTY here: the CLI passes settings in and gets a ``RunReport``
back. Every scenario of a run shares trials, seed, sampling and horizon, so the
common-random-number draws pair trial by trial (MODEL.md §3.1). Settings a flag does
not give come from the baseline scenario's file; a scenario whose own
``simulation:`` block or horizon differs gets a warning (docs/cli.md, "Settings").
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim import __version__
from coverage_sim.compiled import CompiledScenario, FloatArray, per_trial_arrays
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor, SerialExecutor, available_memory
from coverage_sim.metrics import compare
from coverage_sim.metrics.precision import shortfall
from coverage_sim.metrics.streaming import ScenarioAccumulator
from coverage_sim.metrics.summary_types import Comparison, ScenarioSummary
from coverage_sim.outcome import METRIC_IDS, ScenarioOutcome
from coverage_sim.report.model import (
    PlanDifference,
    PrecisionOutcome,
    RunReport,
    RunSettings,
    TrialSamples,
)
from coverage_sim.scenario import (
    Scenario,
    compile_scenario,
    correlation_warnings,
    load_scenario,
    scenario_files,
)
from coverage_sim.scenario.compile import MAX_HORIZON
from coverage_sim.scenario.differences import beyond_coverage
from coverage_sim.scenario.fields import MAX_SEED, MAX_TRIALS, MIN_TRIALS
from coverage_sim.scenario.overrides import Override
from coverage_sim.scenario.sampling import SAMPLING_METHODS
from coverage_sim.trial_blocks import simulate_in_blocks

FIXED_BYTES = 300 * 2**20  # interpreter, libraries, histograms (docs/performance.md)
WORKER_BYTES = 150 * 2**20  # one local worker process simulating a block
FIRST_STAGE_TRIALS = 4_000  # the first stage of a --precision run
# on_progress(scenario index, scenario name, trials done, trials in total)
ProgressCallback = Callable[[int, str, int, int], None]


# on_samples(plan's samples), once per plan as soon as it is simulated (``--samples``)
SamplesCallback = Callable[[TrialSamples], None]


@dataclass(frozen=True)
class PlannedScenario:
    """A loaded scenario and the name it is shown under (unique within the run)."""

    path: Path
    scenario: Scenario
    name: str


@dataclass(frozen=True)
class RunPlan:
    """What will be simulated: scenarios in display order (baseline first), shared settings."""

    scenarios: list[PlannedScenario]
    settings: RunSettings
    baseline: str | None
    warnings: list[str]
    differences: list[PlanDifference] = dataclasses.field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def input_files(self) -> list[Path]:
        """Every file the run reads: each scenario file and its ``extends`` parents."""
        return [source for item in self.scenarios for source in item.scenario.sources]

    @property
    def aliases(self) -> dict[str, str]:
        """File stems that name exactly one scenario (``xaas`` for ``scenarios/xaas.yaml``)."""
        stems = [s.path.stem for s in self.scenarios]
        return {s.path.stem: s.name for s in self.scenarios if stems.count(s.path.stem) == 1}


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _unique_paths(paths: Sequence[Path]) -> list[Path]:
    """Expanded files, each once (a file named and also inside a named folder counts once)."""
    unique: list[Path] = []
    for path in paths:
        if not any(same_file(path, seen) for seen in unique):
            unique.append(path)
    return unique


def _display_names(planned: list[tuple[Path, Scenario]]) -> list[str]:
    """Scenario names, with the file path appended where two scenarios share a name."""
    names = [scenario.name for _, scenario in planned]
    return [
        f"{name} ({path.as_posix()})" if names.count(name) > 1 else name
        for name, (path, _) in zip(names, planned, strict=True)
    ]


def _pick_baseline(planned: list[PlannedScenario], baseline: str | None) -> int:
    if baseline is None:
        return 0
    by_name = [i for i, p in enumerate(planned) if baseline in (p.name, p.scenario.name)]
    if len(by_name) == 1:
        return by_name[0]
    by_path = [i for i, p in enumerate(planned) if same_file(p.path, Path(baseline))]
    if by_path:
        return by_path[0]
    if len(by_name) > 1:
        raise UsageError(
            f"--baseline {baseline!r}: several scenarios have that name; give the file path "
            "instead: " + ", ".join(planned[i].path.as_posix() for i in by_name)
        )
    stems = [i for i, p in enumerate(planned) if p.path.stem == baseline]
    if len(stems) == 1:
        return stems[0]
    words = [w for p in planned for w in (p.name, p.path.stem, p.path.as_posix())]
    close = difflib.get_close_matches(baseline, words, n=1, cutoff=0.6)
    hint = f" did you mean {close[0]!r}?" if close else ""
    raise UsageError(
        f"--baseline {baseline!r}: not among the scenarios;{hint} give a name or a file path "
        "of one of: " + ", ".join(f"{p.name!r} ({p.path.as_posix()})" for p in planned)
    )


def plan_run(
    paths: Sequence[Path],
    *,
    baseline: str | None = None,
    trials: int | None = None,
    seed: int | None = None,
    sampling: str | None = None,
    months: int | None = None,
    single: bool = False,
    overrides: Sequence[Override] = (),
) -> RunPlan:
    """Expand and load the scenario files and settle the shared settings (nothing simulated).

    ``single`` (the ``run`` command): exactly one scenario and no baseline. Otherwise at
    least two; ``baseline`` (a name, file path or file stem) is moved to the front.
    A ``baseline`` path that is not among ``paths`` is added as a scenario. ``overrides``
    (``--set``) apply to every scenario, the baseline included.
    """
    files = scenario_files(list(paths), include_templates=False)
    extra = Path(baseline) if baseline is not None and not single else None
    if extra is not None and extra.is_file() and not any(same_file(extra, f) for f in files):
        files = [extra, *files]
    files = _unique_paths(files)
    if not files:
        raise UsageError(
            "no scenario files found in "
            + ", ".join(str(p) for p in paths)
            + " (templates with `template: true` are skipped)"
        )
    if single and len(files) != 1:
        raise UsageError(
            f"run takes one scenario; {len(files)} found ("
            + ", ".join(f.as_posix() for f in files)
            + "); use `coverage-sim compare` for several"
        )
    if not single and len(files) < 2:
        raise UsageError(
            f"compare needs at least two scenarios; found only {files[0].as_posix()}"
            " (use `coverage-sim run` for one)"
        )
    loaded = [(path, load_scenario(path, overrides)) for path in files]
    planned = [
        PlannedScenario(path, scenario, name)
        for (path, scenario), name in zip(loaded, _display_names(loaded), strict=True)
    ]
    if not single:
        first = _pick_baseline(planned, baseline)
        planned.insert(0, planned.pop(first))
    reference = planned[0].scenario
    settings = RunSettings(
        tool_version=__version__,
        numpy_version=np.__version__,
        seed=int(seed if seed is not None else reference.simulation.seed),
        trials=int(trials if trials is not None else reference.simulation.trials),
        months=int(months if months is not None else reference.horizon_months),
        sampling=str(sampling if sampling is not None else reference.simulation.sampling),
        overrides=tuple(o.text for o in overrides),
    )
    _check_settings(settings)
    warnings = _setting_warnings(
        planned, trials=trials, seed=seed, sampling=sampling, months=months
    )
    warnings += [w for item in planned for w in correlation_warnings(item.scenario)]
    differences = [
        PlanDifference(item.name, planned[0].name, tuple(differing))
        for item in planned[1:]
        if (differing := beyond_coverage(planned[0].scenario, item.scenario))
    ]
    return RunPlan(planned, settings, None if single else planned[0].name, warnings, differences)


def _check_settings(settings: RunSettings) -> None:
    if not MIN_TRIALS <= settings.trials <= MAX_TRIALS:
        raise UsageError(
            f"--trials must be from {MIN_TRIALS} to {MAX_TRIALS:_}; got {settings.trials}"
        )
    if not 1 <= settings.months <= MAX_HORIZON:
        raise UsageError(f"--months must be from 1 to {MAX_HORIZON}; got {settings.months}")
    if not 0 <= settings.seed <= MAX_SEED:
        raise UsageError(
            f"--seed must be a whole number from 0 to {MAX_SEED} (2**63 - 1); got {settings.seed}"
        )
    if settings.sampling not in SAMPLING_METHODS:
        raise UsageError(
            f"--sampling must be one of {', '.join(SAMPLING_METHODS)}; got {settings.sampling!r}"
        )


def _setting_warnings(
    planned: list[PlannedScenario],
    *,
    trials: int | None,
    seed: int | None,
    sampling: str | None,
    months: int | None,
) -> list[str]:
    """One warning per scenario whose own setting is overridden by the baseline's."""
    reference = planned[0]
    own = {
        "trials": (trials, lambda s: s.simulation.trials),
        "seed": (seed, lambda s: s.simulation.seed),
        "sampling": (sampling, lambda s: s.simulation.sampling),
        "horizon_months": (months, lambda s: s.horizon_months),
    }
    warnings = []
    for item in planned[1:]:
        for key, (flag, read) in own.items():
            theirs, ours = read(item.scenario), read(reference.scenario)
            if flag is None and theirs != ours:
                warnings.append(
                    f"{item.path.as_posix()}: {key} {theirs} ignored; every scenario uses the "
                    f"baseline's {key} {ours} ({reference.path.as_posix()}) so that trials pair"
                )
    return warnings


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


def memory_needed(plan: RunPlan, workers: int) -> tuple[int, int]:
    """Estimated peak bytes of a run: (fixed part, bytes per trial).

    Per trial: one scenario's compiled inputs (8 bytes per per-trial array, measured on a
    small compile of each scenario, the largest counts), and every scenario's per-trial
    metrics kept for pairing plus one copy (8 bytes x METRIC_IDS each). Fixed: the
    interpreter, libraries and band histograms (``FIXED_BYTES``) and each local worker's
    block (``WORKER_BYTES``; a Dask cluster's workers are not on this machine). Measured
    figures: docs/performance.md.
    """
    settings = plan.settings
    inputs = 0
    for item in plan.scenarios:
        sample = compile_planned(item.scenario, dataclasses.replace(settings, trials=MIN_TRIALS))
        inputs = max(inputs, 8 * len(per_trial_arrays(sample)))
    metrics = 8 * len(METRIC_IDS) * (len(plan.scenarios) + 1)
    return FIXED_BYTES + WORKER_BYTES * workers, inputs + metrics


def check_memory(plan: RunPlan, workers: int, available: int | None) -> None:
    """Refuse, before simulating, a run whose estimated peak exceeds ``available`` bytes."""
    if available is None:
        return
    fixed, per_trial = memory_needed(plan, workers)
    needed = fixed + per_trial * plan.settings.trials
    if needed <= available:
        return
    fits = max((available - fixed) // per_trial // BLOCK_TRIALS * BLOCK_TRIALS, 0)
    raise UsageError(
        f"--trials {plan.settings.trials:,} needs about {needed / 2**30:.1f} GiB for "
        f"{len(plan.scenarios)} scenario(s) and {available / 2**30:.1f} GiB is available; "
        + (f"at most about {fits:,} trials fit" if fits else "free some memory first")
        + " (each trial keeps its inputs and metrics; docs/performance.md)"
    )


@dataclass(frozen=True)
class _Simulated:
    """One scenario simulated at some number of trials, and a digest of its per-trial input
    draws (so a later, larger stage can tell whether these trials are its first ones)."""

    blocks: ScenarioAccumulator
    digest: bytes
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
) -> _Simulated:
    """Scenario ``index`` of the plan at ``trials`` trials. The blocks of ``previous`` are
    kept, and only the trials after them simulated, when its trials are the first of this
    run: same input draws (true for monte_carlo; LHS strata change with the number of
    trials, so an LHS run starts over)."""
    settings, item = plan.settings, plan.scenarios[index]
    compiled = compile_planned(item.scenario, dataclasses.replace(settings, trials=trials))

    def progress(done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(index, item.name, done, total)

    blocks = ScenarioAccumulator(item.name)
    if previous is not None and previous.digest == _draws_digest(compiled, previous.blocks.trials):
        blocks = previous.blocks
    simulate_in_blocks(compiled, settings.seed, executor, on_progress=progress, into=blocks)
    draws = dict(compiled.draws) if keep_draws else {}
    return _Simulated(blocks, _draws_digest(compiled, trials), draws)


def _comparisons(plan: RunPlan, outcomes: list[ScenarioOutcome]) -> list[Comparison]:
    if plan.baseline is None:
        return []
    return [c for other in outcomes[1:] for c in compare(outcomes[0], other)]


def _report(
    plan: RunPlan,
    summaries: list[ScenarioSummary],
    comparisons: list[Comparison],
    precision: PrecisionOutcome | None = None,
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
    )


def execute(
    plan: RunPlan,
    *,
    on_progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    on_samples: SamplesCallback | None = None,
    precision: float | None = None,
) -> RunReport:
    """Compile and simulate every planned scenario, then summarize and compare with the baseline.

    The blocks of 1,000 trials of each scenario run on ``executor`` (default: this process);
    the report does not depend on which executor or how many workers ran them.
    ``precision`` (a fraction, e.g. 0.005): simulate in growing stages until every p50 and
    P(better) is precise enough (``metrics.precision``), with ``plan.settings.trials`` as the
    maximum; the report then equals a fixed run of the trials used.
    ``on_samples`` gets each plan's per-trial metrics and input draws (``--samples``).
    """
    executor = executor if executor is not None else SerialExecutor()
    check_memory(plan, getattr(executor, "local_workers", executor.workers), available_memory())
    if precision is not None:
        return _execute_to_precision(plan, executor, on_progress, on_samples, precision)
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
    return _report(plan, summaries, _comparisons(plan, outcomes))


def _execute_to_precision(
    plan: RunPlan,
    executor: Executor,
    on_progress: ProgressCallback | None,
    on_samples: SamplesCallback | None,
    precision: float,
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
    return _report(plan, [s.blocks.summary() for s in stage], comparisons, outcome)
