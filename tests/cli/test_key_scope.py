"""World keys change every plan of a sweep (the baseline too), plan keys the plan varied."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from cli_helpers import FAST as RUN_FAST
from cli_helpers import FIXTURES

from coverage_sim.analysis.evaluate import PlanTask, evaluate_plan
from coverage_sim.analysis.sweep import plan_sweep

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"
FAST = [*RUN_FAST, "--workers", "1"]
WORLD_KEY = "customers.renewal.adopted.covered"
VALUES = ("90%", "99%")


def _samples(path: Path) -> dict[str, list[float]]:
    """NPV per trial of every plan in a ``--samples`` CSV."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    out: dict[str, list[float]] = {}
    for row in rows:
        out.setdefault(row["scenario"], []).append(float(row["npv"]))
    return out


@pytest.mark.parametrize("value", VALUES)
def test_a_world_key_swept_at_v_equals_compare_set_v_for_both_plans_trial_by_trial(
    cli, tmp_path: Path, value: str
) -> None:
    samples = tmp_path / "trials.csv"
    setting = f"{WORLD_KEY}={value}"
    compare = cli(
        "compare", TRAD, XAAS, "--set", setting, *RUN_FAST, "--format", "json",
        "--samples", samples,
    )  # fmt: skip
    assert compare.code == 0, compare.stderr
    trials = _samples(samples)
    doc = json.loads(compare.stdout)
    base_name, plan_name = (s["name"] for s in doc["scenarios"])

    plan = plan_sweep(
        XAAS,
        [f"{WORLD_KEY}={','.join(VALUES)}"],
        baseline=TRAD,
        trials=200,
        months=24,
    )
    point = next(p for p in plan.points if p.values[WORLD_KEY] == value)
    assert point.baseline is not None
    for scenario, name in ((point.scenario, plan_name), (point.baseline, base_name)):
        npv = evaluate_plan(PlanTask(scenario, plan.settings, ("npv",)))["npv"]
        assert list(npv) == trials[name]

    sweep = cli(
        "sweep", XAAS, "--vary", f"{WORLD_KEY}={','.join(VALUES)}", "--baseline", TRAD,
        *FAST, "--format", "json",
    )  # fmt: skip
    assert sweep.code == 0, sweep.stderr
    figures = next(p for p in json.loads(sweep.stdout)["points"] if p["values"][WORLD_KEY] == value)
    pair = next(c for c in doc["comparisons"] if c["metric"] == "npv")
    npv = figures["metrics"]["npv"]
    assert (npv["delta_p50"], npv["delta_mean"], npv["prob_better"]) == (
        pair["delta_p50"],
        pair["delta_mean"],
        pair["prob_better"],
    )
    assert npv["p50"] == doc["scenarios"][1]["metrics"]["npv"]["p50"]
    assert figures["changes"] == ["plan", "baseline"]


def test_vary_plan_only_keeps_the_baseline_as_written(cli) -> None:
    vary = f"{WORLD_KEY}=90%,99%"
    shared = cli("sweep", XAAS, "--vary", vary, "--baseline", TRAD, *FAST, "--format", "json")
    alone = cli(
        "sweep", XAAS, "--vary", vary, "--baseline", TRAD, "--vary-plan-only", *FAST,
        "--format", "json",
    )  # fmt: skip
    assert shared.code == 0 and alone.code == 0, shared.stderr + alone.stderr
    compare = cli("compare", TRAD, XAAS, "--set", f"{WORLD_KEY}=90%", *RUN_FAST, "--format", "json")
    written = cli("compare", TRAD, XAAS, *RUN_FAST, "--format", "json")
    base_at_90 = json.loads(compare.stdout)["scenarios"][0]["metrics"]["npv"]["p50"]
    base_written = json.loads(written.stdout)["scenarios"][0]["metrics"]["npv"]["p50"]
    assert not math.isclose(base_at_90, base_written)
    point = json.loads(alone.stdout)["points"][0]
    assert point["changes"] == ["plan"]
    assert json.loads(alone.stdout)["changes"] == ["plan"]
    assert json.loads(shared.stdout)["vary"][0]["changes"] == ["plan", "baseline"]
    # plan only: Δ against the baseline as written, so the point's p50 minus its Δ is not the
    # baseline at 90%
    figures = point["metrics"]["npv"]
    assert (
        figures["delta_p50"]
        != json.loads(shared.stdout)["points"][0]["metrics"]["npv"]["delta_p50"]
    )


def test_a_plan_key_changes_the_plan_only_and_every_format_says_so(cli) -> None:
    vary = ["--vary", "budget.annual=10M,12M", "--baseline", TRAD, *FAST]
    table = cli("sweep", XAAS, *vary)
    markdown = cli("sweep", XAAS, *vary, "--format", "markdown")
    csv_out = cli("sweep", XAAS, *vary, "--format", "csv")
    world = cli("sweep", XAAS, "--vary", f"{WORLD_KEY}=90%,99%", *vary[2:], "--format", "csv")
    assert "changes the plan only" in table.stdout
    assert "changes the plan only" in markdown.stdout
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert {r["changes"] for r in rows if r["kind"] == "point"} == {"plan"}
    rows = list(csv.DictReader(io.StringIO(world.stdout)))
    assert {r["changes"] for r in rows if r["kind"] == "point"} == {"plan+baseline"}
