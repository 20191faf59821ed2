"""``extends:``: build a scenario on another file (MODEL.md §3.0).

The parent path is relative to the file that names it. Maps merge deeply and the
child's keys win; lists and scalars are replaced whole; a mapping with a ``dist``
key (a distribution) replaces whatever was there rather than merging into it.
``name``, ``description``, ``template`` and ``extends`` describe one file and are not
inherited. Every key keeps the location (file, line) it came from, so an error in an
inherited key names the parent file. A cycle is reported with the whole chain. A chain
holds at most ``MAX_CHAIN`` files, the file run included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coverage_sim.errors import ScenarioIssue
from coverage_sim.scenario.yaml_loader import KeyPath, Location, YamlDocument, load_yaml

PER_FILE_KEYS = ("name", "description", "template", "extends")
MAX_CHAIN = 16


def load_with_extends(path: Path) -> YamlDocument:
    """``path`` with its ``extends`` chain resolved and merged; issues from every file."""
    return _load(path, [])


def _load(path: Path, chain: list[Path]) -> YamlDocument:
    doc = load_yaml(path)
    if not doc.data:
        return doc
    parent_ref = doc.data.get("extends")
    if parent_ref is None:
        return doc
    where = doc.marks.get(("extends",), Location(str(path), 1, 1))

    def issue(message: str) -> YamlDocument:
        doc.issues.append(ScenarioIssue(where.file, "extends", message, where.line, where.column))
        return doc

    if not isinstance(parent_ref, str) or not parent_ref.strip():
        return issue("expected the relative path of a YAML file, e.g. extends: base.yaml")
    here = _resolved(path)
    parent_path = path.parent / parent_ref
    parent_resolved = _resolved(parent_path)
    seen = [*chain, here]
    if parent_resolved in seen:
        names = [p.name for p in seen[seen.index(parent_resolved) :]] + [parent_resolved.name]
        return issue("extends cycle: " + " -> ".join(names))
    if len(seen) >= MAX_CHAIN:
        return issue(
            f"extends chain is longer than {MAX_CHAIN} files (the file run and its parents); "
            "shorten it"
        )
    parent = _load(parent_path, seen)
    doc.sources.extend(parent.sources)
    file_level = [i for i in parent.issues if i.file == str(parent_path) and i.line is None]
    if not parent.data and file_level:
        for problem in file_level:
            issue(f"cannot use {parent_ref!r}: {problem.message}")
        doc.issues.extend(i for i in parent.issues if i not in file_level)
        return doc
    doc.issues[:0] = parent.issues
    inherited = {k: v for k, v in parent.data.items() if k not in PER_FILE_KEYS}
    doc.data = merge(inherited, doc.data)
    doc.marks = _merged_marks(doc.data, doc.marks, parent.marks)
    return doc


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return path.absolute()


def _is_distribution(value: Any) -> bool:
    return isinstance(value, dict) and "dist" in value


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: maps merge (child wins), everything else (and distributions) is replaced."""
    result = dict(parent)
    for key, value in child.items():
        old = result.get(key)
        if (
            isinstance(old, dict)
            and isinstance(value, dict)
            and not _is_distribution(old)
            and not _is_distribution(value)
        ):
            result[key] = merge(old, value)
        else:
            result[key] = value
    return result


def _merged_marks(
    data: Any, child: dict[KeyPath, Location], parent: dict[KeyPath, Location]
) -> dict[KeyPath, Location]:
    """Each path of the merged tree takes the child's location when it has one."""
    marks: dict[KeyPath, Location] = {}

    def walk(value: Any, path: KeyPath) -> None:
        location = child.get(path) or parent.get(path)
        if location is not None:
            marks[path] = location
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(data, ())
    return marks
