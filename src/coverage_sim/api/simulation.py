"""The result of ``run`` and ``compare``: the CLI's report, as text and as DataFrames."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from coverage_sim.api.frames import Rendered, from_rows, html_table
from coverage_sim.metrics.summary_types import BridgeYear
from coverage_sim.report.formats import OutputFormat

if TYPE_CHECKING:
    import pandas as pd

    from coverage_sim.report.model import RunReport, TrialSamples
    from coverage_sim.report.verdict import Verdict

SERIES_COLUMNS: tuple[str, ...] = ("plan", "series", "month", "p10", "p50", "p90")
BRIDGE_COLUMNS: tuple[str, ...] = ("plan", *(f.name for f in fields(BridgeYear)))
COMPARISON_COLUMNS: tuple[str, ...] = (
    "scenario",
    "baseline",
    "metric",
    "delta_mean",
    "delta_p50",
    "prob_better",
    "prob_best",
)
PAIRWISE_COLUMNS: tuple[str, ...] = ("plan", "versus", "metric", "prob_beats", "delta_p50")


@dataclass(frozen=True, repr=False)
class Simulation(Rendered):
    """One ``run`` or ``compare``: the same figures the CLI prints, at the same seed.

    Attributes
    ----------
    report : coverage_sim.report.model.RunReport
        Everything the outputs are rendered from: settings, per-plan summaries (baseline
        first in a comparison), paired comparisons against the baseline.
    """

    report: RunReport
    trial_samples: tuple[TrialSamples, ...] | None = field(default=None, repr=False)
    aliases: dict[str, str] = field(default_factory=dict, repr=False)  # file stem -> plan

    @property
    def plans(self) -> list[str]:
        """Plan names in output order (the baseline first in a comparison)."""
        return [s.name for s in self.report.scenarios]

    @property
    def baseline(self) -> str | None:
        """The baseline's name; ``None`` for ``run``."""
        return self.report.baseline

    def verdict(self) -> Verdict:
        """The verdict the outputs open with: per-plan rows, the best plan and a sentence."""
        from coverage_sim.report.verdict import build_verdict

        return build_verdict(self.report)

    def require(self, *requirements: str) -> None:
        """Check ``--require`` gates against these figures, as the CLI does.

        Parameters
        ----------
        *requirements : str
            ``"[PLAN:]METRIC.STAT OP NUMBER"``, e.g. ``"xaas:npv.prob_better >= 80%"``; a
            plan is named by its name or file stem (docs/cli.md, "--require").

        Raises
        ------
        RequirementNotMet
            Naming every gate that does not hold, with its figure (the CLI's exit 1).
        UsageError
            A malformed gate, an unknown metric or plan (the CLI's exit 2).
        """
        from coverage_sim.require import check_targets, enforce, parse_requirements

        gates = parse_requirements(list(requirements))
        enforce(check_targets(gates, self.plans, self.baseline, self.aliases), self.report)

    def _render(self, output_format: OutputFormat, width: int) -> str:
        from coverage_sim.report.render import render

        return render(self.report, output_format, width=width, color=False)

    def comparisons(self) -> pd.DataFrame:
        """One row per compared plan and metric: the paired difference against the baseline
        (delta_mean, delta_p50), P(better) and P(best) (among every plan); empty for
        ``run``."""
        rows = [
            {column: getattr(item, column) for column in COMPARISON_COLUMNS}
            for item in self.report.comparisons
        ]
        return from_rows(rows, COMPARISON_COLUMNS, "Simulation.comparisons()")

    def pairwise(self) -> pd.DataFrame:
        """``compare(..., pairwise=True)``: one row per ordered pair of plans, P(plan beats
        versus) and the median of (plan - versus) on NPV; empty without ``pairwise``."""
        matrix = self.report.pairwise
        rows = []
        if matrix is not None:
            for i, plan in enumerate(matrix.plans):
                for j, versus in enumerate(matrix.plans):
                    if i != j:
                        rows.append(
                            {
                                "plan": plan,
                                "versus": versus,
                                "metric": matrix.metric,
                                "prob_beats": matrix.prob_beats[i][j],
                                "delta_p50": matrix.delta_p50[i][j],
                            }
                        )
        return from_rows(rows, PAIRWISE_COLUMNS, "Simulation.pairwise()")

    def series(self) -> pd.DataFrame:
        """The monthly bands, tidy: one row per plan, series and month (1 = the first
        simulated month), with p10, p50 and p90 across trials."""
        from coverage_sim.report.model import series_order

        rows = []
        for summary in self.report.scenarios:
            for name in series_order(list(summary.series)):
                band = summary.series[name]
                for index, (p10, p50, p90) in enumerate(
                    zip(band.p10, band.p50, band.p90, strict=True)
                ):
                    rows.append(
                        {
                            "plan": summary.name,
                            "series": name,
                            "month": index + 1,
                            "p10": float(p10),
                            "p50": float(p50),
                            "p90": float(p90),
                        }
                    )
        return from_rows(rows, SERIES_COLUMNS, "Simulation.series()")

    def bridge(self) -> pd.DataFrame:
        """The ARR bridge, one row per plan and year: start, new, expansion, contraction,
        churn and end ARR, each the mean across trials (as in every output)."""
        rows = [
            {"plan": summary.name, **{c: getattr(year, c) for c in BRIDGE_COLUMNS[1:]}}
            for summary in self.report.scenarios
            for year in summary.bridge
        ]
        return from_rows(rows, BRIDGE_COLUMNS, "Simulation.bridge()")

    def samples(self) -> pd.DataFrame:
        """Every trial, one row per plan and trial: the ``--samples`` columns (scenario,
        trial, every metric, every uncertain input's draw). Needs ``keep_samples=True``."""
        from coverage_sim.api.frames import pandas
        from coverage_sim.report.samples import samples_table

        pd = pandas("Simulation.samples()")
        if self.trial_samples is None:
            raise ValueError("the trials were not kept: run again with keep_samples=True")
        names, trials, columns = samples_table(self.trial_samples)
        return pd.DataFrame({"scenario": names, "trial": trials, **columns})

    def _repr_html_(self) -> str:
        from coverage_sim.report.verdict import (
            COMPARE_HEADINGS,
            VERDICT_HEADINGS,
            verdict_cells,
        )

        verdict = self.verdict()
        compare = self.report.baseline is not None
        headings = ["Plan", *VERDICT_HEADINGS, *(COMPARE_HEADINGS if compare else ())]
        rows = [[row.name, *verdict_cells(row, compare=compare)] for row in verdict.rows]
        return html_table(headings, rows, caption=verdict.sentence)

    def __repr__(self) -> str:
        s = self.report.settings
        return (
            f"<Simulation of {len(self.plans)} plan(s): {', '.join(map(repr, self.plans))}; "
            f"{s.trials:,} trials, seed {s.seed}, {s.months} months>"
        )
