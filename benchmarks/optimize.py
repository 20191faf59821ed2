"""Optimize benchmark: ``optimize`` on scenarios/xaas.yaml over its 4 roles at 2,000 trials.

In one run:

- **reference**: one plan evaluation as the optimizer makes it (``evaluate_plan``: compile
  and simulate one split at 2,000 trials, keeping the objective metric), best of
  ``--repeats``, in this process;
- **optimize**: ``plan_optimize`` + ``run_optimize`` (differential evolution, seed from
  the scenario, ``--maxiter`` generations of ``--popsize`` x 3 splits, polish off) on
  ``--workers`` workers, then the 3 re-evaluations (winner at the search and the fresh
  seed, the plan as written at the fresh seed).

It prints the evaluations, the wall time, the time per evaluation and the overhead ratio
``wall / ((evaluations + 3) x reference / workers)``: how far the whole search is from
its evaluations run back to back (1.0 = no overhead).

    .venv/bin/python benchmarks/optimize.py [--workers 1] [--maxiter 10] [--popsize 8]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from coverage_sim.analysis.evaluate import PlanTask, evaluate_plan
from coverage_sim.analysis.optimize import run_optimize
from coverage_sim.analysis.optimize_plan import plan_optimize
from coverage_sim.execution import make_executor

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "xaas.yaml")
    parser.add_argument("--trials", type=int, default=2_000)
    parser.add_argument("--objective", default="npv.p50")
    parser.add_argument("--maxiter", type=int, default=10)
    parser.add_argument("--popsize", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    plan = plan_optimize(
        args.scenario,
        objective=args.objective,
        trials=args.trials,
        maxiter=args.maxiter,
        popsize=args.popsize,
    )
    task = PlanTask(plan.written, plan.settings, (plan.objective.metric,), "reference")
    evaluate_plan(task)  # warm-up: imports, numba cache
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        evaluate_plan(task)
        times.append(time.perf_counter() - started)
    reference = min(times)
    print(f"scenario: {args.scenario.name}, roles: {', '.join(plan.roles)}")
    print(
        f"settings: {plan.settings.trials} trials, {plan.settings.months} months, seed "
        f"{plan.settings.seed}; objective {plan.objective.text}; maxiter {plan.maxiter}, "
        f"popsize {plan.popsize}, workers {args.workers}"
    )
    print(f"reference: one evaluation {reference:.3f} s (best of {args.repeats})")

    executor = make_executor(args.workers)
    try:
        started = time.perf_counter()
        result = run_optimize(plan, executor)
        wall = time.perf_counter() - started
    finally:
        executor.close()
    evaluations = len(result.candidates)
    back_to_back = (evaluations + 3) * reference / args.workers
    best = result.best
    print(
        f"optimize: {evaluations} evaluations (+3 re-evaluations) in {wall:.1f} s, "
        f"{wall / (evaluations + 3):.3f} s per evaluation"
    )
    print("best split: " + ", ".join(f"{r} {s:.1%}" for r, s in best.shares.items()))
    print(
        f"{plan.objective.text}: {best.score:,.0f} at the search seed, "
        f"{result.fresh.score:,.0f} at the fresh seed; converged: {result.converged}"
    )
    print(f"overhead ratio: {wall / back_to_back:.2f}")


if __name__ == "__main__":
    main()
