"""Break-even searches the key's whole valid range, and says which range it searched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coverage_sim.analysis.inputs import UncertainInput
from coverage_sim.analysis.key_domain import domain_of, search_range
from coverage_sim.scenario import load_scenario

FIXTURES = Path(__file__).parents[1] / "analysis" / "fixtures"
PAIR = [FIXTURES / "covered.yaml", "--baseline", FIXTURES / "uncovered.yaml"]
FAST = ["--trials", "200", "--months", "24", "--workers", "1"]


def test_the_valid_range_of_a_key_comes_from_its_field_type() -> None:
    rate = domain_of("customers.renewal.at_risk.covered")
    assert rate is not None and (rate.low, rate.high) == (0.0, 1.0)
    assert domain_of("roles.account_executive.loaded_cost") is not None
    assert domain_of("no.such.key") is None


def test_a_flip_outside_p5_p95_is_found_and_a_missing_one_names_the_range(cli) -> None:
    result = cli(
        "sensitivity", *PAIR, "--metric", "npv", "--method", "swing", "--top", "4", *FAST,
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    found = {i["path"]: i["breakeven"] for i in json.loads(result.stdout)["inputs"]}
    at_risk = found["customers.renewal.at_risk.covered"]
    # P(better) is on one side of 50% at p5 and p95 alike, yet the verdict flips lower down
    assert (at_risk["prob_better_at_p5"] - 0.5) * (at_risk["prob_better_at_p95"] - 0.5) > 0
    assert at_risk["flips"] and at_risk["searched"]["low"] == 0.0
    assert at_risk["searched"]["high"] == 1.0 and at_risk["searched"]["what"] == (
        "its whole valid range"
    )
    assert (at_risk["searched"]["prob_better_at_low"] - 0.5) * (
        at_risk["prob_better_at_p5"] - 0.5
    ) < 0
    acv = found["customers.land_acv"]
    assert not acv["flips"] and "valid range" in acv["searched"]["what"]
    table = cli("sensitivity", *PAIR, "--metric", "npv", "--method", "swing", "--top", "4", *FAST)
    assert "does not flip from" in table.stdout and "outside its p5..p95" in table.stdout


def test_an_unbounded_amount_is_searched_from_a_tenth_of_p5_to_ten_times_p95() -> None:
    scenario = load_scenario(FIXTURES / "covered.yaml")
    item = UncertainInput("customers.land_acv", scenario.customers.land_acv)
    lo, hi, what = search_range(item)
    assert lo == pytest.approx(item.quantile(0.05) / 10)
    assert hi == pytest.approx(item.quantile(0.95) * 10)
    assert "10x its p95" in what
