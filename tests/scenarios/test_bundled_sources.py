"""Every default number in the bundled scenarios says where it comes from.

A numeric setting must sit under a comment that cites a source (``source:``) or owns up
to a judgement (``assumption:``): the nearest comment block above it, looking past sibling
settings and parent keys but not past the top-level section it belongs to. Plan choices
(the allocation, motion weights) and run settings are exempt: they are what a plan is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../scenario.schema.json"
SEED_MODELS = {
    "traditional": "Alexander Group",
    "xaas": "Alexander Group",
    "transition": "Cloud Sales Index",
    "laer-endgame": "TSIA",
    "best-in-class": "Cloud Sales Index",
}
EXEMPT_KEYS = {
    "template",
    "name",
    "description",
    "extends",
    "horizon_months",
    "simulation",
    "motions",
    "month",
}
EXEMPT_SECTIONS = {"allocation"}
SETTING = re.compile(r"^(?P<indent> *)(?:- )?(?P<key>[A-Za-z_][\w-]*):(?P<value>.*)$")
NUMBER = re.compile(r"\d")


def unsourced_settings(lines: list[str]) -> list[str]:
    """``line: text`` of every numeric setting with no source/assumption comment above it."""
    problems: list[str] = []
    section = ""
    for number, line in enumerate(lines):
        match = SETTING.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        if not match["indent"]:
            section = match["key"]
        value = match["value"].split(" #")[0].strip()
        if (
            match["key"] in EXEMPT_KEYS
            or section in EXEMPT_SECTIONS
            or not value
            or not NUMBER.search(value)
        ):
            continue
        if not cited_above(lines, number):
            problems.append(f"{number + 1}: {line.strip()}")
    return problems


def cited_above(lines: list[str], number: int) -> bool:
    """The nearest comment block above line ``number`` (within its top-level section) cites."""
    block: list[str] = []
    for above in reversed(lines[:number]):
        text = above.strip()
        if text.startswith("#"):
            block.append(text)
            continue
        if block:
            break
        if above and not above.startswith((" ", "-")):
            return False  # reached this section's top-level key without a comment
    joined = " ".join(block).lower()
    return "source:" in joined or "assumption" in joined


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_default_number_cites_a_source_or_says_it_is_an_assumption(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert unsourced_settings(lines) == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_file_starts_with_the_schema_line_and_names_its_seed_model(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    header = text.split("\nextends:")[0].split("\ntemplate:")[0]
    if path.stem in SEED_MODELS:
        assert "Seed model:" in header
        assert SEED_MODELS[path.stem] in header
        assert "Differs from base.yaml" in header


def test_the_source_check_flags_an_uncommented_number() -> None:
    lines = [
        "company:",
        "  # source: a report",
        "  gross_margin: 77%",
        "  discount_rate: 10%",
        "market:",
        "  addressable_accounts: 20000",
    ]
    assert unsourced_settings(lines) == ["6: addressable_accounts: 20000"]
