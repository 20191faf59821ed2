"""One entry point for every output format: a ``RunReport`` to text."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from coverage_sim.report.console import console_text
from coverage_sim.report.csv_out import render_csv
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.gates_out import gates_markdown
from coverage_sim.report.json_out import render_json
from coverage_sim.report.markdown import render_markdown
from coverage_sim.report.model import RunReport, Selection
from coverage_sim.report.table import render_table
from coverage_sim.require import GateResult
from coverage_sim.text import json_safe, visible

__all__ = ["OutputFormat", "render"]


def render(
    report: RunReport,
    output_format: OutputFormat,
    *,
    width: int = 100,
    color: bool = False,
    selection: Selection | None = None,
    gates: Sequence[GateResult] = (),
) -> str:
    """The report as text in ``output_format``.

    ``width`` and ``color`` only affect ``table``; the caller decides them (a terminal's
    width, colour only on a terminal without NO_COLOR). The console is given an empty
    environment so that nothing here depends on environment variables. ``selection``
    (``--sections``, ``--metrics``) applies to every format. ``gates`` (the ``--require``
    results, ``require.gate_results``) end the Markdown in a "Requirements" section.
    """
    selection = selection or Selection()
    if output_format is OutputFormat.json:
        return json_safe(render_json(report, selection))
    report = visible_report(report)
    if output_format is OutputFormat.csv:
        return render_csv(report, selection)
    if output_format is OutputFormat.markdown:
        text = render_markdown(report, selection)
        return text + "".join(line + "\n" for line in gates_markdown(gates))
    return console_text(
        lambda console: render_table(report, console, selection), width=width, color=color
    )


def visible_report(report: RunReport) -> RunReport:
    """``report`` with every text that came from a scenario file made visible
    (``coverage_sim.text.visible``): scenario names, the baseline and the sources."""

    def names(value: str) -> str:
        return visible(value)

    return dataclasses.replace(
        report,
        scenarios=[dataclasses.replace(s, name=names(s.name)) for s in report.scenarios],
        comparisons=[
            dataclasses.replace(c, scenario=names(c.scenario), baseline=names(c.baseline))
            for c in report.comparisons
        ],
        baseline=None if report.baseline is None else names(report.baseline),
        sources=[visible(source, keep_layout=False) for source in report.sources],
        differences=[
            dataclasses.replace(
                d,
                scenario=names(d.scenario),
                baseline=names(d.baseline),
                paths=tuple(names(p) for p in d.paths),
            )
            for d in report.differences
        ],
    )
