from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from cli_helpers import FAST, FIXTURES, write_plan

import coverage_sim.runner
from coverage_sim.metrics.definitions import COMPARISON_STATS, METRICS, SUMMARY_STATS

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"
FORMATS = ["table", "json", "csv", "markdown"]


@pytest.mark.parametrize("output_format", FORMATS)
def test_same_seed_gives_byte_identical_output(cli, output_format: str) -> None:
    args = ("compare", TRAD, XAAS, *FAST, "--seed", "5", "--format", output_format)
    first, second = cli(*args), cli(*args)
    assert first.code == second.code == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout) > 500


def test_another_seed_gives_other_figures(cli) -> None:
    one = cli("run", TRAD, *FAST, "--seed", "1", "--format", "csv")
    two = cli("run", TRAD, *FAST, "--seed", "2", "--format", "csv")
    assert one.stdout != two.stdout


def test_output_file_gets_the_output_and_stdout_stays_empty(cli, tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "json", "--output", target)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(target.read_text())["baseline"] == "Traditional"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_output_into_a_missing_folder_exits_2_before_simulating(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the output path is bad")

    monkeypatch.setattr(coverage_sim.runner, "simulate_in_blocks", must_not_run)
    result = cli("run", TRAD, *FAST, "--output", tmp_path / "no" / "out.csv")
    assert result.code == 2
    assert "does not exist" in result.stderr


def test_ctrl_c_exits_130_and_leaves_the_old_output_file_untouched(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "result.csv"
    target.write_text("previous run\n")
    real_simulate = coverage_sim.runner.simulate_in_blocks
    calls = []

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:  # the baseline finished; Ctrl-C during the second scenario
            raise KeyboardInterrupt
        return real_simulate(*args, **kwargs)

    monkeypatch.setattr(coverage_sim.runner, "simulate_in_blocks", interrupted)
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "csv", "--output", target)
    assert result.code == 130
    assert "interrupted" in result.stderr
    assert target.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


def test_require_that_holds_exits_0(cli) -> None:
    result = cli(
        "compare",
        TRAD,
        XAAS,
        *FAST,
        "--format",
        "csv",
        "--require",
        "ending_arr.p50 > 0",
        "--require",
        "XaaS:npv.prob_better >= 0%",
    )
    assert result.code == 0, result.stderr


def test_require_failure_exits_1_names_the_metric_and_figure_and_still_writes_output(
    cli, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    result = cli(
        "compare",
        TRAD,
        XAAS,
        *FAST,
        "--format",
        "json",
        "--output",
        target,
        "--require",
        "nrr.p50 >= 1000%",
    )
    assert result.code == 1
    doc = json.loads(target.read_text())
    lines = [line for line in result.stderr.splitlines() if "not met" in line]
    assert len(lines) == 2  # both scenarios: a summary statistic applies to every one
    nrr = {s["name"]: s["metrics"]["nrr"]["p50"] for s in doc["scenarios"]}
    for line, name in zip(lines, ["Traditional", "XaaS"], strict=True):
        assert '"nrr.p50 >= 1000%"' in line and f"'{name}'" in line
        figure = float(re.search(r"\(([-0-9.e+]+)\)$", line).group(1))
        assert figure == pytest.approx(nrr[name], rel=1e-5)


def test_require_failure_on_stdout_output_prints_the_table_first(cli) -> None:
    result = cli("run", TRAD, *FAST, "--require", "ending_customers.p50 < 1")
    assert result.code == 1
    assert "Ending customers" in result.stdout
    assert "ending_customers.p50 = " in result.stderr


def test_comparison_requirements_skip_the_baseline(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--require", "npv.delta_p50 > 1B")
    assert result.code == 1
    assert "'XaaS'" in result.stderr and "'Traditional'" not in result.stderr


@pytest.mark.parametrize(
    ("requirement", "lists"),
    [("arr.p50 > 1", list(METRICS)), ("nrr.p51 > 1", list(SUMMARY_STATS + COMPARISON_STATS))],
)
def test_invalid_require_exits_2_listing_valid_names_before_simulating(
    cli, monkeypatch: pytest.MonkeyPatch, requirement: str, lists: list[str]
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although --require is invalid")

    monkeypatch.setattr(coverage_sim.runner, "simulate_in_blocks", must_not_run)
    result = cli("compare", TRAD, XAAS, *FAST, "--require", requirement)
    assert result.code == 2
    assert all(name in result.stderr for name in lists)
    assert result.stdout == ""


def test_comparison_statistic_in_run_exits_2(cli) -> None:
    result = cli("run", TRAD, *FAST, "--require", "npv.prob_better > 0.5")
    assert result.code == 2
    assert "coverage-sim compare" in result.stderr


def test_csv_neutralizes_formula_names_end_to_end(cli, plans: Path) -> None:
    evil = write_plan(plans, "evil", '=HYPERLINK("http://x.example","y")')
    dash = write_plan(plans, "dash", "-x")
    result = cli("compare", evil, dash, *FAST, "--format", "csv")
    assert result.code == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[1].startswith('"\'=HYPERLINK(""http://x.example"",""y"")",ending_arr,')
    assert any(row.startswith("'-x,") for row in rows)
    negative = [row for row in rows[1:] if re.search(r",-[0-9]", row)]
    assert all(",'-" not in row and ',"-' not in row for row in negative)


def test_markup_in_a_scenario_name_prints_literally(cli, plans: Path) -> None:
    marked = write_plan(plans, "marked", "[bold]Plan[/] [/] [red")
    result = cli("compare", plans / "traditional.yaml", marked, *FAST)
    assert result.code == 0, result.stderr
    assert "[bold]Plan[/] [/] [red" in result.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_and_none_with_no_color(
    cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coverage_sim.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for no_color, expect_escape in ((None, True), ("1", False)):
        if no_color is not None:
            monkeypatch.setenv("NO_COLOR", no_color)
        terminal = _Terminal()
        monkeypatch.setattr("sys.stdout", terminal)
        assert main(["compare", str(TRAD), str(XAAS), *FAST]) == 0
        text = terminal.getvalue()
        assert ("\x1b[" in text) is expect_escape
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
        assert max(len(line) for line in plain.splitlines()) <= 80


def test_table_written_to_a_file_is_plain_text_without_trailing_spaces(cli, tmp_path: Path) -> None:
    target = tmp_path / "table.txt"
    result = cli("compare", TRAD, XAAS, *FAST, "--output", target)
    assert result.code == 0, result.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert "\x1b" not in "".join(lines)
    assert all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in lines) <= 100
    assert any("P(better)" in line for line in lines)


def test_progress_on_a_terminal_stderr_shows_names_literally_and_keeps_stdout_clean(
    cli, plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coverage_sim.cli import main

    marked = write_plan(plans, "marked", "[bold]Plan[/]")
    plain = cli("compare", plans / "traditional.yaml", marked, *FAST, "--format", "csv")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert (
        main(["compare", str(plans / "traditional.yaml"), str(marked), *FAST, "--format", "csv"])
        == 0
    )
    assert out.getvalue() == plain.stdout
    assert "[bold]Plan[/]" in terminal.getvalue()
    assert "200/200" in terminal.getvalue()
