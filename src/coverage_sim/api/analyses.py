"""The results of ``sweep``, ``optimize``, ``sensitivity`` and ``explain``.

Each wraps the analysis result the CLI renders (``.result``) and renders it the same way
(``frames.Rendered``): ``to_json()`` is ``--format json`` byte for byte, ``summary()`` the
``--format csv`` as pandas reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coverage_sim.api.frames import Rendered, from_rows, html_table
from coverage_sim.report import formatting as fmt
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    import pandas as pd

    from coverage_sim.analysis.optimize import OptimizeResult
    from coverage_sim.analysis.results import ExplainResult, SensitivityResult
    from coverage_sim.analysis.sweep import SweepResult


SWEEP_COMPARISONS: tuple[str, ...] = (
    "point",
    "metric",
    "delta_mean",
    "delta_p50",
    "prob_better",
    "prob_better_than_best",
    "in_band",
)


@dataclass(frozen=True, repr=False)
class Sweep(Rendered):
    """A ``sweep``: the plan at every grid point, paired with the baseline and each other."""

    result: SweepResult

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.sweep_out import render_sweep

        return render_sweep(self.result, output_format, width=width)

    @property
    def best(self) -> str | None:
        """The best point's label on the first metric (``None``: no better direction)."""
        return self.result.best_label

    def comparisons(self) -> pd.DataFrame:
        """One row per point and metric: the paired difference against the baseline,
        P(better) against it and against the best point, and whether it is in the band."""
        plan, rows = self.result.plan, []
        for metric in plan.metrics:
            for point, figures in zip(plan.points, self.result.figures[metric], strict=True):
                pair = figures.versus_baseline
                rows.append(
                    {
                        "point": point.label,
                        "metric": metric,
                        "delta_mean": None if pair is None else pair.delta_mean,
                        "delta_p50": None if pair is None else pair.delta_p50,
                        "prob_better": None if pair is None else pair.prob_better,
                        "prob_better_than_best": figures.prob_better_than_best,
                        "in_band": figures.in_band,
                    }
                )
        return from_rows(rows, SWEEP_COMPARISONS, "Sweep.comparisons()")

    def _repr_html_(self) -> str:
        plan = self.result.plan
        metric = plan.metrics[0]
        best = self.result.verdicts[metric].band
        rows = []
        for index, point in enumerate(plan.points):
            figures = self.result.figures[metric][index]
            pair = figures.versus_baseline
            mark = "best" if best is not None and best.best == index else ""
            if not mark and figures.in_band:
                mark = "in band"
            rows.append(
                [
                    point.label,
                    fmt.metric_value(metric, figures.summary.p50),
                    fmt.metric_delta(metric, None if pair is None else pair.delta_p50),
                    fmt.probability(None if pair is None else pair.prob_better),
                    mark,
                ]
            )
        heads = ["Point", f"{fmt.metric_label(metric)} p50", "Δ p50", "P(better)", ""]
        caption = f"Sweep of {plan.scenario_name} against {plan.baseline_name}" + (
            f"; best: {self.best}" if self.best is not None else ""
        )
        return html_table(heads, rows, caption=caption)

    def __repr__(self) -> str:
        plan = self.result.plan
        return f"<Sweep of {plan.scenario_name!r}: {len(plan.points)} points; best {self.best!r}>"


@dataclass(frozen=True, repr=False)
class Optimization(Rendered):
    """An ``optimize``: the best budget split, its flat-maximum ranges and the frontier."""

    result: OptimizeResult

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.optimize_out import render_optimize

        return render_optimize(self.result, output_format, width=width)

    @property
    def best_split(self) -> dict[str, float]:
        """The best split found: each role's share of the budget."""
        return dict(self.result.best.shares)

    def _repr_html_(self) -> str:
        ranges = self.result.resolved_ranges()
        rows = []
        for role, share in self.result.best.shares.items():
            low, high = ranges.get(role, (None, None))
            band = (
                "" if low is None or high is None else f"{fmt.percent(low)} to {fmt.percent(high)}"
            )
            rows.append([role, fmt.percent(share), band])
        objective = self.result.plan.objective
        caption = (
            f"Best split of {self.result.plan.scenario_name} on {objective.text}: "
            f"{fmt.metric_value(objective.metric, self.result.fresh.score)} at a fresh seed"
        )
        return html_table(["Role", "Share", "Flat-maximum range"], rows, caption=caption)

    def __repr__(self) -> str:
        shares = ", ".join(f"{r} {fmt.percent(s)}" for r, s in self.best_split.items())
        return f"<Optimization of {self.result.plan.scenario_name!r}: best {shares}>"


@dataclass(frozen=True, repr=False)
class Sensitivity(Rendered):
    """A ``sensitivity``: the uncertain inputs ranked by their effect on a metric (or on
    the paired difference against a baseline)."""

    result: SensitivityResult

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.why_text import render_why

        return render_why(self.result, output_format)  # its table is 80 columns wide

    def _repr_html_(self) -> str:
        r = self.result
        swings = any(effect.swing is not None for effect in r.effects)
        rows = []
        for rank, effect in enumerate(r.effects, start=1):
            row = [
                str(rank),
                effect.path,
                fmt.number(effect.rank_correlation, decimals=2, signed=True),
                fmt.percent(effect.variance_share),
            ]
            if swings:
                row.append(fmt.metric_delta(r.metric, effect.swing))
            rows.append(row)
        subject = r.plan if r.baseline is None else f"{r.plan} - {r.baseline}"
        caption = f"What drives {fmt.metric_label(r.metric)} of {subject} ({r.method})"
        heads = ["#", "Input", "Rank correlation", "Variance share"]
        return html_table([*heads, "Swing p10 to p90"] if swings else heads, rows, caption=caption)

    def __repr__(self) -> str:
        r = self.result
        top = r.effects[0].path if r.effects else None
        return f"<Sensitivity of {r.metric} ({r.method}) for {r.plan!r}: top input {top!r}>"


@dataclass(frozen=True, repr=False)
class Explanation(Rendered):
    """An ``explain``: the paired difference plan - baseline split into land, adopt,
    expand, renew and spend (Shapley values)."""

    result: ExplainResult

    def parts(self) -> pd.DataFrame:
        """One row per cause: mean, p10, p50 and p90 of its share of the difference."""
        rows: list[dict[str, Any]] = [
            {"part": p.name, **{k: getattr(p.spread, k) for k in ("mean", "p10", "p50", "p90")}}
            for p in self.result.parts
        ]
        return from_rows(rows, ("part", "mean", "p10", "p50", "p90"), "Explanation.parts()")

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.why_text import render_why

        return render_why(self.result, output_format)  # its table is 80 columns wide

    def _repr_html_(self) -> str:
        r = self.result
        rows = [[p.name, fmt.metric_delta(r.metric, p.spread.mean)] for p in r.parts]
        rows.append(["total", fmt.metric_delta(r.metric, r.total.mean)])
        caption = (
            f"Why {r.plan} differs from {r.baseline} on {r.metric}: P(better) "
            f"{fmt.probability(r.prob_better)}"
        )
        return html_table(["Cause", "Mean Δ"], rows, caption=caption)

    def __repr__(self) -> str:
        r = self.result
        return f"<Explanation of {r.metric}: {r.plan!r} against {r.baseline!r}>"
