"""The verdict every ``run`` and ``compare`` output opens with.

Per plan the p50 of NPV, ending ARR and NRR; against the baseline the median of the paired
NPV differences (Δ p50) and P(better) on NPV; and one sentence naming the best plan on NPV
and how sure that is. "Best" is judged against the baseline only (plans are not paired with
each other): a plan that beats the baseline in more than half the trials and has the largest
NPV Δ p50, else the baseline itself. Only plans comparable with the baseline (differing from
it only in coverage: budget, allocation, roles; ``RunReport.differences``) are ranked; when a
plan that differs in more than coverage would have won, a second sentence says so
(``Verdict.beyond_coverage``).
"""

from __future__ import annotations

from dataclasses import dataclass

from coverage_sim.metrics.best import VERDICT_METRIC
from coverage_sim.report import formatting as fmt
from coverage_sim.report.model import RunReport

VERDICT_COLUMNS: tuple[str, ...] = ("npv", "ending_arr", "nrr")


@dataclass(frozen=True)
class VerdictRow:
    """One plan: p50 of each of ``VERDICT_COLUMNS`` and its NPV comparison (None: baseline)."""

    name: str
    p50: dict[str, float | None]
    delta_p50: float | None
    prob_better: float | None
    is_baseline: bool
    prob_best: float | None = None  # share of trials this plan is best on NPV among all


@dataclass(frozen=True)
class Verdict:
    baseline: str | None
    rows: list[VerdictRow]
    best: str
    sentence: str
    beyond_coverage: str | None = None  # a plan differing in more than coverage that would win


def sureness(prob: float) -> str:
    """Words for a P(better) of the winner (or 1 - the best challenger's, for the baseline)."""
    if prob >= 0.95:
        return "near certain"
    if prob >= 0.8:
        return "likely"
    if prob >= 0.6:
        return "more likely than not"
    return "too close to call"


def _single_sentence(report: RunReport) -> str:
    summary = report.scenarios[0]
    stats = summary.metrics.get(VERDICT_METRIC)
    if stats is None or stats.p50 is None:
        return f"{summary.name}: NPV is undefined in every trial."
    return (
        f"{summary.name}: NPV p50 {fmt.money(stats.p50)}; 8 trials in 10 fall between "
        f"{fmt.money(stats.p10)} and {fmt.money(stats.p90)}."
    )


def _winner(rows: list[VerdictRow]) -> VerdictRow | None:
    """The plan that beats the baseline in more than half the trials with the largest Δ p50."""
    winners = [r for r in rows if r.prob_better is not None and r.prob_better > 0.5]
    if not winners:
        return None
    return max(winners, key=lambda r: (r.delta_p50 or 0.0, r.prob_better or 0.0))


def _compare_sentence(report: RunReport, rows: list[VerdictRow]) -> tuple[str, str, str | None]:
    """The best comparable plan, the sentence, and the plan beyond coverage that would win."""
    base = report.baseline or ""
    others = [r for r in rows if not r.is_baseline and r.prob_better is not None]
    if not others:
        return base, f"No plan could be paired with {base} on NPV.", None
    differing = {d.scenario for d in report.differences}
    comparable = [r for r in others if r.name not in differing]
    best = _winner(comparable)
    overall = _winner(others)
    beyond = overall if overall is not None and overall.name in differing else None
    among = " of those that differ from the baseline only in coverage" if differing else ""
    if best is not None:
        prob = best.prob_better or 0.0
        name, sentence = (
            best.name,
            (
                f"{best.name} is the best plan on NPV{among}: it beats {base} in "
                f"{fmt.probability(prob)} of paired trials (Δ p50 "
                f"{fmt.money(best.delta_p50, signed=True)}); {sureness(prob)}."
            ),
        )
    elif comparable:
        challenger = max(comparable, key=lambda r: r.prob_better or 0.0)
        prob = challenger.prob_better or 0.0
        name, sentence = (
            base,
            (
                f"{base} stays the best plan on NPV{among}: {challenger.name}, its closest "
                f"challenger, beats it in only {fmt.probability(prob)} of paired trials; "
                f"{sureness(1.0 - prob)}."
            ),
        )
    else:
        name = base
        sentence = f"No plan differs from {base} only in coverage, so none is ranked against it."
    if beyond is not None:
        sentence += (
            f" {beyond.name} would rank first ({fmt.probability(beyond.prob_better or 0.0)}, "
            f"Δ p50 {fmt.money(beyond.delta_p50, signed=True)}) but differs in more than "
            "coverage."
        )
    return name, sentence, None if beyond is None else beyond.name


def build_verdict(report: RunReport) -> Verdict:
    """The verdict of ``report`` (a ``run`` has one row and no comparison)."""
    rows = []
    for summary in report.scenarios:
        item = report.comparison(summary.name, VERDICT_METRIC)
        rows.append(
            VerdictRow(
                name=summary.name,
                p50={
                    m: (summary.metrics[m].p50 if m in summary.metrics else None)
                    for m in VERDICT_COLUMNS
                },
                delta_p50=None if item is None else item.delta_p50,
                prob_better=None if item is None else item.prob_better,
                is_baseline=summary.name == report.baseline,
                prob_best=report.best_share(summary.name, VERDICT_METRIC),
            )
        )
    if report.baseline is None:
        name = report.scenarios[0].name if report.scenarios else ""
        return Verdict(None, rows, name, _single_sentence(report))
    best, sentence, beyond = _compare_sentence(report, rows)
    return Verdict(report.baseline, rows, best, sentence, beyond)


def verdict_cells(row: VerdictRow, *, compare: bool) -> list[str]:
    """One row as text: p50 per verdict column, then Δ p50, P(better) and P(best) in a
    comparison."""
    cells = [fmt.metric_value(m, row.p50[m]) for m in VERDICT_COLUMNS]
    if compare:
        if row.is_baseline:
            cells += ["base", ""]
        else:
            cells += [
                fmt.metric_delta(VERDICT_METRIC, row.delta_p50),
                fmt.probability(row.prob_better),
            ]
        cells.append(fmt.probability(row.prob_best))
    return cells


VERDICT_HEADINGS: tuple[str, ...] = ("NPV", "Ending ARR", "NRR")
COMPARE_HEADINGS: tuple[str, ...] = ("NPV Δ p50", "P(better)", "P(best)")
