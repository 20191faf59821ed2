"""Import benchmark: what ``import coverage_sim`` costs now that it re-exports the Python API.

Each import runs in a fresh ``python`` process, best of ``--repeats`` (a warm cache: the
first, discarded, run compiles the bytecode); references measured in the same run:
``python -c pass`` (the interpreter alone). Also prints the heavy packages each import
loads: ``import coverage_sim`` must load none (the API is imported on first use), and
the budget is 0.5 s (docs/performance.md, "Importing coverage_sim").

    .venv/bin/python benchmarks/api_import.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import sys

from startup import best_of, heavy_modules_loaded

BUDGET_SECONDS = 0.5
HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "numba", "pydantic", "rich", "typer")
IMPORTS: tuple[tuple[str, str], ...] = (
    ("python -c pass", "pass"),
    ("import coverage_sim", "import coverage_sim"),
    ("import coverage_sim.api", "import coverage_sim.api"),
    ("coverage_sim.compare (first use)", "import coverage_sim; coverage_sim.compare"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, best of {args.repeats}, warm cache")
    timings = {}
    for label, code in IMPORTS:
        timings[label] = best_of(args.repeats, code, warm=True)
        heavy = ", ".join(heavy_modules_loaded(code, HEAVY)) or "none"
        print(f"{label:<36}{timings[label] * 1000:8.0f} ms   heavy packages: {heavy}")
    light = timings["import coverage_sim"]
    verdict = "within" if light < BUDGET_SECONDS else "OVER"
    print(f"import coverage_sim: {light * 1000:.0f} ms, {verdict} the {BUDGET_SECONDS} s budget")
    loaded = heavy_modules_loaded("import coverage_sim", HEAVY)
    return 0 if light < BUDGET_SECONDS and not loaded else 1


if __name__ == "__main__":
    raise SystemExit(main())
