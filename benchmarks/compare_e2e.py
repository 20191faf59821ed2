"""End-to-end time of one CLI command, this tree against another source tree, side by side.

Runs ``python -m coverage_sim ARGS...`` with ``PYTHONPATH`` set to this tree's ``src`` and to
``--reference``'s ``src`` (e.g. a ``git worktree`` of an older commit), each in its own
tree (so relative paths such as ``scenarios/`` mean that commit's files), alternating
reference / current ``--repeats`` times so that both see the same machine load, and prints
each wall time, the medians and their ratio (reference / current). Output goes to
/dev/null; each run is a fresh process (interpreter start, imports and, for numba, loading
the cached kernels included: what a user waits for).

    git worktree add /tmp/base c38517c
    .venv/bin/python benchmarks/compare_e2e.py --reference /tmp/base --repeats 3 -- \
        compare scenarios/ --baseline traditional
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(tree: Path, args: list[str]) -> float:
    """One run of ``tree``'s code in ``tree`` (its own scenario files, which an older
    commit's schema can read)."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "coverage_sim", *args],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True, help="the other source tree")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="coverage-sim arguments")
    options = parser.parse_args()
    args = [a for a in options.args if a != "--"]
    reference, current = [], []
    for i in range(options.repeats):
        reference.append(_timed(options.reference, args))
        current.append(_timed(ROOT, args))
        print(f"run {i + 1}: reference {reference[-1]:.2f} s, current {current[-1]:.2f} s")
    ref, cur = statistics.median(reference), statistics.median(current)
    print(f"median: reference {ref:.2f} s, current {cur:.2f} s")
    print(f"speed-up (reference / current): {ref / cur:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
