"""`coverage-sim fit ...` end to end on the example exports: formats, the overlay (atomic,
validates, runs, escaped), same seed same bytes, Parquet input, lazy imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "examples" / "data"
PLAN = ROOT / "scenarios" / "xaas.yaml"


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_fit_retention_prints_the_summary_in_every_format(
    cli: Callable[..., Any], fmt: str
) -> None:
    result = cli("fit", "retention", DATA / "cohorts.csv", "--format", fmt)
    assert result.code == 0, result.stderr
    if fmt == "json":
        fit = json.loads(result.stdout)["fits"][0]
        for name in ("alpha", "beta"):
            assert set(fit["estimates"][name]) >= {"value", "low", "high"}
        assert {"nrr", "grr", "upsell_monthly"} <= set(fit["estimates"])
        kinds = {row[-1] for row in fit["tables"]["survival"]["rows"]}
        assert kinds == {"data", "projection"}
    elif fmt == "csv":
        assert result.stdout.startswith("fit,estimate,value,low,high,unit,method\n")
        assert "\nretention,alpha," in result.stdout
    else:
        assert "alpha" in result.stdout and "projection" in result.stdout


def test_fit_land_shows_the_candidates_table_and_the_demand_ceiling(
    cli: Callable[..., Any],
) -> None:
    result = cli(
        "fit",
        "land",
        DATA / "deals.csv",
        "--heads",
        DATA / "heads.csv",
        "--extends",
        PLAN,
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    fit = json.loads(result.stdout)["fits"][0]
    names = [row[0] for row in fit["tables"]["land_acv_candidates"]["rows"]]
    assert sorted(names) == ["gamma", "lognormal", "weibull"]
    assert {"land_acv_mean", "new_logos_per_month", "demand_new_logos_per_month"} <= set(
        fit["estimates"]
    )


def test_fit_coverage_warns_it_is_an_association_not_a_causal_effect(
    cli: Callable[..., Any],
) -> None:
    result = cli("fit", "coverage", DATA / "accounts.csv")
    assert result.code == 0, result.stderr
    assert "not causal effects" in result.stdout
    assert "raw" in result.stdout and "adjusted" in result.stdout


def test_overlays_validate_run_and_chain(cli: Callable[..., Any], tmp_path: Path) -> None:
    plan = tmp_path / "xaas.yaml"
    for name in ("base.yaml", "xaas.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    land = tmp_path / "land.yaml"
    fitted = tmp_path / "fitted.yaml"
    assert (
        cli(
            "fit",
            "land",
            DATA / "deals.csv",
            "--heads",
            DATA / "heads.csv",
            "--extends",
            plan,
            "--output",
            land,
        ).code
        == 0
    )
    result = cli("fit", "coverage", DATA / "accounts.csv", "--extends", land, "--output", fitted)
    assert result.code == 0, result.stderr
    assert "wrote" in result.stderr and result.stdout == ""
    text = fitted.read_text()
    assert "extends: land.yaml" in text
    assert "# fit coverage:" in text and "may_harm" in text
    assert cli("validate", fitted).code == 0
    run = cli("run", fitted, "--trials", "200", "--months", "24", "--brief")
    assert run.code == 0, run.stderr
    retention = tmp_path / "retention.yaml"
    assert (
        cli(
            "fit", "retention", DATA / "subscriptions.csv", "--extends", plan, "--output", retention
        ).code
        == 0
    )
    assert "by_tenure: [1.0, " in retention.read_text()
    assert cli("validate", retention).code == 0
    assert cli("run", retention, "--trials", "200", "--months", "24", "--brief").code == 0


def test_same_seed_gives_byte_identical_summary_and_overlay(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    outputs = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / "scenarios" / "base.yaml", tmp_path / folder / "base.yaml")
        shutil.copy(PLAN, tmp_path / folder / "xaas.yaml")
        out = tmp_path / folder / "fitted.yaml"
        printed = cli(
            "fit", "retention", DATA / "cohorts.csv", "--format", "json", "--seed", "7"
        ).stdout
        cli(
            "fit",
            "retention",
            DATA / "cohorts.csv",
            "--extends",
            tmp_path / folder / "xaas.yaml",
            "--output",
            out,
            "--seed",
            "7",
        )
        outputs.append((printed, out.read_bytes()))
    assert outputs[0] == outputs[1]


def test_a_file_name_cannot_inject_keys_into_the_overlay(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    from coverage_sim.scenario.yaml_loader import load_yaml

    shutil.copy(ROOT / "scenarios" / "base.yaml", tmp_path / "base.yaml")
    shutil.copy(PLAN, tmp_path / "xaas.yaml")
    evil = tmp_path / "c.csv\nhorizon_months: 1\n#"
    shutil.copy(DATA / "cohorts.csv", evil)
    out = tmp_path / "fitted.yaml"
    result = cli("fit", "retention", evil, "--extends", tmp_path / "xaas.yaml", "--output", out)
    assert result.code == 0, result.stderr
    document = load_yaml(out)
    assert "horizon_months" not in document.data
    assert "\\x0ahorizon_months" in out.read_text()


def test_parquet_exports_give_the_same_fit_as_csv(cli: Callable[..., Any], tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(
        DATA / "cohorts.csv",
        convert_options=pacsv.ConvertOptions(column_types={"cohort": pa.string()}),
    )
    pq.write_table(table, tmp_path / "cohorts.parquet")
    from_csv = json.loads(cli("fit", "retention", DATA / "cohorts.csv", "--format", "json").stdout)
    from_parquet = json.loads(
        cli("fit", "retention", tmp_path / "cohorts.parquet", "--format", "json").stdout
    )
    for fit in (from_csv, from_parquet):
        fit["fits"][0]["files"] = []
        for key in fit["fits"][0]["overlay"].values():
            key["comment"] = ""
    assert from_csv == from_parquet


def test_help_does_not_import_the_fit_libraries() -> None:
    code = (
        "import sys; from coverage_sim.cli import main; main(['fit', '--help']); "
        "print('\\n'.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    assert not [m for m in loaded if m.split(".")[0] in ("statsmodels", "scipy", "numpy")]
    assert "coverage_sim.fit.sbg" not in loaded


def test_dropped_rows_are_counted_and_reported(cli: Callable[..., Any], tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    lines = (DATA / "deals.csv").read_text().splitlines()
    free = [lines[1].rsplit(",", 2)[0] + ",0," + lines[1].rsplit(",", 1)[1]] * 2
    deals.write_text("\n".join([*lines, *free]) + "\n")
    result = cli("fit", "land", deals, "--heads", DATA / "heads.csv", "--format", "json")
    assert result.code == 0, result.stderr
    dropped = json.loads(result.stdout)["fits"][0]["dropped"]
    assert dropped["deals with ACV 0 (not a paid new logo)"] == 2
    table = cli("fit", "land", deals, "--heads", DATA / "heads.csv").stdout
    assert "dropped 2 rows: deals with ACV 0" in table


def test_fit_land_says_plainly_when_the_demand_ceiling_is_not_identified(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    heads = ["month,role,heads,ramped_heads"]
    deals = ["close_date,owner,acv"]
    for m in range(36):
        month = f"{2021 + m // 12}-{m % 12 + 1:02d}"
        heads.append(f"{month},account_executive,20,20")
        for k in range(rng.poisson(8.0)):
            deals.append(f"{month}-{k % 28 + 1:02d},ae-1,{int(rng.lognormal(11.3, 0.5))}")
    (tmp_path / "heads.csv").write_text("\n".join(heads) + "\n")
    (tmp_path / "deals.csv").write_text("\n".join(deals) + "\n")
    result = cli(
        "fit", "land", tmp_path / "deals.csv", "--heads", tmp_path / "heads.csv", "--format", "json"
    )
    assert result.code == 0, result.stderr
    fit = json.loads(result.stdout)["fits"][0]
    assert any(n.startswith("Demand ceiling not identified") for n in fit["notes"])
    assert "demand_new_logos_per_month" not in fit["estimates"]
    assert "market.demand.new_logos_per_month" not in fit["overlay"]


def test_without_the_fit_extra_the_command_says_how_to_install_it(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "statsmodels", None)  # import statsmodels -> ImportError
    result = cli("fit", "retention", DATA / "cohorts.csv")
    assert result.code == 2
    assert "pip install 'coverage-sim[fit]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_fit_retention_writes_renewal_by_tenure_that_follows_the_sbg_curve(
    cli: Callable[..., Any],
) -> None:
    from coverage_sim.fit.sbg import survival

    result = cli("fit", "retention", DATA / "cohorts.csv", "--extends", PLAN, "--format", "json")
    assert result.code == 0, result.stderr
    fit = json.loads(result.stdout)["fits"][0]
    a, b = fit["estimates"]["alpha"]["value"], fit["estimates"]["beta"]["value"]
    overlay = fit["overlay"]
    factors = overlay["customers.renewal.by_tenure"]["value"]
    assert (
        overlay["customers.renewal.adopted"]["value"]
        == (overlay["customers.renewal.at_risk"]["value"])
    )
    assert len(factors) == 5 and factors[0] == 1.0  # xaas: 60 months of 12-month terms
    first = fit["estimates"]["first_renewal"]["value"]
    for k, factor in enumerate(factors, start=1):  # cohorts.csv counts years: step 1
        sbg = survival(a, b, k) / survival(a, b, k - 1)
        assert abs((1 - factor * (1 - first)) - sbg) < 1e-4, k
