"""Fixtures of the sensitivity/explain tests: tiny plans (400 trials, 24 months)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from coverage_sim.analysis.paired import Question, load_question
from coverage_sim.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def question(plan: str, metric: str, baseline: str | None = None, **settings: int) -> Question:
    return load_question(
        FIXTURES / f"{plan}.yaml",
        metric=metric,
        baseline=None if baseline is None else FIXTURES / f"{baseline}.yaml",
        **settings,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process; return its exit code and captured output."""

    def invoke(*args: str | Path) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke
