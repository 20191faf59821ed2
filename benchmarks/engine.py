"""Engine benchmark: one scenario at 10,000 trials x 60 months against the uniform floor.

In one run, best of ``--repeats`` each:

- **engine, one core**: ``simulate()`` of the compiled scenario in this process (the
  compiled kernels, loaded from numba's cache by a warm-up run first), and the same run
  with ``implementation="numpy"`` (the reference the kernels equal byte for byte);
- **uniform floor**: the time numpy's PCG64 generator takes to draw as many uniforms as
  that run consumed (the engine counts them: ``EngineCounters``), one million at a time
  into one buffer: what any simulation drawing this model's noise one uniform per cell
  must at least pay;
- **all cores**: the run as ``run``/``compare`` make it, blocks of 1,000 trials through the
  execution layer (``trial_blocks.simulate_in_blocks``), on one worker and on every
  available core;
- the older **sampling floor**: numpy's own ``binomial``/``poisson`` drawing 5 variates per
  trial-month (1 Poisson + 4 binomial arrays of 10,000).

Then (unless ``--memory-months 0``) the memory of one run at 10,000 trials x 120 months,
each figure in a fresh process (this script with ``--memory``): the engine's peak
allocations (tracemalloc) and the process's peak RSS (``VmHWM`` on Linux, see
``max_rss_mib``). The engine and the floor are timed in alternating pairs (the same load
for both on a shared machine); the median of the pairs' ratios is printed, and the last
line is ``engine/floor ratio: X``: the best one-core engine time over the best floor.

    .venv/bin/python benchmarks/engine.py [--scenario scenarios/xaas.yaml]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from coverage_sim.compiled import CompiledScenario
from coverage_sim.engine import simulate
from coverage_sim.engine.inverse import binomial_quantile, poisson_quantile
from coverage_sim.engine.simulate import EngineCounters
from coverage_sim.execution import available_cores, make_executor
from coverage_sim.scenario import compile_scenario, load_scenario
from coverage_sim.trial_blocks import simulate_in_blocks

ROOT = Path(__file__).resolve().parents[1]


def sampling_floor(trials: int, months: int, seed: int) -> None:
    """1 Poisson + 4 binomial variates per trial-month, one array of ``trials`` per draw."""
    rng = np.random.default_rng(seed)
    shape = (trials,)
    renewing = np.full(shape, 40, dtype=np.int64)  # one renewal slot of ~500 customers
    onboarding = np.full(shape, 8, dtype=np.int64)
    adopted = np.full(shape, 25, dtype=np.int64)
    at_risk = np.full(shape, 15, dtype=np.int64)
    land_rate = np.full(shape, 8.0)
    for _ in range(months):
        rng.poisson(land_rate)
        rng.binomial(renewing, 0.92)
        rng.binomial(onboarding, 1 / 3)
        rng.binomial(adopted, 0.01)
        rng.binomial(at_risk, 0.05)


def uniform_floor(uniforms: int, seed: int) -> None:
    """``uniforms`` U[0, 1) from numpy's PCG64 generator, a million at a time."""
    gen = np.random.Generator(np.random.PCG64(seed))
    buffer = np.empty(1_000_000)
    for _ in range(uniforms // buffer.size):
        gen.random(out=buffer)
    gen.random(uniforms % buffer.size)


def in_blocks(compiled: CompiledScenario, seed: int, workers: int) -> None:
    executor = make_executor(workers)
    try:
        simulate_in_blocks(compiled, seed, executor)
    finally:
        executor.close()


def inversion_floor(trials: int, months: int, seed: int) -> None:
    """The same draws as ``sampling_floor``, each from one uniform by the engine's inverse CDF
    (what the engine's sampling method costs on these cells)."""
    rng = np.random.default_rng(seed)
    shape = (trials,)
    cells = [
        (np.full(shape, 40, dtype=np.int64), 0.92),
        (np.full(shape, 8, dtype=np.int64), 1 / 3),
        (np.full(shape, 25, dtype=np.int64), 0.01),
        (np.full(shape, 15, dtype=np.int64), 0.05),
    ]
    land_rate = np.full(shape, 8.0)
    for _ in range(months):
        poisson_quantile(rng.random(shape), land_rate)
        for n, p in cells:
            binomial_quantile(rng.random(shape), n, p)


def scaled(scenario: CompiledScenario, factor: int) -> CompiledScenario:
    """The same company ``factor`` times larger: customers, ARR, budget and market."""
    if factor == 1:
        return scenario
    company, budget = scenario.company, scenario.budget
    return replace(
        scenario,
        company=replace(
            company,
            starting_customers=company.starting_customers * factor,
            starting_arr=company.starting_arr * factor,
        ),
        budget=replace(
            budget,
            annual=None if budget.annual is None else budget.annual * factor,
            floor=None if budget.floor is None else budget.floor * factor,
            cap=None if budget.cap is None else budget.cap * factor,
        ),
        market=replace(
            scenario.market, addressable_accounts=scenario.market.addressable_accounts * factor
        ),
    )


def best_of(repeats: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def max_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    On Linux, ``VmHWM`` of ``/proc/self/status``: the peak of this process's own address
    space. Its ``ru_maxrss`` is not used there: a child started by fork/exec inherits the
    parent's peak in it (measured: a child of a 325 MiB parent reports 325 MiB, its own
    peak being 9 MiB). Elsewhere ``ru_maxrss`` (KiB on Linux and BSD, bytes on macOS).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def measure_memory(compiled: CompiledScenario, seed: int, how: str) -> None:
    """Simulate once and print one memory figure; run in a fresh process (``--memory``)."""
    if how == "tracemalloc":
        tracemalloc.start()
        simulate(compiled, seed)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{peak / 2**20:.0f}")
    else:
        before = max_rss_mib()
        simulate(compiled, seed)
        print(f"{before:.0f} {max_rss_mib():.0f}")


def memory_in_fresh_process(args: argparse.Namespace, how: str) -> list[str]:
    """Run this script with ``--memory HOW`` for the long run; its printed figures."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--memory",
        how,
        *("--scenario", str(args.scenario), "--trials", str(args.trials)),
        *("--memory-months", str(args.memory_months), "--seed", str(args.seed)),
        *("--scale", str(args.scale)),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return done.stdout.split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "xaas.yaml")
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--memory-months", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply starting customers, starting ARR, budget and market (a larger company)",
    )
    parser.add_argument(
        "--memory",
        choices=("tracemalloc", "rss"),
        help="only measure the memory of the --memory-months run (used in a fresh process)",
    )
    args = parser.parse_args(argv)

    months = args.months if args.memory is None else args.memory_months
    compiled = scaled(
        compile_scenario(
            load_scenario(args.scenario), trials=args.trials, seed=args.seed, horizon_months=months
        ),
        args.scale,
    )
    if args.memory is not None:
        measure_memory(compiled, args.seed, args.memory)
        return 0
    seed = args.seed
    simulate(compiled, seed)  # warm-up: numba's cached kernels load in the first run
    counters = EngineCounters()
    simulate(compiled, seed, counters=counters)
    # the engine and its floor alternate, so that both see the same load on a shared machine
    pairs = [
        (
            best_of(1, lambda: simulate(compiled, seed)),
            best_of(1, lambda: uniform_floor(counters.uniforms, seed)),
        )
        for _ in range(args.repeats)
    ]
    engine = min(e for e, _ in pairs)
    floor = min(f for _, f in pairs)
    paired = float(np.median([e / f for e, f in pairs]))
    reference = best_of(args.repeats, lambda: simulate(compiled, seed, implementation="numpy"))
    cores = available_cores()
    one_worker = best_of(args.repeats, lambda: in_blocks(compiled, seed, 1))
    all_cores = best_of(args.repeats, lambda: in_blocks(compiled, seed, cores))
    sampling = best_of(args.repeats, lambda: sampling_floor(args.trials, args.months, seed))
    by_inversion = best_of(args.repeats, lambda: inversion_floor(args.trials, args.months, seed))
    trial_months = args.trials * args.months
    print(
        f"numpy {np.__version__}, python {sys.version.split()[0]}, scenario {args.scenario.name}"
        + (f" x{args.scale}" if args.scale != 1 else "")
        + f", {args.trials} trials x {args.months} months, best of {args.repeats}"
    )
    print(
        f"uniforms consumed: {counters.uniforms:,} "
        f"({counters.uniforms / trial_months:.1f} per trial-month)"
    )
    print(f"uniform floor          : {floor:8.3f} s (PCG64, that many uniforms)")
    print(f"engine, one core       : {engine:8.3f} s (compiled kernels)")
    print(f"engine, one core, numpy: {reference:8.3f} s ({reference / engine:.2f} x compiled)")
    print(f"blocks of 1,000, 1 worker      : {one_worker:8.3f} s")
    print(
        f"blocks of 1,000, {cores} workers     : {all_cores:8.3f} s "
        f"({one_worker / all_cores:.2f} x faster)"
    )
    print(
        f"sampling floor (numpy binomial/poisson, 5 per trial-month): {sampling:.3f} s; "
        f"the same draws by inversion: {by_inversion:.3f} s"
    )
    if args.memory_months > 0:
        (peak,) = memory_in_fresh_process(args, "tracemalloc")
        before, after = memory_in_fresh_process(args, "rss")
        print(
            f"memory: {args.trials} trials x {args.memory_months} months, each in a fresh "
            f"process: engine peak {peak} MiB (tracemalloc); max RSS {after} MiB "
            f"({before} MiB after loading and compiling, before simulating)"
        )
    print(f"engine/floor, median of {args.repeats} alternating pairs: {paired:.2f}")
    print(f"engine/floor ratio: {engine / floor:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
