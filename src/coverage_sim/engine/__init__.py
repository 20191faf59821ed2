"""The simulation engine: CompiledScenario -> ScenarioOutcome (MODEL.md §3)."""

from coverage_sim.engine.simulate import DEFAULT_CHUNK_TRIALS, simulate

__all__ = ["DEFAULT_CHUNK_TRIALS", "simulate"]
