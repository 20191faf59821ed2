"""coverage-sim: what happens to revenue and profit when sales budget moves to post-sale roles.

From Python (docs/api.md)::

    import coverage_sim as cs

    result = cs.compare("scenarios/", baseline="traditional", trials=2000)
    result.summary()  # a pandas DataFrame (the ``api`` extra)

The functions and result types of ``coverage_sim.api`` are attributes of this package too,
loaded on first use: ``import coverage_sim`` imports nothing heavy (no numpy, pandas,
scipy, numba or matplotlib), so the command line starts fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("coverage-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from coverage_sim.api import (
        CoverageSimError,
        CoverageSimWarning,
        ExecutionError,
        Explanation,
        Fitted,
        Optimization,
        PilotDesigns,
        Plan,
        RequirementNotMet,
        ScenarioError,
        ScenarioIssue,
        Sensitivity,
        Simulation,
        Sweep,
        Tracking,
        UsageError,
        ValueOfInformation,
        compare,
        explain,
        fit_coverage,
        fit_land,
        fit_retention,
        load,
        optimize,
        pilot,
        run,
        sensitivity,
        sweep,
        track,
        voi,
    )

# ``coverage_sim.api.__all__`` and the version, spelled out so that listing them imports nothing
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
    "__version__",
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
_API_NAMES: frozenset[str] = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    """``coverage_sim.compare`` and the rest: imported from ``coverage_sim.api`` on first use."""
    if name in _API_NAMES:
        from coverage_sim import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coverage_sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API_NAMES})
