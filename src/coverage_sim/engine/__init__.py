"""The simulation engine: CompiledScenario -> ScenarioOutcome (MODEL.md §3)."""

from coverage_sim.engine.simulate import simulate

__all__ = ["simulate"]
