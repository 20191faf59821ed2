"""``coverage-sim optimize``: the budget split that maximizes a risk-aware objective.

The search space is the allocation simplex of the searched roles under ``--min``/``--max``
bounds: the searched roles share what the other roles leave (their shares stay as
written), so the total budget is fixed; ``--vary-budget FROM:TO`` adds the budget itself
(``budget.annual``, or ``budget.percent_of_revenue`` for a revenue-linked budget).

The optimizer is scipy's differential evolution (Storn and Price 1997): a population
method that needs no gradient, copes with a noisy-looking, non-smooth objective and is
deterministic given its seed. Every candidate is simulated with the same seed, trials,
horizon and sampling (common random numbers), so the objective is a deterministic
function of the split and candidates pair trial by trial. A population is evaluated
through the execution layer (``Executor.imap``); ``polish`` (a gradient step) is off.
Variables: the shares of all searched roles but the last (``x_i`` in ``[min_i, max_i]``),
the last one being what is left, kept within its bounds by a linear constraint.

The winner is re-simulated at a fresh seed (``seed + 1``): the search picks the best of
many candidates on one set of draws, so its figure at the search seed is biased upwards
(the winner's curse); the fresh-seed figure is not.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from coverage_sim.analysis.evaluate import PlanTask, evaluate_plans
from coverage_sim.analysis.optimize_candidates import RAMP, Candidate, Split, frontier
from coverage_sim.analysis.optimize_plan import Objective, OptimizePlan
from coverage_sim.analysis.stats import DEFAULT_TOLERANCE, FlatBand, Tolerance, flat_band, statistic
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError
from coverage_sim.execution import Executor
from coverage_sim.memory import check_fits, evaluations_footprint
from coverage_sim.metrics.compare import PairedDifference, paired_difference
from coverage_sim.metrics.summary import summarize_values
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.outcome import METRIC_IDS
from coverage_sim.scenario import Scenario
from coverage_sim.scenario.files import scenario_from_document
from coverage_sim.scenario.overrides import Override

# on_candidate(evaluations done, evaluations at most, best objective so far and its split)
CandidateCallback = Callable[[int, int, float | None, dict[str, float] | None], None]


@dataclass(frozen=True)
class Reevaluation:
    """The winner and the plan as written at the fresh seed, paired with each other."""

    seed: int
    best: dict[str, MetricSummary]
    written: dict[str, MetricSummary]
    score: float | None
    written_score: float | None
    versus_written: PairedDifference | None  # objective metric, winner - written


@dataclass(frozen=True)
class OptimizeResult:
    plan: OptimizePlan
    candidates: list[Candidate]  # every split the search evaluated, in order
    band: FlatBand
    tolerance: float
    frontier: list[int]  # candidate indexes, by p50 descending
    search: dict[str, MetricSummary]  # the winner at the search seed
    fresh: Reevaluation
    converged: bool
    message: str
    wall_seconds: float
    generations: int = 0
    population_spread: dict[str, float] = field(default_factory=dict)  # max - min, last one
    objective_spread: float | None = None  # max - min of the last population's objective

    @property
    def best(self) -> Candidate:
        return self.candidates[self.band.best]

    def search_bounds(self) -> dict[str, tuple[float, float]]:
        """Each searched role's (and ``budget``'s) bounds."""
        plan = self.plan
        out = dict(zip(plan.roles, zip(plan.lower, plan.upper, strict=True), strict=True))
        if plan.budget is not None:
            out["budget"] = (plan.budget.low, plan.budget.high)
        if plan.path is not None:
            out[RAMP] = (plan.path.low, plan.path.high)
        return out

    def resolved_ranges(self) -> dict[str, tuple[float, float]]:
        """The band's ranges as far as the evaluations can bound them (``band_ranges``
        widened): each end moves out to the nearest evaluated split outside the band in
        that coordinate, or to the search bound when there is none; when the search did not
        converge, every range is its whole search bound (it was too short to bound it)."""
        bounds = self.search_bounds()
        if not self.converged:
            return bounds
        out = {}
        for key, (low, high) in self.band_ranges().items():
            outside = [
                _coordinate(c, key)
                for c, member in zip(self.candidates, self.band.members, strict=True)
                if not member
            ]
            below = [x for x in outside if x is not None and x < low]
            above = [x for x in outside if x is not None and x > high]
            out[key] = (
                max(below) if below else bounds[key][0],
                min(above) if above else bounds[key][1],
            )
        return out

    def band_ranges(self) -> dict[str, tuple[float, float]]:
        """Each role's (and ``budget``'s) lowest and highest value over the band."""
        inside = [c for c, member in zip(self.candidates, self.band.members, strict=True) if member]
        ranges = {
            role: (min(c.shares[role] for c in inside), max(c.shares[role] for c in inside))
            for role in self.plan.roles
        }
        budgets = [c.budget for c in inside if c.budget is not None]
        if budgets:
            ranges["budget"] = (min(budgets), max(budgets))
        months = [c.month for c in inside if c.month is not None]
        if months:
            ranges[RAMP] = (min(months), max(months))
        return ranges


class _Search:
    """Differential evolution's population map: evaluates splits and records every one."""

    def __init__(
        self, plan: OptimizePlan, executor: Executor, on_candidate: CandidateCallback | None
    ) -> None:
        self.plan = plan
        self.executor = executor
        self.on_candidate = on_candidate
        self.candidates: list[Candidate] = []
        self.values: list[FloatArray] = []
        self.best: int | None = None

    def split(self, x: Sequence[float]) -> Split:
        plan = self.plan
        count = len(plan.roles) - 1
        searched = [float(v) for v in x[:count]]
        searched.append(max(plan.free - sum(searched), 0.0))
        shares = dict(zip(plan.roles, searched, strict=True)) | plan.fixed
        ordered = {name: shares[name] for name in plan.order}
        budget = float(x[count]) if plan.budget is not None else None
        month = None
        if plan.path is not None:  # whole months: the schedule's points are months
            month = float(round(float(x[count + (plan.budget is not None)])))
        return ordered, budget, month

    def scenario(
        self, shares: dict[str, float], budget: float | None, month: float | None
    ) -> Scenario:
        return _plan_scenario(self.plan, shares, budget, month)

    def evaluate(self, splits: list[Split], seed: int | None = None) -> list[dict[str, FloatArray]]:
        settings = self.plan.settings
        if seed is not None:
            settings = replace(settings, seed=seed)
        metrics = (self.plan.objective.metric,) if seed is None else METRIC_IDS
        tasks = [
            PlanTask(self.scenario(shares, budget, month), settings, metrics, "candidate")
            for shares, budget, month in splits
        ]
        if seed is not None:
            return evaluate_plans(self.executor, tasks)
        return evaluate_plans(
            self.executor,
            tasks,
            on_evaluated=lambda done, total, index, values: self._record(splits[index], values),
        )

    def _record(self, split: Split, values: dict[str, FloatArray]) -> None:
        goal = self.plan.objective
        metric = values[goal.metric]
        score = statistic(metric, goal.stat, goal.better)
        summary = summarize_values(metric)
        self.candidates.append(
            Candidate(split[0], split[1], score, summary.p10, summary.p50, split[2])
        )
        self.values.append(metric)
        if score is not None and (self.best is None or _beats(score, self._score(self.best), goal)):
            self.best = len(self.candidates) - 1
        if self.on_candidate is not None:
            top = None if self.best is None else self.candidates[self.best]
            self.on_candidate(
                len(self.candidates),
                self.plan.most_evaluations,
                None if top is None else top.score,
                None if top is None else top.shares,
            )

    def _score(self, index: int) -> float | None:
        return self.candidates[index].score

    def energies(self, _func: Any, population: Any) -> list[float]:
        """The map differential evolution calls: minus the objective (it minimizes)."""
        splits = [self.split(x) for x in population]
        start = len(self.candidates)
        self.evaluate(splits)
        sign = -1.0 if self.plan.objective.better == "higher" else 1.0
        return [math.inf if c.score is None else sign * c.score for c in self.candidates[start:]]

    def one(self, x: Any) -> float:
        """One split's energy (differential evolution evaluates through ``energies``)."""
        return self.energies(None, [x])[0]


def _coordinate(candidate: Candidate, key: str) -> float | None:
    if key == RAMP:
        return candidate.month
    return candidate.budget if key == "budget" else candidate.shares[key]


def _population(search: _Search, outcome: Any) -> tuple[dict[str, float], float | None]:
    """The spread (max - min) of each searched share (and the budget) over differential
    evolution's final population, and of its objective."""
    population = getattr(outcome, "population", None)
    if population is None or len(population) == 0:
        return {}, None
    splits = [search.split(x) for x in population]
    spread = {
        role: max(s[0][role] for s in splits) - min(s[0][role] for s in splits)
        for role in search.plan.roles
    }
    for key, values in (("budget", [s[1] for s in splits]), (RAMP, [s[2] for s in splits])):
        given = [v for v in values if v is not None]
        if given:
            spread[key] = max(given) - min(given)
    energies = [float(e) for e in getattr(outcome, "population_energies", []) if math.isfinite(e)]
    return spread, (max(energies) - min(energies)) if energies else None


def _beats(score: float, other: float | None, goal: Objective) -> bool:
    if other is None:
        return True
    return score > other if goal.better == "higher" else score < other


def _plan_scenario(
    plan: OptimizePlan, shares: dict[str, float], budget: float | None, month: float | None
) -> Scenario:
    allocation: Any = shares
    if plan.path is not None:  # the schedule: earlier points as written, then this split
        final = plan.path.written if month is None else month
        allocation = [*plan.path.kept, {"month": final, "shares": shares}]
    extra = [Override("allocation=<split>", ("allocation",), allocation, flag="--optimize")]
    if plan.budget is not None and budget is not None:
        extra.append(
            Override(f"budget.{plan.budget.key}=<searched>", ("budget", plan.budget.key), budget)
        )
    return scenario_from_document(plan.document, [*plan.overrides, *extra])


def run_optimize(
    plan: OptimizePlan,
    executor: Executor,
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    on_candidate: CandidateCallback | None = None,
) -> OptimizeResult:
    """Search, then re-evaluate the winner (and the plan as written) at the fresh seed."""
    from scipy.optimize import LinearConstraint, differential_evolution

    started = time.perf_counter()
    dimensions = len(plan.roles) - 1 + (plan.budget is not None)
    kept = (plan.maxiter + 1) * plan.popsize * dimensions + 4  # every candidate's objective
    footprint = evaluations_footprint(
        f"optimize's up to {kept - 4:,} evaluations", [plan.written], plan.settings, executor, kept
    )
    check_fits(footprint, plan.settings.trials)
    search = _Search(plan, executor, on_candidate)
    written = _written_shares(plan)
    count = len(plan.roles) - 1
    bounds = [(lo, hi) for lo, hi in zip(plan.lower[:count], plan.upper[:count], strict=True)]
    coefficients = [1.0] * count
    if plan.budget is not None:
        bounds.append((plan.budget.low, plan.budget.high))
        coefficients.append(0.0)
    if plan.path is not None:
        bounds.append((plan.path.low, plan.path.high))
        coefficients.append(0.0)
    last_low, last_high = plan.lower[-1], plan.upper[-1]
    constraint = LinearConstraint(
        np.array([coefficients]), plan.free - last_high, plan.free - last_low
    )
    start = _written_start(plan, bounds, constraint)
    outcome = differential_evolution(
        search.one,
        bounds,
        constraints=constraint,
        seed=plan.settings.seed,
        maxiter=plan.maxiter,
        popsize=plan.popsize,
        polish=False,
        init="latinhypercube",
        updating="deferred",
        workers=search.energies,
        x0=start,
    )
    scores = [c.score for c in search.candidates]
    best_scores = [s for s in scores if s is not None]
    if not best_scores:
        raise UsageError(f"{plan.objective.text} is undefined for every split evaluated")
    top = max(best_scores) if plan.objective.better == "higher" else min(best_scores)
    amount = tolerance.amount(top)
    band = flat_band(
        search.values,
        scores,
        stat=plan.objective.stat,
        better=plan.objective.better,
        tolerance=amount,
        seed=plan.settings.seed,
    )
    winner = search.candidates[band.best]
    top_split = (winner.shares, winner.budget, winner.month)
    again = search.evaluate([top_split], seed=plan.settings.seed)[0]
    fresh_best, fresh_written = search.evaluate(
        [top_split, (dict(written), None, None)],
        seed=plan.fresh_seed,
    )
    goal = plan.objective
    metric = goal.metric
    fresh = Reevaluation(
        seed=plan.fresh_seed,
        best={m: summarize_values(v) for m, v in fresh_best.items()},
        written={m: summarize_values(v) for m, v in fresh_written.items()},
        score=statistic(fresh_best[metric], goal.stat, goal.better),
        written_score=statistic(fresh_written[metric], goal.stat, goal.better),
        versus_written=paired_difference(fresh_written[metric], fresh_best[metric], goal.better),
    )
    spread, objective_spread = _population(search, outcome)
    return OptimizeResult(
        plan=plan,
        candidates=search.candidates,
        band=band,
        tolerance=amount,
        frontier=frontier(search.candidates, goal.better),
        search={m: summarize_values(v) for m, v in again.items()},
        fresh=fresh,
        converged=bool(outcome.success),
        message=str(outcome.message),
        wall_seconds=time.perf_counter() - started,
        generations=int(getattr(outcome, "nit", 0)),
        population_spread=spread,
        objective_spread=objective_spread,
    )


def _written_start(
    plan: OptimizePlan, bounds: list[tuple[float, float]], constraint: Any
) -> list[float] | None:
    """The plan as written as one member of the first population, when it is feasible: the
    search then ends at least as good as the plan it started from."""
    shares = _written_shares(plan)
    start = [float(shares[role]) for role in plan.roles[:-1]]
    if plan.budget is not None:
        now = getattr(plan.written.budget, plan.budget.key)
        start.append(float(now) if isinstance(now, float) else plan.budget.low)
    if plan.path is not None:
        start.append(plan.path.written)
    inside = all(lo <= x <= hi for x, (lo, hi) in zip(start, bounds, strict=True))
    total = float(np.dot(constraint.A[0], start))
    if inside and constraint.lb[0] - 1e-12 <= total <= constraint.ub[0] + 1e-12:
        return start
    return None


def _written_shares(plan: OptimizePlan) -> dict[str, float]:
    """The split as written: the allocation, or a schedule's final point (``--path``)."""
    allocation = plan.written.allocation
    if isinstance(allocation, dict):
        return dict(allocation)
    return dict(allocation[-1].shares)
