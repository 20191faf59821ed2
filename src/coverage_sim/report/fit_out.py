"""``fit`` summaries as table, json, csv or markdown text.

- table: the estimates with their intervals, each detail table, the dropped rows and notes;
- json: one object: ``estimates.<name>.{value, low, high, method, unit}`` (``low``/``high``
  null when the data do not bound them), ``tables.<name>.{columns, rows}``, ``dropped``,
  ``notes`` and the ``overlay`` keys with their comments;
- csv: one row per estimate: ``fit,estimate,value,low,high,unit,method``;
- markdown: the table output as markdown tables.
"""

from __future__ import annotations

import json
import math
from typing import Any

from coverage_sim import __version__
from coverage_sim.fit.result import Cell, Detail, Estimate, FitSummary
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.formats import OutputFormat
from coverage_sim.text import json_safe, visible

CSV_HEADER = ("fit", "estimate", "value", "low", "high", "unit", "method")


def _shown(value: Cell | float, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return visible(value, keep_layout=False)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "-"
    if unit == "rate":
        return f"{value:.2%}"
    if unit == "money":
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _estimate_rows(summary: FitSummary) -> list[list[str]]:
    return [
        [e.name, _shown(e.value, e.unit), _shown(e.low, e.unit), _shown(e.high, e.unit), e.method]
        for e in summary.estimates
    ]


def _detail_rows(detail: Detail) -> list[list[str]]:
    return [
        [
            _shown(c, "rate" if name in detail.rates and isinstance(c, float) else "")
            for c, name in zip(row, detail.columns, strict=True)
        ]
        for row in detail.rows
    ]


def _plain(columns: list[str], rows: list[list[str]]) -> list[str]:
    widths = [
        max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)
    ]
    out = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _markdown(columns: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return out


def _header(summary: FitSummary) -> str:
    files = ", ".join(summary.files)
    return f"fit {summary.kind}: {files}; {summary.rows_used:,} rows read"


def _dropped(summary: FitSummary) -> list[str]:
    return [f"dropped {n:,} rows: {visible(why)}" for why, n in summary.dropped.items()]


def render_text(summaries: list[FitSummary], *, markdown: bool) -> str:
    table = _markdown if markdown else _plain
    out: list[str] = []
    for summary in summaries:
        title = visible(_header(summary), keep_layout=False)
        out += [f"## {title}" if markdown else title, ""]
        out += table(["estimate", "value", "low", "high", "interval"], _estimate_rows(summary))
        for detail in summary.details:
            out += ["", f"### {detail.title}", ""] if markdown else ["", detail.title]
            out += table(list(detail.columns), _detail_rows(detail))
        extra = _dropped(summary) + [visible(n) for n in summary.notes]
        if extra:
            out.append("")
            out += [f"- {line}" if markdown else line for line in extra]
        out.append("")
    return "\n".join(out)


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _estimate_json(estimate: Estimate) -> dict[str, Any]:
    item = {k: _json_number(v) for k, v in estimate.as_dict().items()}
    item["unit"] = estimate.unit
    return item


def render_json(summaries: list[FitSummary]) -> str:
    fits = []
    for s in summaries:
        fits.append(
            {
                "fit": s.kind,
                "files": s.files,
                "rows_used": s.rows_used,
                "dropped": s.dropped,
                "level": s.level,
                "estimates": {e.name: _estimate_json(e) for e in s.estimates},
                "tables": {
                    d.name: {
                        "title": d.title,
                        "columns": list(d.columns),
                        "rows": [[_json_number(c) for c in row] for row in d.rows],
                    }
                    for d in s.details
                },
                "notes": s.notes,
                "overlay": {
                    ".".join(k.path): {"value": k.value, "comment": k.comment} for k in s.overlay
                },
            }
        )
    document = {"tool": "coverage-sim", "version": __version__, "fits": fits}
    return json_safe(json.dumps(document, indent=2, allow_nan=False)) + "\n"


def render_csv(summaries: list[FitSummary]) -> str:
    lines = [",".join(CSV_HEADER)]
    for s in summaries:
        for e in s.estimates:
            numbers = [csv_number(v) for v in (e.value, e.low, e.high)]
            lines.append(",".join([s.kind, csv_text(e.name), *numbers, e.unit, csv_text(e.method)]))
    return "\n".join(lines) + "\n"


def render_fit(summaries: list[FitSummary], output_format: OutputFormat) -> str:
    """The summaries in ``output_format``."""
    if output_format is OutputFormat.json:
        return render_json(summaries)
    if output_format is OutputFormat.csv:
        return render_csv(summaries)
    return render_text(summaries, markdown=output_format is OutputFormat.markdown)
