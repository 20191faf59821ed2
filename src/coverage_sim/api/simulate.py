"""``run`` and ``compare``: plans simulated side by side, as the CLI does."""

from __future__ import annotations

import os
from collections.abc import Sequence

from coverage_sim.api.plans import (
    Overrides,
    Plan,
    PlanLike,
    as_list,
    executor_for,
    resolve,
    tell,
)
from coverage_sim.api.simulation import Simulation


def _simulate(
    plans: Sequence[PlanLike],
    *,
    single: bool,
    baseline: PlanLike | None,
    trials: int | None,
    seed: int | None,
    months: int | None,
    sampling: str | None,
    overrides: Overrides,
    precision: str | float | None,
    workers: int | None,
    scheduler: str | None,
    keep_samples: bool,
    pairwise: bool = False,
) -> Simulation:
    from coverage_sim.metrics.precision import parse_precision
    from coverage_sim.report.model import TrialSamples
    from coverage_sim.runner import execute, plan_run

    given = list(plans) + ([baseline] if isinstance(baseline, Plan) else [])
    paths, sets = resolve(given, overrides)
    named = baseline.path.as_posix() if isinstance(baseline, Plan) else baseline
    target = None if precision is None else parse_precision(str(precision))
    plan = plan_run(
        [p for p in paths[: len(plans)] if p is not None],
        baseline=None if named is None else os.fspath(named),
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        single=single,
        overrides=sets,
    )
    tell(plan.warnings)
    tell(d.message() for d in plan.differences)
    kept: list[TrialSamples] = []
    with executor_for(workers, scheduler) as executor:
        report = execute(
            plan,
            executor=executor,
            on_samples=kept.append if keep_samples else None,
            precision=target,
            pairwise=pairwise,
        )
    return Simulation(report, tuple(kept) if keep_samples else None, plan.aliases)


def run(
    plan: PlanLike,
    *,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    precision: str | float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    keep_samples: bool = True,
) -> Simulation:
    """Simulate one plan: ``coverage-sim run``.

    Parameters
    ----------
    plan : str, path-like or Plan
        A scenario file (or a folder holding exactly one), or a loaded plan.
    trials, seed, months, sampling : optional
        ``--trials``, ``--seed``, ``--months``, ``--sampling``; default: the file's.
    overrides : mapping or sequence of str, optional
        ``--set``: ``{"budget.annual": "30M"}`` or ``["budget.annual=30M"]``.
    precision : str or float, optional
        ``--precision``: stop once every p50 is within this share (``"0.5%"``); ``trials``
        is then the maximum.
    workers : int, optional
        Worker processes (default: every available core); the figures do not depend on it.
    scheduler : str, optional
        A Dask scheduler's address to run on instead (the ``dask`` extra).
    keep_samples : bool, default True
        Keep every trial's metrics and input draws for :meth:`Simulation.samples`.

    Returns
    -------
    Simulation
        ``.summary()``, ``.series()``, ``.bridge()``, ``.samples()``, ``.to_json()``...

    Raises
    ------
    ScenarioError
        The file is missing or invalid (``.file``, ``.line``, ``.key``).
    UsageError
        A bad argument (the message names the CLI flag of the same name).

    Examples
    --------
    >>> from coverage_sim import api
    >>> result = api.run("scenarios/xaas.yaml", trials=1000)  # doctest: +SKIP
    >>> result.summary().query("metric == 'npv'")  # doctest: +SKIP
    """
    return _simulate(
        [plan],
        single=True,
        baseline=None,
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        overrides=overrides,
        precision=precision,
        workers=workers,
        scheduler=scheduler,
        keep_samples=keep_samples,
    )


def compare(
    plans: PlanLike | Sequence[PlanLike],
    *,
    baseline: PlanLike | None = None,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    precision: str | float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    keep_samples: bool = True,
    pairwise: bool = False,
) -> Simulation:
    """Simulate plans side by side, paired trial by trial: ``coverage-sim compare``.

    Parameters
    ----------
    plans : str, path-like, Plan, or a sequence of them
        Scenario files, folders (their ``*.yaml`` files) or loaded plans; at least two.
    baseline : str, path-like or Plan, optional
        ``--baseline``: a scenario name, file stem or path (default: the first plan).
        Its file's settings are the run's defaults.
    trials, seed, months, sampling, overrides, precision, workers, scheduler, keep_samples
        As in :func:`run`.
    pairwise : bool, default False
        ``--pairwise``: also compare every pair of plans on NPV (``.pairwise()``, and the
        grids in every format).

    Returns
    -------
    Simulation
        The baseline first; ``.comparisons()`` holds the paired differences against it
        and each plan's P(best).

    Examples
    --------
    >>> result = api.compare("scenarios/", baseline="traditional", trials=2000)  # doctest: +SKIP
    >>> result.verdict().sentence  # doctest: +SKIP
    """
    return _simulate(
        as_list(plans),
        single=False,
        baseline=baseline,
        trials=trials,
        seed=seed,
        months=months,
        sampling=sampling,
        overrides=overrides,
        precision=precision,
        workers=workers,
        scheduler=scheduler,
        keep_samples=keep_samples,
        pairwise=pairwise,
    )
