"""Fixtures of the fit tests: the command line run in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from coverage_sim.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``coverage-sim ARGS`` in-process; its exit code and captured output."""

    def invoke(*args: object) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke
