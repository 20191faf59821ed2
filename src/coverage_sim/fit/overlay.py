"""The plan overlay ``fit --output`` writes: a scenario file that ``extends`` the plan and
sets every fitted key, each under a comment naming the file, rows, method and fit quality.

Injection-safe by construction: every value and the ``extends`` path are written with
``yaml.safe_dump`` (quoted as YAML needs), and comment text has its control characters,
newlines included, made visible, so no file name or cell can start a new line or key.
"""

from __future__ import annotations

from typing import Any

import yaml

from coverage_sim.fit.result import FitSummary, OverlayKey
from coverage_sim.text import yaml_comment


def _scalar(value: Any) -> str:
    """A value as one line of YAML flow text (a mapping becomes ``{a: 1, b: 2}``)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=False)
    text = text.strip()
    return text[: -len("...")].strip() if text.endswith("...") else text


def overlay_text(
    summaries: list[FitSummary], *, extends: str, plan_name: str, command: str, version: str
) -> str:
    """The overlay's YAML text. ``extends`` is the plan's path relative to the overlay."""
    keys: dict[tuple[str, ...], OverlayKey] = {}
    for summary in summaries:
        for key in summary.overlay:
            keys[key.path] = key
    files = ", ".join(f for s in summaries for f in s.files)
    name = plan_name if plan_name.endswith("(fitted)") else plan_name + " (fitted)"
    lines = [
        yaml_comment(f"Written by coverage-sim {version} `{command}` from {files}."),
        yaml_comment("Each key below is fitted from data; everything else comes from the plan it"),
        yaml_comment("extends. Observational data: fitted coverage effects are associations, not"),
        yaml_comment("causal effects (docs/fit.md)."),
        f"extends: {_scalar(extends)}",
        f"name: {_scalar(name)}",
        f"description: {_scalar('Plan overlay fitted by coverage-sim fit from ' + files)}",
    ]
    written: list[tuple[str, ...]] = []
    for path in sorted(keys):
        key = keys[path]
        common = 0
        if written:
            previous = written[-1]
            while common < min(len(previous), len(path)) - 1 and previous[common] == path[common]:
                common += 1
        for depth in range(common, len(path) - 1):
            lines.append("  " * depth + f"{_scalar(path[depth])}:")
        indent = "  " * (len(path) - 1)
        lines.append(indent + yaml_comment(key.comment))
        lines.append(indent + f"{_scalar(path[-1])}: {_scalar(key.value)}")
        written.append(path)
    return "\n".join(lines) + "\n"
