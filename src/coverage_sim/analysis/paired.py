"""The question an analysis answers: one plan's metric, or its paired difference with a baseline.

``load_question`` reads the files (through the runner's planning, so settings and warnings
are the same as ``compare``'s) and compiles both plans once with common random numbers.
``evaluate`` is the module-level evaluation function analysis commands hand to
``Executor.map``: a task names the inputs to hold (``inputs.with_inputs``) and gets the
output per trial, ``plan - baseline`` with a baseline (MODEL.md §3.1: trial ``i`` of both
shares its draws and its process noise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim.analysis.inputs import UncertainInput, check_metric, uncertain_inputs, with_inputs
from coverage_sim.compiled import CompiledScenario, FloatArray
from coverage_sim.engine import simulate
from coverage_sim.errors import UsageError
from coverage_sim.memory import check_fits, evaluations_footprint, paths_footprint
from coverage_sim.results import RunSettings
from coverage_sim.runner import plan_run, same_file
from coverage_sim.scenario import Scenario, compile_scenario
from coverage_sim.scenario.overrides import Override


@dataclass(frozen=True)
class Question:
    """A plan (and optionally a baseline), compiled with the same settings, and a metric."""

    plan: CompiledScenario
    baseline: CompiledScenario | None
    plan_name: str
    baseline_name: str | None
    metric: str
    settings: RunSettings
    inputs: tuple[UncertainInput, ...]
    sources: tuple[str, ...]
    scenarios: tuple[Scenario, ...]  # the plan's, then the baseline's (to recompile)
    warnings: tuple[str, ...] = ()

    @property
    def paired(self) -> bool:
        return self.baseline is not None

    @property
    def subject(self) -> str:
        """The plan, and the baseline it is paired with, as messages name them."""
        against = f" against {self.baseline_name!r}" if self.baseline is not None else ""
        return f"{self.plan_name!r}{against}"

    def compiled_with_trials(self, trials: int) -> tuple[CompiledScenario, CompiledScenario | None]:
        """The plan and baseline compiled again for ``trials`` trials (same seed and settings)."""
        s = self.settings
        again = [
            compile_scenario(
                sc, trials=trials, seed=s.seed, sampling=s.sampling, horizon_months=s.months
            )
            for sc in self.scenarios
        ]
        return again[0], (again[1] if self.baseline is not None else None)

    def task(self, values: Mapping[str, float | FloatArray] | None = None) -> Task:
        """An evaluation of this question with the given inputs held."""
        return Task(self.plan, self.baseline, self.metric, self.settings.seed, dict(values or {}))


@dataclass(frozen=True)
class Task:
    """One paired evaluation: picklable, so any executor can run it."""

    plan: CompiledScenario
    baseline: CompiledScenario | None
    metric: str
    seed: int
    values: dict[str, float | FloatArray]


def evaluate(task: Task) -> FloatArray:
    """The metric per trial (``plan - baseline`` with a baseline), ``task.values`` held."""
    plan = with_inputs(task.plan, task.values)
    out = np.asarray(simulate(plan, task.seed).metrics[task.metric], dtype=np.float64)
    if task.baseline is not None:
        baseline = with_inputs(task.baseline, task.values)
        out = out - np.asarray(simulate(baseline, task.seed).metrics[task.metric])
    return out


def load_question(
    scenario: Path,
    *,
    metric: str,
    baseline: Path | None = None,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Sequence[Override] = (),
    command: str = "explain",
) -> Question:
    """Load and compile the plan (and baseline) with shared settings (nothing simulated).

    ``overrides`` (``--set``) apply to both plans, as in ``compare``. ``scenario`` and
    ``baseline`` are one file each (``command`` names the command in errors)."""
    check_metric(metric)
    for flag, path in (("", scenario), ("--baseline ", baseline)):
        if path is not None and path.is_dir():
            raise UsageError(f"{flag}{path}: is a folder; {command} takes one scenario file")
        if path is not None and not path.exists():
            raise UsageError(f"{flag}{path}: file not found")
    paths: Sequence[Path] = [scenario]
    itself = baseline is not None and same_file(scenario, baseline)
    plan = plan_run(
        paths,
        baseline=None if baseline is None or itself else str(baseline),
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        single=baseline is None or itself,
        overrides=overrides,
        command=command,
    )
    s = plan.settings
    scenarios = [item.scenario for item in plan.scenarios]
    if command == "explain":  # before compiling: the least this command will need
        first = paths_footprint("explain's motion paths of two plans", scenarios, s, None)
    else:
        first = evaluations_footprint(f"{command} of {metric}", scenarios, s, None, 2)
    check_fits(first, s.trials)
    compiled = [
        compile_scenario(
            item.scenario,
            trials=s.trials,
            seed=s.seed,
            sampling=s.sampling,
            horizon_months=s.months,
        )
        for item in plan.scenarios
    ]
    loaded = [(item.scenario, c) for item, c in zip(plan.scenarios, compiled, strict=True)]
    if baseline is None or itself:
        plan_c, plan_item = compiled[0], plan.scenarios[0]
        base_c, base_name = (plan_c, plan_item.name) if itself else (None, None)
        loaded = loaded * (2 if itself else 1)
    else:
        base_c, base_name = compiled[0], plan.scenarios[0].name
        plan_c, plan_item = compiled[1], plan.scenarios[1]
        loaded = loaded[::-1]  # the plan's inputs first
    return Question(
        plan=plan_c,
        baseline=base_c,
        plan_name=plan_item.name,
        baseline_name=base_name,
        metric=metric,
        settings=s,
        inputs=tuple(uncertain_inputs(loaded)),
        sources=tuple(item.path.as_posix() for item in plan.scenarios) * (2 if itself else 1),
        scenarios=tuple(scenario for scenario, _ in loaded),
        warnings=tuple(plan.warnings),
    )
