"""Start-up benchmark: wall time of ``coverage-sim --version`` against a bare interpreter.

Each command runs in a fresh ``python`` process, best of ``--repeats``; references measured
in the same run: ``python -c pass`` (the interpreter alone) and ``python -c "import typer"``
(the command-line library the CLI cannot do without). Also prints the heavy packages
(numpy, scipy, rich, pydantic, yaml) that ``import coverage_sim.cli`` loads: none should be.

    .venv/bin/python benchmarks/startup.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

HEAVY = ("numpy", "scipy", "rich", "pydantic", "yaml")
COMMANDS: tuple[tuple[str, str], ...] = (
    ("python -c pass", "pass"),
    ("import typer", "import typer"),
    ("coverage-sim --version", "from coverage_sim.cli import main; main(['--version'])"),
)


def best_of(repeats: int, code: str, *, warm: bool = False) -> float:
    """The fastest of ``repeats`` fresh interpreters running ``code`` (``warm``: after one
    discarded run, so that the bytecode cache is written)."""
    if warm:
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def heavy_modules_loaded(
    code: str = "import coverage_sim.cli", heavy: tuple[str, ...] = HEAVY
) -> list[str]:
    """The top-level packages among ``heavy`` that running ``code`` imports."""
    probe = f"{code}; import sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return sorted({m.split(".")[0] for m in out.split() if m.split(".")[0] in heavy})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, best of {args.repeats}")
    for label, code in COMMANDS:
        print(f"{label:<24}{best_of(args.repeats, code) * 1000:8.0f} ms")
    print(
        "heavy packages loaded by `import coverage_sim.cli`:",
        ", ".join(heavy_modules_loaded()) or "none",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
