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


def _imports(path: str) -> set[str]:
    """The ``coverage_sim`` modules a source file imports (at any depth in the file)."""
    import ast
    from pathlib import Path

    import coverage_sim

    source = Path(coverage_sim.__file__).parent / path
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("coverage_sim")}


def test_the_runner_and_the_analyses_import_nothing_from_the_report_layer() -> None:
    from pathlib import Path

    import coverage_sim

    root = Path(coverage_sim.__file__).parent
    files = ["runner.py", "run_plan.py", "results.py", "memory.py"]
    files += [p.relative_to(root).as_posix() for p in (root / "analysis").glob("*.py")]
    upward = {
        f: sorted(m for m in _imports(f) if m.startswith("coverage_sim.report")) for f in files
    }
    assert {f: m for f, m in upward.items() if m} == {}


def test_sobol_takes_its_shared_pieces_from_ranking_not_from_sensitivity() -> None:
    """``sensitivity`` hands ``--method sobol`` to ``sobol`` (one way); the helpers both use
    live in ``analysis/ranking.py``."""
    assert "coverage_sim.analysis.sensitivity" not in _imports("analysis/sobol.py")
    assert "coverage_sim.analysis.ranking" in _imports("analysis/sobol.py")
    assert "coverage_sim.analysis.ranking" in _imports("analysis/sensitivity.py")
