"""validate: accepts MODEL.md §3.0-3.1; rejects bad input with exit 2, file:line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim.scenario import load_scenario
from coverage_sim.scenario.distributions import Beta, Interval90, LogNormal, Normal, Pert

MODEL_EXAMPLE = Path(__file__).parent / "data" / "model_example.yaml"


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def test_validate_accepts_the_model_example(cli) -> None:
    code, out, err = cli("validate", MODEL_EXAMPLE)
    assert (code, err) == (0, "") and out.startswith(f"{MODEL_EXAMPLE}: ok: ")


def test_model_example_loads_with_defaults_and_distributions() -> None:
    scenario = load_scenario(MODEL_EXAMPLE)
    assert scenario.name == "XaaS coverage"
    assert scenario.source == MODEL_EXAMPLE
    assert scenario.simulation.trials == 10_000 and scenario.simulation.seed == 2026
    ae = scenario.roles["account_executive"]
    assert isinstance(ae.ramp_months, Interval90) and ae.ramp_months.family == "lognormal"
    assert scenario.roles["expansion_specialist"].attrition == 0.0  # default
    assert scenario.roles["expansion_specialist"].commission.expansion == pytest.approx(0.08)
    assert scenario.customers.expansion.cross_sell_size == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("old", "new", "expected_type"),
    [
        ("gross_margin: 75%", "gross_margin: 0.2", float),
        ("gross_margin: 75%", "gross_margin: {dist: normal, mean: 0.2, sd: 0.03}", Normal),
        (
            'land_acv: "60k to 140k"',
            "land_acv: {dist: lognormal, median: 80000, sigma: 0.4}",
            LogNormal,
        ),
        (
            "adopted: {uncovered: 90%, covered: 96%}",
            "adopted: {dist: beta, mean: 0.9, sd: 0.03}",
            Beta,
        ),
        ("ramp_months: 3", "ramp_months: {dist: uniform, low: 4, high: 8}", None),
        ("ramp_months: 3", "ramp_months: {dist: triangular, low: 4, mode: 6, high: 9}", None),
        ("onboarding_months: 3", "onboarding_months: {dist: pert, low: 4, mode: 6, high: 9}", Pert),
        ('land_acv: "60k to 140k"', 'land_acv: "60k to 140k"', Interval90),
        ("gross_margin: 75%", 'gross_margin: "85% to 95%"', Interval90),
    ],
)
def test_every_distribution_form_of_model_section_3_1_validates(
    write, cli, model_text: str, old: str, new: str, expected_type: type | None
) -> None:
    path = write("forms.yaml", model_text.replace(old, new))
    code, out, err = cli("validate", path)
    assert (code, err) == (0, "")
    assert out.startswith(f"{path}: ok: ") and out.count("\n") == 1


def _fails(cli, write, model_text: str, old: str, new: str) -> tuple[str, str]:
    assert old in model_text
    text = model_text.replace(old, new, 1)
    path = write("bad.yaml", text)
    code, out, err = cli("validate", path)
    assert code == 2 and out == ""
    assert "Traceback" not in err
    return text, err


@pytest.mark.parametrize(
    ("old", "new", "key_path", "message"),
    [
        (
            "loaded_cost: 150k",
            "loaded_cots: 150k",
            "roles.customer_success_manager.loaded_cots",
            "unknown key 'loaded_cots'; did you mean 'loaded_cost'?",
        ),
        (
            "renewal_specialist: 5%",
            "renewal_specialist: 0%",
            "allocation",
            "allocation shares must sum to 100%; they sum to 95% (account_executive 60% + "
            "customer_success_manager 25% + expansion_specialist 10%): 5% is missing",
        ),
        (
            "loaded_cost: 130k",
            "loaded_cost: -130k",
            "roles.renewal_specialist.loaded_cost",
            "expected a number > 0; got -130000",
        ),
        (
            "gross_margin: 75%",
            "gross_margin: 1.2",
            "company.gross_margin",
            "expected a rate in [0, 1]; got 1.2",
        ),
        (
            "downsell: 10%",
            "downsell: 120%",
            "customers.renewal.downsell",
            "got 120%; a rate must be between 0% and 100%",
        ),
        (
            "growth: 15%",
            "growth: {dist: normal, mean: 0.1, sd: 0}",
            "budget.growth",
            "sd must be > 0 (got 0)",
        ),
        (
            "growth: 15%",
            "growth: {dist: normal, mean: 0.1, sd: -0.02}",
            "budget.growth",
            "sd must be > 0 (got -0.02)",
        ),
        (
            "ramp_months: 3",
            "ramp_months: {dist: uniform, low: 8, high: 4}",
            "roles.customer_success_manager.ramp_months",
            "low (8) must be below high (4)",
        ),
        (
            "ramp_months: 3",
            "ramp_months: {dist: pert, low: 2, mode: 9, high: 4}",
            "roles.customer_success_manager.ramp_months",
            "mode (9) must lie within [low, high]",
        ),
        (
            "ramp_months: 3",
            "ramp_months: {dist: normel, mean: 3, sd: 1}",
            "roles.customer_success_manager.ramp_months",
            "unknown dist 'normel'; did you mean 'normal'?",
        ),
        (
            "ramp_months: 3",
            "ramp_months: {mean: 3, sd: 1}",
            "roles.customer_success_manager.ramp_months",
            "a distribution with a dist: key",
        ),
        (
            "ramp_months: 3",
            "ramp_months: {dist: normal, mean: 3, sdd: 1}",
            "roles.customer_success_manager.ramp_months.sdd",
            "did you mean 'sd'?",
        ),
        (
            "expansion_specialist: 10%",
            "expansion_specialst: 10%",
            "allocation.expansion_specialst",
            "role 'expansion_specialst' is not defined under roles; did you mean "
            "'expansion_specialist'?",
        ),
        (
            "adopted: {uncovered: 90%, covered: 96%}",
            "adopted: {dist: beta, mean: 0.9, sd: 0.4}",
            "customers.renewal.adopted",
            "sd 0.4 is too large for mean 0.9",
        ),
        (
            "adopted: {uncovered: 90%, covered: 96%}",
            "adopted: {dist: normal, mean: 0.9, sd: 0.05}",
            "customers.renewal.adopted",
            "puts 2.28% of its draws outside a rate in [0, 1]; add clip",
        ),
        (
            "adopted: {uncovered: 90%, covered: 96%}",
            "adopted: {uncoverd: 90%, covered: 96%}",
            "customers.renewal.adopted.uncoverd",
            "did you mean 'uncovered'?",
        ),
        ("gross_margin: 75%", "gross_margin: .nan", "company.gross_margin", "finite"),
        ("starting_arr: 50M", "starting_arr: .inf", "company.starting_arr", "finite"),
        ("starting_arr: 50M", "starting_arr: 50m", "company.starting_arr", "write M for millions"),
        (
            "motions: {adopt: 0.6, renew: 0.25, expand: 0.15}",
            "motions: {adopt: 0.6, renew: 0.25, expand: 0.05}",
            "roles.customer_success_manager.motions",
            "motion weights must sum to 1",
        ),
        (
            "motions: {land: 1}",
            "motions: {lnd: 1}",
            "roles.account_executive.motions.lnd",
            "did you mean 'land'?",
        ),
        (
            "growth: 15%",
            "growth: 15%\n  percent_of_revenue: 30%",
            "budget",
            "only one of annual and percent_of_revenue",
        ),
        ("sampling: monte_carlo}", "sampling: lsh}", "simulation.sampling", "did you mean 'lhs'?"),
        (
            "starting_customers: 500",
            "starting_customers: 500.5",
            "company.starting_customers",
            "expected a whole number",
        ),
        (
            "    accounts_per_head: 150\n",
            "",
            "roles.renewal_specialist",
            "required key missing: accounts_per_head (the role has an adopt/expand/renew weight)",
        ),
        (
            "name: XaaS coverage",
            "name: 2027",
            "name",
            "expected text; got 2027 (put text in quotes)",
        ),
        (
            "market:\n  addressable_accounts: 20000",
            "market: 5",
            "market",
            "expected a mapping of keys; got 5",
        ),
        (
            'land_acv: "60k to 140k"',
            'land_acv: "140k to 60k"',
            "customers.land_acv",
            "A must be below B",
        ),
    ],
)
def test_invalid_value_exits_2_naming_file_line_and_key_path(
    cli, write, model_text: str, old: str, new: str, key_path: str, message: str
) -> None:
    text, err = _fails(cli, write, model_text, old, new)
    parent_anchor = {
        "allocation": "\nallocation:",
        "budget": "\nbudget:",
        "roles.renewal_specialist": "\n  renewal_specialist:\n    motions",
    }
    anchor = (
        text.index(parent_anchor[key_path]) + 1
        if key_path in parent_anchor
        else (model_text.index(old))
    )
    line = text[:anchor].count("\n") + 1
    matching = [entry for entry in err.splitlines() if f" {key_path}: " in entry]
    assert any(message in entry and f"bad.yaml:{line}:" in entry for entry in matching), err


def test_every_error_in_a_file_is_reported_at_once(cli, write, model_text: str) -> None:
    text = (
        model_text.replace("gross_margin: 75%", "gross_margin: 1.2")
        .replace("loaded_cost: 150k", "loaded_cots: 150k")
        .replace("renewal_specialist: 5%", "renewal_specialist: 0%")
        .replace("ramp_months: 3", "ramp_months: {dist: normel}")
    )
    code, _, err = cli("validate", write("many.yaml", text))
    assert code == 2
    for key_path in (
        "company.gross_margin",
        "roles.customer_success_manager.loaded_cots",
        "allocation",
        "roles.customer_success_manager.ramp_months",
    ):
        assert f" {key_path}: " in err


def test_role_without_share_and_share_without_role_are_both_named(
    cli, write, model_text: str
) -> None:
    text = model_text.replace("  renewal_specialist: 5%\n", "  renewal_specialist: 5%\n  sdr: 0\n")
    code, _, err = cli("validate", write("roles.yaml", text))
    assert code == 2
    assert f"roles.yaml:{line_of(text, 'sdr: 0')}:3: allocation.sdr: role 'sdr' is not" in err
    text = model_text.replace("  renewal_specialist: 5%\n", "").replace(
        "expansion_specialist: 10%", "expansion_specialist: 15%"
    )
    code, _, err = cli("validate", write("roles.yaml", text))
    assert code == 2 and "role 'renewal_specialist' (defined under roles) has no share" in err


def test_time_phased_allocation_must_increase_in_month(cli, write, model_text: str) -> None:
    phased = (
        "allocation:\n"
        "  - {month: 24, shares: {account_executive: 60%, customer_success_manager: 25%,"
        " expansion_specialist: 10%, renewal_specialist: 5%}}\n"
        "  - {month: 0, shares: {account_executive: 90%, customer_success_manager: 5%,"
        " expansion_specialist: 0, renewal_specialist: 5%}}\n"
    )
    start = model_text.index("allocation:")
    end = model_text.index("roles:")
    text = model_text[:start] + phased + "\n" + model_text[end:]
    code, _, err = cli("validate", write("phased.yaml", text))
    assert code == 2 and "increasing month order" in err
    fixed = text.replace("month: 24", "month: 30").replace("month: 0,", "month: 6,")
    fixed = fixed.replace("{month: 30", "{month: 99").replace("{month: 6", "{month: 30")
    fixed = fixed.replace("{month: 99", "{month: 6")
    code, _, err = cli("validate", write("phased.yaml", fixed))
    assert (code, err) == (0, "")


def test_validate_reports_missing_file_and_empty_directory(cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = cli("validate", tmp_path / "nope.yaml", tmp_path / "empty", MODEL_EXAMPLE)
    assert code == 2
    assert out.startswith(f"{MODEL_EXAMPLE}: ok: ") and out.count("\n") == 1
    assert "nope.yaml: file not found" in err and "has no *.yaml files" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "file is empty"), (b"\x00\x01\x02binary", "binary"), (b"a: [1,\n", "invalid YAML")],
)
def test_validate_turns_broken_files_into_exit_2(
    cli, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    code, _, err = cli("validate", path)
    assert code == 2 and expected in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "key_path", "message"),
    [
        ("[1, -0.5]", "customers.renewal.by_tenure[1]", "expected >= 0; got -0.5"),
        ("[1, 200]", "customers.renewal.by_tenure[1]", "expected <= 100; got 200"),
        ("[0.9, abc]", "customers.renewal.by_tenure[1]", "expected a number"),
        ("[true]", "customers.renewal.by_tenure[0]", "got the boolean true"),
        ("0.8", "customers.renewal.by_tenure", "expected a list"),
        ("[]", "customers.renewal.by_tenure", "at least 1 item"),
        ("[1, {dist: normal, mean: 1, sd: 0.1}]", "customers.renewal.by_tenure[1]", "a number"),
        (str([1.0] * 25), "customers.renewal.by_tenure", "at most 24 items"),
    ],
)
def test_a_bad_renewal_by_tenure_exits_2_naming_file_line_and_key_path(
    cli, write, model_text: str, value: str, key_path: str, message: str
) -> None:
    old = "    downsell: 10%"
    text, err = _fails(cli, write, model_text, old, f"{old}\n    by_tenure: {value}")
    line = text[: text.index("by_tenure:")].count("\n") + 1
    matching = [entry for entry in err.splitlines() if f" {key_path}: " in entry]
    assert any(message in entry and f"bad.yaml:{line}:" in entry for entry in matching), err


def test_renewal_by_tenure_validates_with_numbers_and_percentages(cli, write, model_text) -> None:
    old = "    downsell: 10%"
    path = write("good.yaml", model_text.replace(old, f"{old}\n    by_tenure: [1, 80%, 0.65]"))
    code, _, err = cli("validate", path)
    assert code == 0, err
    assert load_scenario(path).customers.renewal.by_tenure == [1.0, 0.8, 0.65]
