from __future__ import annotations

import csv
import dataclasses
import io

from report_factory import make_report, metric_summary, scenario_summary

from coverage_sim.metrics.definitions import METRICS
from coverage_sim.report.csv_out import neutralize, render_csv
from coverage_sim.report.model import RunReport


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_the_documented_header_and_one_row_per_scenario_and_metric() -> None:
    report = make_report(("Traditional", "XaaS", "Transition"))
    rows = _rows(render_csv(report))
    assert rows[0] == [
        "scenario",
        "metric",
        "mean",
        "sd",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
        "delta_mean",
        "delta_p50",
        "prob_better",
        "prob_best",
    ]
    assert len(rows) == 1 + 3 * len(METRICS)
    assert [r[1] for r in rows[1 : 1 + len(METRICS)]] == list(METRICS)
    assert {r[0] for r in rows[1:]} == {"Traditional", "XaaS", "Transition"}


def test_csv_neutralizes_names_a_spreadsheet_would_run_as_formulas() -> None:
    names = ('=HYPERLINK("http://evil.example","click")', "-x", "@x", "+1", "\tx", "\rx", "ok")
    report = make_report(names)
    rows = _rows(render_csv(report))
    first_cells = list(dict.fromkeys(r[0] for r in rows[1:]))
    assert first_cells == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'-x",
        "'@x",
        "'+1",
        "'\tx",
        "'\rx",
        "ok",
    ]


def test_negative_numbers_stay_unquoted_numbers() -> None:
    summary = scenario_summary("Loss maker")
    metrics = dict(summary.metrics)
    metrics["contribution"] = metric_summary(-1_500_000.0)
    report = make_report(("Loss maker",))
    report = dataclasses.replace(report, scenarios=[dataclasses.replace(summary, metrics=metrics)])
    text = render_csv(report)
    line = next(x for x in text.splitlines() if ",contribution," in x)
    assert line.startswith("Loss maker,contribution,-1500000.0,150000.0,")
    assert "'" not in line and '"' not in line
    assert float(line.split(",")[2]) == -1_500_000.0


def test_undefined_statistics_are_empty_cells_never_nan() -> None:
    summary = scenario_summary("No logos", undefined=("cac", "clv_cac"))
    report = RunReport(make_report(("x",)).settings, [summary])
    text = render_csv(report)
    assert "nan" not in text.lower()
    assert "No logos,cac,,,,,,,,,,,\n" in text


def test_neutralize_leaves_ordinary_text_alone() -> None:
    assert neutralize("XaaS coverage") == "XaaS coverage"
    assert neutralize("a=b") == "a=b"


def test_csv_is_byte_identical_for_the_same_report() -> None:
    assert render_csv(make_report()) == render_csv(make_report())
