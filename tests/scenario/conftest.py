"""Helpers for the scenario tests: the MODEL.md §3.0 fixture and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coverage_sim.cli import main

DATA = Path(__file__).parent / "data"
MODEL_EXAMPLE = DATA / "model_example.yaml"


@pytest.fixture
def model_text() -> str:
    return MODEL_EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``coverage-sim ARGS`` in-process: (exit code, stdout, stderr)."""

    def _run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run
