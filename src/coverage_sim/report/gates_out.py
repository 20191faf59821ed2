"""The "Requirements" section that ends a Markdown output given ``--require``.

One row per requirement and scenario in its scope (``require.gate_results``): the
requirement as typed, the scenario, its figure and ✓ (held) or ✗ (not held, or undefined),
then a line saying whether every gate held. The exit code says the same (1 when one did
not hold); stderr names the shortfalls.
"""

from __future__ import annotations

from collections.abc import Sequence

from coverage_sim.report.markdown import escape
from coverage_sim.require import GateResult
from coverage_sim.text import visible

HELD, NOT_HELD = "✓", "✗"


def gates_markdown(results: Sequence[GateResult]) -> list[str]:
    """The section's lines (none without a requirement)."""
    if not results:
        return []
    lines = [
        "",
        "### Requirements",
        "",
        "| Requirement | Scenario | Figure | Held |",
        "|---|---|---:|:---:|",
    ]
    for result in results:
        cells = [
            escape(visible(result.requirement.text, keep_layout=False)),
            escape(visible(result.scenario, keep_layout=False)),
            escape(result.figure),
            HELD if result.held else NOT_HELD,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    failed = sum(1 for r in results if not r.held)
    lines.append("")
    lines.append(
        f"{NOT_HELD} {failed} of {len(results)} checks did not hold: the command exits 1."
        if failed
        else f"{HELD} All {len(results)} checks held."
    )
    return lines
