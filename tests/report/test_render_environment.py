"""Renderers read no environment: width and colour are the CLI's decision alone."""

from __future__ import annotations

import pytest
from report_factory import make_report

from coverage_sim.report.render import OutputFormat, render

ENVIRONMENT = {
    "FORCE_COLOR": "1",
    "NO_COLOR": "1",
    "TERM": "xterm-256color",
    "COLORTERM": "truecolor",
    "COLUMNS": "43",
    "LINES": "7",
    "TTY_COMPATIBLE": "1",
    "TTY_INTERACTIVE": "1",
}


@pytest.mark.parametrize("output_format", list(OutputFormat))
@pytest.mark.parametrize("color", [False, True])
def test_render_output_does_not_change_with_terminal_environment_variables(
    monkeypatch: pytest.MonkeyPatch, output_format: OutputFormat, color: bool
) -> None:
    report = make_report(("Traditional", "XaaS"))
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    plain = render(report, output_format, width=90, color=color)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    assert render(report, output_format, width=90, color=color) == plain
    monkeypatch.setenv("TERM", "dumb")
    assert render(report, output_format, width=90, color=color) == plain
