"""Bad exports: exit 2 with file:row and column, no traceback, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

BAD = Path(__file__).parents[1] / "data" / "fit" / "bad"
PLAN = Path(__file__).parents[2] / "scenarios" / "xaas.yaml"

CASES = [
    # (command, file, extra args, expected message fragment)
    (
        "land",
        "deals_missing_acv.csv",
        ["--heads", BAD / "heads_ok.csv"],
        "deals_missing_acv.csv:1: missing column 'acv'",
    ),
    (
        "land",
        "deals_bad_acv.csv",
        ["--heads", BAD / "heads_ok.csv"],
        "deals_bad_acv.csv:14: column 'acv': expected a non-negative number, got 'abc'",
    ),
    (
        "land",
        "deals_too_few.csv",
        ["--heads", BAD / "heads_ok.csv"],
        "deals_too_few.csv: too few rows to fit: 3; at least 10 are needed",
    ),
    (
        "retention",
        "subscriptions_bad_date.csv",
        [],
        "subscriptions_bad_date.csv:4: column 'start': expected a date YYYY-MM-DD, "
        "got '2021-13-45'",
    ),
    (
        "retention",
        "subscriptions_end_before_start.csv",
        [],
        "subscriptions_end_before_start.csv:3: column 'end': end is before start",
    ),
    (
        "retention",
        "cohorts_negative_arr.csv",
        [],
        "cohorts_negative_arr.csv:3: column 'arr': expected a non-negative number, got '-5'",
    ),
    (
        "retention",
        "cohorts_survivors_grow.csv",
        [],
        "cohorts_survivors_grow.csv:4: column 'alive': cohort 2021's survivors grow from 80 to 85",
    ),
    (
        "coverage",
        "accounts_duplicate_period.csv",
        [],
        "accounts_duplicate_period.csv:42: column 'period': duplicate account-period (A7, 1); "
        "first on row 9",
    ),
]


@pytest.mark.parametrize(("command", "name", "extra", "expected"), CASES, ids=[c[1] for c in CASES])
def test_bad_export_exits_2_naming_file_row_and_column_and_writes_nothing(
    cli: Callable[..., Any],
    tmp_path: Path,
    command: str,
    name: str,
    extra: list[object],
    expected: str,
) -> None:
    output = tmp_path / "fitted.yaml"
    result = cli("fit", command, BAD / name, *extra, "--extends", PLAN, "--output", output)
    assert result.code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_missing_file_and_output_without_plan_are_usage_errors(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    result = cli("fit", "retention", tmp_path / "nope.csv")
    assert result.code == 2 and "nope.csv: file not found" in result.stderr
    result = cli(
        "fit", "retention", BAD / "cohorts_survivors_grow.csv", "--output", tmp_path / "x.yaml"
    )
    assert result.code == 2 and "--extends" in result.stderr
