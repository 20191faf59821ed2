"""Distributions, common random numbers, LHS and compiling to per-trial arrays."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pydantic import TypeAdapter

from coverage_sim.errors import UsageError
from coverage_sim.scenario import compile_scenario, load_scenario
from coverage_sim.scenario.params import Growth, Money, Rate
from coverage_sim.scenario.sampling import path_key, uniforms

MODEL_EXAMPLE = Path(__file__).parent / "data" / "model_example.yaml"


def _draws(field_type: object, spec: object, n: int = 40_000, path: str = "x") -> np.ndarray:
    value = TypeAdapter(field_type).validate_python(spec)
    return value.ppf(uniforms(7, path, n))


@pytest.mark.parametrize(
    ("field_type", "text", "low", "high"),
    [
        (Rate, "85% to 95%", 0.85, 0.95),
        (Money, "60k to 140k", 60e3, 140e3),
        (Growth, "-5% to 25%", -0.05, 0.25),
    ],
)
def test_a_to_b_is_a_90_percent_interval_in_each_domain(
    field_type: object, text: str, low: float, high: float
) -> None:
    n = 40_000
    x = _draws(field_type, text, n)
    tolerance = 4 * math.sqrt(0.05 * 0.95 / n)  # four binomial standard errors
    assert abs(np.mean(x < low) - 0.05) < tolerance
    assert abs(np.mean(x > high) - 0.05) < tolerance


def test_a_to_b_families_follow_the_domain() -> None:
    rate = _draws(Rate, "85% to 95%")
    assert rate.min() > 0 and rate.max() < 1
    money = _draws(Money, "60k to 140k")
    assert money.min() > 0
    assert np.median(money) == pytest.approx(math.sqrt(60e3 * 140e3), rel=0.01)  # lognormal
    growth = _draws(Growth, "-5% to 25%")
    assert np.median(growth) == pytest.approx(0.10, abs=0.005)  # normal: symmetric


@pytest.mark.parametrize(
    ("field_type", "spec", "mean", "median"),
    [
        (Growth, {"dist": "normal", "mean": 0.2, "sd": 0.03}, 0.2, 0.2),
        (
            Money,
            {"dist": "lognormal", "median": 80000, "sigma": 0.4},
            80000 * math.exp(0.08),
            80000,
        ),
        (Rate, {"dist": "beta", "mean": 0.9, "sd": 0.03}, 0.9, None),
        (Money, {"dist": "uniform", "low": 4, "high": 8}, 6, 6),
        (
            Money,
            {"dist": "triangular", "low": 4, "mode": 6, "high": 9},
            19 / 3,
            9 - math.sqrt(0.5 * 5 * 3),
        ),
        (Money, {"dist": "pert", "low": 4, "mode": 6, "high": 9}, (4 + 4 * 6 + 9) / 6, None),
    ],
)
def test_distribution_draws_match_closed_form_moments(
    field_type: object, spec: dict, mean: float, median: float | None
) -> None:
    x = _draws(field_type, spec, 40_000)
    assert np.mean(x) == pytest.approx(mean, abs=4 * np.std(x) / math.sqrt(len(x)))
    if median is not None:
        assert np.median(x) == pytest.approx(median, rel=0.01)
    if spec["dist"] == "beta":
        assert np.std(x) == pytest.approx(0.03, rel=0.03)


def test_clip_bounds_every_draw() -> None:
    x = _draws(Money, {"dist": "normal", "mean": 5, "sd": 3, "clip": [1, 8]})
    assert x.min() == 1 and x.max() == 8


def test_uniforms_depend_only_on_seed_path_and_trial() -> None:
    a = uniforms(2026, "roles.ae.loaded_cost", 10_000)
    assert np.array_equal(a[:1000], uniforms(2026, "roles.ae.loaded_cost", 1000))
    assert np.array_equal(a, uniforms(2026, "roles.ae.loaded_cost", 10_000))
    assert not np.array_equal(a, uniforms(2027, "roles.ae.loaded_cost", 10_000))
    assert not np.array_equal(a, uniforms(2026, "roles.ae.ramp_months", 10_000))
    assert path_key("x") == (
        3489721677,
        3385646889,
        1133417806,
        2823104914,
    )  # blake2b: the same in every process
    assert a.min() > 0 and a.max() < 1


def test_lhs_puts_exactly_one_draw_in_each_stratum() -> None:
    for n in (1, 7, 1000):
        u = uniforms(3, "customers.land_acv", n, "lhs")
        assert np.array_equal(np.sort(np.floor(u * n)), np.arange(n))
        assert np.array_equal(u, uniforms(3, "customers.land_acv", n, "lhs"))


def _compiled(path: Path, trials: int, seed: int = 11, sampling: str = "monte_carlo"):
    return compile_scenario(load_scenario(path), trials=trials, seed=seed, sampling=sampling)


def test_shared_parameter_gets_identical_draws_across_scenarios(write, model_text: str) -> None:
    other = (
        model_text.replace(  # different order, extra role, extra uncertain inputs
            "  renewal_specialist: 5%\n", "  renewal_specialist: 3%\n  partner: 2%\n"
        )
        .replace(
            "roles:\n",
            'roles:\n  partner:\n    motions: {land: 1}\n    loaded_cost: "10k to 30k"\n'
            '    new_logos_per_month: "0.1 to 0.2"\n',
        )
        .replace("gross_margin: 75%", 'gross_margin: "70% to 80%"')
    )
    a = _compiled(MODEL_EXAMPLE, 2000)
    b = _compiled(write("other.yaml", other), 2000)
    assert "roles.partner.loaded_cost" in b.parameter_paths
    ae_a = next(r for r in a.roles if r.name == "account_executive")
    ae_b = next(r for r in b.roles if r.name == "account_executive")
    assert np.array_equal(ae_a.ramp_months, ae_b.ramp_months)
    assert np.array_equal(ae_a.new_logos_per_month, ae_b.new_logos_per_month)
    assert np.array_equal(a.customers.land_acv, b.customers.land_acv)


def test_same_seed_gives_identical_arrays_and_prefix_property(write, model_text: str) -> None:
    first = _compiled(MODEL_EXAMPLE, 10_000)
    again = _compiled(MODEL_EXAMPLE, 10_000)
    small = _compiled(MODEL_EXAMPLE, 1000)
    assert np.array_equal(first.customers.land_acv, again.customers.land_acv)
    assert np.array_equal(first.customers.land_acv[:1000], small.customers.land_acv)
    assert np.array_equal(first.roles[0].ramp_months[:1000], small.roles[0].ramp_months)


def test_compile_fills_the_contract(write, model_text: str) -> None:
    text = model_text.replace(
        "rate: {uncovered: 45%, covered: 85%}",
        "rate: {uncovered: 45%, covered: 85%, response: {shape: hill, half_saturation: 0.3}}",
    ).replace(
        "  land_acv:", '  response: {shape: hill, half_saturation: "0.2 to 0.4"}\n  land_acv:'
    )
    compiled = _compiled(write("c.yaml", text), 500, sampling="lhs")
    assert compiled.trials == 500 and compiled.horizon_months == 60
    assert compiled.company.starting_customers == 500 and compiled.company.contract_months == 12
    assert compiled.budget.annual is not None and compiled.budget.percent_of_revenue is None
    assert np.all(compiled.budget.growth == pytest.approx(0.15))
    rate = compiled.customers.adoption_rate
    assert rate.shape == "hill" and np.all(rate.half_saturation == pytest.approx(0.3))
    decay = compiled.customers.adoption_decay  # takes the file-wide default response
    assert decay.shape == "hill" and decay.half_saturation is not None
    assert np.ptp(decay.half_saturation) > 0
    renewal = compiled.customers.renewal_adopted
    assert np.all(renewal.uncovered == 0.9) and np.all(renewal.covered == pytest.approx(0.96))
    assert compiled.allocation.role_names[0] == "account_executive"
    assert compiled.allocation.shares.shape == (61, 4)
    assert np.allclose(compiled.allocation.shares.sum(axis=1), 1.0)
    csm = compiled.roles[1]
    assert csm.motions == {"adopt": 0.6, "expand": 0.15, "renew": 0.25}
    assert np.all(csm.new_logos_per_month == 0) and np.all(csm.accounts_per_head == 25)


def test_time_phased_allocation_interpolates_linearly(write, model_text: str) -> None:
    start, end = model_text.index("allocation:"), model_text.index("roles:")
    phased = (
        "allocation:\n"
        "  - {month: 0, shares: {account_executive: 90%, customer_success_manager: 5%,"
        " expansion_specialist: 0, renewal_specialist: 5%}}\n"
        "  - {month: 24, shares: {account_executive: 60%, customer_success_manager: 25%,"
        " expansion_specialist: 10%, renewal_specialist: 5%}}\n\n"
    )
    path = write("phased.yaml", model_text[:start] + phased + model_text[end:])
    shares = compile_scenario(load_scenario(path), trials=3, seed=1, horizon_months=36)
    table = shares.allocation.shares
    assert table.shape == (37, 4)
    assert table[0, 0] == pytest.approx(0.9) and table[12, 0] == pytest.approx(0.75)
    assert table[24, 0] == pytest.approx(0.6) and table[36, 0] == pytest.approx(0.6)


@pytest.mark.parametrize(
    "settings",
    [
        {"trials": 0, "seed": 1},
        {"trials": 10, "seed": -1},
        {"trials": 10, "seed": 1, "sampling": "sobol"},
        {"trials": 10, "seed": 1, "horizon_months": 0},
    ],
)
def test_compile_rejects_bad_settings_as_usage_errors(settings: dict) -> None:
    with pytest.raises(UsageError):
        compile_scenario(load_scenario(MODEL_EXAMPLE), **settings)


def test_compiled_draws_hold_each_uncertain_input_by_key_path(write, model_text: str) -> None:
    compiled = compile_scenario(load_scenario(write("m.yaml", model_text)), trials=50, seed=3)
    assert compiled.parameter_paths == tuple(compiled.draws)
    acv = compiled.draws["customers.land_acv"]
    assert acv is compiled.customers.land_acv and acv.shape == (50,)
    assert "company.starting_arr" not in compiled.draws  # a plain number is not uncertain
