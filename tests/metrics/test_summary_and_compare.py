"""Summaries (never NaN) and paired comparisons (direction, ties, pairing)."""

from __future__ import annotations

import math
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

from coverage_sim.engine import simulate
from coverage_sim.metrics import compare, summarize
from coverage_sim.metrics.definitions import METRICS
from coverage_sim.metrics.summary import summarize_values
from coverage_sim.outcome import ScenarioOutcome

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from scenario_factory import role, scenario, typical


def _outcome(name: str, values: dict[str, np.ndarray], trials: int) -> ScenarioOutcome:
    metrics = {m: values.get(m, np.zeros(trials)) for m in METRICS}
    bridge = {
        f: np.zeros((trials, 1))
        for f in ("start", "new", "expansion", "contraction", "churn", "end")
    }
    return ScenarioOutcome(name, metrics, bridge, {"arr": np.zeros((trials, 2))})


def _floats(tree: object) -> list[float]:
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in _floats(v)]
    if isinstance(tree, (list, tuple)):
        return [x for v in tree for x in _floats(v)]
    if isinstance(tree, np.ndarray):
        return [float(x) for x in tree.ravel()]
    if isinstance(tree, float):
        return [tree]
    return []


def test_summary_statistics_and_monte_carlo_error() -> None:
    s = summarize_values(np.array([1.0, 2.0, 3.0, 4.0, np.nan]))
    assert s.n == 4 and s.mean == 2.5 and s.p50 == 2.5
    assert s.sd == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert s.mc_se == pytest.approx(s.sd / 2)


def test_undefined_metric_summarizes_to_none_not_nan() -> None:
    s = summarize_values(np.full(5, np.nan))
    assert s.n == 0 and s.mean is None and s.p95 is None and s.mc_se is None
    one = summarize_values(np.array([3.0, np.nan]))
    assert one.mean == 3.0 and one.sd is None and one.mc_se is None


def test_summaries_of_a_simulation_never_contain_nan() -> None:
    trials = 50
    # nobody lands: cac, cac payback and clv/cac are undefined in every trial
    no_land = scenario(trials, 14, (role("csm", {"adopt": 1.0}, trials, accounts_per_head=20),))
    summary = summarize(simulate(no_land, seed=1))
    assert summary.metrics["cac"].mean is None
    assert summary.series.keys() >= {"arr", "post_sale_share", "heads.csm"}
    values = _floats(asdict(summary)) + _floats(asdict(summarize(simulate(typical(60, 13), 2))))
    assert values and all(math.isfinite(v) for v in values)


def test_bridge_years_are_trial_means_that_still_add_up() -> None:
    summary = summarize(simulate(typical(100, 18), seed=3))
    assert [y.year for y in summary.bridge] == [1, 2]
    for y in summary.bridge:
        gap = y.start + y.new + y.expansion - y.contraction - y.churn - y.end
        assert abs(gap) < 0.01


def test_prob_better_follows_a_lower_is_better_metric_and_counts_ties_half() -> None:
    base = _outcome("a", {"total_spend": np.array([10.0, 10.0, 10.0, 10.0])}, 4)
    other = _outcome("b", {"total_spend": np.array([8.0, 9.0, 10.0, 12.0])}, 4)
    by_metric = {c.metric: c for c in compare(base, other)}
    spend = by_metric["total_spend"]
    assert spend.prob_better == pytest.approx((2 + 0.5) / 4)
    assert spend.delta_mean == pytest.approx(-0.25) and spend.delta_p50 == pytest.approx(-0.5)
    assert spend.scenario == "b" and spend.baseline == "a"


def test_prob_better_is_none_without_a_direction_or_a_defined_pair() -> None:
    base = _outcome("a", {"cac": np.array([np.nan, 1.0])}, 2)
    other = _outcome("b", {"cac": np.array([2.0, np.nan])}, 2)
    by_metric = {c.metric: c for c in compare(base, other)}
    assert by_metric["post_sale_share"].prob_better is None
    assert by_metric["cac"] == type(by_metric["cac"])("b", "a", "cac", None, None, None)
    assert by_metric["ending_arr"].prob_better == 0.5  # all ties


def test_comparison_needs_the_same_number_of_trials() -> None:
    with pytest.raises(ValueError, match="same number of trials"):
        compare(_outcome("a", {}, 3), _outcome("b", {}, 4))


def test_paired_comparison_of_more_post_sale_budget_raises_nrr() -> None:
    trials = 300
    base = typical(trials, 36)
    shares = base.allocation.shares.copy()
    shares[:, 0], shares[:, 1] = 0.45, 0.40  # 15 points from AEs to customer success
    more_success = replace(base, allocation=replace(base.allocation, shares=shares))
    by_metric = {c.metric: c for c in compare(simulate(base, 1), simulate(more_success, 1))}
    assert by_metric["nrr"].delta_mean > 0 and by_metric["nrr"].prob_better > 0.9
    assert by_metric["new_logos"].delta_mean < 0


def test_a_twin_strictly_better_in_expectation_wins_almost_every_paired_trial() -> None:
    # renewal of covered adopted accounts 96% -> 96.5%: a small edge, better in every trial
    trials = 400
    base = typical(trials, 36)
    renewal = base.customers.renewal_adopted
    better = replace(
        base,
        customers=replace(
            base.customers, renewal_adopted=replace(renewal, covered=renewal.covered + 0.005)
        ),
    )
    a, b = simulate(base, 3), simulate(better, 3)
    by_metric = {c.metric: c for c in compare(a, b)}
    assert by_metric["ending_arr"].prob_better > 0.9
    assert by_metric["grr"].prob_better > 0.9
    # common random numbers: the process noise cancels in the paired differences
    paired = b.metrics["ending_arr"] - a.metrics["ending_arr"]
    unpaired = simulate(better, 4).metrics["ending_arr"] - a.metrics["ending_arr"]
    assert paired.std() < 0.25 * unpaired.std()
