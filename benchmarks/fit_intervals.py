"""Measured coverage of the demand fit's 90% profile intervals (too slow for a test).

Draws ``--reps`` synthetic histories of 60 months, ramped heads 10 to 90, new logos
Poisson(D (1 - exp(-lambda R / D))) with lambda = 0.42 and D = 39 (xaas.yaml's medians),
fits each, and prints the share of intervals holding the truth (an unbounded end counts
as holding it). The sBG and GLM intervals are measured in tests/fit.

    .venv/bin/python benchmarks/fit_intervals.py --reps 100
"""

from __future__ import annotations

import argparse

import numpy as np

from coverage_sim.fit.demand import DemandFitter, LinearLogosFitter, saturation_mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    reps = parser.parse_args().reps
    rng = np.random.default_rng(2026)
    ramped = np.linspace(10, 90, 60)
    hits = np.zeros(2)
    for _ in range(reps):
        logos = rng.poisson(saturation_mean(0.42, 39.0, ramped))
        linear = LinearLogosFitter(0.9).fit(logos, ramped)
        fit = DemandFitter(0.9).fit(logos, ramped, linear.lambda_)
        for k, (truth, (low, high)) in enumerate(
            ((39.0, fit.demand_interval_), (0.42, fit.lambda_interval_))
        ):
            hits[k] += (low is None or low <= truth) and (high is None or truth <= high)
    print(
        f"{reps} data sets: 90% intervals hold D in {hits[0] / reps:.2f}, "
        f"lambda in {hits[1] / reps:.2f}"
    )


if __name__ == "__main__":
    main()
