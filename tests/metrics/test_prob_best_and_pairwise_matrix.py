"""P(best) among every plan and the pairwise matrix, on known per-trial values."""

from __future__ import annotations

import numpy as np
import pytest

from coverage_sim.metrics.best import pairwise, prob_best


def test_prob_best_counts_the_best_plan_per_trial_and_splits_ties() -> None:
    a = np.array([3.0, 1.0, 2.0, 5.0])
    b = np.array([1.0, 2.0, 2.0, 4.0])
    c = np.array([2.0, 0.0, 1.0, 5.0])
    # trial 1: a; trial 2: b; trial 3: a and b tie; trial 4: a and c tie
    assert prob_best([a, b, c], "higher") == pytest.approx([0.5, 0.375, 0.125])
    assert prob_best([a, b, c], "lower") == pytest.approx([0.0, 0.5, 0.5])


def test_prob_best_sums_to_one_and_skips_trials_a_plan_does_not_define() -> None:
    rng = np.random.default_rng(3)
    values = [rng.integers(0, 4, 500).astype(float) for _ in range(5)]  # many ties
    values[2][:50] = np.nan
    shares = prob_best(values, "higher")
    assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    assert prob_best(values, None) == [None] * 5


def test_the_pairwise_matrix_is_antisymmetric_with_ties_counted_half() -> None:
    rng = np.random.default_rng(7)
    values = [rng.integers(0, 3, 400).astype(float) for _ in range(4)]
    matrix = pairwise("npv", ["a", "b", "c", "d"], values, "higher")
    for i in range(4):
        assert matrix.prob_beats[i][i] is None and matrix.delta_p50[i][i] is None
        for j in range(4):
            if i != j:
                assert matrix.prob_beats[i][j] + matrix.prob_beats[j][i] == pytest.approx(1.0)
                assert matrix.delta_p50[i][j] == -matrix.delta_p50[j][i]
    a, b = values[0], values[1]
    expected = np.mean(a > b) + 0.5 * np.mean(a == b)
    assert matrix.prob_beats[0][1] == pytest.approx(expected)
