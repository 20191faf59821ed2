"""``sensitivity`` and ``explain``: which input drives a result, why one plan beats another."""

from __future__ import annotations

from coverage_sim.api.analyses import Explanation, Sensitivity
from coverage_sim.api.plans import (
    Overrides,
    PlanLike,
    Settings,
    executor_for,
    paired_question,
)


def sensitivity(
    plan: PlanLike,
    *,
    metric: str,
    baseline: PlanLike | None = None,
    method: str = "rank",
    top: int = 10,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Sensitivity:
    """Which uncertain input drives a metric: ``coverage-sim sensitivity``.

    Parameters
    ----------
    plan : str, path-like or Plan
        The plan's scenario file.
    metric : str
        A metric id: ``npv``, ``ending_arr``, ``nrr``...
    baseline : str, path-like or Plan, optional
        Explain the paired difference plan - baseline per trial instead of the level.
    method : {"rank", "variance", "swing", "sobol"}, default "rank"
        As ``--method``; ``sobol`` needs the ``sensitivity`` extra.
    top : int, default 10
        Keep the ``top`` strongest inputs.
    trials, seed, months, sampling, overrides, workers, scheduler
        As in :func:`run`.

    Returns
    -------
    Sensitivity
    """
    from coverage_sim.analysis.sensitivity import check_request
    from coverage_sim.analysis.sensitivity import sensitivity as analyse

    check_request(method, top)
    settings = Settings(trials, seed, months, sampling)
    question = paired_question(plan, baseline, metric, settings, overrides, "sensitivity")
    with executor_for(workers, scheduler) as executor:
        return Sensitivity(analyse(question, method=method, top=top, executor=executor))


def explain(
    plan: PlanLike,
    *,
    baseline: PlanLike,
    metric: str,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Explanation:
    """Attribute the paired difference plan - baseline to land, adopt, expand, renew and
    spend: ``coverage-sim explain``.

    Parameters
    ----------
    plan, baseline : str, path-like or Plan
        The two scenario files.
    metric : str
        A metric id.
    trials, seed, months, sampling, overrides, workers, scheduler
        As in :func:`run`.

    Returns
    -------
    Explanation
        ``.parts()``, ``.summary()`` (the CSV), ``.to_json()``.
    """
    from coverage_sim.analysis.explain import explain as attribute

    settings = Settings(trials, seed, months, sampling)
    question = paired_question(plan, baseline, metric, settings, overrides, "explain")
    with executor_for(workers, scheduler) as executor:
        return Explanation(attribute(question, executor=executor))
