"""``--set PATH=VALUE``: the same output as the override written in a file; errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import FAST

OVERRIDES = (
    ("budget.annual", "3M"),
    ("customers.land_acv", '"80k to 120k"'),
    ("roles.renewal_specialist.attrition", "{dist: uniform, low: 5%, high: 15%}"),
)


def test_set_gives_the_same_output_as_the_override_written_in_a_file(cli, plans: Path) -> None:
    child = plans / "xaas-set.yaml"
    child.write_text(
        "extends: xaas.yaml\nname: XaaS\nbudget:\n  annual: 3M\ncustomers:\n"
        '  land_acv: "80k to 120k"\nroles:\n  renewal_specialist:\n'
        "    attrition: {dist: uniform, low: 5%, high: 15%}\n"
    )
    flags = [arg for path, value in OVERRIDES for arg in ("--set", f"{path}={value}")]
    by_flag = cli("run", plans / "xaas.yaml", *FAST, "--format", "json", *flags)
    by_file = cli("run", child, *FAST, "--format", "json")
    assert by_flag.code == 0 and by_file.code == 0, by_flag.stderr + by_file.stderr
    flag_doc, file_doc = json.loads(by_flag.stdout), json.loads(by_file.stdout)
    assert flag_doc["settings"].pop("overrides") == [f"{p}={v}" for p, v in OVERRIDES]
    assert file_doc["settings"].pop("overrides") == []
    flag_doc["scenarios"][0]["source"] = file_doc["scenarios"][0]["source"]
    assert flag_doc == file_doc
    plain = cli("run", plans / "xaas.yaml", *FAST, "--format", "json")
    assert json.loads(plain.stdout)["scenarios"] != flag_doc["scenarios"]  # it did change


def test_set_applies_to_every_scenario_and_the_later_one_wins(cli, plans: Path) -> None:
    twice = ["--set", "budget.annual=3M", "--set", "budget.annual=2.4M"]  # 2.4M: the file's
    result = cli("compare", plans, *FAST, "--format", "json", *twice)
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["settings"]["overrides"] == ["budget.annual=3M", "budget.annual=2.4M"]
    plain = json.loads(cli("compare", plans, *FAST, "--format", "json").stdout)
    assert doc["scenarios"] == plain["scenarios"]
    changed = json.loads(cli("compare", plans, *FAST, "--format", "json", *twice[:2]).stdout)
    assert all(a != b for a, b in zip(changed["scenarios"], plain["scenarios"], strict=True))


def test_table_and_markdown_show_the_overrides(cli, plans: Path) -> None:
    for output_format in ("table", "markdown"):
        result = cli(
            "run",
            plans / "xaas.yaml",
            *FAST,
            "--format",
            output_format,
            "--set",
            "budget.annual=3M",
        )
        assert result.code == 0, result.stderr
        assert "--set budget.annual=3M" in result.stdout


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("budget.annual", "expected PATH=VALUE"),
        ("=3M", "key path before '=' is empty"),
        ("budget..annual=3M", "is not a key path"),
        ("extends=other.yaml", "cannot be overridden"),
        ("budget.annual=3x", "--set budget.annual=3x: budget.annual: expected a number"),
        ("budget.anual=3M", "unknown key 'anual'; did you mean 'annual'?"),
        ("allocation.sdr=10%", "role 'sdr' is not defined under roles"),
        ("customers.land_acv={dist: normal, mean: 1", "invalid YAML"),
        ("customers.land_acv=!!python/object x", "YAML tags are not allowed"),
        ("allocation[0].account_executive=1", "allocation is a mapping, not a list"),
        ("customers.onboarding_months.x=1", "not a mapping of keys"),
        ("customers.land_acv={dist: normal, mean: 100k}", "--set customers.land_acv="),
        ("company.foo.bar=1", "error: --set company.foo.bar=1: company.foo: unknown key 'foo'"),
        ("roles.sdr.loaded_cost=100k", "error: --set roles.sdr.loaded_cost=100k: roles.sdr"),
    ],
)
def test_bad_set_exits_2_naming_the_argument(
    cli, plans: Path, argument: str, expected: str
) -> None:
    result = cli("run", plans / "xaas.yaml", *FAST, "--set", argument)
    assert result.code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_set_creates_a_missing_mapping_on_the_way(cli, plans: Path) -> None:
    result = cli(
        "run", plans / "xaas.yaml", *FAST, "--format", "json", "--set", "valuation.arr_multiple=5"
    )
    assert result.code == 0, result.stderr
    plain = cli("run", plans / "xaas.yaml", *FAST, "--format", "json")
    npv = json.loads(result.stdout)["scenarios"][0]["metrics"]["npv"]["p50"]
    assert npv > json.loads(plain.stdout)["scenarios"][0]["metrics"]["npv"]["p50"]
