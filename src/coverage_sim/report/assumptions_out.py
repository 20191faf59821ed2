"""The HTML report's "Assumptions" section (``analysis.assumptions``)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from coverage_sim.analysis.assumptions import Assumption
from coverage_sim.report.why_text import input_value

UNSOURCED = "unsourced"


def assumptions_html(items: Sequence[Assumption]) -> str:
    """A table: input, plans, 90% range, source (the comment beside the key) and where."""
    if not items:
        return ""
    e = html.escape
    rows = []
    for item in items:
        source = e(item.source) if item.source else f"<strong>{UNSOURCED}</strong>"
        rows.append(
            f"<tr><td>{e(item.path)}</td><td>{e(', '.join(item.plans))}</td>"
            f'<td class="num">{e(input_value(item.p5))} to {e(input_value(item.p95))}</td>'
            f"<td>{source}</td><td>{e(item.where)}</td></tr>"
        )
    unsourced = sum(1 for item in items if not item.source)
    intro = (
        f"Every uncertain input of the plans ({len(items)}), its 90% range (p5 to p95) and "
        "the comment written beside it in the scenario file: the source of the assumption. "
        f"{unsourced} have no comment and are marked {UNSOURCED}."
    )
    head = "".join(
        f"<th>{h}</th>" for h in ("Input", "Plans", "90% range", "Source (YAML comment)", "Where")
    )
    return (
        f'<section id="assumptions"><h2>Assumptions</h2><p>{e(intro)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )
