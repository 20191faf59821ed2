from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_helpers import FAST, FIXTURES, write_plan

from coverage_sim.metrics.definitions import METRICS

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"


def test_run_prints_metrics_bridge_and_arr_band_and_exits_0(cli) -> None:
    result = cli("run", TRAD, *FAST)
    assert result.code == 0, result.stderr
    assert "Scenario: Traditional" in result.stdout
    assert "Ending ARR" in result.stdout
    assert "ARR bridge" in result.stdout
    assert "\x1b" not in result.stdout  # not a terminal: no colour
    assert result.stderr == ""


def test_compare_folder_skips_the_template_and_uses_the_first_as_baseline(cli) -> None:
    result = cli("compare", FIXTURES, *FAST, "--format", "json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [s["name"] for s in doc["scenarios"]] == ["Traditional", "XaaS"]
    assert doc["baseline"] == "Traditional"
    assert {c["scenario"] for c in doc["comparisons"]} == {"XaaS"}
    assert {c["metric"] for c in doc["comparisons"]} == set(METRICS)
    assert doc["settings"]["trials"] == 200 and doc["settings"]["months"] == 24


@pytest.mark.parametrize("baseline", ["XaaS", "xaas", str(XAAS)])
def test_baseline_by_name_stem_or_path_moves_it_first(cli, baseline: str) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "json", "--baseline", baseline)
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["baseline"] == "XaaS"
    assert [s["name"] for s in doc["scenarios"]] == ["XaaS", "Traditional"]


def test_a_baseline_path_outside_the_list_is_added(cli) -> None:
    result = cli("compare", XAAS, "--baseline", TRAD, *FAST, "--format", "json")
    assert result.code == 0, result.stderr
    assert [s["name"] for s in json.loads(result.stdout)["scenarios"]] == ["Traditional", "XaaS"]


def test_unknown_baseline_exits_2_and_lists_the_scenarios(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--baseline", "nope")
    assert result.code == 2
    assert "'Traditional'" in result.stderr and "'XaaS'" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_default_to_the_baseline_file_and_differences_warn(cli, plans: Path) -> None:
    write_plan(plans, "zz-other", "Other", "simulation: {trials: 150, seed: 11}\n")
    result = cli("compare", plans, "--months", "12", "--format", "json")
    assert result.code == 0, result.stderr
    settings = json.loads(result.stdout)["settings"]
    assert (settings["trials"], settings["seed"], settings["sampling"]) == (200, 11, "monte_carlo")
    assert "warning: " in result.stderr
    assert "zz-other.yaml: trials 150 ignored" in result.stderr
    assert ": seed " not in result.stderr  # the same seed as the baseline: no warning


def test_two_scenarios_with_one_name_are_told_apart_by_path(cli, plans: Path) -> None:
    write_plan(plans, "twin", "XaaS")
    result = cli("compare", plans / "xaas.yaml", plans / "twin.yaml", *FAST, "--format", "csv")
    assert result.code == 0, result.stderr
    names = {row["scenario"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert names == {
        f"XaaS ({(plans / 'xaas.yaml').as_posix()})",
        f"XaaS ({(plans / 'twin.yaml').as_posix()})",
    }
    ambiguous = cli("compare", plans / "xaas.yaml", plans / "twin.yaml", "--baseline", "XaaS")
    assert ambiguous.code == 2
    assert "give the file path" in ambiguous.stderr


def test_run_of_a_folder_with_several_scenarios_exits_2(cli) -> None:
    result = cli("run", FIXTURES, *FAST)
    assert result.code == 2
    assert "use `coverage-sim compare`" in result.stderr


def test_compare_of_one_scenario_exits_2(cli) -> None:
    result = cli("compare", TRAD, *FAST)
    assert result.code == 2
    assert "at least two" in result.stderr


def test_a_missing_scenario_file_exits_2_without_traceback(cli, tmp_path: Path) -> None:
    result = cli("run", tmp_path / "missing.yaml", *FAST)
    assert result.code == 2
    assert "missing.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_scenario_exits_2_naming_the_key(cli, plans: Path) -> None:
    bad = write_plan(plans, "bad", "Bad", "horizon_months: soon\n")
    result = cli("run", bad, "--trials", "200")
    assert result.code == 2
    assert "bad.yaml" in result.stderr and "horizon_months" in result.stderr


@pytest.mark.parametrize(
    ("flag", "value"), [("--trials", "1"), ("--months", "0"), ("--sampling", "sobol")]
)
def test_bad_setting_flags_exit_2(cli, flag: str, value: str) -> None:
    result = cli("run", TRAD, "--trials", "200", flag, value)
    assert result.code == 2
    assert flag.lstrip("-") in result.stderr


def test_lhs_sampling_runs_and_is_recorded(cli) -> None:
    result = cli("run", TRAD, *FAST, "--sampling", "lhs", "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["settings"]["sampling"] == "lhs"


@pytest.mark.parametrize("command", [[], ["run"], ["compare"]])
def test_help_shows_an_example(cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert "Example" in result.stdout
    assert "coverage-sim " in result.stdout.split("Example", 1)[1]


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("run", "Usage: coverage-sim run [OPTIONS] SCENARIO\n"),
        ("compare", "Usage: coverage-sim compare [OPTIONS] SCENARIO...\n"),
        ("validate", "Usage: coverage-sim validate [OPTIONS] FILE|DIR...\n"),
    ],
)
def test_usage_names_arguments_as_unix_tools_do(cli, command: str, usage: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert result.stdout.startswith(usage)
    assert "{" not in result.stdout.splitlines()[0]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_output_is_byte_identical_for_one_or_two_workers(cli, fmt: str) -> None:
    args = ["compare", FIXTURES, "--trials", "2500", "--months", "13", "--format", fmt]
    one = cli(*args, "--workers", "1")
    two = cli(*args, "--workers", "2")
    assert one.code == two.code == 0
    assert one.stdout == two.stdout


def test_zero_workers_exit_2(cli) -> None:
    result = cli("run", FIXTURES / "xaas.yaml", *FAST, "--workers", "0")
    assert result.code == 2
    assert "--workers must be at least 1" in result.stderr


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_too_many_workers_exit_2_before_any_process_starts(cli, command: str) -> None:
    extra = ["--vary", "budget.annual=10M,12M"] if command == "sweep" else []
    result = cli(command, FIXTURES / "xaas.yaml", *FAST, *extra, "--workers", "100000")
    assert result.code == 2
    assert "--workers must be from 1 to 1,024; got 100,000" in result.stderr


def test_workers_that_do_not_fit_in_memory_are_refused_naming_workers() -> None:
    from coverage_sim.errors import UsageError
    from coverage_sim.runner import FIXED_BYTES, WORKER_BYTES, check_workers

    available = FIXED_BYTES + 10 * WORKER_BYTES
    check_workers(10, available)
    with pytest.raises(UsageError, match=r"--workers 11 needs about .*use --workers 10 or fewer"):
        check_workers(11, available)


@pytest.mark.parametrize("sampling", ["monte_carlo", "lhs"])
def test_a_precision_run_equals_a_fixed_run_of_the_trials_it_used(cli, sampling: str) -> None:
    common = ["compare", FIXTURES, "--months", "3", "--format", "json", "--sampling", sampling]
    stopped = cli(*common, "--trials", "30000", "--precision", "5%")
    assert stopped.code == 0, stopped.stderr
    document = json.loads(stopped.stdout)
    precision = document["settings"].pop("precision")
    used = document["settings"]["trials"]
    assert precision["met"] is True and precision["trials"] == used
    assert 4000 <= used < 30000 and used % 1000 == 0
    assert f"{used:,} trials used" in stopped.stderr
    fixed = cli(*common, "--trials", str(used))
    expected = json.loads(fixed.stdout)
    assert expected["settings"].pop("precision") is None
    assert document == expected


def test_precision_not_reached_within_the_maximum_warns(cli) -> None:
    result = cli("run", XAAS, "--months", "3", "--trials", "2000", "--precision", "0.01%")
    assert result.code == 0
    assert "not reached within --trials 2,000" in result.stderr


@pytest.mark.parametrize("value", ["0", "abc", "60", "-1%"])
def test_a_bad_precision_exits_2(cli, value: str) -> None:
    result = cli("run", XAAS, *FAST, "--precision", value)
    assert result.code == 2
    assert "--precision" in result.stderr


def test_trials_beyond_the_available_memory_exit_2_before_simulating(cli, monkeypatch) -> None:
    import coverage_sim.memory
    import coverage_sim.runner
    from coverage_sim.execution import MemoryLimit

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the run does not fit")

    limit = MemoryLimit(3 * 2**30, "available on this machine")
    monkeypatch.setattr(coverage_sim.memory, "memory_limit", lambda: limit)
    monkeypatch.setattr(coverage_sim.runner, "simulate_in_blocks", must_not_run)
    result = cli("run", XAAS, "--trials", "5000000", "--workers", "1")
    assert result.code == 2
    assert "--trials 5,000,000 needs about" in result.stderr
    assert "3.0 GiB is available on this machine; at most about" in result.stderr


def test_compare_with_a_missing_baseline_file_names_it(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = cli("compare", XAAS, "--baseline", missing, *FAST)
    assert result.code == 2
    assert f"--baseline {missing}: no such file, and not the name of a scenario" in result.stderr
