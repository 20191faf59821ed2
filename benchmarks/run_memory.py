"""Peak memory and wall time of one CLI run, workers included.

Starts ``python -m coverage_sim ARGS...`` and samples, every ``--interval`` seconds, the
resident set size of the command's process and of every process below it (its worker
processes). Prints the command's own peak (``VmHWM``, read while it runs, so exact for that
process), the largest sampled sum over the whole process tree (a sample: a peak shorter than
the interval can be missed), the largest worker's peak, and the wall time.

    .venv/bin/python benchmarks/run_memory.py run scenarios/xaas.yaml --trials 200000 \
        --format json --output /tmp/out.json

Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes sharing them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for child in children:
            out.append(child)
            out.extend(_descendants(child))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="coverage-sim arguments")
    options = parser.parse_args()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "coverage_sim", *options.args])
    main_peak = tree_peak = worker_peak = pss_peak = 0
    worker_hwm: dict[int, int] = {}
    while proc.poll() is None:
        main_peak = max(main_peak, _status_kib(proc.pid, "VmHWM"))
        children = _descendants(proc.pid)
        for child in children:
            worker_hwm[child] = max(worker_hwm.get(child, 0), _status_kib(child, "VmHWM"))
        tree = _status_kib(proc.pid, "VmRSS") + sum(_status_kib(c, "VmRSS") for c in children)
        tree_peak = max(tree_peak, tree)
        pss = _pss_kib(proc.pid) + sum(_pss_kib(c) for c in children)
        pss_peak = max(pss_peak, pss)
        time.sleep(options.interval)
    elapsed = time.perf_counter() - start
    worker_peak = max(worker_hwm.values(), default=0)
    print(f"exit code: {proc.returncode}")
    print(f"wall time: {elapsed:.1f} s")
    print(f"command process peak RSS (VmHWM): {main_peak / 1024:.0f} MiB")
    workers = len(worker_hwm)
    print(f"largest worker peak RSS (VmHWM): {worker_peak / 1024:.0f} MiB ({workers} workers)")
    print(f"process tree peak RSS (sampled sum): {tree_peak / 1024:.0f} MiB")
    print(
        f"process tree peak PSS (sampled sum, shared pages counted once): {pss_peak / 1024:.0f} MiB"
    )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
