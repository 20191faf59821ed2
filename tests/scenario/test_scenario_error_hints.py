"""Unit mistakes and their hints: percentages only on rates, no spaces in numbers, ranges
written with a dash, out-of-range percentages, and structural errors reported alone."""

from __future__ import annotations

import json

import pytest

from coverage_sim.scenario import load_scenario, parse_number
from coverage_sim.scenario.schema import scenario_schema


def _line(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _invalid(cli, write, model_text: str, old: str, new: str) -> tuple[str, str]:
    """Validate the model example with ``old`` replaced by ``new``: (text, stderr); exit 2."""
    assert old in model_text
    text = model_text.replace(old, new, 1)
    code, out, err = cli("validate", write("bad.yaml", text))
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    return text, err


# --- 1. a percentage where the field is not a rate -------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key_path", "expected", "got"),
    [
        (
            "accounts_per_head: 25",
            "accounts_per_head: 30%",
            "roles.customer_success_manager.accounts_per_head",
            "a count",
            "30%",
        ),
        (
            "ramp_months: 3",
            "ramp_months: 12%",
            "roles.customer_success_manager.ramp_months",
            "a number of months",
            "12%",
        ),
        (
            "onboarding_months: 3 ",
            "onboarding_months: 3% ",
            "customers.onboarding_months",
            "a number of months",
            "3%",
        ),
        (
            "loaded_cost: 150k",
            "loaded_cost: 35%",
            "roles.customer_success_manager.loaded_cost",
            "an amount of money",
            "35%",
        ),
        (
            "loaded_cost: 150k",
            "loaded_cost: {dist: normal, mean: 35%, sd: 5%}",
            "roles.customer_success_manager.loaded_cost",
            "an amount of money",
            "mean: 35%",
        ),
        (
            'land_acv: "60k to 140k"',
            'land_acv: "30% to 50%"',
            "customers.land_acv",
            "an amount of money",
            "30% to 50%",
        ),
        (
            "starting_arr: 50M",
            "starting_arr: 50%",
            "company.starting_arr",
            "an amount of money",
            "50%",
        ),
        (
            "annual: 18M",
            "annual: {dist: uniform, low: 10M, high: 20M, clip: [0, 90%]}",
            "budget.annual",
            "an amount of money",
            "clip: 90%",
        ),
        (
            "addressable_accounts: 20000",
            "addressable_accounts: 20%",
            "market.addressable_accounts",
            "a count",
            "20%",
        ),
        (
            'new_logos_per_month: "0.35 to 0.65"',
            'new_logos_per_month: "35% to 65%"',
            "roles.account_executive.new_logos_per_month",
            "a count",
            "35% to 65%",
        ),
        (
            "arr_multiple: 0 ",
            "arr_multiple: 500% ",
            "valuation.arr_multiple",
            "a multiple",
            "500%",
        ),
        (
            "horizon_months: 60",
            "horizon_months: 100%",
            "horizon_months",
            "a whole number",
            "100%",
        ),
        (
            "starting_customers: 500",
            "starting_customers: 100%",
            "company.starting_customers",
            "a whole number",
            "100%",
        ),
    ],
)
def test_percentage_on_a_count_months_or_money_field_exits_2_naming_the_unit(
    cli, write, model_text: str, old: str, new: str, key_path: str, expected: str, got: str
) -> None:
    text, err = _invalid(cli, write, model_text, old, new)
    line = _line(text, new)
    prefix = f"bad.yaml:{line}:"
    entries = [entry for entry in err.splitlines() if f" {key_path}: " in entry]
    assert len(entries) == 1, err
    (entry,) = entries
    assert prefix in entry, err
    assert f"{key_path}: expected {expected}" in entry, err
    assert entry.endswith(f", not a percentage; got {got}"), err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("cross_sell_size: 40%", "cross_sell_size: 40%"),  # a share of the account's ARR
        ("referrals_per_year: 2%", "referrals_per_year: 2%"),  # per adopted customer per year
        (
            "cross_sell_per_year: {uncovered: 5%, covered: 25%}",
            'cross_sell_per_year: {uncovered: "2% to 8%", covered: 25%}',
        ),
        (
            "rate: {uncovered: 45%, covered: 85%}",
            "rate: {uncovered: 45%, covered: 85%, response: {shape: hill, half_saturation: 30%}}",
        ),
        ("growth: 15%", 'growth: "-5% to 20%"'),
        ("commission: {new: 10%}", "commission: {new: 10%, renewal: 1.5%}"),
        ('land_acv: "60k to 140k"', "land_acv: {dist: lognormal, median: 90k, sigma: 40%}"),
        ("account_executive: 60%", "account_executive: 60%"),  # allocation share
    ],
)
def test_percentages_stay_valid_on_rates_shares_growth_and_per_customer_frequencies(
    cli, write, model_text: str, old: str, new: str
) -> None:
    path = write("ok.yaml", model_text.replace(old, new, 1))
    code, out, err = cli("validate", path)
    assert (code, err) == (0, "") and out.startswith(f"{path}: ok: ")


# --- 2. spaces inside a number ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"), [("$15 M", "$15M"), ("15 %", "15%"), ("$ 15M", "$15M")]
)
def test_parse_number_rejects_a_space_inside_a_number_and_shows_it_without(
    text: str, written: str
) -> None:
    with pytest.raises(
        ValueError, match=f"no spaces inside a number: write {written.replace('$', '[$]')}"
    ):
        parse_number(text)


def test_budget_with_a_spaced_suffix_exits_2_with_the_hint(cli, write, model_text: str) -> None:
    text, err = _invalid(cli, write, model_text, "annual: 18M", 'annual: "$15 M"')
    assert f"bad.yaml:{_line(text, 'annual:')}:3: budget.annual: " in err
    assert "no spaces inside a number: write $15M" in err


# --- 3. out-of-range percentages -----------------------------------------------------------------


def test_rate_typed_as_a_percentage_above_100_gets_no_did_you_mean(
    cli, write, model_text: str
) -> None:
    text, err = _invalid(cli, write, model_text, "gross_margin: 75%", "gross_margin: 120%")
    line = _line(text, "gross_margin")
    expected = (
        f"bad.yaml:{line}:3: company.gross_margin: got 120%; a rate must be between 0% and 100%"
    )
    assert expected in err and "did you mean" not in err


def test_rate_typed_as_a_bare_number_above_1_suggests_the_percentage(
    cli, write, model_text: str
) -> None:
    _, err = _invalid(cli, write, model_text, "gross_margin: 75%", "gross_margin: 75")
    assert "company.gross_margin: expected a rate in [0, 1]; got 75 (did you mean 75%?)" in err


def test_negative_percentage_on_a_rate_and_growth_below_minus_100_are_explained(
    cli, write, model_text: str
) -> None:
    _, err = _invalid(cli, write, model_text, "downsell: 10%", "downsell: -10%")
    assert "customers.renewal.downsell: got -10%; a rate must be between 0% and 100%" in err
    _, err = _invalid(cli, write, model_text, "growth: 15%", "growth: -150%")
    assert "budget.growth: got -150%; a growth rate must be above -100%" in err


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("120%", "got 120%; a share must be between 0% and 100%"),
        ("60", "expected a share in [0, 1]; got 60 (did you mean 60%?)"),
        ("-0.1", "expected a share in [0, 1]; got -0.1"),
    ],
)
def test_out_of_range_allocation_share_is_explained_like_a_rate(
    cli, write, model_text: str, typed: str, message: str
) -> None:
    text, err = _invalid(
        cli, write, model_text, "account_executive: 60%", f"account_executive: {typed}"
    )
    line = _line(text, f"account_executive: {typed}")
    assert f"bad.yaml:{line}:3: allocation.account_executive: {message}" in err


# --- 4. simulation.trials agrees with the runner -------------------------------------------------


def test_one_trial_is_rejected_by_validate_like_the_runner(cli, write, model_text: str) -> None:
    text, err = _invalid(cli, write, model_text, "trials: 10000", "trials: 1")
    assert f"bad.yaml:{_line(text, 'simulation:')}:" in err
    assert "simulation.trials: expected a whole number of trials from 2 to 10_000_000; got 1" in err
    path = write("two.yaml", model_text.replace("trials: 10000", "trials: 2"))
    assert load_scenario(path).simulation.trials == 2


def test_schema_says_trials_are_at_least_2() -> None:
    trials = scenario_schema()["$defs"]["Simulation"]["properties"]["trials"]
    integer = next(option for option in trials["anyOf"] if option.get("type") == "integer")
    assert integer["minimum"] == 2 and integer["maximum"] == 10_000_000
    assert json.dumps(trials)  # serialisable as committed


# --- 5. structural errors are reported alone ----------------------------------------------------


def test_missing_parent_is_the_only_error_reported(cli, write) -> None:
    path = write("orphan.yaml", "name: x\nextends: gone.yaml\n")
    code, _, err = cli("validate", path)
    assert code == 2
    assert err.splitlines() == [
        f"coverage-sim: error: {path}:2:1: extends: cannot use 'gone.yaml': file not found"
    ]


def test_extends_cycle_is_the_only_error_reported(cli, write) -> None:
    write("a.yaml", "extends: b.yaml\n")
    path = write("b.yaml", "extends: a.yaml\n")
    code, _, err = cli("validate", path)
    assert code == 2
    assert len(err.splitlines()) == 1 and "extends cycle: b.yaml -> a.yaml -> b.yaml" in err


def test_yaml_tag_is_reported_without_the_missing_keys_it_causes(cli, write) -> None:
    path = write("tag.yaml", "name: tagged\nextends: !include base.yaml\n")
    code, _, err = cli("validate", path)
    assert code == 2
    assert err.splitlines() == [
        f"coverage-sim: error: {path}:2:10: extends: YAML tags are not allowed "
        "(found !include); write a plain value"
    ]


def test_structural_error_in_a_parent_hides_the_childs_missing_keys(
    cli, write, model_text: str
) -> None:
    write(
        "base.yaml",
        model_text.replace("gross_margin: 75%", "gross_margin: 75%\n  gross_margin: 70%"),
    )
    code, _, err = cli("validate", write("child.yaml", "extends: base.yaml\n"))
    assert code == 2
    (entry,) = err.splitlines()
    assert "base.yaml:" in entry and "duplicate key 'gross_margin'" in entry


# --- 6. tabs ------------------------------------------------------------------------------------


def test_tab_indentation_gets_a_spaces_not_tabs_hint_with_its_location(cli, write) -> None:
    path = write("tabs.yaml", "name: x\ncompany:\n\tgross_margin: 75%\n")
    code, _, err = cli("validate", path)
    assert code == 2
    (entry,) = err.splitlines()
    assert entry.startswith(f"coverage-sim: error: {path}:3:1: invalid YAML: ")
    assert entry.endswith("(YAML indentation must use spaces, not tabs)")


def test_tab_after_a_value_gets_a_use_spaces_hint_at_the_tab(cli, write) -> None:
    path = write("tabs.yaml", "name: x\nhorizon_months: 60\t# months\n")
    _, _, err = cli("validate", path)
    assert f"{path}:2:19: invalid YAML: " in err
    assert err.rstrip().endswith("(YAML does not allow a tab here; use spaces)")


def test_other_yaml_syntax_errors_get_no_tab_hint(cli, write) -> None:
    _, _, err = cli("validate", write("broken.yaml", "name: [unclosed\n"))
    assert "invalid YAML" in err and "tabs" not in err


# --- 7. ranges written with a dash or two dots ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("50k - 120k", '"50k to 120k"'),
        ("50k\u2013120k", '"50k to 120k"'),
        ("50k .. 120k", '"50k to 120k"'),
        ("50k-120k", '"50k to 120k"'),
    ],
)
def test_range_with_a_dash_suggests_the_a_to_b_form(
    cli, write, model_text: str, typed: str, suggested: str
) -> None:
    text, err = _invalid(cli, write, model_text, 'land_acv: "60k to 140k"', f'land_acv: "{typed}"')
    line = _line(text, "land_acv")
    assert f"bad.yaml:{line}:3: customers.land_acv: " in err
    assert f"write a range as {suggested}" in err


def test_range_hint_works_for_percent_ranges_on_rates(cli, write, model_text: str) -> None:
    _, err = _invalid(cli, write, model_text, "downsell: 10%", 'downsell: "5%-15%"')
    assert "customers.renewal.downsell: " in err and 'write a range as "5% to 15%"' in err
