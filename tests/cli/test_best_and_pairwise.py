"""``compare`` reports P(best) (CSV column, JSON, --require) and ``--pairwise`` grids."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_helpers import FAST, FIXTURES

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"
BASE = FIXTURES / "base.yaml"


@pytest.fixture
def three(plans):
    """Three plans: the two fixtures and a 75/25 split between them."""
    middle = plans / "middle.yaml"
    middle.write_text(
        "extends: base.yaml\nname: Middle\nallocation:\n  account_executive: 75%\n"
        "  customer_success_manager: 15%\n  renewal_specialist: 10%\n",
        encoding="utf-8",
    )
    return [plans / "traditional.yaml", plans / "xaas.yaml", middle]


def test_p_best_sums_to_one_over_every_plan_in_json_and_csv(cli, three) -> None:
    result = cli("compare", *three, *FAST, "--format", "json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    shares = [p["prob_best"] for p in doc["verdict"]["plans"]]
    assert sum(shares) == pytest.approx(1.0)
    for item in doc["comparisons"]:
        if item["metric"] == "npv":
            plan = next(p for p in doc["verdict"]["plans"] if p["name"] == item["scenario"])
            assert item["prob_best"] == plan["prob_best"]
    table = cli("compare", *three, *FAST, "--format", "csv")
    rows = [r for r in csv.DictReader(io.StringIO(table.stdout)) if r["metric"] == "npv"]
    assert sum(float(r["prob_best"]) for r in rows) == pytest.approx(1.0)
    assert rows[0]["prob_better"] == "" and rows[0]["prob_best"] != ""  # the baseline's too


def test_require_reads_prob_best_and_names_the_figure(cli) -> None:
    held = cli("compare", TRAD, XAAS, *FAST, "--require", "XaaS:npv.prob_best >= 0%")
    assert held.code == 0, held.stderr
    assert "requirement(s) met" in held.stderr
    base = cli("compare", TRAD, XAAS, *FAST, "--require", "Traditional:npv.prob_best >= 0%")
    assert base.code == 0, base.stderr
    unmet = cli("compare", TRAD, XAAS, *FAST, "--require", "XaaS:npv.prob_best > 100%")
    assert unmet.code == 1
    assert "npv.prob_best = " in unmet.stderr
    no_direction = cli("compare", TRAD, XAAS, *FAST, "--require", "post_sale_share.prob_best > 0")
    assert no_direction.code == 2 and "no better direction" in no_direction.stderr


def test_pairwise_prints_the_matrix_in_every_format(cli, three) -> None:
    doc = json.loads(cli("compare", *three, *FAST, "--pairwise", "--format", "json").stdout)
    matrix = doc["pairwise"]
    assert matrix["metric"] == "npv" and len(matrix["plans"]) == 3
    probs = matrix["prob_beats"]
    for i in range(3):
        assert probs[i][i] is None
        for j in range(i + 1, 3):
            assert probs[i][j] + probs[j][i] == pytest.approx(1.0)
            assert matrix["delta_p50"][i][j] == -matrix["delta_p50"][j][i]
    # the baseline's row against each plan is 1 - that plan's P(better)
    for j, plan in enumerate(matrix["plans"][1:], start=1):
        pair = next(c for c in doc["comparisons"] if c["scenario"] == plan and c["metric"] == "npv")
        assert probs[0][j] == pytest.approx(1 - pair["prob_better"])
    text = cli("compare", *three, *FAST, "--pairwise").stdout
    assert "P(row beats column)" in text and "#3 Middle" in text
    markdown = cli("compare", *three, *FAST, "--pairwise", "--format", "markdown").stdout
    assert "### Pairwise on NPV: P(row beats column)" in markdown
    rows = list(
        csv.DictReader(
            io.StringIO(cli("compare", *three, *FAST, "--pairwise", "--format", "csv").stdout)
        )
    )
    npv = next(r for r in rows if r["metric"] == "npv" and r["scenario"] == "Middle")
    assert float(npv["prob_beats:Traditional"]) == pytest.approx(probs[2][0])
    assert "prob_beats:Middle" in rows[0] and "pairwise" not in doc["settings"]
    plain = json.loads(cli("compare", *three, *FAST, "--format", "json").stdout)
    assert "pairwise" not in plain
