"""The YAML reader: numbers mean what the user typed; hostile or broken files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim.errors import ScenarioError
from coverage_sim.scenario import load_scenario, parse_number
from coverage_sim.scenario.yaml_loader import MAX_BYTES, load_yaml


def test_yaml_numbers_load_as_the_user_meant(write) -> None:
    doc = load_yaml(write("n.yaml", "a: 1e6\nb: 012\nc: NO\nd: 80k\ne: 85%\nf: 1_000\ng: yes\n"))
    assert doc.issues == []
    assert doc.data["a"] == 1_000_000 and isinstance(doc.data["a"], float)
    assert doc.data["b"] == 12  # not octal 10
    assert doc.data["c"] == "NO" and doc.data["g"] == "yes"  # not booleans
    assert [parse_number(doc.data[k]) for k in "def"] == [80_000, 0.85, 1000]


def test_scenario_fields_read_number_forms(write, model_text: str) -> None:
    text = (
        model_text.replace("starting_arr: 50M", "starting_arr: 1e6")
        .replace("starting_customers: 500", "starting_customers: 012")
        .replace("addressable_accounts: 20000", "addressable_accounts: 20_000")
    )
    scenario = load_scenario(write("s.yaml", text))
    assert scenario.company.starting_arr == 1_000_000
    assert scenario.company.starting_customers == 12
    assert scenario.market.addressable_accounts == 20_000
    assert scenario.company.gross_margin == 0.75


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80k", 80e3),
        ("50M", 50e6),
        ("85%", 0.85),
        ("1_000", 1000),
        ("$350k", 350e3),
        ("-5%", -0.05),
        ("1.5B", 1.5e9),
        ("0.3%", 0.003),
    ],
)
def test_parse_number_accepts_analyst_forms(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["5m", "1,000", "inf", "nan", "abc", "", "1e999", "80 k%"])
def test_parse_number_rejects_other_text_with_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected|range"):
        parse_number(text)


def test_a_word_where_a_number_is_meant_is_an_error_not_a_bool(write, model_text: str) -> None:
    path = write("s.yaml", model_text.replace("onboarding_fee: 0 ", "onboarding_fee: NO "))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert issue.key_path == "customers.onboarding_fee" and "'NO'" in issue.message


def _only_issue(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return "\n".join(str(i) for i in caught.value.issues)


def test_alias_bomb_is_refused_at_the_first_anchor(write) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        lines.append(f"{chr(n)}: &{chr(n)} [" + ",".join([f"*{prev}"] * 9) + "]")
    message = _only_issue(write("bomb.yaml", "\n".join(lines) + "\n"))
    assert "bomb.yaml:1:4" in message and "anchors" in message


def test_duplicate_key_names_both_lines(write, model_text: str) -> None:
    text = model_text + "horizon_months: 36\n"
    message = _only_issue(write("dup.yaml", text))
    last = text.count("\n")
    first = text[: text.index("horizon_months")].count("\n") + 1
    assert f"dup.yaml:{last}:1: horizon_months: duplicate key" in message
    assert f"first defined at line {first}" in message


def test_python_object_tag_executes_nothing(write, tmp_path: Path, model_text: str) -> None:
    marker = tmp_path / "ran"
    text = model_text.replace(
        "description: 60% land, 40% post-sale",
        f'description: !!python/object/apply:os.system ["touch {marker}"]',
    )
    message = _only_issue(write("evil.yaml", text))
    assert not marker.exists()
    line = text[: text.index("!!python")].count("\n") + 1
    assert f"evil.yaml:{line}:14: description: YAML tags are not allowed" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"# only a comment\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfe\xfa bad", "not UTF-8"),
        (b"name: [unclosed\n", "invalid YAML"),
        (b"- a\n- b\n", "expected a mapping"),
        (b"just a sentence\n", "expected a mapping"),
        (b"a: 1\n---\nb: 2\n", "invalid YAML"),
    ],
)
def test_files_that_are_not_scenario_yaml_are_scenario_errors(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    assert expected in _only_issue(path)


def test_missing_file_and_directory_are_scenario_errors(tmp_path: Path) -> None:
    assert "file not found" in _only_issue(tmp_path / "nope.yaml")
    assert "is a directory" in _only_issue(tmp_path)


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * MAX_BYTES)
    assert "limited to" in _only_issue(path)


def test_deep_nesting_is_refused(write) -> None:
    assert "nested deeper" in _only_issue(write("deep.yaml", "a: " + "[" * 200 + "]" * 200))
