"""Known answers of pilot designs (analysis/pilot.py) and the ``pilot`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coverage_sim.analysis.pilot import evaluate_design
from coverage_sim.analysis.voi import evppi
from coverage_sim.cli import main

pytest.importorskip("statsmodels")

FIXTURES = Path(__file__).parents[1] / "cli" / "fixtures"


def _world(trials: int = 3_000, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A verdict that turns on the covered renewal rate: the plan wins when it is above 0.9."""
    rng = np.random.default_rng(seed)
    covered = rng.uniform(0.80, 0.98, trials)
    uncovered = np.full(trials, 0.8)
    noise = rng.normal(0, 0.1, trials)
    delta = 10.0 * (covered - 0.9) + noise
    return np.column_stack([np.zeros(trials), delta]), covered, uncovered


def _design(accounts: int, months: int = 12, **world: int) -> object:
    benefit, covered, uncovered = _world(**world)
    return evaluate_design(
        benefit,
        covered,
        uncovered,
        kind="renewal",
        accounts=accounts,
        months=months,
        contract_months=12,
        cost=0.0,
        seed=1,
    )


def test_a_pilot_of_no_account_changes_nothing() -> None:
    design = _design(0)
    assert design.evsi == 0.0
    assert design.ess == pytest.approx(3_000)  # uniform weights
    assert design.p_wrong_after == design.p_wrong_before


def test_a_large_pilot_drives_p_wrong_toward_zero() -> None:
    small, large = _design(20), _design(20_000)
    assert small.p_wrong_before > 0.3
    assert large.p_wrong_after < small.p_wrong_after
    assert large.p_wrong_after < 0.08  # only the process noise of the verdict is left


@pytest.mark.parametrize("accounts", [0, 10, 100, 1_000, 20_000])
def test_evsi_never_exceeds_the_evppi_of_the_piloted_input(accounts: int) -> None:
    benefit, covered, uncovered = _world()
    bound, bound_se = evppi(benefit, np.column_stack([covered, uncovered]), seed=2)
    design = _design(accounts)
    assert design.evsi <= bound + 3 * np.hypot(bound_se, design.evsi_mc_se)


def test_evsi_grows_with_the_pilot() -> None:
    values = [_design(n).evsi for n in (10, 100, 1_000)]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("kind", "theta"),
    [("event", 0.6), ("monthly", 0.02), ("yearly", 0.2), ("growth", 0.01)],
)
def test_every_observation_model_learns_its_rate(kind: str, theta: float) -> None:
    from coverage_sim.analysis.pilot import log_likelihood, simulate_outcome

    rng = np.random.default_rng(3)
    grid = np.linspace(theta * 0.5, theta * 1.5, 201)
    exposure = 5_000.0
    outcome = simulate_outcome(kind, np.array([theta]), exposure, rng)
    best = grid[np.argmax(log_likelihood(kind, outcome, grid, exposure)[0])]
    assert best == pytest.approx(theta, rel=0.1)


def _pilot(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["pilot", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_pilot_json_lists_every_design(capsys, tmp_path: Path) -> None:
    plan = tmp_path / "uncertain.yaml"
    for name in ("base.yaml", "traditional.yaml"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    plan.write_text(
        "extends: base.yaml\nname: Uncertain\n"
        "allocation: {account_executive: 60%, customer_success_manager: 30%, "
        "renewal_specialist: 10%}\n"
        'customers: {renewal: {at_risk: {uncovered: 60%, covered: "65% to 90%"}}}\n'
    )
    code, out, err = _pilot(
        capsys,
        plan,
        "--baseline",
        tmp_path / "traditional.yaml",
        "--input",
        "customers.renewal.at_risk",
        "--accounts",
        "0,50",
        "--months",
        "6,12",
        "--target",
        "20%",
        "--trials",
        "400",
        "--horizon",
        "24",
        "--format",
        "json",
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["command"] == "pilot"
    assert [(d["accounts"], d["months"]) for d in document["designs"]] == [
        (0, 6),
        (0, 12),
        (50, 6),
        (50, 12),
    ]
    first = document["designs"][0]
    assert first["evsi"] == 0 and first["cost"] == 0
    assert document["cost_per_account_month"] > 0
    for design in document["designs"]:
        assert set(design) >= {
            "accounts",
            "months",
            "evsi",
            "p_wrong_before",
            "p_wrong_after",
            "cost",
            "ess",
        }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--input", "customers.land_acv"], "a pilot observes a coverage pair"),
        (["--input", "customers.renewal.adopted"], "a pilot can only learn an uncertain input"),
        (["--input", "customers.renewal.adopted", "--accounts", "x"], "--accounts 'x'"),
        (["--input", "customers.renewal.adopted", "--target", "150%"], "--target"),
    ],
)
def test_bad_pilot_arguments_exit_2(capsys, extra: list[str], message: str) -> None:
    args = ["--accounts", "10", "--months", "6", "--trials", "300", "--horizon", "12"]
    code, _, err = _pilot(
        capsys, FIXTURES / "xaas.yaml", "--baseline", FIXTURES / "traditional.yaml", *args, *extra
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err
