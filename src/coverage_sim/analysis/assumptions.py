"""Every uncertain input of a run's plans, its 90% range and the source written beside it.

The report's "Assumptions" section (docs/cli.md, "report"): for each uncertain input (a key
whose value is a range or a distribution, ``CompiledScenario.draws``), the plans that have
it, its p5..p95, and the YAML comment next to the key in the file that set it: on the
key's own line, else the comment lines right above it. An input with no such comment is
"unsourced". A key changed by ``--set`` says so instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coverage_sim.analysis.inputs import UncertainInput, uncertain_inputs
from coverage_sim.run_plan import RunPlan
from coverage_sim.safe_read import read_regular_file
from coverage_sim.scenario import compile_scenario
from coverage_sim.scenario.extends import load_with_extends

FILE_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class Assumption:
    path: str
    plans: tuple[str, ...]
    p5: float
    p95: float
    source: str | None  # the comment next to the key; None: unsourced
    where: str  # file:line of the key, or the --set that gave it


def _comment(lines: list[str], line: int) -> str | None:
    """The comment on 1-based ``line`` after its value, else the comment lines above it."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[index + 1 :].strip() or None
    above: list[str] = []
    row = line - 2
    while row >= 0 and lines[row].strip().startswith("#"):
        above.insert(0, lines[row].strip().lstrip("#").strip())
        row -= 1
    joined = " ".join(part for part in above if part)
    return joined or None


def _lines(path: Path) -> list[str]:
    """The file's lines (none when it cannot be read again: its inputs are unsourced)."""
    try:
        return read_regular_file(path, FILE_LIMIT).decode("utf-8", "replace").splitlines()
    except Exception:
        return []


def assumptions(plan: RunPlan) -> list[Assumption]:
    """The run's uncertain inputs in compile order, each once (its first plan's source)."""
    texts: dict[str, list[str]] = {}
    found: dict[str, tuple[UncertainInput, list[str], str | None, str]] = {}
    overridden = {o.split("=", 1)[0].strip() for o in plan.settings.overrides}
    for item in plan.scenarios:
        compiled = compile_scenario(item.scenario, trials=2, seed=plan.settings.seed)
        doc = load_with_extends(item.path)
        for entry in uncertain_inputs([(item.scenario, compiled)]):
            if entry.path in found:
                found[entry.path][1].append(item.name)
                continue
            source: str | None = None
            where = f"--set {entry.path}"
            mark = doc.marks.get(tuple(entry.path.split(".")))
            if entry.path not in overridden and mark is not None and mark.line is not None:
                if mark.file not in texts:
                    texts[mark.file] = _lines(Path(mark.file))
                source = _comment(texts[mark.file], mark.line)
                where = f"{mark.file}:{mark.line}"
            found[entry.path] = (entry, [item.name], source, where)
    return [
        Assumption(
            path,
            tuple(names),
            entry.quantile(0.05),
            entry.quantile(0.95),
            source,
            where,
        )
        for path, (entry, names, source, where) in found.items()
    ]
