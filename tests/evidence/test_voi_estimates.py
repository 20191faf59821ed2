"""Known answers of the value-of-information estimators (analysis/voi.py): a closed form,
a verdict that depends on one input only, and a nested (double-loop) Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from coverage_sim.analysis.voi import estimate, evpi, evppi, prob_best

pytest.importorskip("statsmodels")


def _two_plans(delta: np.ndarray) -> np.ndarray:
    """Baseline net benefit 0, the plan's ``delta``: (trials, 2)."""
    return np.column_stack([np.zeros_like(delta), delta])


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (0.5, 2.0), (-1.0, 1.5), (3.0, 1.0)])
def test_evpi_matches_the_closed_form_of_a_normal_difference_within_3_se(
    mu: float, sigma: float
) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal(20_000)
    value, se, _ = evpi(_two_plans(mu + sigma * x))
    z = mu / sigma
    exact = mu * stats.norm.cdf(z) + sigma * stats.norm.pdf(z) - max(0.0, mu)
    assert abs(value - exact) <= 3 * se + 1e-12


def test_a_difference_driven_by_one_input_gives_that_input_all_of_evpi() -> None:
    rng = np.random.default_rng(11)
    n = 8_000
    x, y, z = rng.uniform(size=(3, n))
    benefit = _two_plans(4.0 * (x - 0.45) ** 3 * 10)
    result = estimate(benefit, {"x": x, "y": y, "z": z}, seed=3)
    by_name = {w.name: w for w in result.evppi}
    assert by_name["x"].value == pytest.approx(result.evpi.value, abs=3 * result.evpi.mc_se + 1e-9)
    assert by_name["y"].value < 0.02 * result.evpi.value
    assert by_name["z"].value < 0.02 * result.evpi.value
    assert result.evppi[0].name == "x"


def test_evppi_matches_a_nested_monte_carlo_within_its_error() -> None:
    """EVPPI(x) of delta = sin(3x) + y - 0.2, by an inner loop over y for each outer x."""
    rng = np.random.default_rng(5)

    def delta(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.sin(3 * x) + y - 0.2

    outer = rng.uniform(-1, 1, 2_000)
    inner = rng.normal(0, 1, (2_000, 2_000))
    conditional = delta(outer[:, None], inner).mean(axis=1)
    nested = np.maximum(conditional, 0).mean() - max(conditional.mean(), 0)
    x, y = rng.uniform(-1, 1, 20_000), rng.normal(0, 1, 20_000)
    value, se = evppi(_two_plans(delta(x, y)), x[:, None], seed=1)
    nested_se = np.maximum(conditional, 0).std(ddof=1) / np.sqrt(outer.size)
    assert abs(value - nested) <= 3 * np.hypot(se, nested_se)


def test_three_plans_decide_the_best_of_all_and_prob_best_sums_to_one() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=5_000)
    benefit = np.column_stack([np.zeros(5_000), a, 0.2 - a])
    value, _, chosen = evpi(benefit)
    expected = np.maximum.reduce([np.zeros(5_000), a, 0.2 - a]).mean() - benefit.mean(0).max()
    assert value == pytest.approx(expected)
    assert chosen == 2
    assert sum(prob_best(benefit)) == pytest.approx(1.0)


def test_a_group_is_worth_at_least_its_best_member_and_at_most_evpi() -> None:
    rng = np.random.default_rng(9)
    x, y = rng.uniform(size=(2, 6_000))
    benefit = _two_plans(x + y - 1.0)
    result = estimate(benefit, {"x": x, "y": y}, [("both", ("x", "y"))], seed=4)
    group = result.groups[0]
    assert group.inputs == ("x", "y")
    assert group.value >= max(w.value for w in result.evppi) - 3 * group.mc_se
    assert group.value <= result.evpi.value
    assert group.value == pytest.approx(result.evpi.value, rel=0.05)


def test_a_plan_that_always_wins_leaves_nothing_to_learn() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=1_000)
    result = estimate(_two_plans(1.0 + x), {"x": x})
    assert result.evpi.value == 0.0
    assert result.evppi[0].value == 0.0
    assert result.evpi.share is None
