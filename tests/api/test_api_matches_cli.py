"""``coverage_sim.api`` gives the CLI's results to the byte: JSON equal to ``--format json``,
``summary()`` equal to the ``--format csv`` read by pandas, ``samples()`` to ``--samples``."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim import api
from coverage_sim.cli import main

pd = pytest.importorskip("pandas")

ROOT = Path(__file__).parents[1]
PLANS = ROOT / "cli" / "fixtures"
TRADITIONAL, XAAS = PLANS / "traditional.yaml", PLANS / "xaas.yaml"
WHY = ROOT / "analysis" / "fixtures"
COVERED, UNCOVERED = WHY / "covered.yaml", WHY / "uncovered.yaml"
SETTINGS = {"trials": 200, "months": 24, "workers": 1}
FLAGS = ["--trials", "200", "--months", "24", "--workers", "1"]


def cli_output(tmp_path: Path, *args: object, fmt: str) -> str:
    """What ``coverage-sim ARGS --format FMT --output FILE`` writes (exit 0 asserted)."""
    out = tmp_path / f"cli.{fmt}"
    assert main([*map(str, args), *FLAGS, "--format", fmt, "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def read_csv(text: str) -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(text))


def test_run_json_and_summary_equal_the_cli(tmp_path: Path) -> None:
    result = api.run(XAAS, **SETTINGS)

    assert result.to_json() == cli_output(tmp_path, "run", XAAS, fmt="json")
    pd.testing.assert_frame_equal(
        result.summary(), read_csv(cli_output(tmp_path, "run", XAAS, fmt="csv"))
    )


def test_compare_with_overrides_equals_the_cli_with_set(tmp_path: Path) -> None:
    result = api.compare([TRADITIONAL, XAAS], overrides={"budget.annual": "30M"}, **SETTINGS)
    args = ["compare", TRADITIONAL, XAAS, "--set", "budget.annual=30M"]

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")
    assert result.to_markdown() == cli_output(tmp_path, *args, fmt="markdown")
    pd.testing.assert_frame_equal(
        result.summary(), read_csv(cli_output(tmp_path, *args, fmt="csv"))
    )
    assert '"budget.annual=30M"' in result.to_json()


def test_loaded_plans_and_a_named_baseline_give_what_their_files_give() -> None:
    from_files = api.compare([XAAS, TRADITIONAL], baseline="traditional", **SETTINGS)
    loaded = api.compare(
        [api.load(XAAS), api.load(TRADITIONAL)], baseline="traditional", **SETTINGS
    )

    assert loaded.to_json() == from_files.to_json()
    assert loaded.baseline == "Traditional" == loaded.plans[0]


def test_a_plan_loaded_with_overrides_runs_as_set_does() -> None:
    loaded = api.run(api.load(XAAS, overrides={"budget.annual": "30M"}), **SETTINGS)
    called = api.run(XAAS, overrides=["budget.annual=30M"], **SETTINGS)

    assert loaded.to_json() == called.to_json()


def test_sweep_json_and_summary_equal_the_cli(tmp_path: Path) -> None:
    vary = "allocation.customer_success_manager=10%,30%"
    result = api.sweep(XAAS, vary, baseline=TRADITIONAL, **SETTINGS)
    args = ["sweep", XAAS, "--vary", vary, "--baseline", TRADITIONAL]

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")
    pd.testing.assert_frame_equal(
        result.summary(), read_csv(cli_output(tmp_path, *args, fmt="csv"))
    )
    assert set(result.comparisons()["point"]) == {
        "allocation.customer_success_manager=10%",
        "allocation.customer_success_manager=30%",
    }


def test_pairwise_compare_equals_the_cli_and_its_frame_is_antisymmetric(tmp_path: Path) -> None:
    result = api.compare([TRADITIONAL, XAAS], pairwise=True, **SETTINGS)
    args = ["compare", TRADITIONAL, XAAS, "--pairwise"]

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")
    pd.testing.assert_frame_equal(
        result.summary(), read_csv(cli_output(tmp_path, *args, fmt="csv"))
    )
    frame = result.pairwise()
    assert len(frame) == 2 and frame["prob_beats"].sum() == pytest.approx(1.0)
    assert "prob_best" in result.comparisons().columns


@pytest.mark.parametrize("plan_only", [False, True])
def test_a_world_key_sweep_equals_the_cli_with_and_without_plan_only(
    tmp_path: Path, plan_only: bool
) -> None:
    vary = "customers.renewal.adopted.covered=90%,99%"
    result = api.sweep(XAAS, vary, baseline=TRADITIONAL, plan_only=plan_only, **SETTINGS)
    args = ["sweep", XAAS, "--vary", vary, "--baseline", TRADITIONAL]
    args += ["--vary-plan-only"] if plan_only else []

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")


def test_sensitivity_json_and_summary_equal_the_cli(tmp_path: Path) -> None:
    result = api.sensitivity(COVERED, baseline=UNCOVERED, metric="npv", top=3, **SETTINGS)
    args = ["sensitivity", COVERED, "--baseline", UNCOVERED, "--metric", "npv", "--top", "3"]

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")
    pd.testing.assert_frame_equal(
        result.summary(), read_csv(cli_output(tmp_path, *args, fmt="csv"))
    )


def test_explain_json_equals_the_cli(tmp_path: Path) -> None:
    result = api.explain(COVERED, baseline=UNCOVERED, metric="npv", **SETTINGS)
    args = ["explain", COVERED, "--baseline", UNCOVERED, "--metric", "npv"]

    assert result.to_json() == cli_output(tmp_path, *args, fmt="json")
    assert list(result.parts()["part"]) == [p.name for p in result.result.parts]


def test_optimize_json_equals_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    result = api.optimize(XAAS, maxiter=2, popsize=4, **SETTINGS)
    args = ["optimize", XAAS, "--maxiter", "2", "--popsize", "4", *FLAGS, "--format", "json"]
    capsys.readouterr()
    assert main(list(map(str, args))) == 0  # optimize's --output is the best plan's YAML

    assert result.to_json() == capsys.readouterr().out
    assert abs(sum(result.best_split.values()) - 1.0) < 1e-9


def test_samples_equal_the_cli_samples_file(tmp_path: Path) -> None:
    result = api.compare([TRADITIONAL, XAAS], **SETTINGS)
    samples = tmp_path / "trials.csv"
    args = ["compare", TRADITIONAL, XAAS, "--samples", samples]
    cli_output(tmp_path, *args, fmt="json")

    pd.testing.assert_frame_equal(result.samples(), pd.read_csv(samples))


def test_series_are_tidy_one_row_per_plan_series_and_month() -> None:
    result = api.compare([TRADITIONAL, XAAS], **SETTINGS)
    series = result.series()

    assert list(series.columns) == ["plan", "series", "month", "p10", "p50", "p90"]
    arr = series[(series["plan"] == "XaaS") & (series["series"] == "arr")]
    assert list(arr["month"]) == list(range(1, 25))
    assert (arr["p10"] <= arr["p50"]).all() and (arr["p50"] <= arr["p90"]).all()
    assert list(result.bridge()["plan"].unique()) == ["Traditional", "XaaS"]
