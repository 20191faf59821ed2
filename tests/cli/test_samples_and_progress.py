"""--samples (one row per plan and trial) and live progress (every block of 1,000 trials)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from cli_helpers import FAST, FIXTURES

from coverage_sim.metrics.definitions import METRICS
from coverage_sim.runner import execute, plan_run

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"


def test_samples_csv_has_one_row_per_plan_and_trial_with_metrics_and_draws(
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "trials.csv"
    result = cli("compare", TRAD, XAAS, *FAST, "--brief", "--samples", path)
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == 200 * 2
    header = list(rows[0])
    assert header[:2] == ["scenario", "trial"]
    assert header[2 : 2 + len(METRICS)] == list(METRICS)
    draws = header[2 + len(METRICS) :]
    assert "customers.land_acv" in draws
    assert any(d.startswith("roles.account_executive.") for d in draws)
    assert [r["trial"] for r in rows[:3]] == ["0", "1", "2"]
    assert {r["scenario"] for r in rows} == {"Traditional", "XaaS"}
    # paired: trial i of both plans drew the same shared input
    by_plan = {name: [r for r in rows if r["scenario"] == name] for name in ("Traditional", "XaaS")}
    assert [r["customers.land_acv"] for r in by_plan["Traditional"]] == [
        r["customers.land_acv"] for r in by_plan["XaaS"]
    ]
    assert all(float(r["npv"]) == float(r["npv"]) for r in rows)


def test_samples_agree_with_the_summary(cli, tmp_path: Path) -> None:
    import json
    import statistics

    path = tmp_path / "trials.csv"
    result = cli("run", XAAS, *FAST, "--format", "json", "--samples", path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    npv = [float(r["npv"]) for r in rows]
    reported = json.loads(result.stdout)["scenarios"][0]["metrics"]["npv"]
    assert statistics.fmean(npv) == pytest.approx(reported["mean"], rel=1e-12)


def test_samples_parquet_by_suffix(cli, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "trials.parquet"
    result = cli("compare", TRAD, XAAS, *FAST, "--brief", "--samples", path)
    assert result.code == 0, result.stderr
    table = pq.read_table(path)
    assert table.num_rows == 200 * 2
    assert table.column_names[:2] == ["scenario", "trial"]
    assert "npv" in table.column_names and "customers.land_acv" in table.column_names


def test_samples_without_pyarrow_exits_2_saying_how_to_install(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    result = cli("run", XAAS, *FAST, "--samples", tmp_path / "t.parquet")
    assert result.code == 2
    assert "coverage-sim[samples]" in result.stderr
    assert not (tmp_path / "t.parquet").exists()


def test_samples_into_a_missing_folder_exits_2_before_simulating(cli, tmp_path: Path) -> None:
    result = cli("run", XAAS, *FAST, "--samples", tmp_path / "nowhere" / "t.csv")
    assert result.code == 2
    assert "--samples" in result.stderr and "does not exist" in result.stderr


@pytest.mark.parametrize("link", ["same", "hard link"])
def test_samples_and_output_on_one_file_exit_2_and_keep_it(cli, tmp_path: Path, link: str) -> None:
    kept = tmp_path / "y.csv"
    kept.write_text("mine\n")
    other = kept
    if link == "hard link":
        other = tmp_path / "h.csv"
        other.hardlink_to(kept)
    result = cli("run", XAAS, *FAST, "--samples", other, "--output", kept, "--format", "json")
    assert result.code == 2
    assert "are the same file" in result.stderr
    assert kept.read_text() == "mine\n"


def test_runner_reports_progress_after_every_block_of_1000_trials() -> None:
    plan = plan_run([TRAD, XAAS], trials=2500, months=3)
    calls: list[tuple[int, str, int, int]] = []
    execute(plan, on_progress=lambda *args: calls.append(args))
    assert [(i, done, total) for i, _, done, total in calls] == [
        (0, 1000, 2500),
        (0, 2000, 2500),
        (0, 2500, 2500),
        (1, 1000, 2500),
        (1, 2000, 2500),
        (1, 2500, 2500),
    ]


def test_progress_with_a_callback_gives_the_same_results() -> None:
    plan = plan_run([TRAD, XAAS], trials=1500, months=6)
    quiet = execute(plan)
    shown = execute(plan, on_progress=lambda *args: None)
    assert quiet.scenarios[1].metrics == shown.scenarios[1].metrics
    assert quiet.comparisons == shown.comparisons


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_progress_shows_elapsed_time_eta_and_the_whole_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coverage_sim.cli import main

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert main(["compare", str(TRAD), str(XAAS), *FAST, "--brief"]) == 0
    shown = terminal.getvalue()
    assert "elapsed" in shown and "ETA" in shown
    assert "all 2 plans" in shown and "400/400" in shown


def test_samples_names_and_key_paths_show_control_characters_and_never_start_formulas() -> None:
    import numpy as np

    from coverage_sim.report.model import TrialSamples
    from coverage_sim.report.samples import samples_csv

    plan = TrialSamples(
        "=evil\x1b[2J",
        {"npv": np.array([1.0, np.nan])},
        {"roles.ae\x07.attrition": np.array([0.1, 0.2])},
    )
    text = samples_csv([plan])
    assert "\x1b" not in text and "\x07" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["scenario", "trial", "npv", "roles.ae\\x07.attrition"]
    assert rows[1] == ["'=evil\\x1b[2J", "0", "1.0", "0.1"]
    assert rows[2] == ["'=evil\\x1b[2J", "1", "", "0.2"]


def test_samples_with_another_extension_warn_and_write_csv(cli, tmp_path: Path) -> None:
    path = tmp_path / "trials.xlsx"
    result = cli("run", XAAS, *FAST, "--samples", path, "--format", "json")
    assert result.code == 0, result.stderr
    assert f"--samples {path}: not .csv or .parquet; writing CSV" in result.stderr
    assert path.read_text().startswith("scenario,trial,")
