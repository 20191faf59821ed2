"""End-to-end CLI tests: small scenario fixtures, few trials, ``main(argv)`` in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from coverage_sim.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
FAST = ["--trials", "200", "--months", "24"]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process; return its exit code and captured output."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A scratch copy of the fixture folder, so tests can add scenarios beside the base."""
    target = tmp_path / "plans"
    shutil.copytree(FIXTURES, target)
    return target


def write_plan(folder: Path, stem: str, name: str, extra: str = "") -> Path:
    """A scenario extending the fixture base, with the XaaS allocation unless ``extra`` says."""
    path = folder / f"{stem}.yaml"
    name_yaml = name.replace("'", "''")
    allocation = (
        ""
        if "allocation" in extra
        else "allocation: {account_executive: 70%, customer_success_manager: 20%, "
        "renewal_specialist: 10%}\n"
    )
    path.write_text(f"extends: base.yaml\nname: '{name_yaml}'\n{allocation}{extra}")
    return path
