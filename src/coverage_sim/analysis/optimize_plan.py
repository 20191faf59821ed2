"""What ``optimize`` searches: the objective, the roles, their bounds and the budget range.

Checked before anything is simulated; every mistake is a UsageError (exit 2) naming the
flag: an unknown metric, statistic or role, a bound outside 0-100%, bounds that admit no
split (minimums above what the searched roles share, maximums below it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coverage_sim.analysis.stats import STATS
from coverage_sim.errors import UsageError
from coverage_sim.metrics.definitions import METRICS, Better
from coverage_sim.results import RunSettings
from coverage_sim.runner import plan_run
from coverage_sim.scenario import Scenario, parse_number
from coverage_sim.scenario.files import read_scenario_document, scenario_from_document
from coverage_sim.scenario.issues import did_you_mean
from coverage_sim.scenario.overrides import Override
from coverage_sim.scenario.yaml_loader import YamlDocument

SHARE_SLACK = 1e-9


@dataclass(frozen=True)
class Objective:
    """``METRIC.STAT``: the metric and the statistic the search optimizes."""

    metric: str
    stat: str

    @property
    def better(self) -> Better:
        return METRICS[self.metric].better

    @property
    def text(self) -> str:
        return f"{self.metric}.{self.stat}"


def parse_objective(text: str) -> Objective:
    """``npv.cvar10`` -> Objective; a UsageError names what is wrong."""
    metric, _, stat = text.strip().lower().partition(".")
    if not stat:
        raise UsageError(
            f"--objective {text!r}: expected METRIC.STAT with STAT one of {', '.join(STATS)}, "
            "e.g. npv.p50 or npv.cvar10"
        )
    if metric not in METRICS:
        raise UsageError(
            f"--objective {text!r}: unknown metric {metric!r}" + did_you_mean(metric, list(METRICS))
        )
    if stat not in STATS:
        raise UsageError(
            f"--objective {text!r}: unknown statistic {stat!r}; expected one of {', '.join(STATS)}"
        )
    if METRICS[metric].better is None:
        raise UsageError(f"--objective {text!r}: {metric} has no better direction to optimize")
    return Objective(metric, stat)


def parse_bounds(texts: Sequence[str], flag: str) -> dict[str, float]:
    """``--min role=10%`` (repeatable) -> {role: 0.1}; shares from 0% to 100%."""
    bounds: dict[str, float] = {}
    for text in texts:
        role, sep, value = text.partition("=")
        if not sep or not role.strip() or not value.strip():
            raise UsageError(f"{flag} {text!r}: expected ROLE=SHARE, e.g. {flag} csm=10%")
        try:
            share = parse_number(value)
        except ValueError as exc:
            raise UsageError(f"{flag} {text!r}: {exc}") from None
        if not 0.0 <= share <= 1.0:
            raise UsageError(f"{flag} {text!r}: a share must be from 0% to 100%")
        if role.strip() in bounds:
            raise UsageError(f"{flag} {text!r}: {role.strip()} is bounded twice")
        bounds[role.strip()] = share
    return bounds


@dataclass(frozen=True)
class BudgetRange:
    """``--vary-budget FROM:TO`` on ``budget.<key>``."""

    key: str  # "annual" or "percent_of_revenue"
    low: float
    high: float


@dataclass(frozen=True)
class PathRange:
    """``--path``: a schedule's earlier points (kept as written) and the months its final
    point may move between (after the point before it, up to the horizon)."""

    kept: tuple[dict[str, Any], ...]
    low: float
    high: float
    written: float  # the final point's month as written


@dataclass(frozen=True)
class OptimizePlan:
    source: Path
    scenario_name: str
    written: Scenario
    document: YamlDocument
    overrides: tuple[Override, ...]
    settings: RunSettings
    order: tuple[str, ...]  # every role, in the allocation's order
    roles: tuple[str, ...]  # searched, in the scenario's order
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    fixed: dict[str, float]  # roles not searched: share as written
    free: float  # what the searched roles share: 1 - sum(fixed)
    objective: Objective
    budget: BudgetRange | None
    maxiter: int
    popsize: int
    warnings: list[str]
    input_files: list[Path]
    path: PathRange | None = None  # --path: the schedule's final point and its month

    @property
    def dimensions(self) -> int:
        return len(self.roles) - 1 + (self.budget is not None) + (self.path is not None)

    @property
    def most_evaluations(self) -> int:
        """scipy's bound: (maxiter + 1) x popsize x dimensions (+ the extra evaluations)."""
        return (self.maxiter + 1) * self.popsize * self.dimensions

    @property
    def fresh_seed(self) -> int:
        return (self.settings.seed + 1) % 2**63


def plan_optimize(
    scenario: Path,
    *,
    objective: str,
    roles: Sequence[str] = (),
    minimums: Sequence[str] = (),
    maximums: Sequence[str] = (),
    vary_budget: str | None = None,
    overrides: Sequence[Override] = (),
    trials: int | None = None,
    seed: int | None = None,
    sampling: str | None = None,
    months: int | None = None,
    maxiter: int = 20,
    popsize: int = 10,
    path: bool = False,
) -> OptimizePlan:
    """Check the objective, roles, bounds and budget range (nothing simulated)."""
    goal = parse_objective(objective)
    if not 1 <= maxiter <= 10_000:
        raise UsageError(f"--maxiter must be from 1 to 10,000; got {maxiter}")
    if not 2 <= popsize <= 1_000:
        raise UsageError(f"--popsize must be from 2 to 1,000; got {popsize}")
    run = plan_run(
        [scenario],
        single=True,
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        overrides=overrides,
    )
    item = run.scenarios[0]
    written = item.scenario
    schedule: PathRange | None = None
    if isinstance(written.allocation, dict):
        if path:
            raise UsageError(
                f"--path: {scenario} has a constant allocation; --path searches the final "
                "point (and its month) of a time-phased one (a list of {month, shares})"
            )
        shares = dict(written.allocation)
    elif not path:
        raise UsageError(
            f"{scenario}: this allocation is time-phased; give --path to search its final "
            "split and the month it is reached (the earlier points kept), or write a "
            "constant allocation"
        )
    else:
        *earlier, final = written.allocation
        shares = dict(final.shares)
        first = float(earlier[-1].month) + 1.0
        schedule = PathRange(
            tuple({"month": p.month, "shares": dict(p.shares)} for p in earlier),
            first,
            max(first, float(run.settings.months)),
            float(final.month),
        )
    document = read_scenario_document(item.path)
    budget = None if vary_budget is None else _budget_range(vary_budget, written)
    if budget is not None:
        _check_budget_ends(budget, vary_budget or "", document, overrides)
    searched = _searched_roles(roles, list(shares))
    low, high = parse_bounds(minimums, "--min"), parse_bounds(maximums, "--max")
    for flag, bounds in (("--min", low), ("--max", high)):
        for role in bounds:
            if role not in searched:
                where = "not searched (see --roles)" if role in shares else "not a role"
                raise UsageError(
                    f"{flag} {role}=...: {role!r} is {where}" + did_you_mean(role, searched)
                )
    fixed = {name: share for name, share in shares.items() if name not in searched}
    free = 1.0 - sum(fixed.values())
    lower = tuple(low.get(role, 0.0) for role in searched)
    upper = tuple(min(high.get(role, 1.0), free) for role in searched)
    _check_feasible(searched, lower, upper, free, fixed)
    return OptimizePlan(
        source=item.path,
        scenario_name=written.name,
        written=written,
        document=document,
        overrides=tuple(overrides),
        settings=run.settings,
        order=tuple(shares),
        roles=tuple(searched),
        lower=lower,
        upper=upper,
        fixed=fixed,
        free=free,
        objective=goal,
        budget=budget,
        maxiter=maxiter,
        popsize=popsize,
        warnings=run.warnings,
        input_files=run.input_files,
        path=schedule,
    )


def _searched_roles(roles: Sequence[str], names: list[str]) -> list[str]:
    if any(not r.strip() for text in roles for r in text.split(",")):
        raise UsageError(
            "--roles: an empty role name (an empty --roles, or two commas in a row); name the "
            "roles, e.g. --roles account_executive,customer_success_manager, or leave --roles "
            "out to search every role"
        )
    wanted = [r.strip() for text in roles for r in text.split(",")]
    if not wanted:
        wanted = list(names)
    for role in wanted:
        if role not in names:
            raise UsageError(f"--roles: no role {role!r}" + did_you_mean(role, names))
    if len(set(wanted)) != len(wanted):
        raise UsageError("--roles: a role is named twice")
    if len(wanted) < 2:
        raise UsageError("--roles: name at least two roles to split the budget between")
    return [name for name in names if name in wanted]


def _check_feasible(
    roles: list[str],
    lower: tuple[float, ...],
    upper: tuple[float, ...],
    free: float,
    fixed: dict[str, float],
) -> None:
    share = f"{free:.4g}" if not fixed else f"{free:.4g} (what {', '.join(fixed)} leave)"
    for role, lo, hi in zip(roles, lower, upper, strict=True):
        if lo > hi + SHARE_SLACK:
            raise UsageError(
                f"bounds admit no split: {role} has --min {lo:.4g} above its maximum {hi:.4g}"
            )
    if sum(lower) > free + SHARE_SLACK:
        raise UsageError(
            f"bounds admit no split: the --min shares sum to {sum(lower):.4g}, more than the "
            f"{share} the searched roles share"
        )
    if sum(upper) < free - SHARE_SLACK:
        raise UsageError(
            f"bounds admit no split: the --max shares sum to {sum(upper):.4g}, less than the "
            f"{share} the searched roles must share"
        )
    # each role's reachable shares, given that the searched roles share ``free``
    reach = [
        min(hi, free - (sum(lower) - lo)) - max(lo, free - (sum(upper) - hi))
        for lo, hi in zip(lower, upper, strict=True)
    ]
    if max(reach) <= SHARE_SLACK:
        raise UsageError(
            f"bounds admit only one split: the --min and --max of {', '.join(roles)} leave "
            f"each one share (they share {share}); nothing is left to search"
        )


def _check_budget_ends(
    budget: BudgetRange, text: str, document: YamlDocument, overrides: Sequence[Override]
) -> None:
    """Both ends of ``--vary-budget`` must be valid values of the budget key, checked
    before the search starts (a bad end is reported at ``--vary-budget``)."""
    for end in (budget.low, budget.high):
        check = Override(f"{text} (at {end:.6g})", ("budget", budget.key), end, "--vary-budget")
        scenario_from_document(document, [*overrides, check])


def _budget_range(text: str, scenario: Scenario) -> BudgetRange:
    start, sep, stop = text.partition(":")
    try:
        low, high = parse_number(start), parse_number(stop)
    except ValueError:
        raise UsageError(f"--vary-budget {text!r}: expected FROM:TO, e.g. 20M:40M") from None
    if not sep or not 0 <= low < high:
        raise UsageError(f"--vary-budget {text!r}: expected FROM:TO with 0 <= FROM < TO")
    key = "annual" if scenario.budget.annual is not None else "percent_of_revenue"
    if key == "annual" and "%" in text:
        raise UsageError(
            f"--vary-budget {text!r}: this scenario's budget is budget.annual, an amount of "
            "money; give amounts such as 20M:40M"
        )
    if key == "percent_of_revenue" and high > 1:
        raise UsageError(
            f"--vary-budget {text!r}: this scenario's budget is percent_of_revenue; give "
            "shares of revenue such as 8%:15%"
        )
    return BudgetRange(key, low, high)
