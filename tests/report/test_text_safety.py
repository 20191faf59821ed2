"""Property tests: any scenario name is safe in CSV and Markdown; --require is never eval()ed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_factory import make_report

from coverage_sim.errors import UsageError
from coverage_sim.report.csv_out import render_csv
from coverage_sim.report.markdown import render_markdown
from coverage_sim.report.render import OutputFormat, render
from coverage_sim.require import parse_requirement

# Characters that mean something to CSV, Markdown or a spreadsheet, mixed with any others.
_SPECIAL = st.sampled_from(list("|\\*_`[]<>~=+-@,'\"\t\r\n"))
# NUL is left out: Python 3.10's csv reader (used here to read the output back) rejects it.
_ANY = st.characters(exclude_characters="\x00")
names = st.text(alphabet=st.one_of(_SPECIAL, _ANY), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s != "Base"
)


@settings(max_examples=60, deadline=None)
@given(name=names)
def test_any_name_reads_back_from_csv_and_never_starts_a_formula(name: str) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(make_report(("Base", name))), newline="")))
    cells = {row[0] for row in rows[1:]}
    assert len(cells) == 2
    formula = name.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert (cells - {"Base"}).pop() == ("'" + name if formula else name)
    for row in rows[1:]:
        assert len(row) == 13
        assert all(cell == "" or float(cell) == float(cell) for cell in row[2:])


def _cells(row: str) -> list[str]:
    """Split a Markdown table row on the pipes that are not backslash-escaped."""
    cells, current, escaped = [], "", False
    for char in row:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return [*cells, current]


@settings(max_examples=60, deadline=None)
@given(name=names)
def test_any_name_keeps_markdown_tables_rectangular(name: str) -> None:
    text = render_markdown(make_report(("Base", name)))
    for section in text.split("\n### ")[1:]:
        rows = [line for line in section.splitlines() if line.startswith("|")]
        assert rows, section
        assert len({len(_cells(row)) for row in rows}) == 1, rows


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_require_either_parses_or_is_a_usage_error(text: str) -> None:
    try:
        req = parse_requirement(text)
    except UsageError:
        return
    assert req.op in ("<", "<=", ">", ">=", "==", "!=")
    assert isinstance(req.threshold, float)


_CONTROLS = st.characters(
    min_codepoint=0, max_codepoint=0x9F, exclude_characters="\x00"
) | st.sampled_from(["\u202e", "\u2028", "\u2066"])
hostile_names = st.text(alphabet=_CONTROLS | _ANY, min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s != "Base" and s.strip()
)


def _raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c not in "\n\t")
        or 0x7F <= ord(c) <= 0x9F
        or c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    ]


@settings(max_examples=40, deadline=None)
@given(name=hostile_names)
def test_no_format_writes_a_control_character_from_a_name_raw(name: str) -> None:
    report = make_report(("Base", name))
    for output_format in (OutputFormat.table, OutputFormat.csv, OutputFormat.markdown):
        assert _raw_controls(render(report, output_format)) == [], output_format
    text = render(report, OutputFormat.json)
    assert _raw_controls(text) == []
    assert name in [s["name"] for s in json.loads(text)["scenarios"]]  # lossless


@pytest.mark.parametrize(
    ("name", "start"),
    [("### 0", "\\#\\#\\# 0 is"), ("- x", "\\- x is"), ("1. x", "1\\. x is"), ("+", "\\+ is")],
)
def test_a_verdict_sentence_opening_with_a_markdown_marker_stays_a_paragraph(
    name: str, start: str
) -> None:
    text = render_markdown(make_report(("Base", name)))
    sentence = next(line for line in text.splitlines() if "is the best plan" in line)
    assert sentence.startswith(start)
