"""Sensitivity benchmark: ``sensitivity`` on xaas.yaml (its bundled uncertain inputs) and
``explain`` of xaas against traditional, each timed against one plain run in the same process.

The reference is one compile + simulate of xaas.yaml at the same trials and horizon (what
``coverage-sim run`` pays to simulate). Each analysis is timed once through the serial
executor; it reports its evaluations, the trials it simulated in all (every plan of every
evaluation), its wall time as a multiple of the reference and its seconds per 1,000 trials
simulated: the same figure as the reference's means the analysis adds nothing beyond its
simulations.

    .venv/bin/python benchmarks/sensitivity.py [--trials 1000] [--months 60]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from coverage_sim.analysis.explain import explain
from coverage_sim.analysis.paired import load_question
from coverage_sim.analysis.sensitivity import sensitivity
from coverage_sim.engine import simulate
from coverage_sim.execution import SerialExecutor
from coverage_sim.scenario import compile_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "xaas.yaml"
BASELINE = ROOT / "scenarios" / "traditional.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--metric", default="npv")
    args = parser.parse_args()
    scenario = load_scenario(PLAN)
    simulate(compile_scenario(scenario, trials=100, seed=1, horizon_months=12), 1)  # warm-up
    start = time.perf_counter()
    compiled = compile_scenario(
        scenario, trials=args.trials, seed=scenario.simulation.seed, horizon_months=args.months
    )
    simulate(compiled, scenario.simulation.seed)
    reference = time.perf_counter() - start
    print(f"xaas.yaml, {args.trials:,} trials x {args.months} months, metric {args.metric}")
    print(f"reference: one run {reference:.2f} s ({args.trials:,} trials)")
    print(
        f"{'analysis':<34}{'evals':>6}{'trials simulated':>18}{'wall s':>9}{'x ref':>7}"
        f"{'s/1k trials':>12}"
    )
    settings = {"trials": args.trials, "months": args.months}
    cases = [
        ("sensitivity rank", None, "rank"),
        ("sensitivity swing", None, "swing"),
        ("sensitivity rank --baseline", BASELINE, "rank"),
        ("sensitivity swing --baseline", BASELINE, "swing"),
        ("explain --baseline", BASELINE, "explain"),
    ]
    for label, baseline, method in cases:
        question = load_question(PLAN, metric=args.metric, baseline=baseline, **settings)
        start = time.perf_counter()
        if method == "explain":
            result = explain(question, executor=SerialExecutor())
            evaluations, simulated = result.evaluations, result.evaluations * args.trials
        else:
            found = sensitivity(question, method=method, top=5, executor=SerialExecutor())
            evaluations, simulated = found.evaluations, found.simulated_trials
        wall = time.perf_counter() - start
        print(
            f"{label:<34}{evaluations:>6}{simulated:>18,}{wall:>9.1f}{wall / reference:>7.1f}"
            f"{wall / simulated * 1000:>12.2f}"
        )


if __name__ == "__main__":
    main()
