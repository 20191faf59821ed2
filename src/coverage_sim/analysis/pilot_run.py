"""``coverage-sim pilot``: simulate the plans as ``compare`` does, then value each pilot
design of the piloted coverage pair (``analysis.pilot``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coverage_sim.analysis.pilot import Design, evaluate_design, observation_kind
from coverage_sim.analysis.voi import evppi
from coverage_sim.analysis.voi_run import check_voi_metric, simulate_benefit
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor
from coverage_sim.results import RunSettings, TrialSamples
from coverage_sim.run_plan import RunPlan
from coverage_sim.scenario import Scenario

MOTIONS = {"adoption": "adopt", "expansion": "expand", "renewal": "renew"}


@dataclass(frozen=True)
class PilotResult:
    settings: RunSettings
    metric: str
    plans: list[str]  # the baseline first
    pair: str  # the piloted coverage pair, customers.<motion>.<rate>
    kind: str  # its observation model
    cost_per_account_month: float
    cost_role: str | None
    evppi: float  # of the pair's two ends together: what no pilot can exceed
    evppi_mc_se: float
    designs: list[Design]
    target: float | None
    trials_used: int


def _pair_path(text: str) -> str:
    path = text.strip()
    for end in (".covered", ".uncovered"):
        path = path.removesuffix(end)
    observation_kind(path)
    return path


def _fixed(scenario: Scenario, path: str) -> float:
    """The plain number at ``path`` in the plan (an uncertain key is read from its draws)."""
    node: Any = scenario
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return float(node)
    raise UsageError(f"pilot: {path} is neither uncertain nor a plain number in the plan")


def _rates(samples: TrialSamples, scenario: Scenario, path: str, trials: int) -> FloatArray:
    """A pair end's per-trial value: its draws, or its plain number in every trial."""
    if path in samples.draws:
        return samples.draws[path]
    return np.full(trials, _fixed(scenario, path))


def account_month_cost(
    scenario: Scenario, motion: str, draws: dict[str, FloatArray]
) -> tuple[float, str | None]:
    """Named coverage of one account for a month: the loaded cost of the role with the most
    weight on ``motion`` (among roles with an accounts-per-head capacity) over its accounts
    per head, medians of the draws where uncertain."""
    best: tuple[float, str] | None = None
    for name, role in scenario.roles.items():
        weight = float(getattr(role.motions, motion))
        if weight > 0 and role.accounts_per_head is not None and (best is None or weight > best[0]):
            best = (weight, name)
    if best is None:
        return 0.0, None
    name = best[1]

    def median(key: str) -> float:
        path = f"roles.{name}.{key}"
        if path in draws:
            return float(np.median(draws[path]))
        return _fixed(scenario, path)

    return median("loaded_cost") / 12.0 / median("accounts_per_head"), name


def plan_pilot(
    plan: RunPlan,
    executor: Executor,
    *,
    metric: str,
    input_path: str,
    accounts: Sequence[int],
    months: Sequence[int],
    target: float | None = None,
    cost_per_account_month: float | None = None,
) -> PilotResult:
    """Simulate the plans, then every design ``accounts x months``."""
    if target is not None and not 0 < target < 1:
        raise UsageError(f"--target {target!r}: expected a share such as 10%")
    if cost_per_account_month is not None and not cost_per_account_month >= 0:
        raise UsageError(
            f"--cost-per-account-month {cost_per_account_month!r}: expected an amount such as 500"
        )
    metric = check_voi_metric(metric)
    pair = _pair_path(input_path)
    kind = observation_kind(pair)
    paired = simulate_benefit(plan, executor, metric)
    piloted = paired.samples[-1]  # the plan that would roll coverage out: the last one given
    scenario = plan.scenarios[-1].scenario
    trials = paired.defined.size
    covered = _rates(piloted, scenario, f"{pair}.covered", trials)[paired.defined]
    uncovered = _rates(piloted, scenario, f"{pair}.uncovered", trials)[paired.defined]
    if np.ptp(covered) == 0 and np.ptp(uncovered) == 0:
        raise UsageError(
            f"--input {input_path}: both ends of {pair} are plain numbers in "
            f"{piloted.name!r}; a pilot can only learn an uncertain input"
        )
    motion = MOTIONS[pair.split(".")[1]]
    role: str | None = None
    if cost_per_account_month is None:
        cost_per_account_month, role = account_month_cost(scenario, motion, piloted.draws)
    contract = int(scenario.company.contract_months)
    seed = plan.settings.seed
    designs = [
        evaluate_design(
            paired.benefit,
            covered,
            uncovered,
            kind=kind,
            accounts=n,
            months=m,
            contract_months=contract,
            cost=n * m * cost_per_account_month,
            seed=seed,
        )
        for n in accounts
        for m in months
    ]
    bound, bound_se = evppi(paired.benefit, np.column_stack([covered, uncovered]), seed=seed)
    return PilotResult(
        settings=plan.settings,
        metric=metric,
        plans=[s.name for s in paired.samples],
        pair=pair,
        kind=kind,
        cost_per_account_month=cost_per_account_month,
        cost_role=role,
        evppi=bound,
        evppi_mc_se=bound_se,
        designs=designs,
        target=target,
        trials_used=int(paired.benefit.shape[0]),
    )
