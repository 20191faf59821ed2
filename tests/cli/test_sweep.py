"""``coverage-sim sweep``: paired points that match ``compare``, verdicts, formats, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_helpers import FAST as RUN_FAST
from cli_helpers import FIXTURES

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"
BUNDLED = Path(__file__).parents[2] / "scenarios"
FAST = [*RUN_FAST, "--workers", "1"]
TINY = ["--trials", "100", "--months", "12", "--workers", "1"]


def _point(doc: dict, label: str) -> dict:
    return next(p for p in doc["points"] if p["label"] == label)


@pytest.mark.parametrize("vary", ["post_sale_share=20%,40%", "allocation.account_executive=60%"])
def test_a_point_equal_to_a_plan_reproduces_its_compare_figures(cli, vary: str) -> None:
    """The fixture XaaS plan is 60% land, 40% post-sale: that point is XaaS itself."""
    sweep = cli(
        "sweep",
        XAAS,
        "--vary",
        vary,
        "--baseline",
        TRAD,
        *FAST,
        "--format",
        "json",
        "--metric",
        "npv",
        "--metric",
        "nrr",
        "--metric",
        "cac",
    )
    compare = cli("compare", TRAD, XAAS, *RUN_FAST, "--format", "json")
    assert sweep.code == 0 and compare.code == 0, sweep.stderr + compare.stderr
    doc, reference = json.loads(sweep.stdout), json.loads(compare.stdout)
    assert doc["command"] == "sweep"
    label = vary.split("=")[0] + "=" + ("40%" if "post" in vary else "60%")
    point = _point(doc, label)
    assert point["allocation"] == {
        "account_executive": 0.6,
        "customer_success_manager": 0.3,
        "renewal_specialist": 0.1,
    }
    xaas = reference["scenarios"][1]["metrics"]
    for metric in ("npv", "nrr", "cac"):
        figures = point["metrics"][metric]
        assert {k: figures[k] for k in ("mean", "p10", "p50", "p90")} == {
            k: xaas[metric][k] for k in ("mean", "p10", "p50", "p90")
        }
        pair = next(c for c in reference["comparisons"] if c["metric"] == metric)
        assert (figures["delta_p50"], figures["delta_mean"], figures["prob_better"]) == (
            pair["delta_p50"],
            pair["delta_mean"],
            pair["prob_better"],
        )
    base = reference["scenarios"][0]["metrics"]["npv"]
    assert doc["baseline"]["metrics"]["npv"]["p50"] == base["p50"]


def test_bundled_xaas_at_forty_percent_post_sale_is_xaas(cli) -> None:
    sweep = cli(
        "sweep",
        BUNDLED / "xaas.yaml",
        "--vary",
        "post_sale_share=40%",
        "--baseline",
        BUNDLED / "traditional.yaml",
        *TINY,
        "--format",
        "json",
    )
    compare = cli(
        "compare", BUNDLED / "traditional.yaml", BUNDLED / "xaas.yaml", *TINY, "--format", "json"
    )
    assert sweep.code == 0 and compare.code == 0, sweep.stderr + compare.stderr
    point = json.loads(sweep.stdout)["points"][0]["metrics"]["npv"]
    reference = json.loads(compare.stdout)
    assert point["p50"] == reference["scenarios"][1]["metrics"]["npv"]["p50"]
    npv = next(c for c in reference["comparisons"] if c["metric"] == "npv")
    assert point["prob_better"] == npv["prob_better"]


def test_rescaling_keeps_the_other_roles_in_proportion(cli) -> None:
    result = cli(
        "sweep", XAAS, "--vary", "allocation.renewal_specialist=0%,30%", *FAST, "--format", "json"
    )
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    zero = _point(doc, "allocation.renewal_specialist=0%")["allocation"]
    assert zero["renewal_specialist"] == 0
    assert zero["account_executive"] == pytest.approx(0.6 / 0.9)
    assert zero["customer_success_manager"] == pytest.approx(0.3 / 0.9)
    post = cli("sweep", XAAS, "--vary", "post_sale_share=10%", *FAST, "--format", "json")
    shares = json.loads(post.stdout)["points"][0]["allocation"]
    assert shares == pytest.approx(
        {"account_executive": 0.9, "customer_success_manager": 0.075, "renewal_specialist": 0.025}
    )


def test_post_sale_share_on_a_schedule_moves_its_final_point_and_keeps_the_first(
    cli, plans: Path
) -> None:
    phased = plans / "phased.yaml"
    phased.write_text(
        "extends: base.yaml\nname: Phased\nallocation:\n"
        "  - {month: 0, shares: {account_executive: 80%, customer_success_manager: 10%, "
        "renewal_specialist: 10%}}\n"
        "  - {month: 12, shares: {account_executive: 50%, customer_success_manager: 40%, "
        "renewal_specialist: 10%}}\n"
    )
    direct = plans / "direct.yaml"
    direct.write_text(
        "extends: base.yaml\nname: Phased\nallocation:\n"
        "  - {month: 0, shares: {account_executive: 80%, customer_success_manager: 10%, "
        "renewal_specialist: 10%}}\n"
        "  - {month: 18, shares: {account_executive: 70%, customer_success_manager: 24%, "
        "renewal_specialist: 6%}}\n"
    )
    args = ["--vary", "post_sale_share=30%", "--vary", "ramp_months=18"]
    swept = cli("sweep", phased, *args, *FAST, "--format", "json")
    ran = cli("run", direct, *FAST, "--format", "json")
    assert swept.code == 0 and ran.code == 0, swept.stderr + ran.stderr
    point = json.loads(swept.stdout)["points"][0]
    assert point["allocation"] is None
    assert point["metrics"]["npv"]["p50"] == pytest.approx(
        json.loads(ran.stdout)["scenarios"][0]["metrics"]["npv"]["p50"], rel=1e-9
    )
    early = cli("sweep", phased, "--vary", "ramp_months=0", *FAST)
    assert early.code == 2 and "whole months from 1" in early.stderr
    constant = cli("sweep", XAAS, "--vary", "ramp_months=12", *FAST)
    assert constant.code == 2 and "allocation is constant" in constant.stderr


def test_two_varies_make_a_grid_and_every_format_carries_the_verdicts(cli, tmp_path: Path) -> None:
    args = [
        "sweep",
        XAAS,
        "--vary",
        "post_sale_share=20%,40%",
        "--vary",
        "budget.annual=2M,3M",
        *FAST,
    ]
    doc = json.loads(cli(*args, "--format", "json").stdout)
    assert [p["label"] for p in doc["points"]] == [
        "post_sale_share=20%, budget.annual=2M",
        "post_sale_share=20%, budget.annual=3M",
        "post_sale_share=40%, budget.annual=2M",
        "post_sale_share=40%, budget.annual=3M",
    ]
    best = doc["verdicts"]["npv"]["best"]
    assert best in doc["verdicts"]["npv"]["band"]
    assert doc["verdicts"]["npv"]["break_even"] is None  # a grid has no break-even
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert {r["kind"] for r in rows} == {"baseline", "point"}
    assert [r["point"] for r in rows if r["best"] == "true"] == [best]
    markdown = cli(*args, "--format", "markdown").stdout
    table = cli(*args).stdout
    for text in (markdown, table):
        assert "Best point" in text and "Flat maximum" in text
    assert "| post\\_sale\\_share | budget.annual |" in markdown


def test_one_dimension_reports_the_break_even(cli) -> None:
    result = cli(
        "sweep",
        TRAD,
        "--vary",
        "post_sale_share=5%,20%,40%,60%",
        "--baseline",
        TRAD,
        *FAST,
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    crossing = doc["verdicts"]["npv"]["break_even"]
    probabilities = [p["metrics"]["npv"]["prob_better"] for p in doc["points"]]
    sides = {p > 0.5 for p in probabilities if p != 0.5}
    assert (len(crossing["crossings"]) > 0) == (sides == {True, False})
    text = cli("sweep", TRAD, "--vary", "post_sale_share=5%,20%,40%,60%", *FAST).stdout
    assert "Break-even against Traditional (as written)" in text


def test_require_works_on_sweep_results(cli) -> None:
    base = ["sweep", XAAS, "--vary", "post_sale_share=20%,40%", *FAST]
    assert cli(*base, "--require", "npv.p50 > 0").code == 0
    failed = cli(*base, "--require", "best:npv.prob_better >= 100%")
    assert failed.code == 1
    assert "not met for 'post_sale_share=" in failed.stderr
    assert cli(*base, "--require", "post_sale_share=40%:nrr.p50 > 0").code == 0
    unknown = cli(*base, "--require", "nope:npv.p50 > 0")
    assert unknown.code == 2 and "no scenario named 'nope'" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "sweep needs at least one --vary"),
        (["--vary", "post_sale_share"], "expected PATH=VALUES"),
        (["--vary", "post_sale_share="], "no values after '='"),
        (["--vary", "post_sale_share=10%,,20%"], "an empty value"),
        (["--vary", "post_sale_share=10%:20%:1"], "COUNT of FROM:TO:COUNT must be a whole number"),
        (["--vary", "post_sale_share=a:b:3"], "FROM and TO of FROM:TO:COUNT must be numbers"),
        (["--vary", "post_sale_share=120%"], "a share must be from 0% to 100%"),
        (["--vary", "post_sale_share=lots"], "takes shares such as 20%"),
        (["--vary", "allocation.sdr=10%"], "no role 'sdr'"),
        (["--vary", "budget.anual=1M,2M"], "unknown key 'anual'; did you mean 'annual'?"),
        (["--vary", "budget.annual=1M,1M"], "1M given more than once"),
        (
            ["--vary", "budget.annual=1x,2M"],
            "--vary budget.annual=1x: budget.annual: expected a number",
        ),
        (
            ["--vary", "budget.annual=10%:40%:3"],
            "--vary budget.annual=10%: budget.annual: expected an amount of money",
        ),
        (["--vary", "budget.annual=10%,40%"], "expected an amount of money"),
        (["--vary", "horizon_months=12,24"], "its points would not differ"),
        (["--vary", "simulation.seed=1,2"], "--vary simulation.seed: every point runs with"),
        (["--vary", "a=1", "--vary", "b=2", "--vary", "c=3"], "one or two --vary"),
        (["--vary", "post_sale_share=10%", "--metric", "npvv"], "did you mean 'npv'?"),
        (["--vary", "post_sale_share=10%", "--tolerance", "lots"], "--tolerance 'lots'"),
    ],
)
def test_grammar_errors_exit_2_with_a_clear_message(cli, args: list[str], expected: str) -> None:
    result = cli("sweep", XAAS, *FAST, *args)
    assert result.code == 2, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_the_output_is_byte_identical_for_one_or_two_workers(cli) -> None:
    args = ["sweep", XAAS, "--vary", "post_sale_share=20%,40%", *RUN_FAST, "--format", "json"]
    one, two = cli(*args, "--workers", "1"), cli(*args, "--workers", "2")
    assert one.code == 0 and two.code == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout


def test_control_characters_in_a_value_never_reach_the_output_raw(cli) -> None:
    raw = cli("sweep", XAAS, "--vary", "name=a\x1b[2Jb,c", *FAST)
    assert raw.code == 2 and "\x1b" not in raw.stderr  # YAML refuses it, shown escaped
    args = ["sweep", XAAS, "--vary", 'name="a\\e[2Jb",c', "--baseline", XAAS, *FAST]
    for output_format in ("table", "markdown", "csv", "json"):
        result = cli(*args, "--format", output_format)
        assert result.code == 0, result.stderr
        assert "\x1b" not in result.stdout
