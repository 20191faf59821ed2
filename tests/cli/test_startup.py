"""Start-up: `--version` and `--help` must not pay for numpy, rich or the renderers."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_cli_loads_no_numpy_rich_or_renderer() -> None:
    code = "import sys, coverage_sim.cli; print('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    heavy = [
        m
        for m in loaded
        if m.split(".")[0] in ("numpy", "numba", "scipy", "rich", "pydantic", "yaml")
        or m.startswith(("coverage_sim.report.render", "coverage_sim.metrics"))
    ]
    assert heavy == []
