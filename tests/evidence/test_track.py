"""``track``: the actuals' place in the fan, the reweighted trials, and bad actuals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coverage_sim.analysis.track_run import track_plan
from coverage_sim.cli import main
from coverage_sim.engine import simulate
from coverage_sim.execution import SerialExecutor
from coverage_sim.run_plan import plan_run
from coverage_sim.runner import compile_planned

FIXTURES = Path(__file__).parents[1] / "cli" / "fixtures"
XAAS, TRAD = FIXTURES / "xaas.yaml", FIXTURES / "traditional.yaml"
SERIES = ("arr", "customers", "new_logos")


def _simulated(trials: int = 1_000) -> tuple[object, dict[str, np.ndarray], dict[str, np.ndarray]]:
    plan = plan_run([TRAD, XAAS], baseline=str(TRAD), trials=trials, months=24)
    compiled = compile_planned(plan.scenarios[-1].scenario, plan.settings)
    outcome = simulate(compiled, plan.settings.seed)
    return plan, outcome.series, compiled.draws


def _write(path: Path, series: dict[str, np.ndarray], months: int, scale: float = 1.0) -> Path:
    lines = ["month," + ",".join(SERIES)]
    for m in range(months):
        arr = series["arr"][m] * scale
        lines.append(
            f"{m + 1},{arr:.2f},{int(series['customers'][m])},{int(series['new_logos'][m])}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_actuals_from_one_trial_move_the_posterior_toward_its_inputs(tmp_path: Path) -> None:
    """The measure: the expected squared distance of the trials' inputs from the source
    trial's (each input in widths of its 90% interval, summed over the inputs) falls under
    the posterior weights to below 90% of its prior value, for each of five source trials
    (measured: 59% to 81%)."""
    plan, series, draws = _simulated()
    uncertain = [p for p in draws if np.ptp(draws[p]) > 0]
    for k in (11, 222, 333, 444, 555):
        actuals = _write(tmp_path / f"a{k}.csv", {s: series[s][k] for s in SERIES}, 12)
        result = track_plan(plan, actuals, SerialExecutor())
        distance = sum(
            ((draws[p] - draws[p][k]) / np.subtract(*np.percentile(draws[p], [95, 5]))) ** 2
            for p in uncertain
        )
        prior, posterior = np.mean(distance), np.sum(result.trial_weights * distance)
        assert posterior < 0.9 * prior, (k, posterior / prior)
        assert result.ess >= 100 and not result.collapsed


def test_actuals_at_the_plans_p50_leave_the_verdict_within_monte_carlo_error(
    tmp_path: Path,
) -> None:
    plan, series, _ = _simulated()
    median = {s: np.median(series[s], axis=0) for s in SERIES}
    result = track_plan(plan, _write(tmp_path / "p50.csv", median, 12), SerialExecutor())
    assert result.prob_better is not None and result.prob_better_prior is not None
    p = result.prob_better_prior
    tolerance = 3 * np.sqrt(p * (1 - p) / result.ess)  # binomial error of the weighted share
    assert abs(result.prob_better - p) <= tolerance
    assert not result.collapsed


def test_absurd_actuals_warn_that_the_weights_collapsed(capsys, tmp_path: Path) -> None:
    _, series, _ = _simulated(500)
    actuals = _write(tmp_path / "x100.csv", {s: series[s][7] for s in SERIES}, 6, scale=100.0)
    capsys.readouterr()
    code = main(
        [
            "track",
            str(XAAS),
            str(actuals),
            "--baseline",
            str(TRAD),
            "--trials",
            "500",
            "--months",
            "24",
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    assert document["collapsed"] is True and document["closest"] > 3
    assert "not to be trusted" in err


def test_the_updated_overlay_validates_and_runs(capsys, tmp_path: Path) -> None:
    _, series, _ = _simulated(500)
    actuals = _write(tmp_path / "a.csv", {s: series[s][3] for s in SERIES}, 9)
    updated = tmp_path / "updated.yaml"
    capsys.readouterr()
    code = main(
        [
            "track",
            str(XAAS),
            str(actuals),
            "--trials",
            "500",
            "--months",
            "24",
            "--output",
            str(updated),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert "extends:" in updated.read_text()
    assert main(["run", str(updated), "--trials", "200", "--months", "12"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month,arr\n1,5M\n", "bad.csv:2: column 'arr': expected a non-negative number, got '5M'"),
        ("month,arr\n1,12%\n", "bad.csv:2: column 'arr'"),
        ("month,customers\n1,-3\n", "bad.csv:2: column 'customers'"),
        ("month,arr\n1,100\n3,100\n", "month 2 is missing"),
        ("month,arr\n1,100\n1,100\n", "month 1 appears twice"),
        ("month,revenue\n1,100\n", "column 'revenue': unknown series"),
        ("month,churned_arr\n1,100\n", "not a monthly series of the model"),
        ("month,heads.nobody\n1,3\n", "column 'heads.nobody': unknown series"),
        ("arr\n100\n", "missing column 'month'"),
        ("month\n1\n", "no series to track"),
    ],
)
def test_bad_actuals_exit_2_naming_file_row_and_column(
    capsys, tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    capsys.readouterr()
    code = main(["track", str(XAAS), str(bad), "--trials", "200", "--months", "12"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err, err
    assert "Traceback" not in err


def test_months_beyond_the_horizon_are_refused(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "long.csv"
    bad.write_text("month,arr\n" + "".join(f"{m},100\n" for m in range(1, 15)))
    capsys.readouterr()
    code = main(["track", str(XAAS), str(bad), "--trials", "200", "--months", "12"])
    assert code == 2
    assert "14 months of actuals; the plan runs 12" in capsys.readouterr().err
