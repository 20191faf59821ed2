from __future__ import annotations

from report_factory import make_report

from coverage_sim.metrics.definitions import METRICS
from coverage_sim.report.markdown import escape, render_markdown


def _table_rows(text: str, after_heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(after_heading) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_markdown_has_a_row_per_metric_and_scenario_with_the_comparison() -> None:
    text = render_markdown(make_report())
    rows = _table_rows(text, "### Metrics")
    assert rows[0].startswith("| Metric | Scenario | Mean | P10 | P50 | P90 | Δ mean")
    assert len(rows) == 2 + 2 * len(METRICS)
    xaas_nrr = next(r for r in rows if r.startswith("| NRR | XaaS |"))
    assert xaas_nrr.endswith("| +10.4 pp | +10.4 pp | 93% |")


def test_pipes_and_markup_in_scenario_names_cannot_break_a_table() -> None:
    name = "A | B *bold* [x]"
    text = render_markdown(make_report(("Base", name)))
    rows = _table_rows(text, "### Metrics")
    header_cells = rows[0].count(" | ")
    escaped = escape(name)
    assert escaped == r"A \| B \*bold\* \[x\]"
    for row in rows[2:]:
        assert row.replace(r"\|", "").count(" | ") == header_cells
    assert f"### ARR bridge: {escaped}" in text


def test_markdown_of_one_scenario_has_no_comparison_columns() -> None:
    text = render_markdown(make_report(("Only",)))
    rows = _table_rows(text, "### Metrics")
    assert rows[0] == "| Metric | Scenario | Mean | P10 | P50 | P90 |"
    assert "Baseline" not in text


def test_markdown_is_byte_identical_for_the_same_report() -> None:
    assert render_markdown(make_report()) == render_markdown(make_report())
