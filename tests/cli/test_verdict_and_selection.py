"""Issue 13 on the command line: the verdict first, --metrics / --sections / --brief in every
format, CSV comparison columns, the comparability warning and the small things."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import FAST, FIXTURES, write_plan

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"
REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


def test_first_15_lines_of_a_piped_compare_name_both_plans_with_npv_delta_and_p_better(
    cli,
) -> None:
    result = cli(
        "compare", SCENARIOS / "traditional.yaml", SCENARIOS / "xaas.yaml", "--trials", "200"
    )
    assert result.code == 0, result.stderr
    head = result.stdout.splitlines()[:15]
    assert any("NPV Δ p50" in line and "P(better)" in line for line in head)
    trad = next(line for line in head if line.strip().startswith("Traditional coverage"))
    xaas = next(line for line in head if line.strip().startswith("XaaS coverage"))
    assert "base" in trad
    # NPV p50, ending ARR p50, NRR p50, then the signed NPV Δ p50, P(better) and P(best)
    chance = r"(\d+%|<1%|>99%)"
    assert re.search(rf"\$\S+\s+\$\S+\s+\S+%\s+[+-]\$\S+\s+{chance}\s+{chance}$", xaas.rstrip())
    sentence = " ".join(head[head.index(xaas) + 1 :])
    assert "best plan on NPV" in sentence and "paired trials" in sentence


def test_verdict_block_is_at_most_12_lines_for_5_plans(cli) -> None:
    result = cli("compare", SCENARIOS, "--baseline", "traditional", "--brief", *FAST)
    assert result.code == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 12
    assert sum(1 for line in lines if "coverage" in line or "Best-in-class" in line) >= 5


def test_the_verdict_ranks_only_plans_that_differ_in_coverage_and_names_the_other_winner(
    cli,
) -> None:
    result = cli(
        "compare", SCENARIOS, "--baseline", "traditional", *FAST, "--format", "json",
        "--sections", "verdict",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    verdict = json.loads(result.stdout)["verdict"]
    best_in_class = "Best-in-class XaaS (AGI Cloud Sales Index)"
    assert verdict["best"] != best_in_class
    assert verdict["best_beyond_coverage"] == best_in_class
    assert "differ from the baseline only in coverage" in verdict["sentence"]
    assert f"{best_in_class} would rank first" in verdict["sentence"]


def test_a_plain_coverage_comparison_has_no_plan_beyond_coverage(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "json", "--sections", "verdict")
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict["best_beyond_coverage"] is None
    assert "only in coverage" not in verdict["sentence"]


def test_run_opens_with_a_one_plan_verdict(cli) -> None:
    result = cli("run", XAAS, *FAST)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Verdict: p50 per plan")
    assert re.match(r"Plan\s+NPV\s+Ending ARR\s+NRR$", lines[1])
    assert any(line.startswith("XaaS: NPV p50") for line in lines[:8])


def test_brief_prints_the_verdict_alone(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--brief")
    assert result.code == 0, result.stderr
    assert "Verdict" in result.stdout
    assert "ARR bridge" not in result.stdout and "Key metrics" not in result.stdout


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown"])
def test_metrics_and_sections_filter_every_format(cli, output_format: str) -> None:
    args = ("compare", TRAD, XAAS, *FAST, "--format", output_format)
    picked = cli(*args, "--metrics", "nrr,npv", "--sections", "metrics")
    assert picked.code == 0, picked.stderr
    text = picked.stdout
    if output_format == "json":
        doc = json.loads(text)
        assert "verdict" not in doc
        assert all(list(s) == ["name", "source", "trials", "metrics"] for s in doc["scenarios"])
        assert all(list(s["metrics"]) == ["nrr", "npv"] for s in doc["scenarios"])
        assert {c["metric"] for c in doc["comparisons"]} == {"nrr", "npv"}
    elif output_format == "csv":
        assert [(r["scenario"], r["metric"]) for r in _csv(text)] == [
            ("Traditional", "nrr"),
            ("Traditional", "npv"),
            ("XaaS", "nrr"),
            ("XaaS", "npv"),
        ]
    else:
        assert "Verdict" not in text and "ARR bridge" not in text
        assert "NRR" in text and "NPV" in text
        assert "Ending ARR" not in text and "Coverage spend" not in text
    bridge = cli(*args, "--sections", "bridge")
    if output_format == "csv":
        assert bridge.code == 2 and "--sections" in bridge.stderr
        return
    assert bridge.code == 0, bridge.stderr
    if output_format == "json":
        doc = json.loads(bridge.stdout)
        assert "comparisons" not in doc and "verdict" not in doc
        assert all(list(s) == ["name", "source", "trials", "bridge"] for s in doc["scenarios"])
    else:
        assert "ARR bridge" in bridge.stdout
        assert "Verdict" not in bridge.stdout and "NRR" not in bridge.stdout


def test_brief_csv_holds_the_verdict_metrics(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "csv", "--brief")
    assert result.code == 0, result.stderr
    assert {r["metric"] for r in _csv(result.stdout)} == {"npv", "ending_arr", "nrr"}


def test_unknown_metric_or_section_exits_2_with_did_you_mean(cli) -> None:
    metric = cli("compare", TRAD, XAAS, *FAST, "--metrics", "npv,nnr")
    assert metric.code == 2 and "--metrics" in metric.stderr and "'nrr'" in metric.stderr
    section = cli("compare", TRAD, XAAS, *FAST, "--sections", "verdikt")
    assert section.code == 2 and "did you mean 'verdict'" in section.stderr
    both = cli("compare", TRAD, XAAS, *FAST, "--brief", "--sections", "metrics")
    assert both.code == 2 and "--brief" in both.stderr


def test_csv_rows_carry_the_paired_comparison_after_the_summary_columns(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--format", "csv")
    assert result.code == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert header[-4:] == ["delta_mean", "delta_p50", "prob_better", "prob_best"]
    assert header[:9] == ["scenario", "metric", "mean", "sd", "p5", "p10", "p50", "p90", "p95"]
    rows = {(r["scenario"], r["metric"]): r for r in _csv(result.stdout)}
    base = rows[("Traditional", "npv")]
    assert base["delta_mean"] == base["delta_p50"] == base["prob_better"] == ""
    assert 0 <= float(base["prob_best"]) <= 1  # P(best) is defined for the baseline too
    other = rows[("XaaS", "npv")]
    assert float(other["delta_p50"]) != 0 and 0 <= float(other["prob_better"]) <= 1
    no_direction = rows[("XaaS", "post_sale_share")]
    assert no_direction["delta_p50"] != "" and no_direction["prob_better"] == ""


def test_wide_terminal_tables_add_p5_and_p95(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coverage_sim.report.formats import OutputFormat
    from coverage_sim.report.render import render

    sys.path.insert(0, str(REPO / "tests" / "report"))
    from report_factory import make_report

    narrow = render(make_report(), OutputFormat.table, width=100)
    wide = render(make_report(), OutputFormat.table, width=160)
    assert "P95" not in narrow
    assert re.search(r"P5\s+P10\s+P50\s+P90\s+P95\s+Δ mean\s+Δ p50\s+P\(better\)", wide)
    assert max(len(line) for line in wide.splitlines()) > 100


# --- comparability warning -------------------------------------------------------------


def test_comparability_warning_fires_for_best_in_class(cli) -> None:
    result = cli(
        "compare",
        SCENARIOS / "traditional.yaml",
        SCENARIOS / "best-in-class.yaml",
        *FAST,
        "--brief",
    )
    assert result.code == 0, result.stderr
    warning = next(line for line in result.stderr.splitlines() if "warning" in line)
    assert "more than coverage" in warning
    assert "customers.adoption.rate.covered" in warning
    assert re.search(r"and \d+ more", warning)  # 9 paths: five named, then a count


def test_comparability_warning_names_a_different_company_in_json_and_markdown(
    cli, plans: Path
) -> None:
    bigger = write_plan(plans, "bigger", "Bigger company", "company: {starting_arr: 9M}\n")
    result = cli("compare", plans / "traditional.yaml", bigger, *FAST, "--format", "json")
    assert result.code == 0
    assert "company.starting_arr" in result.stderr
    notes = json.loads(result.stdout)["comparability"]
    assert [(n["scenario"], n["differing_paths"]) for n in notes] == [
        ("Bigger company", ["company.starting_arr"])
    ]
    markdown = cli("compare", plans / "traditional.yaml", bigger, *FAST, "--format", "markdown")
    assert "> **Note:**" in markdown.stdout and "company.starting\\_arr" in markdown.stdout


def test_no_comparability_warning_for_xaas_against_traditional(cli) -> None:
    result = cli(
        "compare",
        SCENARIOS / "traditional.yaml",
        SCENARIOS / "xaas.yaml",
        *FAST,
        "--format",
        "json",
    )
    assert result.code == 0
    assert "warning" not in result.stderr
    assert json.loads(result.stdout)["comparability"] == []


# --- the small things ------------------------------------------------------------------


def test_a_passing_require_is_confirmed_on_stderr(cli) -> None:
    result = cli("run", XAAS, *FAST, "--brief", "--require", "ending_arr.p50 > 0")
    assert result.code == 0
    assert 'requirement(s) met: "ending_arr.p50 > 0"' in result.stderr
    assert "met" not in result.stdout


def test_baseline_typo_gets_did_you_mean(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--baseline", "tradtional")
    assert result.code == 2
    assert "did you mean 'traditional'?" in result.stderr


def test_run_help_does_not_mention_a_baseline_and_arguments_show_no_python_types(cli) -> None:
    run_help = cli("run", "--help")
    assert "baseline" not in run_help.stdout
    assert "simulation.trials of the scenario file" in run_help.stdout
    compare_help = cli("compare", "--help")
    assert "<list[" not in compare_help.stdout and "<path>" not in compare_help.stdout.lower()
    assert "SCENARIO" in compare_help.stdout


def test_shell_completion_script_is_offered() -> None:
    top = subprocess.run(
        [sys.executable, "-m", "coverage_sim", "--help"], capture_output=True, text=True
    )
    assert "--install-completion" in top.stdout and "--show-completion" in top.stdout
    script = subprocess.run(
        [sys.executable, "-m", "coverage_sim", "--show-completion", "bash"],
        capture_output=True,
        text=True,
    )
    assert script.returncode == 0
    assert "complete" in script.stdout and "_COMPLETE" in script.stdout


def test_validate_says_what_it_checked(cli) -> None:
    result = cli("validate", XAAS)
    assert result.code == 0
    line = result.stdout.strip()
    assert line.startswith(f"{XAAS}: ok: 'XaaS';")
    assert "3 roles (account_executive, customer_success_manager, renewal_specialist)" in line
    assert "24 months" in line and "200 trials" in line


def test_off_a_terminal_stderr_stays_empty(cli) -> None:
    result = cli("compare", TRAD, XAAS, *FAST, "--brief")
    assert result.code == 0
    assert result.stderr == ""  # no progress bar, no warning for coverage-only plans
