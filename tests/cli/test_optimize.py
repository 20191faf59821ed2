"""``coverage-sim optimize``: beats a coarse sweep, best.yaml runs, risk-aware objective, errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from cli_helpers import FAST as RUN_FAST
from cli_helpers import FIXTURES

from coverage_sim.scenario import load_scenario

XAAS = FIXTURES / "xaas.yaml"
FAST = [*RUN_FAST, "--workers", "1"]
SMALL = [*FAST, "--maxiter", "5", "--popsize", "5"]
TINY = [*FAST, "--maxiter", "2", "--popsize", "4"]


def _optimize(cli, *args: str) -> dict:
    result = cli("optimize", XAAS, *args, "--format", "json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def test_optimize_reaches_the_best_point_of_a_coarse_sweep(cli) -> None:
    """At 200 trials the p50 landscape is rough: 5 generations of 5 x 2 fall short of the
    sweep's best point (measured), 8 generations of 6 x 2 (74 splits) pass it."""
    doc = _optimize(cli, *FAST, "--maxiter", "8", "--popsize", "6")
    assert doc["command"] == "optimize"
    sweep = cli(
        "sweep", XAAS, "--vary", "allocation.account_executive=50%:90%:5", *FAST, "--format", "json"
    )
    points = json.loads(sweep.stdout)["points"]
    best_point = max(p["metrics"]["npv"]["p50"] for p in points)
    # Same seed and trials: the objective is the same deterministic function of the split.
    assert doc["best"]["objective"]["search_seed"] >= best_point
    shares = doc["best"]["allocation"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert doc["search"]["evaluations"] > 10
    assert doc["best"]["objective"]["fresh_seed"] is not None


def test_best_yaml_extends_the_input_validates_and_reproduces_the_search(
    cli, plans: Path, tmp_path: Path
) -> None:
    best = tmp_path / "out" / "best.yaml"
    best.parent.mkdir()
    result = cli(
        "optimize",
        plans / "xaas.yaml",
        *SMALL,
        "--format",
        "json",
        "--output",
        best,
        "--set",
        "budget.annual=2.6M",
    )
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    text = best.read_text()
    assert "extends: ../plans/xaas.yaml" in text
    assert cli("validate", best).code == 0
    scenario = load_scenario(best)
    assert scenario.budget.annual == 2.6e6
    assert scenario.allocation == doc["best"]["allocation"]
    ran = cli("run", best, *FAST, "--format", "json")
    assert ran.code == 0, ran.stderr
    npv = json.loads(ran.stdout)["scenarios"][0]["metrics"]["npv"]
    assert npv["p50"] == doc["best"]["objective"]["search_seed"]


def test_a_tail_objective_buys_a_better_p10(cli) -> None:
    """Measured on this fixture (300 trials, 24 months, seed 11): the cvar10 winner's P10
    at the search seed is $5.86M against $5.55M for the p50 winner. With few evaluations
    this is a property of the search as run, not a theorem: see docs/cli.md, "optimize"."""
    args = [
        "--trials",
        "300",
        "--months",
        "24",
        "--workers",
        "1",
        "--maxiter",
        "6",
        "--popsize",
        "5",
    ]
    median = _optimize(cli, *args, "--objective", "npv.p50")
    tail = _optimize(cli, *args, "--objective", "npv.cvar10")
    p10 = {
        name: doc["best"]["metrics_at_search_seed"]["npv"]["p10"]
        for name, doc in (("p50", median), ("cvar10", tail))
    }
    assert p10["cvar10"] >= p10["p50"]


def test_bounds_roles_band_and_frontier_are_kept(cli) -> None:
    doc = _optimize(
        cli,
        *SMALL,
        "--roles",
        "account_executive,customer_success_manager",
        "--min",
        "customer_success_manager=20%",
        "--max",
        "account_executive=75%",
    )
    shares = doc["best"]["allocation"]
    assert shares["renewal_specialist"] == 0.1  # not searched: as written
    assert shares["customer_success_manager"] >= 0.2 - 1e-9
    assert shares["account_executive"] <= 0.75 + 1e-9
    low, high = doc["band"]["ranges"]["account_executive"]
    assert low <= shares["account_executive"] <= high
    frontier = doc["frontier"]
    assert frontier and all(a["p50"] >= b["p50"] for a, b in itertools.pairwise(frontier))
    assert all(a["p10"] < b["p10"] for a, b in itertools.pairwise(frontier))  # none dominated


def test_vary_budget_searches_the_budget_within_its_range(cli) -> None:
    doc = _optimize(cli, *TINY, "--vary-budget", "2M:3M")
    assert 2e6 <= doc["best"]["budget"] <= 3e6
    assert doc["search"]["budget"] == {"key": "budget.annual", "from": 2e6, "to": 3e6}


def test_every_format_shows_the_split_band_frontier_and_evaluations(cli) -> None:
    table = cli("optimize", XAAS, *TINY).stdout
    markdown = cli("optimize", XAAS, *TINY, "--format", "markdown").stdout
    csv_text = cli("optimize", XAAS, *TINY, "--format", "csv").stdout
    for text in (table, markdown):
        assert "Best split" in text and "Flat maximum" in text and "Frontier" in text
        assert "fresh seed 12" in text and "Evaluations:" in text
    assert csv_text.startswith("kind,index,name,value,low,high\nshare,,account_executive,")
    assert "\nrun,,evaluations," in csv_text and "\nfrontier,1,p50," in csv_text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--objective", "npv"], "expected METRIC.STAT"),
        (["--objective", "npvv.p50"], "did you mean 'npv'?"),
        (["--objective", "npv.p95"], "unknown statistic 'p95'"),
        (["--objective", "post_sale_share.p50"], "no better direction"),
        (["--roles", "account_executive,sdr"], "no role 'sdr'"),
        (["--roles", "account_executive"], "at least two roles"),
        (["--min", "csm"], "expected ROLE=SHARE"),
        (["--min", "sdr=10%"], "'sdr' is not a role"),
        (["--max", "account_executive=lots"], "--max 'account_executive=lots'"),
        (["--max", "account_executive=150%"], "a share must be from 0% to 100%"),
        (
            ["--min", "account_executive=70%", "--min", "customer_success_manager=40%"],
            "bounds admit no split: the --min shares sum to 1.1",
        ),
        (
            [
                "--max",
                "account_executive=50%",
                "--max",
                "customer_success_manager=20%",
                "--max",
                "renewal_specialist=20%",
            ],
            "bounds admit no split: the --max shares sum to 0.9",
        ),
        (
            ["--min", "account_executive=60%", "--max", "account_executive=50%"],
            "account_executive has --min 0.6 above its maximum 0.5",
        ),
        (
            [
                "--roles",
                "account_executive,customer_success_manager",
                "--min",
                "account_executive=50%",
                "--max",
                "account_executive=50%",
            ],
            "bounds admit only one split",
        ),
        (["--vary-budget", "10%:20%"], "budget is budget.annual, an amount of money"),
        (["--vary-budget", "3M"], "expected FROM:TO"),
        (["--vary-budget", "3M:2M"], "0 <= FROM < TO"),
        (["--popsize", "1"], "--popsize must be from 2"),
        (["--set", "budget.anual=1M"], "unknown key 'anual'"),
    ],
)
def test_grammar_errors_exit_2_with_a_clear_message(cli, args: list[str], expected: str) -> None:
    result = cli("optimize", XAAS, *FAST, *args)
    assert result.code == 2, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_time_phased_allocation_is_refused(cli, plans: Path) -> None:
    phased = plans / "phased.yaml"
    phased.write_text(
        "extends: base.yaml\nname: Phased\nallocation:\n"
        "  - {month: 0, shares: {account_executive: 80%, customer_success_manager: 10%, "
        "renewal_specialist: 10%}}\n"
    )
    result = cli("optimize", phased, *FAST)
    assert result.code == 2 and "time-phased" in result.stderr


def test_the_result_does_not_depend_on_the_worker_count(cli) -> None:
    """Byte-identical output; the timing is on stderr only (docs/cli.md, "optimize")."""
    args = [*RUN_FAST, "--maxiter", "2", "--popsize", "4"]
    one, two = (_optimize(cli, *args, "--workers", str(n)) for n in (1, 2))
    assert "wall_seconds" not in one["search"]
    assert one == two
