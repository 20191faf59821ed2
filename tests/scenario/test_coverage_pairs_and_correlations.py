"""Coherent coverage pairs (covered never worse unless may_harm) and the correlations
block (Iman-Conover rank correlation on the per-trial draws)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from coverage_sim.scenario import compile_scenario, load_scenario
from coverage_sim.scenario.correlations import correlation_warnings, iman_conover
from coverage_sim.scenario.sampling import uniforms

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = ("traditional", "xaas", "transition", "laer-endgame", "best-in-class")
EXAMPLE = Path(__file__).parent / "data" / "model_example.yaml"
LOWER_IS_BETTER = {"adoption_decay"}
PAIRS = (
    "adoption_rate",
    "adoption_decay",
    "adoption_recovery",
    "renewal_adopted",
    "renewal_at_risk",
    "upsell_monthly",
    "cross_sell_per_year",
)


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize("plan", BUNDLED)
@pytest.mark.parametrize("sampling", ["monte_carlo", "lhs"])
def test_covered_is_never_worse_than_uncovered_in_any_trial_of_a_bundled_file(
    plan: str, sampling: str
) -> None:
    compiled = compile_scenario(
        load_scenario(SCENARIOS / f"{plan}.yaml"), trials=5000, seed=3, sampling=sampling
    )
    for name in PAIRS:
        pair = getattr(compiled.customers, name)
        if name in LOWER_IS_BETTER:
            assert (pair.covered <= pair.uncovered).all(), name
        else:
            assert (pair.covered >= pair.uncovered).all(), name


def _example_with(write, text: str, old: str, new: str) -> Path:
    assert old in text
    return write("scenario.yaml", text.replace(old, new))


def test_a_fixed_pair_where_coverage_harms_needs_may_harm(cli, write, model_text) -> None:
    old = "decay: {uncovered: 3%, covered: 0.5%}"
    path = _example_with(write, model_text, old, "decay: {uncovered: 0.5%, covered: 3%}")
    code, _out, err = cli("validate", path)
    assert code == 2
    assert f"{path}:{_line(model_text, old)}" in err
    assert "customers.adoption.decay" in err and "may_harm: true" in err
    allowed = _example_with(
        write, model_text, old, "decay: {uncovered: 0.5%, covered: 3%, may_harm: true}"
    )
    assert cli("validate", allowed)[0] == 0
    compiled = compile_scenario(load_scenario(allowed), trials=10, seed=1)
    assert (compiled.customers.adoption_decay.covered == 0.03).all()


def test_ends_share_one_uniform_and_are_held_where_their_distributions_cross(
    write, model_text
) -> None:
    old = "rate: {uncovered: 45%, covered: 85%}"
    crossing = 'rate: {uncovered: "40% to 60%", covered: {dist: uniform, low: 0.3, high: 0.9}}'
    path = _example_with(write, model_text, old, crossing)
    pair = compile_scenario(load_scenario(path), trials=4000, seed=5).customers.adoption_rate
    assert (pair.covered >= pair.uncovered).all()
    held = pair.covered == pair.uncovered
    assert 0.05 < held.mean() < 0.5  # where U(0.3, 0.9) would fall below the uncovered draw
    # one uniform behind both ends: their ranks agree wherever the covered end is not held
    u = uniforms(5, "customers.adoption.rate", 4000)
    np.testing.assert_allclose(pair.covered[~held], 0.3 + 0.6 * u[~held])
    harm = _example_with(write, model_text, old, crossing[:-1] + ", may_harm: true}")
    free = compile_scenario(load_scenario(harm), trials=4000, seed=5).customers.adoption_rate
    assert (free.covered < free.uncovered).any()


CORRELATED = """
correlations:
  - between: [customers.land_acv, roles.account_executive.new_logos_per_month]
    rank: -0.4
"""

INCONSISTENT = """
correlations:
  - between: [customers.land_acv, roles.account_executive.new_logos_per_month]
    rank: 0.9
  - between: [customers.land_acv, roles.account_executive.ramp_months]
    rank: 0.9
  - between: [roles.account_executive.new_logos_per_month, roles.account_executive.ramp_months]
    rank: -0.9
"""  # A~B and A~C high, B~C strongly negative: not PSD


@pytest.mark.parametrize("sampling", ["monte_carlo", "lhs"])
def test_iman_conover_reaches_the_rank_correlation_and_keeps_each_marginal(
    write, model_text, sampling: str
) -> None:
    plain = load_scenario(write("plain.yaml", model_text))
    correlated = load_scenario(write("correlated.yaml", model_text + CORRELATED))
    a = compile_scenario(plain, trials=10_000, seed=7, sampling=sampling)
    b = compile_scenario(correlated, trials=10_000, seed=7, sampling=sampling)
    acv, logos = "customers.land_acv", "roles.account_executive.new_logos_per_month"
    rho = stats.spearmanr(b.draws[acv], b.draws[logos]).statistic
    assert abs(rho - (-0.4)) <= 0.02, rho
    assert abs(stats.spearmanr(a.draws[acv], a.draws[logos]).statistic) < 0.05
    for path in (acv, logos):  # a rearrangement: the same values, in another order
        np.testing.assert_array_equal(np.sort(a.draws[path]), np.sort(b.draws[path]))
        assert not np.array_equal(a.draws[path], b.draws[path])
    for path in set(a.draws) - {acv, logos}:  # inputs not named are untouched
        np.testing.assert_array_equal(a.draws[path], b.draws[path])


def test_iman_conover_reaches_a_three_input_matrix_within_two_hundredths() -> None:
    target = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    u = np.column_stack([uniforms(1, f"x{j}", 10_000) for j in range(3)])
    out = iman_conover(u, target)
    reached = stats.spearmanr(out).statistic
    assert np.abs(reached - target).max() <= 0.02, reached
    np.testing.assert_array_equal(np.sort(out, axis=0), np.sort(u, axis=0))


def test_common_random_numbers_hold_with_correlations(write, model_text) -> None:
    # a second plan with other budgets and roles' costs gets the same correlated draws
    other_text = (model_text + CORRELATED).replace("loaded_cost: 150k", "loaded_cost: 170k")
    one = compile_scenario(
        load_scenario(write("one.yaml", model_text + CORRELATED)), trials=3000, seed=4
    )
    two = compile_scenario(load_scenario(write("two.yaml", other_text)), trials=3000, seed=4)
    for path in ("customers.land_acv", "roles.account_executive.new_logos_per_month"):
        np.testing.assert_array_equal(one.draws[path], two.draws[path])


def test_inconsistent_correlations_are_repaired_with_a_warning_naming_the_pairs(
    write, model_text
) -> None:
    scenario = load_scenario(write("bad.yaml", model_text + INCONSISTENT))
    (warning,) = correlation_warnings(scenario)
    assert "nearest valid correlation matrix" in warning
    assert "customers.land_acv ~ roles.account_executive.new_logos_per_month: 0.9 ->" in warning
    compiled = compile_scenario(scenario, trials=5000, seed=2)
    matrix = stats.spearmanr(
        np.column_stack(
            [
                compiled.draws["customers.land_acv"],
                compiled.draws["roles.account_executive.new_logos_per_month"],
                compiled.draws["roles.account_executive.ramp_months"],
            ]
        )
    ).statistic
    assert np.linalg.eigvalsh(matrix).min() > -1e-9
    assert correlation_warnings(load_scenario(write("ok.yaml", model_text + CORRELATED))) == []


@pytest.mark.parametrize(
    ("between", "rank", "expected"),
    [
        (
            "[customers.land_acv, roles.account_executive.new_logo_per_month]",
            "0.3",
            "did you mean 'roles.account_executive.new_logos_per_month'",
        ),
        ("[customers.land_acv, customers.onboarding_months]", "0.3", "is a fixed number"),
        ("[customers.land_acv, customers.land_acv]", "0.3", "same input"),
        (
            "[customers.land_acv, roles.account_executive.ramp_months]",
            "1.5",
            "a rank correlation must be between -1 and 1; got 1.5",
        ),
    ],
)
def test_bad_correlations_exit_2_with_file_line_and_key_path(
    cli, write, model_text, between: str, rank: str, expected: str
) -> None:
    text = model_text + f"\ncorrelations:\n  - between: {between}\n    rank: {rank}\n"
    path = write("bad.yaml", text)
    code, _out, err = cli("validate", path)
    assert code == 2, err
    assert expected in err
    line = _line(text, "rank:" if rank == "1.5" else "between:")
    assert f"{path}:{line}" in err and "correlations[0]" in err


def test_run_warns_on_stderr_when_correlations_are_repaired(cli, write, model_text) -> None:
    path = write("bad.yaml", model_text + INCONSISTENT)
    code, _out, err = cli("run", path, "--trials", "50", "--months", "12", "--format", "json")
    assert code == 0, err
    assert "warning:" in err and "nearest valid correlation matrix" in err


def test_validate_warns_when_correlations_are_repaired(cli, write, model_text) -> None:
    path = write("bad.yaml", model_text + INCONSISTENT)
    code, out, err = cli("validate", path)
    assert code == 0 and f"{path}: ok" in out
    assert "warning:" in err and "nearest valid correlation matrix" in err
