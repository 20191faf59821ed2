"""coverage-sim from Python: the CLI's commands as functions, for notebooks and scripts.

Every function runs what the command of the same name runs, with the same defaults and
seeds, so its results are the CLI's to the byte: ``compare(...).to_json()`` equals
``coverage-sim compare ... --format json``. Scenario files or loaded plans go in;
``overrides={"budget.annual": "30M"}`` is ``--set budget.annual=30M``. Settings left out
(trials, seed, months, sampling) come from the (baseline) scenario file, as on the command
line. Errors are exceptions (``ScenarioError``, ``UsageError``), never ``SystemExit``;
what the CLI prints as a warning is a ``CoverageSimWarning``. Nothing here reads the
environment or the terminal. Guide and examples: docs/api.md.
"""

from __future__ import annotations

from coverage_sim.api.analyses import Explanation, Optimization, Sensitivity, Sweep
from coverage_sim.api.decide import optimize, sweep
from coverage_sim.api.evidence import PilotDesigns, Tracking, ValueOfInformation, pilot, track, voi
from coverage_sim.api.fit import Fitted, fit_coverage, fit_land, fit_retention
from coverage_sim.api.plans import Plan, load
from coverage_sim.api.simulate import compare, run
from coverage_sim.api.simulation import Simulation
from coverage_sim.api.why import explain, sensitivity
from coverage_sim.errors import (
    CoverageSimError,
    CoverageSimWarning,
    ExecutionError,
    RequirementNotMet,
    ScenarioError,
    ScenarioIssue,
    UsageError,
)

__all__ = [
    "CoverageSimError",
    "CoverageSimWarning",
    "ExecutionError",
    "Explanation",
    "Fitted",
    "Optimization",
    "PilotDesigns",
    "Plan",
    "RequirementNotMet",
    "ScenarioError",
    "ScenarioIssue",
    "Sensitivity",
    "Simulation",
    "Sweep",
    "Tracking",
    "UsageError",
    "ValueOfInformation",
    "compare",
    "explain",
    "fit_coverage",
    "fit_land",
    "fit_retention",
    "load",
    "optimize",
    "pilot",
    "run",
    "sensitivity",
    "sweep",
    "track",
    "voi",
]
