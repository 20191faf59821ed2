"""explain: Shapley attribution by motion, parts that sum to the paired difference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from why_helpers import question

from coverage_sim.analysis.explain import explain, shapley
from coverage_sim.execution import SerialExecutor


def test_a_plan_against_itself_has_every_part_zero() -> None:
    result = explain(
        question("covered", "npv", "covered", trials=200, months=12), executor=SerialExecutor()
    )
    assert result.total.mean == 0.0
    assert [p.name for p in result.parts] == ["land", "adopt", "expand", "renew", "spend"]
    for part in result.parts:
        assert (part.spread.p10, part.spread.p90, part.spread.mean) == (0.0, 0.0, 0.0)


def test_parts_sum_to_the_total_in_every_trial_and_only_renewal_and_spend_differ() -> None:
    result = explain(
        question("covered", "npv", "uncovered", trials=200, months=12), executor=SerialExecutor()
    )
    parts = {p.name: p.spread for p in result.parts}
    scale = max(abs(result.total.p10 or 0.0), abs(result.total.p90 or 0.0))
    assert result.max_residual <= 1e-9 * scale
    # the land team is a fixed headcount: the same land path in both plans
    assert parts["land"].mean == 0.0 and parts["land"].p90 == 0.0
    assert parts["renew"].mean > 0 > parts["spend"].mean
    means = sum(p.mean for p in parts.values())
    assert means == pytest.approx(result.total.mean, rel=1e-9)
    assert "other inputs" not in parts


def test_ending_arr_owes_nothing_to_spend() -> None:
    result = explain(
        question("covered", "ending_arr", "uncovered", trials=100, months=6),
        executor=SerialExecutor(),
    )
    parts = {p.name: p.spread for p in result.parts}
    assert parts["spend"].mean == 0.0 and parts["spend"].p10 == 0.0


def test_shapley_values_of_a_known_game() -> None:
    players = ("a", "b", "c")
    # v(S) = |S|^2 per trial, times a trial factor: each player gets v(N)/3 by symmetry
    factor = np.array([1.0, 2.0])
    v = {
        frozenset(s): len(s) ** 2 * factor
        for k in range(4)
        for s in itertools.combinations(players, k)
    }
    phi = shapley(v, players)
    for p in players:
        np.testing.assert_allclose(phi[p], 3.0 * factor)
    # an additive game gives each player its own contribution
    weights = {"a": 1.0, "b": -2.0, "c": 5.0}
    v = {
        frozenset(s): np.array([sum(weights[x] for x in s)])
        for k in range(4)
        for s in itertools.combinations(players, k)
    }
    phi = shapley(v, players)
    for p in players:
        np.testing.assert_allclose(phi[p], [weights[p]])


def test_a_difference_in_customer_inputs_is_the_part_other_inputs() -> None:
    # wide.yaml narrows the covered renewal rates: not a coverage path, a customer input
    q = question("wide", "ending_arr", "covered", trials=100, months=12)
    result = explain(q, executor=SerialExecutor())
    parts = {p.name: p.spread for p in result.parts}
    assert "other inputs" in parts and parts["other inputs"].mean != 0.0
    assert parts["land"].mean == 0.0  # the same fixed land team: the same land path
    scale = max(abs(result.total.p10 or 0.0), abs(result.total.p90 or 0.0))
    assert result.max_residual <= 1e-9 * scale
    assert sum(p.mean for p in parts.values()) == pytest.approx(result.total.mean, rel=1e-9)


def test_progress_is_reported_after_every_run() -> None:
    calls: list[tuple[int, int]] = []
    q = question("covered", "ending_arr", "uncovered", trials=50, months=3)
    explain(q, executor=SerialExecutor(), on_evaluation=lambda d, t: calls.append((d, t)))
    assert calls == [(done, 34) for done in range(2, 35)]
