"""sensitivity: known answers for rank, variance, swing and break-even (tiny plans)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from why_helpers import question

from coverage_sim.analysis.inputs import with_inputs
from coverage_sim.analysis.ranking import spearman
from coverage_sim.analysis.sensitivity import sensitivity
from coverage_sim.errors import UsageError
from coverage_sim.execution import SerialExecutor


def _run(q, method: str = "rank", top: int = 10):  # type: ignore[no-untyped-def]
    return sensitivity(q, method=method, top=top, executor=SerialExecutor())


def test_one_wide_input_among_narrow_ones_ranks_first_with_most_of_the_variance() -> None:
    result = _run(question("wide", "ending_arr"), "variance")
    first = result.effects[0]
    assert first.path == "customers.land_acv"
    assert first.variance_share >= 0.80
    assert sum(e.variance_share for e in result.effects) == pytest.approx(1.0)


def test_the_difference_is_driven_by_renewal_response_though_land_acv_drives_each_level() -> None:
    level = _run(question("covered", "ending_arr"))
    assert level.effects[0].path == "customers.land_acv"
    difference = _run(question("covered", "ending_arr", "uncovered"))
    assert difference.baseline == "renewals uncovered"
    assert difference.effects[0].path.startswith("customers.renewal.")
    assert difference.effects[0].rank_correlation > 0  # a better covered rate widens the gap


def test_swing_leaves_out_a_plain_number_and_holds_each_input_at_its_p10_and_p90() -> None:
    q = question("plain", "ending_arr")
    result = _run(q, "swing")
    paths = [e.path for e in result.effects]
    assert "roles.account_executive.new_logos_per_month" not in paths
    assert set(paths) == set(q.plan.draws)
    acv = next(e for e in result.effects if e.path == "customers.land_acv")
    draws = q.plan.draws["customers.land_acv"]
    # the p10/p90 of a lognormal "20k to 400k" (a 90% interval): between the p5 and p95
    assert (
        20_000 < acv.low < np.quantile(draws, 0.2) and np.quantile(draws, 0.8) < acv.high < 400_000
    )
    assert acv.output_low < result.output.p50 < acv.output_high
    assert result.effects[0].path == "customers.land_acv"  # sorted by swing


def test_holding_an_input_keeps_every_other_draw() -> None:
    q = question("covered", "ending_arr")
    held = with_inputs(q.plan, {"customers.land_acv": 50_000.0})
    assert np.all(held.customers.land_acv == 50_000.0)
    assert np.all(held.draws["customers.land_acv"] == 50_000.0)
    for path, values in q.plan.draws.items():
        if path != "customers.land_acv":
            np.testing.assert_array_equal(held.draws[path], values)
    np.testing.assert_array_equal(
        held.customers.renewal_adopted.covered, q.plan.customers.renewal_adopted.covered
    )
    assert not np.all(q.plan.customers.land_acv == 50_000.0)  # the original is untouched


def test_break_even_is_where_prob_better_crosses_half_inside_p5_to_p95() -> None:
    q = question("covered", "npv", "uncovered")
    result = _run(q, "swing", top=2)
    renewal = next(e for e in result.effects if e.path == "customers.renewal.adopted.covered")
    b = renewal.breakeven
    assert b is not None and b.value is not None and b.quantile is not None
    assert b.prob_better_low < 0.5 < b.prob_better_high
    assert 0.05 < b.quantile < 0.95
    others = [e for e in result.effects if e is not renewal]
    assert all(e.breakeven is not None for e in others)


def test_process_noise_is_the_variance_left_with_every_input_at_its_median() -> None:
    result = _run(question("covered", "ending_arr"))
    assert result.noise_share is not None and 0 < result.noise_share < 0.2
    assert result.noise_output.sd is not None and result.output.sd is not None
    assert result.noise_share == pytest.approx((result.noise_output.sd / result.output.sd) ** 2)


def test_spearman_of_a_monotone_transform_is_one_and_of_a_constant_is_zero() -> None:
    x = np.linspace(0.0, 1.0, 50)
    assert spearman(x, np.exp(x)) == pytest.approx(1.0)
    assert spearman(x, -(x**3)) == pytest.approx(-1.0)
    assert spearman(np.ones(50), x) == 0.0


def test_sobol_puts_the_wide_input_first_and_refuses_too_few_trials() -> None:
    result = _run(question("wide", "ending_arr", trials=1024, months=12), "sobol")
    first = result.effects[0]
    assert first.path == "customers.land_acv"
    assert first.first_order is not None and first.first_order > 0.6
    assert result.settings.trials == 128 * 6  # N = 128 base points, D = 4 inputs
    with pytest.raises(UsageError, match=r"need --trials 384 or more; got 300"):
        _run(question("wide", "ending_arr", trials=300, months=12), "sobol")


def test_sobol_without_salib_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.analyze", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    with pytest.raises(UsageError, match=r"coverage-sim\[sensitivity\]"):
        _run(question("wide", "ending_arr", trials=1024, months=6), "sobol")


def test_correlated_inputs_share_rank_credit_but_swing_holds_one_input_alone() -> None:
    q = question("correlated", "ending_arr", trials=1000, months=12)
    ranks = {e.path: e for e in _run(q).effects}
    narrow = "roles.account_executive.new_logos_per_month"
    assert ranks["customers.land_acv"].rank_correlation > 0.8
    assert ranks[narrow].rank_correlation > 0.5  # credited through its correlation
    swings = {e.path: e.swing for e in _run(q, "swing").effects}
    assert swings[narrow] is not None and swings["customers.land_acv"] is not None
    assert abs(swings[narrow]) < 0.1 * abs(swings["customers.land_acv"])


def test_progress_is_reported_after_every_evaluation() -> None:
    calls: list[tuple[int, int]] = []
    q = question("covered", "ending_arr", trials=50, months=3)
    sensitivity(
        q,
        method="swing",
        top=2,
        executor=SerialExecutor(),
        on_evaluation=lambda d, t: calls.append((d, t)),
    )
    planned = 2 + 2 * len(q.inputs)
    assert calls == [(done, planned) for done in range(1, planned + 1)]
