"""Planning a run: scenario files -> loaded scenarios, display names, baseline, settings.

Nothing is simulated here. Every scenario of a run shares trials, seed, sampling and
horizon, so the common-random-number draws pair trial by trial (MODEL.md §3.1). Settings a
flag does not give come from the baseline scenario's file; a scenario whose own
``simulation:`` block or horizon differs gets a warning (docs/cli.md, "Settings").
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim import __version__
from coverage_sim.errors import UsageError
from coverage_sim.results import (
    PlanDifference,
    RunSettings,
)
from coverage_sim.safe_read import file_kind
from coverage_sim.scenario import (
    Scenario,
    correlation_warnings,
    load_scenario,
    scenario_files,
)
from coverage_sim.scenario.compile import MAX_HORIZON
from coverage_sim.scenario.differences import beyond_coverage
from coverage_sim.scenario.fields import MAX_SEED, MAX_TRIALS, MIN_TRIALS
from coverage_sim.scenario.overrides import Override
from coverage_sim.scenario.sampling import SAMPLING_METHODS


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
    matches = difflib.get_close_matches(baseline, words, n=2, cutoff=0.6)
    close = [w for w in matches if w != baseline]  # never "did you mean" what was typed
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
    command: str | None = None,
) -> RunPlan:
    """Expand and load the scenario files and settle the shared settings (nothing simulated).

    ``single`` (the ``run`` command): exactly one scenario and no baseline. Otherwise at
    least two; ``baseline`` (a name, file path or file stem) is moved to the front.
    A ``baseline`` path that is not among ``paths`` is added as a scenario. ``overrides``
    (``--set``) apply to every scenario, the baseline included. ``command`` names the
    command in errors (default ``run`` for ``single``, else ``compare``).
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
            f"{command or 'run'} takes one scenario; {len(files)} found ("
            + ", ".join(f.as_posix() for f in files)
            + ("); use `coverage-sim compare` for several" if command is None else ")")
        )
    if not single and len(files) < 2:
        if baseline is not None and extra is not None and not extra.is_file():
            found = file_kind(extra)
            raise UsageError(
                f"--baseline {baseline}: {found}, and not the name of a scenario given; "
                "give a scenario file, or the name or stem of one of the scenarios"
            )
        raise UsageError(
            f"{command or 'compare'} needs at least two scenarios; found only "
            f"{files[0].as_posix()}"
            + (" (use `coverage-sim run` for one)" if command is None else "")
        )
    if command is not None and not single and len(files) != 2:
        raise UsageError(
            f"{command} compares one plan with its baseline; {len(files)} scenarios found ("
            + ", ".join(f.as_posix() for f in files)
            + ")"
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
