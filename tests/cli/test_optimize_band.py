"""``optimize`` never prints a flat-maximum range narrower than its evaluations can bound."""

from __future__ import annotations

import json

from cli_helpers import FIXTURES

from coverage_sim.analysis.optimize import _Search
from coverage_sim.analysis.optimize_plan import plan_optimize
from coverage_sim.analysis.stats import DEFAULT_TOLERANCE, flat_band
from coverage_sim.execution import SerialExecutor

XAAS = FIXTURES / "xaas.yaml"
SETTINGS = ["--trials", "200", "--months", "24", "--workers", "1"]
STEP = 0.05


def _grid_band() -> dict[str, tuple[float, float]]:
    """The flat-maximum band of a full grid of splits (5-point steps) at the same seed and
    trials, with optimize's own evaluation and band."""
    plan = plan_optimize(XAAS, objective="npv.p50", trials=200, months=24)
    search = _Search(plan, SerialExecutor(), None)
    steps = round(1 / STEP)
    grid = [(i * STEP, j * STEP) for i in range(steps + 1) for j in range(steps + 1 - i)]
    search.evaluate([search.split(point) for point in grid])
    scores = [c.score for c in search.candidates]
    top = max(s for s in scores if s is not None)
    band = flat_band(
        search.values,
        scores,
        stat="p50",
        better="higher",
        tolerance=DEFAULT_TOLERANCE.amount(top),
        seed=plan.settings.seed,
    )
    inside = [c for c, m in zip(search.candidates, band.members, strict=True) if m]
    return {
        r: (min(c.shares[r] for c in inside), max(c.shares[r] for c in inside)) for r in plan.roles
    }


def test_a_short_search_band_is_never_narrower_than_a_full_grid_band(cli) -> None:
    result = cli(
        "optimize", XAAS, *SETTINGS, "--maxiter", "5", "--popsize", "5", "--format", "json"
    )
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    grid = _grid_band()
    for role, (low, high) in grid.items():
        shown_low, shown_high = doc["band"]["ranges"][role]
        assert shown_low <= low + 1e-12 and shown_high >= high - 1e-12, (role, grid)
    assert doc["search"]["generations"] == 5 and not doc["band"]["bounded"]
    assert set(doc["search"]["population_spread"]) == set(grid)


def test_a_converged_search_widens_its_band_to_the_nearest_split_outside_it(cli) -> None:
    result = cli("optimize", XAAS, *SETTINGS, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["search"]["converged"] and doc["band"]["bounded"]
    for role, (low, high) in doc["band"]["evaluated_ranges"].items():
        shown_low, shown_high = doc["band"]["ranges"][role]
        assert shown_low <= low and shown_high >= high
    text = cli("optimize", XAAS, *SETTINGS, "--maxiter", "5", "--popsize", "5").stdout
    assert "too short to bound it" in text and "generations" in text


PHASED = (
    "extends: base.yaml\nname: Phased\nallocation:\n"
    "  - {month: 0, shares: {account_executive: 90%, customer_success_manager: 5%, "
    "renewal_specialist: 5%}}\n"
    "  - {month: 12, shares: {account_executive: 60%, customer_success_manager: 30%, "
    "renewal_specialist: 10%}}\n"
)


def test_optimize_path_lands_the_known_optimum_of_a_grid_within_its_band(cli, plans) -> None:
    phased = plans / "phased.yaml"
    phased.write_text(PHASED, encoding="utf-8")
    roles = ["--roles", "account_executive,customer_success_manager"]
    result = cli("optimize", phased, "--path", *roles, *SETTINGS, "--format", "json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    plan = plan_optimize(
        phased,
        objective="npv.p50",
        roles=["account_executive,customer_success_manager"],
        trials=200,
        months=24,
        path=True,
    )
    search = _Search(plan, SerialExecutor(), None)
    grid = [(share, month) for share in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8) for month in (4, 12, 20)]
    search.evaluate([search.split(point) for point in grid])
    best = max(search.candidates, key=lambda c: c.score or -1e30)
    band = doc["band"]["ranges"]
    assert band["ramp_months"][0] <= best.month <= band["ramp_months"][1]
    for role in ("account_executive", "customer_success_manager"):
        assert band[role][0] - 1e-9 <= best.shares[role] <= band[role][1] + 1e-9
    assert doc["best"]["ramp_months"] is not None and doc["search"]["path"]["to_month"] == 24


def test_a_schedule_needs_path_and_a_constant_split_refuses_it(cli, plans) -> None:
    phased = plans / "phased.yaml"
    phased.write_text(PHASED, encoding="utf-8")
    refused = cli("optimize", phased, *SETTINGS)
    assert refused.code == 2 and "give --path" in refused.stderr
    constant = cli("optimize", XAAS, "--path", *SETTINGS)
    assert constant.code == 2 and "constant allocation" in constant.stderr
