"""The data flows one way: the engine knows the outcome contract, not metrics or report."""

from __future__ import annotations

import subprocess
import sys

from coverage_sim.metrics.definitions import METRICS
from coverage_sim.outcome import METRIC_IDS


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_engine_imports_neither_metrics_nor_report() -> None:
    loaded = _modules_loaded_by("import coverage_sim.engine")
    assert "coverage_sim.engine.record" in loaded
    upstream = sorted(
        m for m in loaded if m.startswith(("coverage_sim.metrics", "coverage_sim.report"))
    )
    assert upstream == []


def test_every_metric_id_of_the_outcome_contract_has_one_definition_in_its_order() -> None:
    assert tuple(METRICS) == METRIC_IDS
