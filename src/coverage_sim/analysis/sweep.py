"""``coverage-sim sweep``: one plan per point of a grid, all paired (docs/cli.md, "sweep").

Every point is the scenario with the ``--set`` overrides and the point's ``--vary``
values applied, validated like a file, and simulated with the same seed, trials, horizon
and sampling as every other point and the baseline: trial ``i`` of every point shares its
draws, so differences between points are paired. Without ``--baseline`` the baseline is
the scenario as written (with its ``--set`` overrides).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coverage_sim.analysis.allocation import (
    allocation_data,
    post_sale_roles,
    with_post_sale_share,
    with_ramp_month,
    with_role_shares,
)
from coverage_sim.analysis.evaluate import PlanTask, evaluate_plans
from coverage_sim.analysis.grid import Vary, check_split_varies, parse_vary
from coverage_sim.analysis.key_scope import changed_plans, is_world_key
from coverage_sim.analysis.stats import (
    DEFAULT_TOLERANCE,
    BreakEven,
    FlatBand,
    Tolerance,
    break_even,
    flat_band,
    statistic,
)
from coverage_sim.compiled import FloatArray
from coverage_sim.errors import ScenarioError, UsageError
from coverage_sim.execution import Executor
from coverage_sim.memory import check_fits, evaluations_footprint
from coverage_sim.metrics.compare import PairedDifference, paired_difference
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.summary import summarize_values
from coverage_sim.metrics.summary_types import MetricSummary
from coverage_sim.results import RunSettings
from coverage_sim.runner import plan_run
from coverage_sim.scenario import Scenario
from coverage_sim.scenario.files import read_scenario_document, scenario_from_document
from coverage_sim.scenario.issues import did_you_mean
from coverage_sim.scenario.overrides import Override
from coverage_sim.scenario.yaml_loader import YamlDocument, load_yaml_value

MAX_POINTS = 2_000
# on_point(points done, points in total, best point's label so far, its p50 so far)
PointCallback = Callable[[int, int, str | None, float | None], None]


@dataclass(frozen=True)
class SweepPoint:
    """One point of the grid: its label, the value of each swept path, and the plan."""

    label: str
    values: dict[str, str]  # swept path -> value as shown
    numbers: dict[str, float | None]
    scenario: Scenario
    shares: dict[str, float] | None  # the constant split it runs (None if time-phased)
    baseline: Scenario | None = None  # its own baseline when a world key varies (key_scope)


@dataclass(frozen=True)
class SweepPlan:
    source: str
    scenario_name: str
    baseline_name: str
    baseline_source: str
    baseline: Scenario
    settings: RunSettings
    varies: list[Vary]
    points: list[SweepPoint]
    metrics: tuple[str, ...]  # shown, the first one ranks the points
    needed: tuple[str, ...]  # shown + those --require reads
    warnings: list[str]
    input_files: list[Path]  # every file read (scenario, baseline, their extends parents)
    plan_only: bool = False  # --vary-plan-only: world keys change the plan only

    @property
    def changes(self) -> tuple[str, ...]:
        """What every point changes: ``("plan",)`` or ``("plan", "baseline")``."""
        return changed_plans(self.varies, plan_only=self.plan_only)


@dataclass(frozen=True)
class PointFigures:
    """One metric at one point: summary, paired difference vs the baseline and vs the best."""

    summary: MetricSummary
    versus_baseline: PairedDifference | None
    prob_better_than_best: float | None  # None at the best point itself
    in_band: bool | None  # None for a metric without a better direction


@dataclass(frozen=True)
class MetricVerdict:
    """Best point, flat-maximum band and break-even of one metric (None: no direction)."""

    metric: str
    band: FlatBand | None
    break_even: BreakEven | None  # only for a 1-D sweep of numbers


@dataclass(frozen=True)
class SweepResult:
    plan: SweepPlan
    baseline: dict[str, MetricSummary]
    figures: dict[str, list[PointFigures]]  # metric -> one per point
    verdicts: dict[str, MetricVerdict]

    @property
    def best_label(self) -> str | None:
        """The best point of the first metric (what ``--require "best:..."`` means)."""
        band = self.verdicts[self.plan.metrics[0]].band
        return None if band is None else self.plan.points[band.best].label


def check_metrics(metrics: Sequence[str], flag: str = "--metric") -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(m.strip().lower() for m in metrics)) or ("npv",)
    for metric in chosen:
        if metric not in METRICS:
            raise UsageError(
                f"{flag} {metric!r}: unknown metric" + did_you_mean(metric, list(METRICS))
            )
    return chosen


def plan_sweep(
    scenario: Path,
    varies: Sequence[str],
    *,
    baseline: Path | None = None,
    overrides: Sequence[Override] = (),
    metrics: Sequence[str] = (),
    extra_metrics: Sequence[str] = (),
    trials: int | None = None,
    seed: int | None = None,
    sampling: str | None = None,
    months: int | None = None,
    plan_only: bool = False,
) -> SweepPlan:
    """Parse the ``--vary`` flags, build and validate every point (nothing simulated).

    A world key (``key_scope``) is applied to the baseline too, unless ``plan_only``."""
    if not varies:
        raise UsageError("sweep needs at least one --vary PATH=VALUES")
    if len(varies) > 2:
        raise UsageError(f"sweep takes one or two --vary (a line or a grid); got {len(varies)}")
    parsed = [parse_vary(text) for text in varies]
    for vary in parsed:
        if vary.key[:1] == ("simulation",) or vary.key == ("horizon_months",):
            raise UsageError(
                f"--vary {vary.path}: every point runs with the sweep's shared trials, seed, "
                "sampling and months (from the scenario or --trials/--seed/--sampling/--months), "
                "so its points would not differ; run the sweep once per value instead"
            )
    if len(parsed) == 2 and parsed[0].path == parsed[1].path:
        raise UsageError(f"--vary {parsed[0].path} is given twice; give its values once")
    check_split_varies(parsed)
    shown = check_metrics(metrics)
    needed = tuple(dict.fromkeys([*shown, *check_metrics(extra_metrics, "--require")]))
    settings_args: dict[str, Any] = {
        "trials": trials,
        "seed": seed,
        "sampling": sampling,
        "months": months,
        "overrides": overrides,
    }
    same = baseline is None or _same_file(baseline, scenario)
    if same:
        run = plan_run([scenario], single=True, **settings_args)
        base_item = item = run.scenarios[0]
    else:
        assert baseline is not None
        run = plan_run([scenario, baseline], baseline=str(baseline), **settings_args)
        base_item, item = run.scenarios[0], run.scenarios[1]
    size = 1
    for vary in parsed:
        size *= len(vary.values)
    if size > MAX_POINTS:
        raise UsageError(f"the grid has {size:_} points; sweep takes at most {MAX_POINTS:_}")
    doc = read_scenario_document(scenario)
    _check_range_units(doc, parsed, overrides)
    points = [
        _point(doc, item.scenario, parsed, combo, overrides)
        for combo in itertools.product(*(range(len(v.values)) for v in parsed))
    ]
    if not plan_only and any(is_world_key(v) for v in parsed):
        base_doc = doc if same else read_scenario_document(base_item.path)
        points = [_with_world_baseline(base_doc, p, parsed, overrides) for p in points]
    return SweepPlan(
        source=item.path.as_posix(),
        scenario_name=item.scenario.name,
        baseline_name=base_item.name if not same else f"{item.name} (as written)",
        baseline_source=base_item.path.as_posix(),
        baseline=base_item.scenario,
        settings=run.settings,
        varies=parsed,
        points=points,
        metrics=shown,
        needed=needed,
        warnings=run.warnings,
        input_files=run.input_files,
        plan_only=plan_only,
    )


def _check_range_units(
    doc: YamlDocument, varies: list[Vary], overrides: Sequence[Override]
) -> None:
    """A range's FROM and TO, as typed, must suit the key as a listed value does: ``10%:40%:3``
    on an amount of money is refused as ``10%,40%`` is (the points get plain numbers)."""
    for vary in varies:
        if vary.kind != "key":
            continue
        for end in vary.ends:
            value, issues = load_yaml_value(end, vary.source, vary.key)
            if issues:
                raise ScenarioError(issues)
            check = Override(f"{vary.path}={end}", vary.key, value, flag="--vary")
            scenario_from_document(doc, [*overrides, check])


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _point(
    doc: YamlDocument,
    written: Scenario,
    varies: list[Vary],
    combo: tuple[int, ...],
    overrides: Sequence[Override],
) -> SweepPoint:
    """The plan at one grid point: key paths first, then the budget-split paths."""
    chosen = list(zip(varies, combo, strict=True))
    keyed = [
        Override(f"{v.path}={v.labels[i]}", v.key, v.values[i], flag="--vary")
        for v, i in chosen
        if v.kind == "key"
    ]
    scenario = scenario_from_document(doc, [*overrides, *keyed]) if keyed else written
    allocation = allocation_data(scenario)
    split = [(v, i) for v, i in chosen if v.kind != "key"]
    what = "--vary " + ", ".join(f"{v.path}={v.labels[i]}" for v, i in split)
    fixed: dict[str, float] = {}
    for vary, index in split:
        share = float(vary.values[index])
        if vary.kind == "ramp":
            continue
        if vary.kind == "role":
            if vary.role not in scenario.roles:
                raise UsageError(
                    f"--vary {vary.text!r}: no role {vary.role!r}"
                    + did_you_mean(vary.role, list(scenario.roles))
                )
            fixed[vary.role] = share
        else:
            allocation = with_post_sale_share(allocation, post_sale_roles(scenario), share, what)
    if fixed:
        allocation = with_role_shares(allocation, fixed, what)
    for vary, index in split:
        if vary.kind == "ramp":
            allocation = with_ramp_month(allocation, float(vary.values[index]), what)
    if split:
        text = ", ".join(f"{v.path}={v.labels[i]}" for v, i in split)
        keyed.append(Override(text, ("allocation",), allocation, flag="--vary"))
        scenario = scenario_from_document(doc, [*overrides, *keyed])
    label = ", ".join(f"{v.path}={v.labels[i]}" for v, i in chosen)
    shares = dict(scenario.allocation) if isinstance(scenario.allocation, dict) else None
    return SweepPoint(
        label=label,
        values={v.path: v.labels[i] for v, i in chosen},
        numbers={v.path: v.numbers[i] for v, i in chosen},
        scenario=scenario.model_copy(update={"name": label}),
        shares=shares,
    )


def _with_world_baseline(
    doc: YamlDocument, point: SweepPoint, varies: list[Vary], overrides: Sequence[Override]
) -> SweepPoint:
    """``point`` with its own baseline: the baseline file with the point's world keys."""
    world = [
        Override(f"{v.path}={label}", v.key, v.values[v.labels.index(label)], flag="--vary")
        for v in varies
        if is_world_key(v)
        for label in (point.values[v.path],)
    ]
    baseline = scenario_from_document(doc, [*overrides, *world])
    name = "baseline at " + ", ".join(o.text for o in world)
    return dataclasses.replace(point, baseline=baseline.model_copy(update={"name": name}))


def run_sweep(
    plan: SweepPlan,
    executor: Executor,
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    on_point: PointCallback | None = None,
) -> SweepResult:
    """Evaluate the baseline and every point through ``executor``; figures and verdicts."""
    sample = [plan.baseline, plan.points[0].scenario, plan.points[-1].scenario]
    own = {p.baseline.name: p.baseline for p in plan.points if p.baseline is not None}
    kept = len(plan.needed) * (len(plan.points) + 1 + len(own))
    footprint = evaluations_footprint(
        f"a sweep of {len(plan.points):,} points", sample, plan.settings, executor, kept
    )
    check_fits(footprint, plan.settings.trials)
    tasks = [PlanTask(plan.baseline, plan.settings, plan.needed, plan.baseline_name)]
    tasks += [PlanTask(p.scenario, plan.settings, plan.needed, p.label) for p in plan.points]
    tasks += [PlanTask(b, plan.settings, plan.needed, name) for name, b in own.items()]
    count = len(plan.points)
    first = plan.metrics[0]
    better = METRICS[first].better
    best: list[tuple[str | None, float | None]] = [(None, None)]

    def progress(done: int, total: int, index: int, values: dict[str, FloatArray]) -> None:
        if 0 < index <= count:
            score = statistic(values[first], "p50", better)
            top = best[0][1]
            if score is not None and (
                top is None or (score > top if better != "lower" else score < top)
            ):
                best[0] = (plan.points[index - 1].label, score)
        if on_point is not None:
            on_point(done - 1, total - 1, *best[0])

    results = evaluate_plans(executor, tasks, on_evaluated=progress)
    base_values, point_values = results[0], results[1 : count + 1]
    own_values = dict(zip(own, results[count + 1 :], strict=True))
    bases = [
        base_values if p.baseline is None else own_values[p.baseline.name] for p in plan.points
    ]
    figures: dict[str, list[PointFigures]] = {}
    verdicts: dict[str, MetricVerdict] = {}
    for metric in plan.needed:
        figures[metric], verdicts[metric] = _metric_figures(
            plan, metric, [b[metric] for b in bases], [v[metric] for v in point_values], tolerance
        )
    baseline = {m: summarize_values(base_values[m]) for m in plan.needed}
    return SweepResult(plan, baseline, figures, verdicts)


def _metric_figures(
    plan: SweepPlan,
    metric: str,
    bases: list[FloatArray],  # each point's baseline (its own when a world key varies)
    values: list[FloatArray],
    tolerance: Tolerance,
) -> tuple[list[PointFigures], MetricVerdict]:
    better = METRICS[metric].better
    summaries = [summarize_values(v) for v in values]
    versus = [paired_difference(b, v, better) for b, v in zip(bases, values, strict=True)]
    band: FlatBand | None = None
    scores = [s.p50 for s in summaries]
    if better is not None and any(score is not None for score in scores):
        ranked = [s for s in scores if s is not None]
        best_score = max(ranked) if better == "higher" else min(ranked)
        band = flat_band(
            values,
            scores,
            stat="p50",
            better=better,
            tolerance=tolerance.amount(best_score),
            seed=plan.settings.seed,
        )
    rows = []
    for index, (summary, pair) in enumerate(zip(summaries, versus, strict=True)):
        against_best: float | None = None
        if band is not None and index != band.best:
            top = paired_difference(values[band.best], values[index], better)
            against_best = None if top is None else top.prob_better
        rows.append(
            PointFigures(
                summary=summary,
                versus_baseline=pair,
                prob_better_than_best=against_best,
                in_band=None if band is None else band.members[index],
            )
        )
    crossing: BreakEven | None = None
    vary = plan.varies[0]
    if len(plan.varies) == 1 and better is not None and all(x is not None for x in vary.numbers):
        xs = [float(x) for x in vary.numbers if x is not None]
        crossing = break_even(
            xs, [None if r.versus_baseline is None else r.versus_baseline.prob_better for r in rows]
        )
    return rows, MetricVerdict(metric, band, crossing)
