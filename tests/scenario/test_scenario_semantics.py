"""Scenarios the engine cannot simulate meaningfully are refused (issue 12), in a file,
through ``extends`` and through ``--set``; and the unclear messages of issue 12."""

from __future__ import annotations

import pytest

from coverage_sim.scenario import load_scenario
from coverage_sim.scenario.fields import MAX_MONEY, MAX_WHOLE


def _line(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _refused(cli, write, model_text: str, old: str, new: str) -> tuple[str, str]:
    """Validate the model example with ``old`` replaced by ``new``: (text, stderr); exit 2."""
    assert old in model_text
    text = model_text.replace(old, new, 1)
    code, out, err = cli("validate", write("bad.yaml", text))
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    return text, err


# --- integers and numbers beyond what the engine holds ------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key_path"),
    [
        ("starting_customers: 500", f"starting_customers: {10**30}", "company.starting_customers"),
        ("starting_customers: 500", "starting_customers: 1e30", "company.starting_customers"),
        ("accounts_per_head: 150", f"accounts_per_head: {10**12}", "roles.renewal_specialist"),
        ("ramp_months: 3", "ramp_months: 1e300", "roles.customer_success_manager.ramp_months"),
        ("annual: 18M", "annual: 1e300", "budget.annual"),
        ("growth: 15%", "growth: 1e9", "budget.growth"),
        ("arr_multiple: 0", "arr_multiple: 1e20", "valuation.arr_multiple"),
    ],
)
def test_numbers_beyond_the_engine_range_are_refused_at_their_key(
    cli, write, model_text: str, old: str, new: str, key_path: str
) -> None:
    text, err = _refused(cli, write, model_text, old, new)
    assert f"bad.yaml:{_line(text, new.split(':')[0] + ': ' + new.split(': ')[1])}:" in err
    assert f" {key_path}" in err
    assert "at most" in err or "up to" in err


def test_the_largest_allowed_values_load(write, model_text: str) -> None:
    text = model_text.replace("starting_customers: 500", f"starting_customers: {MAX_WHOLE}")
    text = text.replace("addressable_accounts: 20000", f"addressable_accounts: {MAX_WHOLE}")
    text = text.replace("annual: 18M", f"annual: {MAX_MONEY:.0f}")
    scenario = load_scenario(write("edge.yaml", text))
    assert scenario.company.starting_customers == MAX_WHOLE


def test_headcount_and_allocation_months_are_bounded(cli, write, model_text: str) -> None:
    _, err = _refused(
        cli,
        write,
        model_text,
        "accounts_per_head: 40",
        f"accounts_per_head: 40\n    headcount: {2**64}",
    )
    assert (
        "roles.expansion_specialist.headcount: expected a whole number up to 1_000_000_000" in err
    )


# --- impossible combinations --------------------------------------------------------------


def test_arr_without_customers_is_refused_at_starting_arr(cli, write, model_text: str) -> None:
    text, err = _refused(cli, write, model_text, "starting_customers: 500", "starting_customers: 0")
    line = _line(text, "starting_arr:")
    assert f"bad.yaml:{line}:3: company.starting_arr: starting ARR needs customers" in err


def test_no_customers_and_no_arr_is_a_valid_start(write, model_text: str) -> None:
    text = model_text.replace("starting_customers: 500", "starting_customers: 0")
    text = text.replace("starting_arr: 50M", "starting_arr: 0")
    assert load_scenario(write("startup.yaml", text)).company.starting_customers == 0


@pytest.mark.parametrize(
    "market", ["300", '"100 to 20000"', "{dist: uniform, low: 200, high: 30000}"]
)
def test_a_market_smaller_than_the_installed_base_is_refused(
    cli, write, model_text: str, market: str
) -> None:
    text, err = _refused(
        cli, write, model_text, "addressable_accounts: 20000", f"addressable_accounts: {market}"
    )
    line = _line(text, "addressable_accounts:")
    assert f"bad.yaml:{line}:3: market.addressable_accounts: the market " in err
    assert "smaller than the installed base" in err and "(500)" in err


def test_a_market_interval_safely_above_the_installed_base_loads(write, model_text: str) -> None:
    text = model_text.replace("addressable_accounts: 20000", 'addressable_accounts: "15k to 25k"')
    assert load_scenario(write("ok.yaml", text)).market.addressable_accounts is not None


@pytest.mark.parametrize(
    ("dist", "says"),
    [
        ("{dist: uniform, low: 4, high: 8, clip: [10, 12]}", "every draw would be 10"),
        ("{dist: uniform, low: 4, high: 8, clip: [1, 3]}", "every draw would be 3"),
        ("{dist: uniform, low: 4, high: 8, clip: [8, 9]}", "every draw would be 8"),
        ("{dist: normal, mean: 5, sd: 0.1, clip: [7, 9]}", "every draw would be 7"),
        ("{dist: uniform, low: 4, high: 8, clip: [6, 6]}", "makes every draw 6"),
        ("{dist: uniform, low: 4, high: 8, clip: [7, 5]}", "needs lo < hi"),
    ],
)
def test_a_clip_window_outside_the_distribution_is_refused(
    cli, write, model_text: str, dist: str, says: str
) -> None:
    text, err = _refused(cli, write, model_text, "ramp_months: 3", f"ramp_months: {dist}")
    line = _line(text, "ramp_months: {")
    assert f"bad.yaml:{line}:" in err
    assert "roles.customer_success_manager.ramp_months" in err
    assert says in err


def test_a_clip_window_that_cuts_the_tails_loads(write, model_text: str) -> None:
    text = model_text.replace(
        "ramp_months: 3", "ramp_months: {dist: uniform, low: 4, high: 8, clip: [5, 12]}"
    )
    load_scenario(write("ok.yaml", text))


def test_the_same_problem_inherited_through_extends_names_both_files(
    cli, write, model_text: str
) -> None:
    write("base.yaml", model_text.replace("starting_customers: 500", "starting_customers: 0"))
    child = write("child.yaml", "extends: base.yaml\nname: child\n")
    code, _, err = cli("validate", child)
    assert code == 2
    assert "base.yaml:" in err and "company.starting_arr: starting ARR needs customers" in err
    assert f"(in a file that {child} extends)" in err


def test_a_merge_can_make_a_valid_parent_impossible(cli, write, model_text: str) -> None:
    write("base.yaml", model_text)
    child = write("child.yaml", "extends: base.yaml\nmarket: {addressable_accounts: 100}\n")
    code, _, err = cli("validate", child)
    assert code == 2
    assert "child.yaml:2:" in err and "market.addressable_accounts" in err


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ("company.starting_customers=0", "company.starting_customers: starting ARR needs"),
        ("market.addressable_accounts=10", "smaller than the installed base"),
        (f"company.starting_customers={10**30}", "up to 1_000_000_000"),
    ],
)
def test_the_same_problems_after_set_overrides(
    cli, write, model_text: str, override: str, says: str
) -> None:
    path = write("plan.yaml", model_text)
    code, _, err = cli("run", path, "--trials", "20", "--months", "6", "--set", override)
    assert code == 2
    assert says in err
    assert "Traceback" not in err


# --- messages -------------------------------------------------------------------------------


def test_a_coverage_pair_given_as_a_distribution_explains_the_pair(
    cli, write, model_text: str
) -> None:
    _, err = _refused(
        cli,
        write,
        model_text,
        "rate: {uncovered: 45%, covered: 85%}",
        "rate: {dist: beta, mean: 0.6, sd: 0.1, uncovered: 45%}",
    )
    assert "did you mean 'uncovered'" not in err
    assert "'uncovered' cannot be part of a distribution (dist: beta)" in err


def test_an_unknown_key_in_a_distribution_lists_that_distributions_keys(
    cli, write, model_text: str
) -> None:
    _, err = _refused(
        cli, write, model_text, "ramp_months: 3", "ramp_months: {dist: normal, mean: 3, sdd: 1}"
    )
    assert (
        "unknown key 'sdd' for dist: normal (it takes dist, mean, sd, clip); did you mean 'sd'?"
        in err
    )


@pytest.mark.parametrize("name", ["account.executive", "2nd_line", "big boss"])
def test_a_bad_role_name_is_explained_in_words(cli, write, model_text: str, name: str) -> None:
    text = model_text.replace("renewal_specialist", name)
    code, _, err = cli("validate", write("bad.yaml", text))
    assert code == 2
    assert f"role name '{name}' is not allowed: start with an ASCII letter" in err
    assert "pattern" not in err and "^[A-Za-z]" not in err


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("\u22125%", "U+2212"), ("\u20135%", "U+2013"), ("\uff115%", "U+FF11")],
)
def test_a_unicode_look_alike_in_a_number_gets_a_hint(
    cli, write, model_text: str, typed: str, shown: str
) -> None:
    _, err = _refused(cli, write, model_text, "growth: 15%", f"growth: {typed}")
    assert shown in err
    assert "write -5%" in err or "write 15%" in err


def test_allocation_shares_off_are_reported_in_percent_with_the_roles(
    cli, write, model_text: str
) -> None:
    _, err = _refused(cli, write, model_text, "account_executive: 60%", "account_executive: 50%")
    assert (
        "allocation shares must sum to 100%; they sum to 90% (account_executive 50% + "
        "customer_success_manager 25% + expansion_specialist 10% + renewal_specialist 5%): "
        "10% is missing"
    ) in err
    _, err = _refused(cli, write, model_text, "account_executive: 60%", "account_executive: 70%")
    assert "they sum to 110%" in err and "10% too much" in err


def test_motion_weights_off_are_reported_in_percent(cli, write, model_text: str) -> None:
    _, err = _refused(
        cli,
        write,
        model_text,
        "motions: {adopt: 0.6, renew: 0.25, expand: 0.15}",
        "motions: {adopt: 0.6, renew: 0.25}",
    )
    assert "motion weights must sum to 1 (100%); they sum to 85% (adopt 60% + renew 25%)" in err
    assert "15% is missing" in err


@pytest.mark.parametrize(
    "text",
    [
        "name: x\ncompany:\n  starting_customers: 5\n starting_arr: 5\n",
        "name: x\ncompany:\n  starting_customers: 5\n    starting_arr: 5\n",
    ],
)
def test_yaml_indentation_errors_say_indentation(cli, write, text: str) -> None:
    code, _, err = cli("validate", write("bad.yaml", text))
    assert code == 2
    assert "bad.yaml:4:" in err and "indent" in err
    assert not err.split("[parser:")[0].count("<block")


def test_a_problem_in_a_set_override_names_the_flag_and_the_file_it_overrides(
    cli, write, model_text: str
) -> None:
    plan = write("plan.yaml", model_text)
    code, _, err = cli("run", plan, "--set", "market.addressable_accounts=10", "--trials", "10")
    assert code == 2
    assert err.startswith("coverage-sim: error: --set market.addressable_accounts=10:")
    assert f"(overriding {plan})" in err and "extends" not in err


def test_a_rule_across_two_keys_is_reported_where_the_user_changed_one(
    cli, write, model_text: str
) -> None:
    """The rule involves starting_arr and starting_customers: the message points at the
    one given by --set, or in the file that was run rather than the file it extends."""
    parent = write("parent.yaml", model_text)
    child = "extends: parent.yaml\nname: child\ncompany:\n  starting_customers: 0\n"
    plan = write("plan.yaml", child)
    code, _, err = cli("run", plan, "--trials", "10")
    assert code == 2
    assert err.startswith(f"coverage-sim: error: {plan}:4:")
    assert "company.starting_customers: starting ARR needs customers" in err
    code, _, err = cli("run", parent, "--trials", "10", "--set", "company.starting_customers=0")
    assert code == 2
    assert err.startswith("coverage-sim: error: --set company.starting_customers=0:")
    code, _, err = cli("run", parent, "--set", "market.addressable_accounts=10", "--trials", "10")
    assert err.startswith("coverage-sim: error: --set market.addressable_accounts=10:")


def test_a_rule_across_two_keys_names_the_nearest_file_of_an_extends_chain(
    cli, write, model_text: str
) -> None:
    write("base.yaml", model_text)
    mid = write("mid.yaml", "extends: base.yaml\nname: mid\ncompany:\n  starting_customers: 0\n")
    plan = write("plan.yaml", "extends: mid.yaml\nname: plan\n")
    code, _, err = cli("run", plan, "--trials", "10")
    assert code == 2
    assert err.startswith(f"coverage-sim: error: {mid}:4:")
    assert "company.starting_customers: starting ARR needs customers" in err
