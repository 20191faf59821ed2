"""``sweep`` and ``optimize``: decisions over many paired plans, as the CLI makes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coverage_sim.api.analyses import Optimization, Sweep
from coverage_sim.api.plans import (
    Overrides,
    PlanLike,
    bound_texts,
    executor_for,
    resolve,
    tell,
    vary_texts,
)


def sweep(
    plan: PlanLike,
    vary: str | Sequence[str] | Mapping[str, str | Sequence[str | float]],
    *,
    baseline: PlanLike | None = None,
    metrics: str | Sequence[str] = ("npv",),
    tolerance: str | None = None,
    plan_only: bool = False,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Sweep:
    """Run the plan at every value of one or two keys, paired: ``coverage-sim sweep``.

    Parameters
    ----------
    plan : str, path-like or Plan
        The scenario whose plan is varied.
    vary : str, sequence of str, or mapping
        ``--vary``: ``"post_sale_share=0%:60%:7"`` (FROM:TO:COUNT) or
        ``{"allocation.customer_success_manager": ["10%", "20%", "30%"]}``; two keys
        for a grid.
    baseline : str, path-like or Plan, optional
        Every point is compared with it (default: ``plan`` as written).
    metrics : str or sequence of str, default ("npv",)
        ``--metric``: the first ranks the points.
    tolerance : str, optional
        ``--tolerance``: the flat-maximum tolerance, a share (``"1%"``, the default) or an
        amount (``"250k"``).
    plan_only : bool, default False
        ``--vary-plan-only``: apply every key to the plan only (by default a world key,
        under ``customers``, ``market``, ``company`` or ``valuation``, changes the baseline
        too).
    trials, seed, months, sampling, overrides, workers, scheduler
        As in :func:`run`.

    Returns
    -------
    Sweep
        ``.best``, ``.summary()`` (the CSV), ``.comparisons()``, ``.to_json()``.

    Examples
    --------
    >>> api.sweep("scenarios/xaas.yaml", "post_sale_share=10%:50%:5", trials=1000)  # doctest: +SKIP
    """
    from coverage_sim.analysis.stats import parse_tolerance
    from coverage_sim.analysis.sweep import plan_sweep, run_sweep

    band = parse_tolerance(tolerance)
    (path, base), sets = resolve([plan, baseline], overrides)
    assert path is not None
    swept = plan_sweep(
        path,
        vary_texts(vary),
        baseline=base,
        overrides=sets,
        metrics=[metrics] if isinstance(metrics, str) else list(metrics),
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        plan_only=plan_only,
    )
    tell(swept.warnings)
    with executor_for(workers, scheduler) as executor:
        return Sweep(run_sweep(swept, executor, tolerance=band))


def optimize(
    plan: PlanLike,
    *,
    objective: str = "npv.p50",
    roles: Sequence[str] | None = None,
    minimum: Mapping[str, str | float] | Sequence[str] | None = None,
    maximum: Mapping[str, str | float] | Sequence[str] | None = None,
    vary_budget: str | None = None,
    tolerance: str | None = None,
    maxiter: int = 20,
    popsize: int = 10,
    path: bool = False,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Optimization:
    """Search the budget split that maximizes an objective: ``coverage-sim optimize``.

    Parameters
    ----------
    plan : str, path-like or Plan
        The scenario whose split is searched.
    objective : str, default "npv.p50"
        ``METRIC.STAT`` with STAT mean, p50, p10 or cvar10.
    roles : sequence of str, optional
        Roles whose shares are searched (default: all).
    minimum, maximum : mapping or sequence of str, optional
        ``--min`` / ``--max``: ``{"customer_success_manager": "10%"}``.
    vary_budget : str, optional
        ``--vary-budget``: search the budget too, ``"20M:40M"``.
    tolerance, maxiter, popsize
        As the flags of the same names (defaults 1%, 20, 10).
    path : bool, default False
        ``--path``: for a time-phased allocation, search its final split and the month it
        is reached together (the earlier points kept).
    trials, seed, months, sampling, overrides, workers, scheduler
        As in :func:`run`.

    Returns
    -------
    Optimization
        ``.best_split``, ``.summary()`` (the CSV), ``.to_json()``.
    """
    from coverage_sim.analysis.optimize import run_optimize
    from coverage_sim.analysis.optimize_plan import plan_optimize
    from coverage_sim.analysis.stats import parse_tolerance

    band = parse_tolerance(tolerance)
    schedule = path
    (source,), sets = resolve([plan], overrides)
    assert source is not None
    searched = plan_optimize(
        source,
        objective=objective,
        roles=list(roles or []),
        minimums=bound_texts(minimum),
        maximums=bound_texts(maximum),
        vary_budget=vary_budget,
        overrides=sets,
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        maxiter=maxiter,
        popsize=popsize,
        path=schedule,
    )
    tell(searched.warnings)
    with executor_for(workers, scheduler) as executor:
        return Optimization(run_optimize(searched, executor, tolerance=band))
