"""Helpers of the sensitivity/explain tests: tiny plans (400 trials, 24 months)."""

from __future__ import annotations

from pathlib import Path

from coverage_sim.analysis.paired import Question, load_question

FIXTURES = Path(__file__).parent / "fixtures"


def question(plan: str, metric: str, baseline: str | None = None, **settings: int) -> Question:
    return load_question(
        FIXTURES / f"{plan}.yaml",
        metric=metric,
        baseline=None if baseline is None else FIXTURES / f"{baseline}.yaml",
        **settings,  # type: ignore[arg-type]
    )
