"""The ``report`` command's outputs: the HTML document, or the same charts as PNG files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coverage_sim.analysis.assumptions import Assumption
from coverage_sim.report import charts
from coverage_sim.report.assumptions_out import assumptions_html
from coverage_sim.report.figures import ChartSpec, run_charts
from coverage_sim.report.html import render_html
from coverage_sim.report.includes import IncludedSection, included_section
from coverage_sim.report.model import RunReport, TrialSamples


def _sections(documents: Sequence[dict[str, Any]]) -> list[IncludedSection]:
    return [included_section(document, index) for index, document in enumerate(documents)]


def html_report(
    report: RunReport,
    samples: Sequence[TrialSamples],
    documents: Sequence[dict[str, Any]] = (),
    assumptions: Sequence[Assumption] = (),
) -> str:
    """The self-contained HTML document (report/html.py) with every chart as inline SVG."""

    def drawn(specs: Sequence[ChartSpec]) -> list[tuple[ChartSpec, str]]:
        return [(spec, charts.to_svg(spec.draw())) for spec in specs]

    included = [(section, drawn(section.charts)) for section in _sections(documents)]
    charts_drawn = drawn(run_charts(report, samples))
    return render_html(report, charts_drawn, included, assumptions_html(assumptions))


def png_charts(
    report: RunReport, samples: Sequence[TrialSamples], documents: Sequence[dict[str, Any]] = ()
) -> list[tuple[str, bytes]]:
    """Every chart of the HTML report as ``(NN-key.png, bytes)``, numbered in report order."""
    specs = list(run_charts(report, samples))
    for section in _sections(documents):
        specs += section.charts
    return [
        (f"{index:02d}-{spec.key}.png", charts.to_png(spec.draw()))
        for index, spec in enumerate(specs, start=1)
    ]
