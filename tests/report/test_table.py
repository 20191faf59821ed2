from __future__ import annotations

import re

import pytest
from report_factory import make_report

from coverage_sim.report.render import OutputFormat, render

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize(
    "names",
    [
        ("Only one scenario",),
        ("Traditional", "XaaS"),
        ("Traditional", "XaaS", "Transition", "LAER endgame with a rather long name", "Best"),
    ],
)
def test_table_fits_80_columns(names: tuple[str, ...]) -> None:
    text = render(make_report(names), OutputFormat.table, width=80, color=False)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Ending ARR" in text
    assert "ARR bridge" in text


def test_coloured_table_still_fits_80_columns() -> None:
    text = render(make_report(), OutputFormat.table, width=80, color=True)
    assert ANSI.search(text)
    assert max(len(ANSI.sub("", line)) for line in text.splitlines()) <= 80


def test_plain_table_has_no_escape_codes() -> None:
    text = render(make_report(), OutputFormat.table, width=80, color=False)
    assert "\x1b" not in text


def test_markup_in_a_scenario_name_prints_literally() -> None:
    name = "XaaS [bold]coverage[/] [/] [red"
    text = render(make_report(("Traditional", name)), OutputFormat.table, width=120, color=False)
    assert name in text


def test_compare_table_shows_percentiles_delta_and_probability() -> None:
    text = render(make_report(), OutputFormat.table, width=100, color=False)
    header = next(line for line in text.splitlines() if "P10" in line and "P(better)" in line)
    assert re.search(r"P10\s+P50\s+P90\s+Δ p50\s+P\(better\)", header)
    xaas_rows = [line for line in text.splitlines() if line.strip().startswith("XaaS")]
    assert any(line.split()[-2:] == ["+$6.25M", "93%"] for line in xaas_rows)


def test_table_shows_an_arr_band_for_each_scenario() -> None:
    text = render(make_report(), OutputFormat.table, width=80, color=False)
    labels = [
        line.split()[-3] for line in text.splitlines() if re.search(r"\bp(10|50|90)\b +[▁-█]", line)
    ]
    assert labels.count("p50") == 2
    assert "▁" in text and "█" in text


def test_a_long_name_that_wraps_keeps_its_band_lines_together() -> None:
    name = "Best-in-class XaaS (AGI Cloud Sales Index) with a long name"
    text = render(make_report(("Traditional", name)), OutputFormat.table, width=80, color=False)
    lines = text.splitlines()
    band = [i for i, line in enumerate(lines) if re.search(r"\bp(90|50|10)\b +[▁-█]", line)]
    assert len(band) == 6
    assert band[3:] == [band[3], band[3] + 1, band[3] + 2]  # p90, p50, p10 on consecutive lines
    assert lines[band[3]].startswith(" Best-in-class")


def test_table_is_byte_identical_for_the_same_report() -> None:
    first = render(make_report(), OutputFormat.table, width=80, color=False)
    assert first == render(make_report(), OutputFormat.table, width=80, color=False)


def test_compare_table_states_the_monte_carlo_precision_of_p_better() -> None:
    from coverage_sim.report.table import probability_precision

    assert probability_precision(10_000) == (
        "P(better) is within ±1.0 points (95%, Monte Carlo) at 10,000 trials."
    )
    text = render(make_report(), OutputFormat.table, width=80, color=False)
    assert "P(better) is within ±4.9 points (95%, Monte Carlo) at 400 trials." in text
