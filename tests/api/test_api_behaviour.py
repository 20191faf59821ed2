"""How the API behaves beyond its figures: typed errors, the pandas extra, warnings, the
HTML it shows in Jupyter, and what ``import coverage_sim`` costs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import coverage_sim
from coverage_sim import api

ROOT = Path(__file__).parents[1]
PLANS = ROOT / "cli" / "fixtures"
TRADITIONAL, XAAS = PLANS / "traditional.yaml", PLANS / "xaas.yaml"
SETTINGS = {"trials": 200, "months": 12, "workers": 1}


def test_an_invalid_plan_raises_scenario_error_with_file_line_and_key(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    xaas = XAAS.read_text().replace("base.yaml", (PLANS / "base.yaml").as_posix())
    broken.write_text(xaas + "budget:\n  annual: lots\n")
    line = len(xaas.splitlines()) + 2

    with pytest.raises(api.ScenarioError) as caught:
        api.load(broken)

    assert caught.value.file is not None and caught.value.file.endswith("broken.yaml")
    assert caught.value.key == "budget.annual"
    assert caught.value.line == line
    assert isinstance(caught.value, coverage_sim.CoverageSimError)


def test_a_bad_argument_raises_usage_error_not_system_exit() -> None:
    with pytest.raises(api.UsageError, match="--trials"):
        api.run(XAAS, trials=0, workers=1)
    with pytest.raises(api.UsageError, match="--method"):
        api.sensitivity(XAAS, metric="npv", method="guess")
    with pytest.raises(api.UsageError, match="at least two"):
        api.compare(XAAS, **SETTINGS)


def test_an_override_that_does_not_validate_names_its_key() -> None:
    with pytest.raises(api.ScenarioError) as caught:
        api.run(XAAS, overrides={"budget.annual": "-5M"}, **SETTINGS)
    assert caught.value.key == "budget.annual"


def test_plans_loaded_with_different_overrides_are_refused() -> None:
    cheap = api.load(XAAS, overrides={"budget.annual": "10M"})
    with pytest.raises(api.UsageError, match="different overrides"):
        api.compare([cheap, TRADITIONAL], **SETTINGS)


def test_without_pandas_a_dataframe_method_names_the_api_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = api.run(XAAS, **SETTINGS)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError

    with pytest.raises(ImportError, match=r"coverage-sim\[api\]"):
        result.summary()
    assert result.to_json().startswith("{")  # everything else works without pandas


def test_cli_warnings_arrive_as_coverage_sim_warnings(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(XAAS.read_text().replace("base.yaml", (PLANS / "base.yaml").as_posix()))
    other.write_text(other.read_text() + "simulation: {trials: 5000}\n")

    with pytest.warns(api.CoverageSimWarning, match="trials 5000 ignored"):
        api.compare([TRADITIONAL, other], months=12, workers=1)


def test_the_jupyter_table_is_the_verdict_with_plan_names_escaped(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.yaml"
    base = (PLANS / "base.yaml").as_posix()
    allocation = XAAS.read_text().split("name: XaaS\n")[1]
    sneaky.write_text(f"extends: {base}\nname: '<script>alert(1)</script> & co'\n{allocation}")

    html = api.compare([TRADITIONAL, sneaky], **SETTINGS)._repr_html_()

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "P(better)" in html and "Traditional" in html


def test_import_coverage_sim_loads_nothing_heavy() -> None:
    code = (
        "import sys, coverage_sim; heavy = ('numpy', 'pandas', 'scipy', 'matplotlib', 'numba'); "
        "print(' '.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()

    assert loaded == []


def test_the_package_re_exports_the_api_lazily() -> None:
    assert set(coverage_sim.__all__) - {"__version__"} == set(api.__all__)
    assert coverage_sim.compare is api.compare
    assert coverage_sim.ScenarioError is api.ScenarioError
    assert "sweep" in dir(coverage_sim)
    with pytest.raises(AttributeError):
        _ = coverage_sim.no_such_function  # type: ignore[attr-defined]


def test_gates_are_checked_as_the_cli_checks_them() -> None:
    result = api.compare([TRADITIONAL, XAAS], **SETTINGS)

    result.require("xaas:nrr.p50 >= 50%", "nrr.p50 > 0")  # held: no exception
    with pytest.raises(api.RequirementNotMet, match=r'"xaas:nrr.p50 >= 500%" not met'):
        result.require("xaas:nrr.p50 >= 500%")
    with pytest.raises(api.UsageError):
        result.require("nobody:nrr.p50 >= 1")
