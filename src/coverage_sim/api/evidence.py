"""``voi``, ``pilot`` and ``track``: what evidence would settle the choice, as the CLI does."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage_sim.api.frames import Rendered, from_rows, html_table
from coverage_sim.api.plans import Overrides, Plan, PlanLike, as_list, executor_for, resolve, tell
from coverage_sim.report import formatting as fmt
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    import pandas as pd

    from coverage_sim.analysis.pilot_run import PilotResult
    from coverage_sim.analysis.track_run import TrackResult
    from coverage_sim.analysis.voi_run import VoiResult
    from coverage_sim.run_plan import RunPlan


def _plan(
    plans: Sequence[PlanLike],
    baseline: PlanLike | None,
    settings: tuple[int | None, int | None, int | None, str | None],
    overrides: Overrides,
    command: str,
    *,
    single: bool = False,
) -> RunPlan:
    """The run the command of that name plans (``run_plan.plan_run``)."""
    from coverage_sim.run_plan import plan_run

    given = list(plans) + ([baseline] if isinstance(baseline, Plan) else [])
    paths, sets = resolve(given, overrides)
    named = baseline.path.as_posix() if isinstance(baseline, Plan) else baseline
    trials, seed, months, sampling = settings
    plan = plan_run(
        [p for p in paths[: len(plans)] if p is not None],
        baseline=None if named is None else os.fspath(named),
        trials=trials,
        seed=seed,
        sampling=sampling,
        months=months,
        single=single,
        overrides=sets,
        command=command,
    )
    tell(plan.warnings)
    tell(d.message() for d in plan.differences)
    return plan


@dataclass(frozen=True, repr=False)
class ValueOfInformation(Rendered):
    """A ``voi``: EVPI and the EVPPI of every input and group."""

    result: VoiResult
    top: int = 10

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.voi_out import render_voi

        return render_voi(self.result, output_format, top=self.top)

    @property
    def evpi(self) -> float:
        return self.result.estimate.evpi.value

    def evppi(self) -> pd.DataFrame:
        """One row per input (highest first), then per group: value, mc_se, share."""
        found = self.result.estimate
        rows: list[dict[str, Any]] = [
            {"kind": kind, "name": w.name, "value": w.value, "mc_se": w.mc_se, "share": w.share}
            for kind, items in (("input", found.evppi), ("group", found.groups))
            for w in items
        ]
        return from_rows(rows, ("kind", "name", "value", "mc_se", "share"), "evppi()")

    def _repr_html_(self) -> str:
        r = self.result
        rows = [
            [w.name, fmt.metric_value(r.metric, w.value), fmt.probability(w.share)]
            for w in [*r.estimate.evppi[: self.top], *r.estimate.groups]
        ]
        caption = f"EVPI {fmt.metric_value(r.metric, self.evpi)} on {r.metric}"
        return html_table(["Input", "EVPPI", "Share of EVPI"], rows, caption=caption)


@dataclass(frozen=True, repr=False)
class PilotDesigns(Rendered):
    """A ``pilot``: what each design of a pilot of named coverage is worth."""

    result: PilotResult

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.voi_out import render_pilot

        return render_pilot(self.result, output_format)

    def _repr_html_(self) -> str:
        r = self.result
        rows = [
            [
                f"{d.accounts:,}",
                str(d.months),
                fmt.metric_value(r.metric, d.evsi),
                fmt.probability(d.p_wrong_after),
                fmt.money(d.cost),
            ]
            for d in r.designs
        ]
        head = ["Accounts", "Months", "EVSI", "P(wrong) after", "Cost"]
        return html_table(head, rows, caption=f"Pilot designs for {r.pair}")


@dataclass(frozen=True, repr=False)
class Tracking(Rendered):
    """A ``track``: the actuals in the plan's fan, and the trials reweighted by them."""

    result: TrackResult

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.track_out import render_track

        return render_track(self.result, output_format)

    def inputs(self) -> pd.DataFrame:
        """One row per uncertain input: prior and posterior p5, p50, p95."""
        rows: list[dict[str, Any]] = [
            {"input": u.path}
            | {f"prior_{q}": v for q, v in zip(("p5", "p50", "p95"), u.prior, strict=True)}
            | {f"posterior_{q}": v for q, v in zip(("p5", "p50", "p95"), u.posterior, strict=True)}
            for u in self.result.inputs
        ]
        columns = [
            "input",
            *(f"{w}_{q}" for w in ("prior", "posterior") for q in ("p5", "p50", "p95")),
        ]
        return from_rows(rows, columns, "inputs()")

    def _repr_html_(self) -> str:
        r = self.result
        rows = [[name, str(sum(1 for m in fan if m.flag))] for name, fan in r.fans.items()]
        caption = f"{r.plan} against {r.actuals.months} months of actuals (ESS {r.ess:,.0f})"
        return html_table(["Series", "Months outside p10-p90"], rows, caption=caption)


def voi(
    plans: PlanLike | Sequence[PlanLike],
    *,
    baseline: PlanLike | None = None,
    metric: str = "npv",
    groups: Sequence[str] = (),
    top: int = 10,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> ValueOfInformation:
    """The value of information of the choice between plans: ``coverage-sim voi``.

    Parameters
    ----------
    plans, baseline
        As in :func:`compare`.
    metric : str, default "npv"
        The metric the decision maximizes (or minimizes, for a lower-is-better one).
    groups : sequence of str
        ``--group`` texts, ``"coverage=customers.*.covered"``.
    top : int, default 10
        Inputs shown in the table.
    trials, seed, months, sampling, overrides, workers, scheduler
        As in :func:`run`.
    """
    from coverage_sim.analysis.voi import parse_group
    from coverage_sim.analysis.voi_run import check_voi_metric, value_of_information
    from coverage_sim.errors import UsageError

    if top < 1:
        raise UsageError(f"--top must be at least 1; got {top}")
    check_voi_metric(metric)
    for text in groups:
        parse_group(text)
    plan = _plan(as_list(plans), baseline, (trials, seed, months, sampling), overrides, "voi")
    with executor_for(workers, scheduler) as executor:
        result = value_of_information(plan, executor, metric=metric, groups=list(groups))
    return ValueOfInformation(result, top)


def pilot(
    plans: PlanLike | Sequence[PlanLike],
    *,
    input_path: str,
    accounts: Sequence[int],
    months: Sequence[int],
    baseline: PlanLike | None = None,
    metric: str = "npv",
    target: float | None = None,
    cost_per_account_month: float | None = None,
    trials: int | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> PilotDesigns:
    """Pilot designs of named coverage: ``coverage-sim pilot``. ``input_path`` is its
    ``--input`` (a coverage pair), ``months`` the pilot lengths (``--months``) and
    ``horizon`` the simulation's (``--horizon``)."""
    from coverage_sim.analysis.pilot import parse_counts
    from coverage_sim.analysis.pilot_run import plan_pilot
    from coverage_sim.analysis.voi_run import check_voi_metric

    check_voi_metric(metric)
    sizes = parse_counts(",".join(str(a) for a in accounts), "--accounts", minimum=0)
    lengths = parse_counts(",".join(str(m) for m in months), "--months", minimum=1)
    plan = _plan(as_list(plans), baseline, (trials, seed, horizon, sampling), overrides, "pilot")
    with executor_for(workers, scheduler) as executor:
        result = plan_pilot(
            plan,
            executor,
            metric=metric,
            input_path=input_path,
            accounts=sizes,
            months=lengths,
            target=target,
            cost_per_account_month=cost_per_account_month,
        )
    return PilotDesigns(result)


def track(
    plan: PlanLike,
    actuals: str | os.PathLike[str],
    *,
    baseline: PlanLike | None = None,
    metric: str = "npv",
    noise: float | None = None,
    trials: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    sampling: str | None = None,
    overrides: Overrides = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Tracking:
    """The plan against its actuals: ``coverage-sim track`` (``noise=None`` is
    ``--noise auto``)."""
    from coverage_sim.analysis.track_run import track_plan
    from coverage_sim.analysis.voi_run import check_voi_metric
    from coverage_sim.report.track_out import collapse_warning

    check_voi_metric(metric)
    run_plan = _plan(
        [plan],
        baseline,
        (trials, seed, months, sampling),
        overrides,
        "track",
        single=baseline is None,
    )
    with executor_for(workers, scheduler) as executor:
        result = track_plan(run_plan, Path(actuals), executor, metric=metric, noise=noise)
    if result.collapsed:
        tell([collapse_warning(result)])
    return Tracking(result)
