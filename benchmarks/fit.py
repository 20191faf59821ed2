"""Wall time of ``coverage-sim fit`` on 100,000 account-periods, on one core.

Writes synthetic exports of the size asked for (seeded) to a temporary folder:
``accounts.csv`` with ``--rows`` account-periods for ``fit coverage``, and
``subscriptions.csv`` with as many accounts for ``fit retention``. Each command runs
``--repeats`` times as a fresh process (interpreter start and imports included: what a user
waits for), pinned to one core with ``taskset`` when available and with BLAS/OpenMP
limited to one thread. Prints each time and the median.

    .venv/bin/python benchmarks/fit.py --rows 100000 --repeats 3
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def write_accounts(path: Path, rows: int, rng: np.random.Generator) -> None:
    """``rows`` account-periods: 5 yearly periods per account, every outcome column."""
    accounts = rows // 5
    acv = np.round(np.exp(rng.normal(np.log(80_000), 0.5, accounts)), -2)
    covered = rng.random(accounts) < 0.4
    segment = np.where(acv > 120_000, "enterprise", "mid-market")
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(
            [
                "account",
                "period",
                "covered",
                "acv",
                "tenure",
                "segment",
                "renewed",
                "adopted",
                "upsell_arr",
                "cross_sell",
            ]
        )
        for i in range(accounts):
            for period in range(5):
                adopted = rng.random() < (0.85 if covered[i] else 0.65)
                renewed = rng.random() < (0.96 if adopted else 0.7)
                upsell = rng.gamma(2.0, acv[i] * 0.06) if adopted else 0.0
                out.writerow(
                    [
                        f"A{i:06d}",
                        period + 1,
                        "yes" if covered[i] else "no",
                        int(acv[i]),
                        12 * period,
                        segment[i],
                        "yes" if renewed else "no",
                        "yes" if adopted else "no",
                        round(upsell),
                        "yes" if rng.random() < 0.1 else "no",
                    ]
                )


def write_subscriptions(path: Path, accounts: int, rng: np.random.Generator) -> None:
    """``accounts`` subscriptions started over 2019-2023, sBG lifetimes (years)."""
    start = rng.integers(0, 60, accounts)
    life = rng.geometric(rng.beta(0.9, 2.5, accounts))
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["account", "start", "end"])
        for i in range(accounts):
            begin = 2019 * 12 + int(start[i])
            stop = begin + 12 * int(life[i])
            ended = stop < 2024 * 12
            end = f"{stop // 12}-{stop % 12 + 1:02d}-01" if ended else ""
            out.writerow([f"S{i:06d}", f"{begin // 12}-{begin % 12 + 1:02d}-01", end])


def timed(args: list[str]) -> float:
    prefix = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **ONE_THREAD)
    begin = time.perf_counter()
    subprocess.run(
        [*prefix, sys.executable, "-m", "coverage_sim", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory() as folder:
        accounts = Path(folder) / "accounts.csv"
        subscriptions = Path(folder) / "subscriptions.csv"
        write_accounts(accounts, options.rows, rng)
        write_subscriptions(subscriptions, options.rows, rng)
        for name, args in (
            ("fit coverage", ["fit", "coverage", str(accounts), "--format", "json"]),
            ("fit retention", ["fit", "retention", str(subscriptions), "--format", "json"]),
        ):
            times = [timed(args) for _ in range(options.repeats)]
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"{name}: {options.rows:,} rows: {shown} s; median {statistics.median(times):.2f} s"
            )


if __name__ == "__main__":
    main()
