"""Scenario files: strict YAML loading, schema, distributions and paired sampling.

Public API (used by the engine and the CLI):

- :func:`load_scenario` -- load, merge ``extends`` and validate one file;
- :func:`compile_scenario` -- resolve every input to per-trial arrays (common random numbers);
- :func:`correlation_warnings` -- the repair of an inconsistent ``correlations`` block;
- :func:`scenario_files` -- expand files and directories;
- :func:`parse_number` -- ``80k``, ``50M``, ``85%``, ``1_000``.
"""

from __future__ import annotations

from coverage_sim.scenario.compile import compile_scenario
from coverage_sim.scenario.correlations import correlation_warnings
from coverage_sim.scenario.files import load_scenario, scenario_files, validate_scenario_file
from coverage_sim.scenario.models import Scenario
from coverage_sim.scenario.numbers import parse_number

__all__ = [
    "Scenario",
    "compile_scenario",
    "correlation_warnings",
    "load_scenario",
    "parse_number",
    "scenario_files",
    "validate_scenario_file",
]
