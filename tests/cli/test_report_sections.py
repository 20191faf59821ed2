"""``report``: included sweeps keep the baseline, P(better) and break-even; included
sensitivity keeps its break-even text; a metric constant across trials gets no comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

CLI_FIXTURES = Path(__file__).parent / "fixtures"
WHY = Path(__file__).parents[1] / "analysis" / "fixtures"
TINY = ["--trials", "100", "--months", "12", "--workers", "1"]

pytest.importorskip("matplotlib")


def test_an_included_sweep_keeps_its_baseline_p_better_and_break_even(cli, tmp_path) -> None:
    sweep = tmp_path / "sweep.json"
    trad, xaas = CLI_FIXTURES / "traditional.yaml", CLI_FIXTURES / "xaas.yaml"
    args = ["sweep", xaas, "--vary", "post_sale_share=10%,40%", "--baseline", trad, *TINY]
    assert cli(*args, "--format", "json", "--output", sweep).code == 0
    html = tmp_path / "report.html"
    result = cli("report", trad, xaas, *TINY[:4], "--output", html, "--include", sweep)
    assert result.code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert "Baseline: Traditional" in text
    assert "P(better) against Traditional: post_sale_share=10%" in text
    assert "Break-even: P(better)" in text


def test_an_included_sensitivity_keeps_its_break_even_text(cli, tmp_path) -> None:
    swing = tmp_path / "swing.json"
    pair = [WHY / "covered.yaml", "--baseline", WHY / "uncovered.yaml"]
    args = ["sensitivity", *pair, "--method", "swing", "--top", "2", "--metric", "npv"]
    assert cli(*args, *TINY, "--format", "json", "--output", swing).code == 0
    html = tmp_path / "report.html"
    plans = [WHY / "covered.yaml", WHY / "uncovered.yaml"]
    result = cli("report", *plans, *TINY[:4], "--output", html, "--include", swing)
    assert result.code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert "Break-even: customers.renewal.adopted.covered" in text
    # the tornado names inputs readably; the sentences and Assumptions keep the key path
    assert "Renewal adopted (covered)" in text


def test_a_metric_constant_in_every_trial_gets_no_comparison_in_the_report(cli, tmp_path) -> None:
    html = tmp_path / "report.html"
    trad, xaas = CLI_FIXTURES / "traditional.yaml", CLI_FIXTURES / "xaas.yaml"
    result = cli("report", trad, xaas, *TINY[:4], "--output", html)
    assert result.code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    # the fixtures have no terminal value: 0 in every trial of both plans
    assert "same in every trial" in text


def test_head_count_charts_use_a_role_label_or_its_readable_id(cli, plans) -> None:
    labelled = plans / "labelled.yaml"
    labelled.write_text(
        "extends: xaas.yaml\nname: Labelled\nroles:\n  account_executive:\n"
        "    label: Field sales\n",
        encoding="utf-8",
    )
    html = plans / "report.html"
    result = cli("report", labelled, *TINY[:4], "--output", html)
    assert result.code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert "Heads: Field sales" in text and "Heads: Customer success manager" in text
    assert "Heads: account_executive" not in text


def test_the_assumptions_section_lists_every_uncertain_input_with_its_source(cli, plans) -> None:
    sourced = plans / "sourced.yaml"
    sourced.write_text(
        "extends: xaas.yaml\nname: Sourced\ncustomers:\n"
        '  land_acv: "50k to 90k"  # source: our CRM, 2025 closed-won\n'
        "roles:\n  account_executive:\n    # source: HR tenure data\n"
        '    ramp_months: "2 to 6"\n',
        encoding="utf-8",
    )
    html = plans / "report.html"
    result = cli("report", sourced, *TINY[:4], "--output", html)
    assert result.code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    section = text[text.index('id="assumptions"') :]
    assert "customers.land_acv" in section and "source: our CRM, 2025 closed-won" in section
    assert "source: HR tenure data" in section
    # the fixtures' base has no comment beside new_logos_per_month
    row = section[section.index("roles.account_executive.new_logos_per_month") :]
    assert row.index("unsourced") < row.index("</tr>")
