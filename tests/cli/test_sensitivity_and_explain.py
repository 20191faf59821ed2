"""sensitivity and explain on the command line: formats, width, reproducibility, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "analysis" / "fixtures"
FAST = ["--trials", "200", "--months", "12"]
PAIR = [FIXTURES / "covered.yaml", "--baseline", FIXTURES / "uncovered.yaml"]


def test_table_is_a_tornado_that_fits_80_columns(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("sensitivity", *PAIR, "--metric", "npv", "--method", "swing", "--top", "3", *FAST)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("customers.renewal.adopted.covered" in line for line in lines)
    assert any("│" in line and ("█" in line or "░" in line) for line in lines)
    assert "Process noise" in result.stdout and "Break-even" in result.stdout


def test_explain_table_fits_80_columns_and_names_every_motion(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("explain", *PAIR, "--metric", "npv", *FAST)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for cause in ("land", "adopt", "expand", "renew", "spend"):
        assert any(line.startswith(cause) for line in lines)


@pytest.mark.parametrize(
    ("command", "output_format"),
    [
        ("sensitivity", "json"),
        ("sensitivity", "csv"),
        ("sensitivity", "markdown"),
        ("explain", "json"),
        ("explain", "csv"),
        ("explain", "markdown"),
    ],
)
def test_every_format_renders_and_json_names_its_command(  # type: ignore[no-untyped-def]
    cli, command: str, output_format: str
) -> None:
    args = [command, *PAIR, "--metric", "ending_arr", "--trials", "100", "--months", "6"]
    result = cli(*args, "--format", output_format)
    assert result.code == 0, result.stderr
    if output_format == "json":
        doc = json.loads(result.stdout)
        assert doc["command"] == command
        assert doc["baseline"] == "renewals uncovered" and doc["settings"]["trials"] == 100
    elif output_format == "csv":
        rows = result.stdout.splitlines()
        assert rows[0].startswith("metric,plan,baseline,") and len(rows) > 1
    else:
        assert result.stdout.startswith("## ") and "| --- |" in result.stdout


def test_same_seed_gives_byte_identical_output_whatever_the_workers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = ["sensitivity", *PAIR, "--metric", "npv", *FAST, "--format", "json"]
    one = cli(*args, "--seed", "5").stdout
    two = cli(*args, "--seed", "5", "--workers", "2").stdout
    other = cli(*args, "--seed", "6").stdout
    assert one == two
    assert one != other
    out = tmp_path / "explain.json"
    explain = ["explain", *PAIR, "--metric", "npv", "--trials", "100", "--months", "6"]
    assert cli(*explain, "--format", "json", "--output", out).code == 0
    assert out.read_text() == cli(*explain, "--format", "json").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sensitivity", *PAIR, "--metric", "arr"], "--metric 'arr': expected one of"),
        (["sensitivity", *PAIR, "--metric", "npv", "--top", "0"], "--top must be at least 1"),
        (["explain", *PAIR, "--metric", "npv", "--workers", "0"], "--workers must be"),
        (["explain", FIXTURES / "covered.yaml", "--metric", "npv"], "--baseline"),
        (["sensitivity", FIXTURES / "nope.yaml", "--metric", "npv"], "nope.yaml"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args, *FAST)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_set_fixes_an_input_for_both_plans_so_it_leaves_the_tornado(cli) -> None:  # type: ignore[no-untyped-def]
    args = ["sensitivity", *PAIR, "--metric", "npv", "--trials", "100", "--months", "6"]
    before = json.loads(cli(*args, "--format", "json").stdout)
    after = json.loads(cli(*args, "--set", "customers.land_acv=100k", "--format", "json").stdout)
    assert "customers.land_acv" in [i["path"] for i in before["inputs"]]
    assert "customers.land_acv" not in [i["path"] for i in after["inputs"]]
    assert after["inputs_total"] == before["inputs_total"] - 1
    assert after["settings"]["overrides"] == ["customers.land_acv=100k"]


def test_report_draws_the_json_of_both_commands(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tiny = ["--metric", "npv", "--trials", "100", "--months", "6", "--format", "json"]
    swing, parts = tmp_path / "swing.json", tmp_path / "explain.json"
    assert (
        cli("sensitivity", *PAIR, "--method", "swing", "--top", "2", *tiny, "--output", swing).code
        == 0
    )
    assert cli("explain", *PAIR, *tiny, "--output", parts).code == 0
    html = tmp_path / "report.html"
    plans = [FIXTURES / "covered.yaml", FIXTURES / "uncovered.yaml"]
    args = ["report", *plans, "--trials", "100", "--months", "6", "--output", html]
    result = cli(*args, "--include", swing, "--include", parts)
    assert result.code == 0, result.stderr
    text = html.read_text()
    assert "Sensitivity of NPV" in text and "Explain NPV" in text


@pytest.mark.parametrize("command", ["sensitivity", "explain"])
@pytest.mark.parametrize(
    ("plan", "baseline", "says"),
    [
        ("covered.yaml", "nope.yaml", "--baseline {dir}/nope.yaml: file not found"),
        ("covered.yaml", "", "--baseline {dir}: is a folder; {command} takes one scenario"),
        ("", "uncovered.yaml", "{dir}: is a folder; {command} takes one scenario file"),
    ],
)
def test_a_missing_file_or_a_folder_is_named_with_the_command(
    cli, command: str, plan: str, baseline: str, says: str
) -> None:
    """Not "compare needs at least two scenarios", and never the first plan of a folder."""
    args = [FIXTURES / plan, "--baseline", FIXTURES / baseline, "--metric", "npv", *FAST]
    result = cli(command, *args)
    assert result.code == 2
    assert says.format(dir=FIXTURES, command=command) in result.stderr
    assert "compare" not in result.stderr
