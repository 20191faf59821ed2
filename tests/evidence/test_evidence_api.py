"""``coverage_sim.voi``, ``pilot`` and ``track`` give the CLI's output to the byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim import api
from coverage_sim.cli import main

pytest.importorskip("statsmodels")
pd = pytest.importorskip("pandas")

FIXTURES = Path(__file__).parents[1] / "cli" / "fixtures"
XAAS, TRAD = FIXTURES / "xaas.yaml", FIXTURES / "traditional.yaml"
FLAGS = ["--trials", "400", "--workers", "1", "--format", "json"]


def _cli(capsys: pytest.CaptureFixture[str], *args: object) -> str:
    capsys.readouterr()
    assert main([*map(str, args), *FLAGS]) == 0
    return capsys.readouterr().out


def test_voi_equals_the_cli(capsys) -> None:
    result = api.voi(
        XAAS, baseline=TRAD, groups=["sellers=roles.*"], trials=400, months=24, workers=1
    )
    cli = _cli(
        capsys, "voi", XAAS, "--baseline", TRAD, "--group", "sellers=roles.*", "--months", "24"
    )
    assert result.to_json() == cli
    assert result.evppi()["kind"].tolist()[-1] == "group"


def test_pilot_equals_the_cli(capsys, tmp_path: Path) -> None:
    for name in ("base.yaml", "xaas.yaml", "traditional.yaml"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    plan = tmp_path / "xaas.yaml"
    plan.write_text(
        plan.read_text() + "customers: {renewal: {adopted: {uncovered: 90%, "
        'covered: "91% to 98%"}}}\n'
    )
    with pytest.warns(api.CoverageSimWarning, match="differs from the baseline"):
        result = api.pilot(
            plan,
            baseline=tmp_path / "traditional.yaml",
            input_path="customers.renewal.adopted",
            accounts=[0, 40],
            months=[6],
            trials=400,
            horizon=24,
            workers=1,
        )
    cli = _cli(
        capsys,
        "pilot",
        plan,
        "--baseline",
        tmp_path / "traditional.yaml",
        "--input",
        "customers.renewal.adopted",
        "--accounts",
        "0,40",
        "--months",
        "6",
        "--horizon",
        "24",
    )
    assert result.to_json() == cli


def test_track_equals_the_cli(capsys, tmp_path: Path) -> None:
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("month,customers,new_logos\n1,61,2\n2,62,1\n3,64,3\n")
    result = api.track(XAAS, actuals, baseline=TRAD, trials=400, months=24, workers=1)
    cli = _cli(capsys, "track", XAAS, actuals, "--baseline", TRAD, "--months", "24")
    assert result.to_json() == cli
    assert set(result.inputs().columns) >= {"input", "prior_p50", "posterior_p50"}


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (
            lambda: api.fit_retention("examples/data/cohorts.csv"),
            ["fit", "retention", "examples/data/cohorts.csv"],
        ),
        (
            lambda: api.fit_coverage("examples/data/accounts.csv", extends="scenarios/xaas.yaml"),
            ["fit", "coverage", "examples/data/accounts.csv", "--extends", "scenarios/xaas.yaml"],
        ),
        (
            lambda: api.fit_land("examples/data/deals.csv", "examples/data/heads.csv"),
            ["fit", "land", "examples/data/deals.csv", "--heads", "examples/data/heads.csv"],
        ),
    ],
    ids=["retention", "coverage", "land"],
)
def test_fit_equals_the_cli(capsys, monkeypatch, call, args: list[str]) -> None:
    monkeypatch.chdir(Path(__file__).parents[2])
    result = call()
    capsys.readouterr()
    assert main([*args, "--format", "json"]) == 0
    assert result.to_json() == capsys.readouterr().out
